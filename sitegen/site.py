"""The pages of one gemeente's site: paths, templates, inputs and context.

Every site has the same paths for the same things (a route learnt on one site
works on all); what differs is the local data and the theme's CSS. A page is a
PageSpec: its output path, the dependency tokens it reads (for incremental
builds) and a function that makes its template context only when it must be
rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson
from feedgenerator import Atom1Feed

from exports import ExportPiece, SiteExport, site_exports
from samenloket.model import Catalogue, GemeenteProfile, LifeEvent, NewsItem
from samenloket.resolve import (
    LIFE_EVENT_PATH,
    PRODUCT_PATH,
    ResolvedProduct,
    not_offered,
    offered_products,
    profile_for,
    site_url,
)
from samenloket.stamp import TEXT_FIELDS, identity_values, search_words, stamp_values

from .deps import (
    DependencyIndex,
    Token,
    full_catalogue_tokens,
    life_event_tokens,
    product_tokens,
    site_wide_tokens,
)
from .hosting import hosting_pages

if TYPE_CHECKING:  # pragma: no cover
    from .shapes import ExportShape, SiteShape

# Where to find any gemeente's contact details when the catalogue has none.
ORGANISATIONS_REGISTER = "https://organisaties.overheid.nl/Gemeenten/"
NEWS_ON_HOME = 3


@dataclass
class PageSpec:
    """One output file: a template page, or raw bytes from a producer."""

    path: str
    tokens: list[Token]
    template: str | None = None
    context: Callable[[], dict[str, Any]] | None = None
    produce: Callable[[], bytes] | None = None


@dataclass
class SiteInfo:
    """What every page of one site shares (header, footer, navigation)."""

    catalogue: Catalogue
    cbs_code: str
    theme_name: str
    logo: str | None = None
    pages: list[str] = field(default_factory=list)
    # For incremental exports (set by the builder): each offered product's piece
    # key, and the previous export files with their pieces (see exports.pieces).
    export_keys: Callable[[], Mapping[str, str]] | None = None
    export_previous: Callable[[], Mapping[str, tuple[bytes, Sequence[ExportPiece]]]] \
        | None = None
    # Set by the builder when this site shares its shape with others, and when
    # it shares its exports (its shape's, or those of sites with the same
    # export data): they are then filled in from the shape's (sitegen.shapes).
    shape: SiteShape | None = None
    export_shape: ExportShape | None = None

    @cached_property
    def gemeente(self):  # noqa: ANN201 - Gemeente
        return self.catalogue.gemeenten[self.cbs_code]

    @cached_property
    def profile(self) -> GemeenteProfile:
        return profile_for(self.catalogue, self.cbs_code)

    @property
    def name(self) -> str:
        return self.gemeente.display_name

    @property
    def slug(self) -> str:
        return self.gemeente.slug

    @cached_property
    def url(self) -> str:
        return site_url(self.catalogue, self.cbs_code)

    @cached_property
    def identity(self) -> tuple[bytes, ...] | None:
        """The gemeente's identity values to fill stamps with (None: never stamped)."""
        return identity_values(self.gemeente)

    @cached_property
    def stamp_values(self) -> tuple[bytes, ...] | None:
        """Its identity, then its contact details and desks: what its pages'
        stamps are filled with (samenloket.stamp.stamp_values)."""
        return stamp_values(self.gemeente, self.catalogue.profiles.get(self.cbs_code))

    @property
    def search_identity(self) -> list[tuple[str, str]]:
        """(data attribute, value) of the name and province, and of the contact
        details and desks (samenloket.stamp.search_words), for the search script.

        The local search index holds placeholder words where pages show these
        values (sitegen/search.py); the search page gives the script the
        site's own values, in the order the script tries them.
        """
        identity = [("slkt-" + field.replace("_", "-"), getattr(self.gemeente, field))
                    for field in TEXT_FIELDS]
        own = self.catalogue.profiles.get(self.cbs_code)
        return identity + [("slkt-" + field, value)
                           for field, value in search_words(own)]

    @property
    def example_data(self) -> bool:
        return self.profile.example_data

    @property
    def contact(self):  # noqa: ANN201 - Contact
        return self.profile.contact

    @property
    def has_contact(self) -> bool:
        c = self.profile.contact
        return bool(
            c.phone
            or c.email
            or c.contact_form_url
            or c.website
            or self.profile.locations
        )

    @property
    def contact_fallback_url(self) -> str:
        return self.profile.contact.website or ORGANISATIONS_REGISTER

    @cached_property
    def products(self) -> list[ResolvedProduct]:
        return offered_products(self.catalogue, self.cbs_code)

    @cached_property
    def products_by_slug(self) -> dict[str, ResolvedProduct]:
        return {p.slug: p for p in self.products}

    @cached_property
    def unoffered(self) -> frozenset[str]:
        """National products this site does not offer (links to them are text)."""
        return not_offered(self.catalogue, self.cbs_code)

    @cached_property
    def life_events(self) -> list[LifeEvent]:
        return sorted(
            self.catalogue.life_events.values(), key=lambda e: (e.order, e.title)
        )

    @cached_property
    def top_tasks(self) -> list[ResolvedProduct]:
        slugs = self.profile.top_tasks or DEFAULT_TOP_TASKS
        return [self.products_by_slug[s] for s in slugs if s in self.products_by_slug]

    @cached_property
    def exports(self) -> dict[str, SiteExport]:
        """The SC feed and open data of this gemeente, made (and validated) once.

        With keys and previous files, only the pieces of products whose inputs
        changed are rendered and validated again; the rest are reused. A site
        that shares its shape, or only its export data, gets them filled in
        from the shape's instead.
        """
        keys = self.export_keys() if self.export_keys else {}

        def rendered(given: Mapping[str, Mapping[str, bytes]] | None = None
                     ) -> dict[str, SiteExport]:
            previous = self.export_previous() if self.export_previous else None
            return site_exports(self.catalogue, self.cbs_code, keys, previous,
                                given=given)

        if self.export_shape is not None:
            return self.export_shape.exports(self, keys, rendered)
        return rendered()

    def events_with(self, slug: str, index: DependencyIndex) -> list[LifeEvent]:
        return [
            self.catalogue.life_events[e] for e in index.events_of_product.get(slug, ())
        ]

    def az_groups(self) -> list[tuple[str, list[ResolvedProduct]]]:
        groups: dict[str, list[ResolvedProduct]] = {}
        for product in self.products:
            letter = product.title[:1].upper()
            letter = letter if letter.isalpha() else "#"
            groups.setdefault(letter, []).append(product)
        return sorted(groups.items())


# Shown on a homepage when a gemeente has not chosen its own top tasks.
DEFAULT_TOP_TASKS = (
    "paspoort-aanvragen",
    "identiteitskaart-aanvragen",
    "verhuizing-doorgeven",
    "rijbewijs-verlengen",
    "uittreksel-brp",
    "grofvuil-ophalen",
)


def _page_context(
    site: SiteInfo, path: str, title: str, crumbs: list[tuple[str, str]], **extra: Any
) -> dict[str, Any]:
    depth = path.count("/")
    root = "../" * depth
    url_path = path.removesuffix("index.html")
    return {
        "site": site,
        "root": root,
        "home": root or "./",
        "page_title": title,
        "canonical": f"{site.url}/{url_path}",
        "crumbs": crumbs,
        "path": url_path,
        "description": f"Producten en diensten van de gemeente {site.name}.",
        **extra,
    }


def _from_any_address(site: SiteInfo) -> dict[str, str]:
    """`root` and `home` for a page served at any address (the 404 page, which
    the host sends for /producten/typfout/ too): paths from the site's root,
    as its address (site_url) has it, so styles and links work at any depth."""
    base = urlsplit(site.url).path.rstrip("/") + "/"
    return {"root": base, "home": base}


def _json_ld(site: SiteInfo, product: ResolvedProduct) -> str:
    """schema.org GovernmentService for a product page (non-executable data)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": product.title,
        "description": product.summary,
        "url": f"{site.url}/{PRODUCT_PATH.format(slug=product.slug)}",
        "serviceType": product.product.title,
        "provider": {
            "@type": "GovernmentOrganization",
            "name": f"Gemeente {site.name}",
            "url": f"{site.url}/",
        },
        "areaServed": {"@type": "AdministrativeArea", "name": site.name},
        "audience": [
            {"@type": "Audience", "audienceType": a} for a in product.product.audience
        ],
    }
    if product.application_url:
        data["availableChannel"] = {
            "@type": "ServiceChannel",
            "serviceUrl": product.application_url,
        }
    if site.contact.phone:
        data["provider"]["telephone"] = site.contact.phone
    # orjson: ~25 times faster than the json module with an indent (which
    # takes its pure-Python path), for every product page rendered in full.
    text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
    # Never let data close the <script> element it sits in.
    return text.decode("utf-8").replace("</", "<\\/")


def site_pages(site: SiteInfo, index: DependencyIndex) -> list[PageSpec]:
    """Every page of one gemeente's site, in a stable order."""
    cbs = site.cbs_code
    cat = site.catalogue
    home_crumb = ("Home", "")
    pages: list[PageSpec] = []
    wide = site_wide_tokens(index, cbs)

    def add(
        path: str,
        tokens: list[Token],
        template: str,
        context: Callable[[], dict[str, Any]],
    ) -> None:
        pages.append(PageSpec(path, tokens, template, context))

    add(
        "index.html",
        [*wide, ("news", cbs), ("home", cbs)],
        "home.html",
        lambda: _page_context(
            site,
            "index.html",
            f"Gemeente {site.name}",
            [],
            news=site.profile.news[:NEWS_ON_HOME],
        ),
    )
    add(
        "producten/index.html",
        wide,
        "products.html",
        lambda: _page_context(
            site,
            "producten/index.html",
            "Producten en diensten A-Z",
            [home_crumb],
            groups=site.az_groups(),
        ),
    )
    for slug in cat.products:
        if slug not in site.products_by_slug:
            continue
        path = PRODUCT_PATH.format(slug=slug) + "index.html"

        def product_context(slug: str = slug, path: str = path) -> dict[str, Any]:
            product = site.products_by_slug[slug]
            related = [
                site.products_by_slug[r]
                for r in product.product.related
                if r in site.products_by_slug
            ]
            return _page_context(
                site,
                path,
                product.title,
                [home_crumb, ("Producten en diensten", "producten/")],
                product=product,
                related=related,
                events=site.events_with(slug, index),
                json_ld=_json_ld(site, product),
                description=product.summary,
            )

        add(path, product_tokens(index, cbs, slug), "product.html", product_context)
    add(
        "levensgebeurtenissen/index.html",
        [("site", cbs), ("events",)],
        "life_events.html",
        lambda: _page_context(
            site,
            "levensgebeurtenissen/index.html",
            "Levensgebeurtenissen",
            [home_crumb],
        ),
    )
    for event in site.life_events:
        path = LIFE_EVENT_PATH.format(slug=event.slug) + "index.html"

        def event_context(event: LifeEvent = event, path: str = path) -> dict[str, Any]:
            return _page_context(
                site,
                path,
                event.title,
                [home_crumb, ("Levensgebeurtenissen", "levensgebeurtenissen/")],
                event=event,
                products=site.products_by_slug,
                description=event.summary,
            )

        add(
            path,
            life_event_tokens(index, cbs, event.slug),
            "life_event.html",
            event_context,
        )
    simple = [("site", cbs), ("events",)]
    add(
        "contact/index.html",
        simple,
        "contact.html",
        lambda: _page_context(site, "contact/index.html", "Contact", [home_crumb]),
    )
    add(
        "zoeken/index.html",
        wide,
        "search.html",
        lambda: _page_context(
            site, "zoeken/index.html", "Zoeken", [home_crumb], groups=site.az_groups()
        ),
    )
    add(
        "toegankelijkheid/index.html",
        simple,
        "accessibility.html",
        lambda: _page_context(
            site, "toegankelijkheid/index.html", "Toegankelijkheid", [home_crumb]
        ),
    )
    add(
        "privacy/index.html",
        simple,
        "privacy.html",
        lambda: _page_context(site, "privacy/index.html", "Privacy", [home_crumb]),
    )
    add(
        "404.html",
        simple,
        "404.html",
        lambda: _page_context(site, "404.html", "Pagina niet gevonden", [home_crumb],
                              **_from_any_address(site)),
    )
    # News texts may link products; a link to a product no longer offered
    # becomes plain text, so news pages also depend on the offered list.
    news_tokens = [("site", cbs), ("events",), ("news", cbs), ("offered", cbs)]
    add(
        "nieuws/index.html",
        news_tokens,
        "news_index.html",
        lambda: _page_context(
            site, "nieuws/index.html", "Nieuws", [home_crumb], news=site.profile.news
        ),
    )
    for item in site.profile.news:
        path = f"nieuws/{item.slug}/index.html"

        def news_context(item: NewsItem = item, path: str = path) -> dict[str, Any]:
            return _page_context(
                site,
                path,
                item.title,
                [home_crumb, ("Nieuws", "nieuws/")],
                item=item,
                description=item.summary,
            )

        add(path, news_tokens, "news_item.html", news_context)
    add(
        "robots.txt",
        simple,
        "robots.txt",
        lambda: _page_context(site, "robots.txt", "", []),
    )
    add(
        "sitemap.xml",
        [*wide, ("news", cbs)],  # it lists the news items
        "sitemap.xml",
        lambda: _page_context(site, "sitemap.xml", "", [], urls=site.pages),
    )
    site.pages = [
        p.path.removesuffix("index.html")
        for p in pages
        if p.path.endswith(".html") and p.path != "404.html"
    ]
    pages.append(
        PageSpec("nieuws/atom.xml", news_tokens, produce=lambda: news_feed(site))
    )
    pages.append(
        PageSpec(
            "sc/producten.xml",
            full_catalogue_tokens(index, cbs),
            produce=lambda: _export(site, "sc/producten.xml"),
        )
    )
    pages.append(
        PageSpec(
            "open-data/producten.json",
            full_catalogue_tokens(index, cbs),
            produce=lambda: _export(site, "open-data/producten.json"),
        )
    )
    pages += hosting_pages(site, index)  # security.txt, _headers (sitegen/hosting.py)
    return pages


def _export(site: SiteInfo, path: str) -> bytes:
    return site.exports[path].data


def news_feed(site: SiteInfo) -> bytes:
    """Atom feed of local news, with Pelican's feed library (feedgenerator)."""
    feed = _StableAtomFeed(
        title=f"Nieuws van gemeente {site.name}",
        link=f"{site.url}/nieuws/",
        feed_url=f"{site.url}/nieuws/atom.xml",
        description=f"Nieuws van gemeente {site.name}",
        language="nl",
    )
    for item in site.profile.news:
        moment = datetime(item.date.year, item.date.month, item.date.day, tzinfo=UTC)
        feed.add_item(
            title=item.title,
            link=f"{site.url}/nieuws/{item.slug}/",
            description=item.summary,
            unique_id=f"{site.url}/nieuws/{item.slug}/",
            pubdate=moment,
            updateddate=moment,
        )
    return feed.writeString("utf-8").encode("utf-8")


class _StableAtomFeed(Atom1Feed):
    """An empty feed dates itself 'now'; a fixed date keeps builds byte-stable.

    Links are kept as given: Atom links are IRIs (RFC 4287, 4.2.7), ours are
    plain https addresses, and the placeholder gemeente's (samenloket.stamp)
    must survive as written for the feed to be filled in like any page.
    """

    def __init__(self, *, link: str, feed_url: str, **kwargs: Any) -> None:
        super().__init__(link=link, feed_url=feed_url, **kwargs)
        self.feed["link"], self.feed["feed_url"] = link, feed_url

    def add_item(self, *, link: str, **kwargs: Any) -> None:
        super().add_item(link=link, **kwargs)
        self.items[-1]["link"] = link

    def latest_post_date(self) -> datetime:
        if not self.items:
            return datetime(2000, 1, 1, tzinfo=UTC)
        return super().latest_post_date()
