"""The published CMS content as one `samenloket.model.Catalogue`.

This is what sitegen and the exporters build from when they use the CMS instead of
content/: the same model, validated by the same code, in the same canonical JSON as
`samenloket dump`. Only live (published) pages count; drafts never leave the CMS
except through preview.
"""

from __future__ import annotations

import logging

from cms.base.models import CatalogueSettings
from cms.base.reference import gemeenten, upl_entries
from cms.catalogue.models import LifeEventPage, ProductPage
from cms.gemeenten.models import GemeentePage, LocalProductPage, NewsPage
from samenloket.model import Catalogue, GemeenteProfile, LifeEvent

logger = logging.getLogger(__name__)


def _file_order(slug: str) -> str:
    """Sort like the loader, which reads files in name order (<slug>.md)."""
    return f"{slug}.md"


def catalogue_from_cms() -> Catalogue:
    """Build and validate the whole published catalogue from the database.

    References to pages that are not published (related products, top tasks, step
    items, local versions) are left out, as if the unpublished page did not exist.
    """
    slugs = dict(ProductPage.objects.live().values_list("pk", "slug"))
    products = {
        page.slug: page.to_product(slugs)
        for page in sorted(ProductPage.objects.live(),
                           key=lambda p: _file_order(p.slug))
    }
    life_events: dict[str, LifeEvent] = {}
    for page in sorted(LifeEventPage.objects.live(), key=lambda p: _file_order(p.slug)):
        try:
            life_events[page.slug] = page.to_life_event(slugs)
        except ValueError as exc:  # e.g. too few steps left without unpublished ones
            logger.warning("levensgebeurtenis %s weggelaten: %s", page.slug, exc)
    reference = gemeenten()
    profiles: dict[str, GemeenteProfile] = {}
    for page in sorted(
        GemeentePage.objects.live(),
        key=lambda p: reference[p.cbs_code].slug if p.cbs_code in reference else p.slug,
    ):
        local = [
            item for item in LocalProductPage.objects.live().child_of(page)
            if item.product_id in slugs
        ]
        local.sort(key=lambda p: _file_order(slugs[p.product_id]))
        news = NewsPage.objects.live().child_of(page)
        profiles[page.cbs_code] = page.to_profile(slugs, local, news)
    return Catalogue(
        settings=CatalogueSettings.load().to_settings(),
        products=products,
        life_events=life_events,
        gemeenten=reference,
        profiles=profiles,
        upl=upl_entries(),
    )


def for_gemeente(catalogue: Catalogue, cbs_code: str) -> Catalogue:
    """The catalogue narrowed to one gemeente, as `samenloket dump --gemeente`."""
    return catalogue.model_copy(update={
        "gemeenten": {cbs_code: catalogue.gemeenten[cbs_code]},
        "profiles": {k: v for k, v in catalogue.profiles.items() if k == cbs_code},
    })
