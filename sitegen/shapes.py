"""Sites that differ only in their gemeente's identity are rendered once.

Before the workers start, the build plans which sites share a *shape*
(`plan_shapes`): the same local data (for most gemeenten: none) but for the
values of their contact details and desks, which only need the same form
(`local_form_key`), the same theme, and values that can be stamped
(samenloket.stamp). In each
worker a shape is a `SiteShape`: the first time one of its sites needs a page,
the page is rendered for the shape's placeholder gemeente, cut into a stamp
and checked against that site's real rendering; from then on every site of the
shape gets the stamp filled with its own values. The SC feed and open data are
filled in the same way from exports.stamped, after the same check against a
fully validated export.

A gemeente's homepage text and news do not change its shape either: the
placeholder has none (samenloket.stamp.without_home_and_news), and the pages
that show them (the tokens "home" and "news": homepage, news pages and feed,
sitemap) and its news items are made for a site that has them alone.

A page whose check fails, and every site that shares its shape with no other
(a gemeente whose data have a form of their own), is rendered in full, exactly
as without shapes. Such a site may still share its SC feed and open data
(`ExportShape`): those show only its product facts besides its identity, so
gemeenten with their own contact details or desks but the national product
facts fill them in alike.

The sites of a shape share one local search bundle (`search_inputs`): its
pages rendered for the placeholder, with a placeholder word wherever they
show the name or a contact detail (samenloket.stamp.search_words), which the
search script of each site maps to and from its own values, and the
product texts each of them changed, which only its own site shows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from functools import cached_property
from typing import Any

import jinja2
from xxhash import xxh3_128_hexdigest

from exports import SiteExport
from exports.opendata import OPEN_DATA_PATH
from exports.sc_feed import SC_FEED_PATH
from exports.sc_pieces import owms_gemeenten
from exports.stamped import ExportStamp, export_stamps, identity_ok
from samenloket.model import Catalogue, GemeenteProfile
from samenloket.resolve import ResolvedProduct, profile_for
from samenloket.stamp import (
    HOME_AND_NEWS_FIELDS,
    MASK_CBS,
    Stamp,
    identity_values,
    local_form,
    masked_catalogue,
    own_facts,
    own_home,
    own_news,
    product_heads,
    stamp_values,
)

from .budget import RawRefs, page_refs
from .deps import DependencyIndex, Token, export_piece_tokens
from .search import (
    Record,
    local_key,
    local_page_paths,
    local_products,
    local_records,
    own_page_key,
    own_page_records,
)
from .site import PageSpec, SiteInfo, site_pages

EXPORT_PATHS = frozenset({SC_FEED_PATH, OPEN_DATA_PATH})
_UNCHECKED: Any = object()  # not rendered yet in this worker

Render = Callable[[PageSpec, jinja2.Environment, SiteInfo], bytes]


def _hash(value: object) -> str:
    data = json.dumps(value, sort_keys=True, default=str)
    return hashlib.blake2b(data.encode(), digest_size=12).hexdigest()


def local_data_key(catalogue: Catalogue, cbs: str) -> str:
    """What a site shows besides national texts and its identity: its own data
    (profile without its code; none for most) and its theme."""
    return _profile_key(catalogue, cbs, lambda profile: profile)


def local_form_key(catalogue: Catalogue, cbs: str) -> str:
    """As local_data_key, but with the same sign for every contact detail or
    desk value a placeholder masks (samenloket.stamp.local_form): equal for
    gemeenten whose data of their own have the same form."""
    return _profile_key(catalogue, cbs,
                        lambda profile: local_form(profile, catalogue.products))


def _profile_key(catalogue: Catalogue, cbs: str,
                 view: Callable[[GemeenteProfile], GemeenteProfile]) -> str:
    profile = catalogue.profiles.get(cbs)
    local = (None if profile is None
             else view(profile).model_dump(mode="json", exclude={"cbs_code"}))
    return _hash([local, profile_for(catalogue, cbs).theme])


# At most this many own product texts in one local search bundle: a bigger
# index is cut into more chunks by Pagefind, and a first search may load two
# (sitegen.budget.first_search_bytes), past its limit. A homepage text or news
# item counts for its length against a product's whole text (~4,000 characters).
OWN_TEXTS_PER_BUNDLE = 10
PRODUCT_TEXT_CHARS = 4000


def search_groups(catalogue: Catalogue, codes: Iterable[str],
                  shapes: Mapping[str, str]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """CBS code → the local search bundle its site shares (a key), and the sites
    that share it (their own product texts are in it, see
    SiteShape.search_inputs).

    Sites share one when they have the same shape, else the same local data.
    The own texts of a shape's gemeenten are spread over bundles of at most
    OWN_TEXTS_PER_BUNDLE (in order of CBS code; a gemeente's are never split);
    sites without any join the first.
    """
    together: dict[str, list[str]] = {}
    for cbs in sorted(codes):
        shape = shapes.get(cbs)
        key = shape if shape is not None else local_data_key(catalogue, cbs)
        together.setdefault(key, []).append(cbs)
    result: dict[str, tuple[str, tuple[str, ...]]] = {}
    for key, members in together.items():
        batches: list[list[str]] = [[]]
        counts = [0.0]
        for cbs in members:
            texts = _own_text_count(catalogue, cbs)
            if texts and counts[-1] and counts[-1] + texts > OWN_TEXTS_PER_BUNDLE:
                batches.append([])
                counts.append(0.0)
            batches[-1 if texts else 0].append(cbs)
            counts[-1 if texts else 0] += texts
        for number, batch in enumerate(batches):
            group = key if number == 0 else _hash([key, number])
            result.update((cbs, (group, tuple(batch))) for cbs in batch)
    return result


def _own_text_count(catalogue: Catalogue, cbs: str) -> float:
    """How many product texts a gemeente changed (sitegen.search.local_products
    counts only offered products; this bound is close enough to share out),
    with its homepage text and news in parts of a product text."""
    profile = catalogue.profiles.get(cbs)
    if profile is None:
        return 0
    products = sum(1 for o in profile.products.values()
                   if o.title or o.summary or o.local_text or o.sections)
    chars = len(profile.welcome_title or "") + len(profile.welcome) + sum(
        len(item.title) + len(item.summary) + len(item.body) for item in profile.news)
    return products + chars / PRODUCT_TEXT_CHARS


def plan_shapes(catalogue: Catalogue, codes: Iterable[str]) -> dict[str, str]:
    """CBS code → shape key, for every site that shares its shape with another.

    A shape is the same local data, but for the values of contact details and
    desks (local_form_key); sites whose values cannot be stamped get none.
    """
    groups: dict[str, list[str]] = {}
    for cbs in codes:
        profile = catalogue.profiles.get(cbs)
        if stamp_values(catalogue.gemeenten[cbs], profile) is not None:
            key = local_form_key(catalogue, cbs)
            groups.setdefault(key, []).append(cbs)
    return {cbs: key for key, members in groups.items() if len(members) > 1
            for cbs in members}


# The products whose facts the placeholder page being checked may show (its
# "local" tokens); None outside a check.
_FACTS_SHOWN: ContextVar[frozenset[str] | None] = ContextVar("facts_shown",
                                                              default=None)
# What a gemeente may set of a product besides its head (product_heads).
FACT_FIELDS = frozenset({"local", "sections", "local_text", "fees", "fees_are_local",
                         "delivery_time", "application_url", "login", "example",
                         "online_aanvragen", "overridden"})


class _FactGuardedProduct(ResolvedProduct):
    """A placeholder's product whose facts only a page that declares them (a
    "local" token: the product's own page) may read.

    The sites of a shape differ in their product facts, so a page that shows
    one elsewhere (a theme's homepage with leges, say) cannot be filled in:
    reading it raises while the page is checked, and the page is rendered in
    full for every gemeente, as samenloket.stamp.Opaque does for names.
    """

    def __getattribute__(self, name: str) -> Any:
        if name in FACT_FIELDS:
            shown = _FACTS_SHOWN.get()
            if shown is not None and \
                    object.__getattribute__(self, "product").slug not in shown:
                raise TypeError("productfeiten staan alleen op de eigen productpagina")
        return object.__getattribute__(self, name)


# Which of "home" (the homepage text) and "news" the placeholder page being
# checked declares, and so may read of the profile; None outside a check.
_PROFILE_SHOWN: ContextVar[frozenset[str] | None] = ContextVar("profile_shown",
                                                                default=None)

_PROFILE_KINDS = frozenset(HOME_AND_NEWS_FIELDS.values())


class _GuardedProfile(GemeenteProfile):
    """A placeholder's profile whose homepage text and news only a page that
    declares them (a "home" or "news" token) may read.

    The sites of a shape differ in those, so a page that shows them elsewhere
    (a theme's footer with the latest news, say) cannot be filled in: reading
    them raises while the page is checked, and the page is rendered in full
    for every gemeente, as for product facts (_FactGuardedProduct).
    """

    def __getattribute__(self, name: str) -> Any:
        kind = HOME_AND_NEWS_FIELDS.get(name)
        if kind is not None:
            shown = _PROFILE_SHOWN.get()
            if shown is not None and kind not in shown:
                raise TypeError("homepagetekst en nieuws staan alleen op de eigen "
                                "pagina's")
        return super().__getattribute__(name)


class _PlaceholderSite(SiteInfo):
    """The placeholder gemeente's site, with fact-guarded products and profile."""

    @cached_property
    def profile(self) -> GemeenteProfile:
        profile = super().profile
        return _GuardedProfile.model_construct(_fields_set=profile.model_fields_set,
                                               **dict(profile))

    @cached_property
    def products(self) -> list[ResolvedProduct]:
        guarded = []
        for product in super().products:
            copy = object.__new__(_FactGuardedProduct)
            copy.__dict__.update(product.__dict__)
            guarded.append(copy)
        return guarded


def _shape_paths(pages: Mapping[str, PageSpec], site: SiteInfo) -> list[str]:
    """The paths of a site's pages that its shape's placeholder has too: all
    but its news items (the placeholder has no news)."""
    items = {f"nieuws/{item.slug}/index.html" for item in site.profile.news}
    return [path for path in pages if path not in items]


def _shared_tokens(tokens: list[Token]) -> list[Token]:
    """A placeholder page's tokens that are alike for every site of its shape:
    all but its own data (the identity, contact details and desks) and its
    product facts, which plan() and export_keys() add per site."""
    return [t for t in tokens if t[0] != "site" and t[0] != "local"]


def _combined(fingerprint: str, own: str) -> str:
    """A page's fingerprint for one site (one per page of every site: XXH3, as
    content_hash, is ~6x faster than BLAKE2 here)."""
    return xxh3_128_hexdigest(f"{fingerprint}|{own}".encode())


class SiteShape:
    """One shape in one worker: its placeholder site and the stamps made so far.

    Made from the first site of the shape that the worker builds; `render` is the
    builder's page renderer (its errors name the real gemeente).
    """

    def __init__(self, catalogue: Catalogue, cbs: str, theme_name: str,
                 logo: str | None, index: DependencyIndex, render: Render):
        """`index`: the build's, for `catalogue` (its national tokens are reused)."""
        self.catalogue = masked_catalogue(catalogue, cbs)
        self.site = _PlaceholderSite(self.catalogue, MASK_CBS, theme_name, logo=logo)
        self._index = DependencyIndex(self.catalogue, index.code_version,
                                      national=index)
        self._render = render
        self._specs: dict[str, PageSpec] | None = None
        self._pages: dict[str, Stamp | None] = {}
        self._fingerprints: dict[str, str] | None = None  # per path, see plan()
        self._facts_read: dict[str, list[str]] = {}  # per path, see plan()
        self._profile_read: dict[str, frozenset[str]] = {}  # "home"/"news", per path
        self._local_pages: list[tuple[str, str]] | None = None  # see search_inputs
        self._profile = self.catalogue.profiles.get(MASK_CBS)
        self._export_keys: dict[str, str] | None = None  # per product slug
        self.stamped = 0  # pages filled in from a stamp (for the summary)
        # What each stamped page loads, where that is the same for every site
        # of the shape (no identity value in an address): the weight budget
        # need not look for it in every filled copy.
        self.refs: dict[str, RawRefs] = {}

    def _placeholder_specs(self) -> dict[str, PageSpec]:
        if self._specs is None:
            self._specs = {s.path: s for s in site_pages(self.site, self._index)}
        return self._specs

    def _spec(self, path: str) -> PageSpec | None:
        return self._placeholder_specs().get(path)

    def plan(self, site: SiteInfo, index: DependencyIndex, theme_hash: str,
             own: Callable[[], dict[str, PageSpec]]) -> list[tuple[str, str]] | None:
        """(path, fingerprint) of every page of `site`, from the shape's pages.

        A page's fingerprint is its placeholder fingerprint (every input but
        the identity and the product facts) combined with the site's own
        token (gemeente and profile), theme and facts of the products the
        page shows in full (a product page: one; the exports: all): no token
        list is walked per site. None when the site's pages are not the
        shape's (never, by construction; checked on the first site): then the
        site is planned the usual way.
        """
        if self._fingerprints is None:
            if _shape_paths(own(), site) != list(self._placeholder_specs()):
                self._fingerprints = {}
            else:
                self._fingerprints = {
                    path: self._index.fingerprint(_shared_tokens(spec.tokens))
                    for path, spec in self._placeholder_specs().items()}
                self._facts_read = {
                    path: slugs for path, spec in self._placeholder_specs().items()
                    if (slugs := [t[2] for t in spec.tokens if t[0] == "local"])}
                self._profile_read = {
                    path: kinds for path, spec in self._placeholder_specs().items()
                    if (kinds := frozenset(t[0] for t in spec.tokens
                                           if t[0] in _PROFILE_KINDS))}
        if not self._fingerprints:
            return None
        cbs = site.cbs_code
        own_hash = f"{index.token_hash(('site', cbs))}|{theme_hash}"
        facts = self._facts_read
        shared = [(path, _combined(fingerprint, own_hash) if path not in facts
                   else _combined(fingerprint, own_hash + "".join(
                       index.token_hash(("local", cbs, slug)) for slug in facts[path])))
                  for path, fingerprint in self._fingerprints.items()]
        if not self._reads_own_profile(site):
            return shared
        # Its homepage text or news: the pages that show them (and its news
        # items, which the placeholder has not) are its own, planned in full.
        by_path = dict(shared)
        theme = ("theme", cbs)
        return [(path, index.fingerprint(spec.tokens, theme)
                 if path not in by_path or self._shows_own_profile(path, site)
                 else by_path[path]) for path, spec in own().items()]

    def _reads_own_profile(self, site: SiteInfo) -> bool:
        profile = site.catalogue.profiles.get(site.cbs_code)
        return own_home(profile) or own_news(profile)

    def _shows_own_profile(self, path: str, site: SiteInfo) -> bool:
        """Does the page show the site's own homepage text or news?"""
        kinds = self._profile_read.get(path)
        if not kinds:
            return False
        profile = site.catalogue.profiles.get(site.cbs_code)
        return ("home" in kinds and own_home(profile)) or \
            ("news" in kinds and own_news(profile))

    def export_keys(self, site: SiteInfo, index: DependencyIndex) -> dict[str, str]:
        """Per offered product, the key of the site's export piece: as plan()
        makes fingerprints, the placeholder's key combined with the site's own
        token and its facts of that product."""
        if self._export_keys is None:
            self._export_keys = {
                slug: self._index.fingerprint(_shared_tokens(
                    export_piece_tokens(self._index, MASK_CBS, slug)))
                for slug in self._index.offered(MASK_CBS)}
        cbs = site.cbs_code
        own_hash = index.token_hash(("site", cbs))
        return {slug: _combined(key, own_hash + index.token_hash(("local", cbs, slug)))
                for slug, key in self._export_keys.items()}

    def own_page(self, path: str, site: SiteInfo) -> bool:
        """Does the page show facts of a product that the site has of its own
        (samenloket.stamp.own_facts), or its own homepage text or news, or is
        it one the placeholder has not (a news item)? Then it is rendered for
        the site alone."""
        if path not in self._placeholder_specs() or self._shows_own_profile(path, site):
            return True
        slugs = self._facts_read.get(path)
        if not slugs:
            return False
        profile = site.catalogue.profiles.get(site.cbs_code)
        return any(own_facts(profile, self._profile, slug) for slug in slugs)

    def page(self, path: str, env: jinja2.Environment, site: SiteInfo,
             values: tuple[bytes, ...], own: Callable[[], dict[str, PageSpec]]
             ) -> bytes:
        """The page for `site`: filled in from the stamp, or rendered."""
        if path in EXPORT_PATHS:  # site.exports fills them (see exports())
            spec = PageSpec(path, [], produce=lambda: site.exports[path].data)
            return self._render(spec, env, site)
        if self.own_page(path, site):
            return self._render(own()[path], env, site)
        stamp = self._pages.get(path, _UNCHECKED)
        if stamp is _UNCHECKED:
            real = self._render(own()[path], env, site)
            self._pages[path] = self._checked_stamp(path, env, real, values)
            return real
        if stamp is None:
            return self._render(own()[path], env, site)
        self.stamped += 1
        return stamp.fill(values)

    def _checked_stamp(self, path: str, env: jinja2.Environment, real: bytes,
                       values: tuple[bytes, ...]) -> Stamp | None:
        """The placeholder's page as a stamp, if filling it gives `real` exactly."""
        spec = self._spec(path)
        if spec is None:
            return None
        shown = _FACTS_SHOWN.set(frozenset(self._facts_read.get(path, ())))
        profile_shown = _PROFILE_SHOWN.set(self._profile_read.get(path, frozenset()))
        try:
            placeholder = self._render(spec, env, self.site)
            stamp = Stamp.parse(placeholder)
            if stamp is None or stamp.fill(values) != real:
                return None
        except Exception:  # the real rendering worked: render this page in full
            return None
        finally:
            _PROFILE_SHOWN.reset(profile_shown)
            _FACTS_SHOWN.reset(shown)
        refs = page_refs(real)
        if page_refs(placeholder) == refs:  # no marker in what the page loads
            self.refs[path] = refs
        return stamp

    def search_inputs(self, env: jinja2.Environment, theme_hash: str,
                      members: Iterable[str]) -> tuple[str, Callable[[], list[Record]]]:
        """Key and records of the local search bundle the sites `members`
        (CBS codes) share (see sitegen.search): the local pages rendered for
        the placeholder gemeente, and the own product texts, homepage text and
        news of every member;
        made only when the bundle is not stored yet."""
        self._index.register(("theme", MASK_CBS), theme_hash)
        specs = [(path, spec) for path in local_page_paths(self.catalogue, MASK_CBS)
                 if (spec := self._spec(path)) is not None]
        codes = sorted(members)
        own = [(cbs, resolved) for cbs in codes
               for resolved in local_products(self.catalogue, cbs)]
        key = local_key([(path, self._index.fingerprint([*spec.tokens,
                                                          ("theme", MASK_CBS)]))
                         for path, spec in specs], own,
                        [own_page_key(self.catalogue, cbs) for cbs in codes])

        def records() -> list[Record]:
            if self._local_pages is None:  # alike for every site of the shape
                self._local_pages = [
                    (path, self._render(spec, env, self.site).decode("utf-8"))
                    for path, spec in specs]
            pages = [r for cbs in codes for r in own_page_records(self.catalogue, cbs)]
            return local_records(self._local_pages, own, pages)

        return key, records


def export_data_key(catalogue: Catalogue, cbs: str) -> str:
    """What a gemeente's SC feed and open data show besides national texts,
    its identity and its product facts (each product's entry is filled in or
    made for the gemeente alone, see ExportShape): its products' heads
    (samenloket.stamp.product_heads), whether its data are examples, and its
    own site address (see `export_profile`)."""
    profile = catalogue.profiles.get(cbs)
    return _hash(None if profile is None
                 else product_heads(export_profile(profile), catalogue.products)
                 .model_dump(mode="json", exclude={"cbs_code"}))


def export_profile(profile: GemeenteProfile) -> GemeenteProfile:
    """The part of a profile the exports read (exports.sc_feed, exports.opendata):
    the rest (contact details, desks, news, homepage, theme) left empty. A test
    (tests/test_shapes.py) keeps this true: exports do not change with the rest."""
    return GemeenteProfile.model_construct(  # its values were validated already
        cbs_code=profile.cbs_code, site_url=profile.site_url,
        example_data=profile.example_data, products=profile.products)


def plan_export_shapes(catalogue: Catalogue, codes: Iterable[str]) -> dict[str, str]:
    """CBS code → export shape key, for every site whose SC feed and open data
    another site shares: the same export data (`export_data_key`), whatever
    their contact details, desks, news or homepage, so sites of many (page)
    shapes share one export shape."""
    groups: dict[str, list[str]] = {}
    for cbs in codes:
        if identity_values(catalogue.gemeenten[cbs]) is not None:
            groups.setdefault(export_data_key(catalogue, cbs), []).append(cbs)
    return {cbs: key for key, members in groups.items() if len(members) > 1
            for cbs in members}


Given = Mapping[str, Mapping[str, bytes]]  # path -> slug -> a product's entry


class ExportShape:
    """The SC feed and open data of a placeholder gemeente, as stamps that each
    site with the same export data fills in with its identity (exports.stamped).

    `catalogue`: masked for the placeholder (samenloket.stamp.masked_catalogue).
    The first site checks the stamps against its own, fully validated exports:
    the frame and every product entry but those it has facts of its own for
    (samenloket.stamp.own_facts). When they differ, every site of the shape
    gets its exports made in full. A site with facts of its own gets the
    other entries filled in and its own made (and validated) for it alone;
    the entries the first site did not check are made in full until a site
    without facts of its own for them has checked them.
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._profile = catalogue.profiles.get(MASK_CBS)
        self._exports: dict[str, ExportStamp] | None = _UNCHECKED
        # Products whose entries the first site had facts of its own for: not
        # checked, so made in full until a site without such facts checks them.
        self._unchecked: frozenset[str] = frozenset()
        self.stamped = 0  # export files filled in whole (for the summary)
        # The OWMS URIs of the real catalogue's gemeenten (see exports()).
        self._owms: tuple[Catalogue, Mapping[str, object]] | None = None

    @classmethod
    def for_site(cls, catalogue: Catalogue, cbs: str) -> ExportShape:
        """The shape of the sites whose export data are cbs's: its placeholder
        has only the part of cbs's profile the exports read."""
        masked = masked_catalogue(catalogue, cbs)
        profile = masked.profiles.get(MASK_CBS)
        if profile is not None:
            masked = masked.model_copy(update={
                "profiles": {**masked.profiles, MASK_CBS: export_profile(profile)}})
        return cls(masked)

    def _own(self, site: SiteInfo) -> frozenset[str]:
        """Products whose entries the site has facts of its own for."""
        profile = site.catalogue.profiles.get(site.cbs_code)
        if profile is None or not profile.products:
            return frozenset()
        return frozenset(slug for slug in profile.products
                         if own_facts(profile, self._profile, slug))

    def exports(self, site: SiteInfo, keys: Mapping[str, str],
                rendered: Callable[[Given | None], dict[str, SiteExport]],
                ) -> dict[str, SiteExport]:
        """The site's SC feed and open data, filled in once checked (see above)."""
        values = site.identity
        if values is None:
            return rendered(None)
        own = self._own(site)
        if self._exports is _UNCHECKED:
            real = rendered(None)
            self._exports = self._checked_exports(real, keys, values, own)
            return real
        if self._owms is None or self._owms[0] is not site.catalogue:
            self._owms = (site.catalogue, owms_gemeenten(site.catalogue))
        if self._exports is None or not identity_ok(site.catalogue, site.cbs_code,
                                                    self._owms[1]):
            return rendered(None)
        filled = {path: stamp.fill(values, keys)
                  for path, stamp in self._exports.items()}
        fresh = own | self._unchecked
        if not fresh:
            self.stamped += len(filled)
            return filled
        real = rendered({path: {piece.slug: export.data[piece.start:piece.end]
                                for piece in export.pieces if piece.slug not in fresh}
                         for path, export in filled.items()})
        checking = self._unchecked - own
        if checking:  # entries the first site had facts of its own for
            if all(_entry(filled[path], slug) == _entry(real[path], slug)
                   for path in filled for slug in checking):
                self._unchecked -= checking
            else:  # the placeholder's entry is not this site's: stop filling in
                self._exports = None
        return real

    def _checked_exports(self, real: dict[str, SiteExport], keys: Mapping[str, str],
                         values: tuple[bytes, ...], own: frozenset[str]
                         ) -> dict[str, ExportStamp] | None:
        try:
            stamps = export_stamps(self.catalogue)
        except Exception:  # the real export worked: keep making them in full
            return None
        if stamps is None or stamps.keys() != real.keys():
            return None
        for path, stamp in stamps.items():
            try:
                filled = stamp.fill(values, keys)
            except KeyError:  # a marker that is no identity field: made in full
                return None
            if not _alike_but(filled, real[path], own):
                return None
        self._unchecked = own
        return stamps


def _entry(export: SiteExport, slug: str) -> bytes | None:
    """The bytes of one product's entry in an export file (None: not in it)."""
    for piece in export.pieces:
        if piece.slug == slug:
            return export.data[piece.start:piece.end]
    return None


def _alike_but(filled: SiteExport, real: SiteExport, own: frozenset[str]) -> bool:
    """Are the two files the same but for the entries of the products in `own`
    (and where the entries sit)? Their pieces, in the same order, with the
    same keys, and the frame around them."""
    if not own:
        return (filled.data, filled.pieces) == (real.data, real.pieces)
    pieces = list(zip(filled.pieces, real.pieces, strict=False))
    if (len(filled.pieces) != len(real.pieces) or not pieces
            or any((f.slug, f.key) != (r.slug, r.key) for f, r in pieces)):
        return False
    first, last = pieces[0], pieces[-1]
    return (filled.data[:first[0].start] == real.data[:first[1].start]
            and filled.data[last[0].end:] == real.data[last[1].end:]
            and all(f.slug in own
                    or filled.data[f.start:f.end] == real.data[r.start:r.end]
                    for f, r in pieces)
            and all(filled.data[f.end:following[0].start]
                    == real.data[r.end:following[1].start]
                    for (f, r), following in zip(pieces, pieces[1:], strict=False)))
