"""Which inputs each page depends on, as hashable tokens.

Every page declares the tokens it reads (a product's text, a gemeente's local
facts, the titles of linked products...). A page's fingerprint is the hash of its
tokens' hashes, so a build can tell without rendering whether a page can have
changed. The same rules answer "which pages does this edit affect?" for the
CMS's publish → rebuild.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cached_property

from samenloket.model import Catalogue
from samenloket.resolve import is_offered, profile_for
from samenloket.stamp import HOME_AND_NEWS_FIELDS

Token = tuple[str, ...]

# What only the homepage ("home") and the news pages ("news") show of a
# gemeente's profile: not in its "site" token, which every page reads.
HOME_AND_NEWS = frozenset(HOME_AND_NEWS_FIELDS)


def _hash(value: object) -> str:
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(data.encode(), digest_size=12).hexdigest()


_NONE_HASH = _hash(None)


# Tokens whose value comes from the national texts alone, not from any
# gemeente or profile: the same in a catalogue with a placeholder gemeente added.
_NATIONAL_KINDS = frozenset({"product", "head", "event", "events", "upl", "events_of"})


class DependencyIndex:
    """Hashes of every token of one catalogue (computed lazily, once).

    `national`: an index of the catalogue this one's was made from by adding a
    gemeente (samenloket.stamp.masked_catalogue): the national tokens' hashes
    are taken from it instead of being made again (a shape's index, one per
    site with data of its own).
    """

    def __init__(self, catalogue: Catalogue, code_version: str,
                 national: DependencyIndex | None = None):
        self.catalogue = catalogue
        self.code_version = code_version
        self._cache: dict[Token, str] = {}
        self._parts: dict[Token, str] = {}  # "kind/arg|hash", ready to join
        self._offered: dict[str, list[str]] = {}
        self._national = national

    def token_hash(self, token: Token) -> str:
        cached = self._cache.get(token)
        if cached is None:
            if self._national is not None and token[0] in _NATIONAL_KINDS:
                cached = self._cache[token] = self._national.token_hash(token)
                return cached
            value = self._value(token)
            # Most gemeenten override nothing: most local tokens are None.
            cached = self._cache[token] = _NONE_HASH if value is None else _hash(value)
        return cached

    def fingerprint(self, tokens: Iterable[Token], *more: Token) -> str:
        """Hash of the tokens' names and hashes (~50,000 calls per full build).

        `more` are added after `tokens` (a page's tokens plus its site's theme,
        without copying the list).
        """
        parts = self._parts
        joined = "|".join([parts.get(t) or self._part(t) for t in (*tokens, *more)])
        data = f"{self.code_version}|{joined}".encode()
        return hashlib.blake2b(data, digest_size=16).hexdigest()

    def _part(self, token: Token) -> str:
        part = self._parts[token] = f"{'/'.join(token)}|{self.token_hash(token)}"
        return part

    def offered(self, cbs: str) -> list[str]:
        """Slugs this gemeente offers, sorted (cached: many pages ask)."""
        cached = self._offered.get(cbs)
        if cached is None:
            cached = self._offered[cbs] = [
                slug
                for slug in sorted(self.catalogue.products)
                if is_offered(self.catalogue, cbs, slug)
            ]
        return cached

    @cached_property
    def events_of_product(self) -> dict[str, tuple[str, ...]]:
        """Life events that link each product (for 'appears in' lists)."""
        result: dict[str, list[str]] = {}
        for slug, event in self.catalogue.life_events.items():
            for step in event.steps:
                for item in step.items:
                    product = getattr(item, "product", None)
                    if product:
                        result.setdefault(product, [])
                        if slug not in result[product]:
                            result[product].append(slug)
        return {k: tuple(sorted(v)) for k, v in result.items()}

    def _value(self, token: Token) -> object:
        kind, *args = token
        cat = self.catalogue
        if kind == "product":  # a national product's full text
            return cat.products[args[0]].model_dump(mode="json")
        if kind == "head":  # what a link or card shows of a product
            product = cat.products[args[0]]
            return [product.title, product.summary]
        if kind == "local":  # one gemeente's facts for one product
            profile = cat.profiles.get(args[0])  # most gemeenten have none
            local = profile.products.get(args[1]) if profile else None
            return local.model_dump(mode="json") if local else None
        if kind == "local_head":  # what a link or card shows of a local product
            profile = cat.profiles.get(args[0])
            local = profile.products.get(args[1]) if profile else None
            if local is None:
                return None
            head = [local.offered, local.title, local.summary]
            national = cat.products.get(args[1])
            # An override of facts alone (fees, links...) changes no link or card.
            default = [national.default_offered if national else True, None, None]
            return None if head == default else head
        if kind == "event":
            return cat.life_events[args[0]].model_dump(mode="json")
        if kind == "events":  # the list of life events (navigation, home)
            return [
                [e.slug, e.title, e.summary, e.order] for e in cat.life_events.values()
            ]
        if kind == "site":  # a gemeente's own data, without products, news, home
            profile = profile_for(cat, args[0])
            return [
                cat.gemeenten[args[0]].model_dump(mode="json"),
                profile.model_dump(mode="json", exclude=HOME_AND_NEWS | {"products"}),
                cat.settings.model_dump(mode="json"),
            ]
        if kind == "home":  # the homepage's own text
            profile = profile_for(cat, args[0])
            return [profile.welcome_title, profile.welcome]
        if kind == "offered":  # which products this gemeente offers, with titles
            return [
                [slug, self._local_title(args[0], slug)]
                for slug in self.offered(args[0])
            ]
        if kind == "news":
            return [n.model_dump(mode="json") for n in profile_for(cat, args[0]).news]
        if kind == "upl":  # a UPL entry as the reference list has it (label)
            entry = cat.upl.get(args[0])
            return entry.model_dump(mode="json") if entry is not None else None
        if kind == "events_of":  # which life events show a product
            return list(self.events_of_product.get(args[0], ()))
        if kind == "modified":  # the dcterms:modified date of the SC feeds
            from exports.sc_feed import default_modified

            return default_modified(cat).isoformat()
        if kind == "theme":  # resolved by the builder and registered explicitly
            raise KeyError(f"theme token {token} must be registered before use")
        raise KeyError(f"unknown dependency token {token}")

    def _local_title(self, cbs: str, slug: str) -> str:
        local = profile_for(self.catalogue, cbs).products.get(slug)
        return (
            local.title if local and local.title else None
        ) or self.catalogue.products[slug].title

    def register(self, token: Token, value_hash: str) -> None:
        """Set the hash of a token computed elsewhere (themes, templates)."""
        self._cache[token] = value_hash
        self._parts.pop(token, None)


def inputs_digest(catalogue: Catalogue, code_version: str, *more: object) -> str:
    """One digest of everything a build reads: code, the whole catalogue, and
    `more` (options, dates). A site built from the same digest, with all its
    files still there, needs no look at its pages at all (~5 ms for all of it,
    against ~3 ms per site to fingerprint every page)."""
    digest = hashlib.sha256(f"{code_version}|{more!r}|".encode())
    digest.update(catalogue.model_dump_json().encode())
    return digest.hexdigest()[:32]


def product_tokens(index: DependencyIndex, cbs: str, slug: str) -> list[Token]:
    product = index.catalogue.products[slug]
    tokens: list[Token] = [
        ("site", cbs),
        ("events",),
        ("product", slug),
        ("local", cbs, slug),
        ("offered", cbs),
    ]
    tokens += [("head", r) for r in product.related if r in index.catalogue.products]
    tokens += [
        ("local_head", cbs, r) for r in product.related if r in index.catalogue.products
    ]
    return tokens


def life_event_tokens(index: DependencyIndex, cbs: str, slug: str) -> list[Token]:
    tokens: list[Token] = [
        ("site", cbs),
        ("events",),
        ("event", slug),
        ("offered", cbs),
    ]
    for step in index.catalogue.life_events[slug].steps:
        for item in step.items:
            product = getattr(item, "product", None)
            if product:
                tokens += [("head", product), ("local_head", cbs, product)]
    return tokens


def site_wide_tokens(index: DependencyIndex, cbs: str) -> list[Token]:
    """Pages that list every offered product (A–Z, search, sitemap, feeds);
    the homepage and sitemap add the news ("news") they show, the homepage
    its text ("home")."""
    offered = index.offered(cbs)
    tokens: list[Token] = [("site", cbs), ("events",), ("offered", cbs)]
    tokens += [("head", slug) for slug in offered]
    tokens += [("local_head", cbs, slug) for slug in offered]
    return tokens


def full_catalogue_tokens(index: DependencyIndex, cbs: str) -> list[Token]:
    """Outputs that carry whole product texts (SC feed, open data)."""
    offered = index.offered(cbs)
    tokens = site_wide_tokens(index, cbs)
    tokens += [("product", slug) for slug in offered]
    tokens += [("local", cbs, slug) for slug in offered]
    tokens += [("event", slug) for slug in sorted(index.catalogue.life_events)]
    upl = {uri for slug in offered for uri in index.catalogue.products[slug].upl}
    tokens += [("upl", uri) for uri in sorted(upl)]
    tokens.append(("modified",))
    return tokens


def export_piece_tokens(index: DependencyIndex, cbs: str, slug: str) -> list[Token]:
    """One product's entry in the SC feed and the open data of one gemeente."""
    tokens = product_tokens(index, cbs, slug)
    tokens += [("upl", uri) for uri in index.catalogue.products[slug].upl]
    tokens += [("events_of", slug), ("modified",)]
    return tokens


def export_keys(index: DependencyIndex, cbs: str) -> dict[str, str]:
    """Per offered product, the key of its export piece (see exports.pieces)."""
    return {
        slug: index.fingerprint(export_piece_tokens(index, cbs, slug))
        for slug in index.offered(cbs)
    }
