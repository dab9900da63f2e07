"""A national product as one gemeente offers it: local facts over national text.

This is the single place where inheritance is decided, so the site, the SC feed,
the open data and the CMS preview can never disagree about a local value.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .model import (
    Catalogue,
    Fees,
    Gemeente,
    GemeenteProfile,
    LocalProduct,
    Login,
    OnlineAanvragen,
    Product,
)

PRODUCT_PATH = "producten/{slug}/"
LIFE_EVENT_PATH = "levensgebeurtenissen/{slug}/"


@dataclass(frozen=True)
class ResolvedProduct:
    """What one gemeente's page and feed say about one product."""

    product: Product
    gemeente: Gemeente
    local: LocalProduct | None
    title: str
    summary: str
    sections: dict[str, str]
    local_text: str | None
    fees: Fees
    fees_are_local: bool
    delivery_time: str | None
    application_url: str | None
    login: Login | None
    example: bool

    @property
    def slug(self) -> str:
        return self.product.slug

    @property
    def online_aanvragen(self) -> OnlineAanvragen:
        """SC's onlineAanvragen: only 'ja'/'digid' when there is a link to apply."""
        if not self.application_url:
            return "nee"
        return "digid" if self.login == "digid" else "ja"

    @property
    def overridden(self) -> frozenset[str]:
        """Names of the fields this gemeente set itself (for editors and tests)."""
        if self.local is None:
            return frozenset()
        fields = {
            name
            for name in (
                "title",
                "summary",
                "fees",
                "delivery_time",
                "application_url",
                "login",
                "local_text",
            )
            if getattr(self.local, name) is not None
        }
        return frozenset(fields | {f"sections.{k}" for k in self.local.sections})


def profile_for(catalogue: Catalogue, cbs_code: str) -> GemeenteProfile:
    """The gemeente's own profile, or an empty one using the default theme."""
    profile = catalogue.profiles.get(cbs_code)
    if profile is None:
        return _empty_profile(cbs_code, catalogue.settings.default_theme)
    return profile


@lru_cache(maxsize=4096)
def _empty_profile(cbs_code: str, theme: str) -> GemeenteProfile:
    # Profiles are immutable, so one empty profile per gemeente can be shared.
    # Not validated: the code comes from the reference list, or is the
    # placeholder of samenloket.stamp.
    return GemeenteProfile.model_construct(cbs_code=cbs_code, theme=theme)


def site_url(catalogue: Catalogue, cbs_code: str) -> str:
    """Absolute base URL of a gemeente's site, without trailing slash."""
    profile = catalogue.profiles.get(cbs_code)
    if profile is not None and profile.site_url:
        return profile.site_url.rstrip("/")
    slug = catalogue.gemeenten[cbs_code].slug
    return catalogue.settings.site_url_pattern.format(slug=slug)


def product_url(catalogue: Catalogue, cbs_code: str, slug: str) -> str:
    """Absolute URL of a product page: the SC feed's dcterms:identifier."""
    return f"{site_url(catalogue, cbs_code)}/{PRODUCT_PATH.format(slug=slug)}"


def _local(catalogue: Catalogue, cbs_code: str, slug: str) -> LocalProduct | None:
    # Most gemeenten have no profile: no empty one needs to be made for them.
    profile = catalogue.profiles.get(cbs_code)
    return profile.products.get(slug) if profile is not None else None


def is_offered(catalogue: Catalogue, cbs_code: str, slug: str) -> bool:
    local = _local(catalogue, cbs_code, slug)
    if local is not None:
        return local.offered
    return catalogue.products[slug].default_offered


def not_offered(catalogue: Catalogue, cbs_code: str) -> frozenset[str]:
    """National products this gemeente does not offer (links to them are text)."""
    return frozenset(slug for slug in catalogue.products
                     if not is_offered(catalogue, cbs_code, slug))


def resolve(catalogue: Catalogue, cbs_code: str, slug: str) -> ResolvedProduct:
    """Merge the gemeente's local facts over the national product."""
    product = catalogue.products[slug]
    gemeente = catalogue.gemeenten[cbs_code]
    local = _local(catalogue, cbs_code, slug)
    if local is None:
        return ResolvedProduct(
            product=product,
            gemeente=gemeente,
            local=None,
            title=product.title,
            summary=product.summary,
            sections=product.sections,
            local_text=None,
            fees=product.fees,
            fees_are_local=False,
            delivery_time=product.delivery_time,
            application_url=None,
            login=None,
            example=False,
        )
    return ResolvedProduct(
        product=product,
        gemeente=gemeente,
        local=local,
        title=local.title or product.title,
        summary=local.summary or product.summary,
        sections={**product.sections, **local.sections},
        local_text=local.local_text,
        fees=local.fees if local.fees is not None else product.fees,
        fees_are_local=local.fees is not None,
        delivery_time=local.delivery_time or product.delivery_time,
        application_url=local.application_url,
        login=local.login,
        example=local.example,
    )


def offered_products(catalogue: Catalogue, cbs_code: str) -> list[ResolvedProduct]:
    """Every product this gemeente offers, resolved, in A–Z order of title."""
    resolved = [
        resolve(catalogue, cbs_code, slug)
        for slug in catalogue.products
        if is_offered(catalogue, cbs_code, slug)
    ]
    return sorted(resolved, key=lambda r: (r.title.lower(), r.slug))
