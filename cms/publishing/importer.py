"""`load_content`: bring content/ into the CMS, idempotently.

The files are loaded and validated by samenloket.loader first; nothing is written
unless the whole tree is valid. Then every object is compared, as a catalogue model
object, with the published page: equal pages are left alone (no revision, no log
entry), so a second run changes nothing. Changed or new pages get a revision that is
published at once and logged as an import. Pages that exist only in the CMS stay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from wagtail.log_actions import log
from wagtail.models import Page, Site

from cms.base.models import CatalogueSettings, HomePage, ReferenceList
from cms.base.reference import digest
from cms.catalogue.models import (
    LifeEventIndexPage,
    LifeEventPage,
    ProductIndexPage,
    ProductPage,
)
from cms.gemeenten.models import (
    GemeenteIndexPage,
    GemeentePage,
    LocalProductPage,
    NewsPage,
)
from samenloket.loader import load_catalogue
from samenloket.model import Catalogue
from samenloket.reference import GEMEENTEN_FILE, UPL_FILE

from .roles import ensure_roles

IMPORT_ACTION = "samenloket.import"


@dataclass
class ImportReport:
    """What one run did, per kind of object."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    cms_only: list[str] = field(default_factory=list)

    def format(self) -> str:
        lines = [f"nieuw: {len(self.created)}, bijgewerkt: {len(self.updated)}, "
                 f"ongewijzigd: {self.unchanged}"]
        lines += [f"  nieuw: {name}" for name in self.created]
        lines += [f"  bijgewerkt: {name}" for name in self.updated]
        lines += [f"  alleen in de CMS (niet aangeraakt): {name}"
                  for name in self.cms_only]
        return "\n".join(lines)


@dataclass
class Structure:
    home: HomePage
    products: ProductIndexPage
    life_events: LifeEventIndexPage
    gemeenten: GemeenteIndexPage


def _child(parent: Page, model: type[Page], title: str, slug: str) -> Page:
    existing = model.objects.child_of(parent).first()
    if existing is not None:
        return existing
    page = model(title=title, slug=slug)
    parent.add_child(instance=page)
    log(instance=page, action="wagtail.create")
    return page


def ensure_structure() -> Structure:
    """Site root and the three index pages; the default Site points at the root."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's starter "Welcome" page is a plain Page; it has no place here.
        for page in Page.objects.child_of(root).filter(
            content_type__app_label="wagtailcore", content_type__model="page"
        ):
            if page.is_leaf():
                page.delete()
        home = HomePage(title="Samenloket", slug="samenloket")
        root.add_child(instance=home)
        log(instance=home, action="wagtail.create")
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"root_page": home, "hostname": "localhost", "port": 80,
                  "site_name": "Samenloket"},
    )
    return Structure(
        home=home,
        products=_child(home, ProductIndexPage, "Producten", "producten"),
        life_events=_child(home, LifeEventIndexPage, "Levensgebeurtenissen",
                           "levensgebeurtenissen"),
        gemeenten=_child(home, GemeenteIndexPage, "Gemeenten", "gemeenten"),
    )


def _publish(page: Page, report: ImportReport, name: str, created: bool,
             source: str) -> None:
    revision = page.save_revision(log_action=True)
    revision.publish()
    log(instance=page, action=IMPORT_ACTION, data={"bron": source})
    (report.created if created else report.updated).append(name)


def _sync(page: Page, created: bool, current: Callable[[], Any], wanted: Any,
          apply: Callable[[], None], report: ImportReport, name: str,
          source: str) -> None:
    """Publish page with wanted content unless its live version already equals it."""
    if not created and page.live:
        try:
            if current() == wanted:
                report.unchanged += 1
                return
        except ValueError:  # the live page is invalid: replace it
            pass
    apply()
    _publish(page, report, name, created, source)


def _new(parent: Page, page: Page) -> Page:
    page.live = False
    parent.add_child(instance=page)
    log(instance=page, action="wagtail.create")
    return page


def _store_reference(content_dir: Path) -> None:
    for name in (UPL_FILE, GEMEENTEN_FILE):
        # Bytes, not read_text(): keep CRLF and the BOM so the export is identical.
        text = (content_dir / "reference" / name).read_bytes().decode("utf-8")
        row = ReferenceList.objects.filter(name=name).first()
        if row is None:
            ReferenceList.objects.create(name=name, text=text, sha256=digest(text))
        elif row.sha256 != digest(text):
            row.text, row.sha256 = text, digest(text)
            row.save()


def _store_settings(catalogue: Catalogue) -> None:
    current = CatalogueSettings.load()
    if current.to_settings() != catalogue.settings:
        current.site_url_pattern = catalogue.settings.site_url_pattern
        current.default_theme = catalogue.settings.default_theme
        current.security_contact = catalogue.settings.security_contact
        current.security_policy = catalogue.settings.security_policy or ""
        current.security_txt_expires = catalogue.settings.security_txt_expires
        current.save()


@transaction.atomic
def load_content(content_dir: Path) -> ImportReport:
    """Load and validate content_dir, then make the CMS match it (see module doc).

    Raises samenloket.errors.ContentErrors (nothing written) for invalid content.
    """
    content_dir = Path(content_dir)
    catalogue = load_catalogue(content_dir)
    source = str(content_dir)
    report = ImportReport()
    _store_reference(content_dir)
    _store_settings(catalogue)
    tree = ensure_structure()

    pages = {p.slug: p for p in ProductPage.objects.child_of(tree.products)}
    new_products = set()
    for slug, product in catalogue.products.items():
        if slug not in pages:
            page = ProductPage()
            page.apply_product(product, {})
            pages[slug] = _new(tree.products, page)
            new_products.add(slug)
    ids = {slug: page.pk for slug, page in pages.items()}
    slugs = {pk: slug for slug, pk in ids.items()}
    for slug, product in catalogue.products.items():
        page = pages[slug]
        _sync(page, slug in new_products, lambda p=page: p.to_product(slugs), product,
              lambda p=page, o=product: p.apply_product(o, ids), report,
              f"producten/{slug}", source)
    report.cms_only += [f"producten/{s}" for s in pages if s not in catalogue.products]

    events = {p.slug: p for p in LifeEventPage.objects.child_of(tree.life_events)}
    for slug, event in catalogue.life_events.items():
        created = slug not in events
        if created:
            page = LifeEventPage()
            page.apply_life_event(event, ids)
            events[slug] = _new(tree.life_events, page)
        page = events[slug]
        _sync(page, created, lambda p=page: p.to_life_event(slugs), event,
              lambda p=page, o=event: p.apply_life_event(o, ids), report,
              f"levensgebeurtenissen/{slug}", source)

    gemeente_pages = {
        p.cbs_code: p for p in GemeentePage.objects.child_of(tree.gemeenten)
    }
    for code, profile in catalogue.profiles.items():
        folder = f"gemeenten/{catalogue.gemeenten[code].slug}"
        created = code not in gemeente_pages
        if created:
            page = GemeentePage(title=catalogue.gemeenten[code].display_name,
                                slug=catalogue.gemeenten[code].slug)
            page.apply_profile(profile, ids)
            gemeente_pages[code] = _new(tree.gemeenten, page)
        page = gemeente_pages[code]
        own = profile.model_copy(update={"news": (), "products": {}})
        _sync(page, created, lambda p=page: p.to_profile(slugs), own,
              lambda p=page, o=profile: p.apply_profile(o, ids), report, folder, source)
        _load_children(page, profile, pages, slugs, report, folder, source)
    ensure_roles()
    return report


def _load_children(gemeente: GemeentePage, profile: Any, products: dict[str, Any],
                   slugs: dict[int, str], report: ImportReport, folder: str,
                   source: str) -> None:
    locals_ = {p.slug: p for p in LocalProductPage.objects.child_of(gemeente)}
    for slug, local in profile.products.items():
        created = slug not in locals_
        if created:
            page = LocalProductPage()
            page.apply_local(local, products[slug])
            locals_[slug] = _new(gemeente, page)
        page = locals_[slug]
        _sync(page, created, lambda p=page: p.to_local(slugs), local,
              lambda p=page, o=local: p.apply_local(o, products[o.product]), report,
              f"{folder}/producten/{slug}", source)
    news = {p.slug: p for p in NewsPage.objects.child_of(gemeente)}
    for item in profile.news:
        created = item.slug not in news
        if created:
            page = NewsPage()
            page.apply_news(item)
            news[item.slug] = _new(gemeente, page)
        page = news[item.slug]
        _sync(page, created, page.to_news, item, lambda p=page, o=item: p.apply_news(o),
              report, f"{folder}/nieuws/{item.slug}", source)
