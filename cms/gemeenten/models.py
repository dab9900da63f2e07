"""A gemeente's own data: profile, homepage text, local products and news.

Why pages, not snippets: Wagtail grants page permissions per subtree, so giving
"Redactie Utrecht" rights on Utrecht's GemeentePage lets it edit exactly Utrecht's
profile, local products and news (its children) and nothing else, with drafts,
revisions, scheduled publishing and the audit log for free. Snippets would need a
custom permission layer for the same thing. Only gemeenten with their own data get
a page; the other gemeenten of the 342 come from the reference list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_headless_preview.models import HeadlessPreviewMixin

from cms.base.blocks import FeeItemBlock
from cms.base.fields import MarkdownField
from cms.base.forms import CatalogueAdminPageForm
from cms.base.markdown import render_markdown
from cms.base.panels import NationalValuePanel
from cms.base.permissions import SamenloketPageMixin
from cms.base.streams import (
    fee_stream,
    fees_from,
    none_if_blank,
    page_ids,
    raw_items,
    raw_stream,
    slugs_for,
)
from cms.base.validation import model_errors
from cms.catalogue.models import FEE_SETTER_CHOICES, ProductPage, product_slugs
from samenloket.model import (
    SECTION_HEADINGS,
    SECTION_KEYS,
    Contact,
    GemeenteProfile,
    LocalProduct,
    Location,
    NewsItem,
    OpeningHours,
)

from .blocks import LocationBlock

LOGIN_CHOICES = [("digid", "DigiD"), ("eherkenning", "eHerkenning"), ("geen", "geen")]
_DATED_SLUG = re.compile(r"^\d{4}-\d{2}-\d{2}-")


def _gemeente_choices() -> list[tuple[str, str]]:
    from cms.base.reference import gemeente_choices

    return gemeente_choices()


def _validate_cbs_code(value: str) -> None:
    from cms.base.reference import gemeenten

    if value not in gemeenten():
        raise ValidationError(f"{value} staat niet in de gemeentelijst "
                              "(content/reference/gemeenten.csv).")


def _list_values(raw: Any) -> list[dict[str, Any]]:
    """Values of a ListBlock in raw form (new {'type': 'item'} or old plain form)."""
    values = []
    for item in raw or []:
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            values.append(item["value"] or {})
        else:
            values.append(item or {})
    return values


class NewsPageForm(CatalogueAdminPageForm):
    """New news items get the date in front of their slug (<datum>-<slug>.md)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        slug, day = data.get("slug"), data.get("date")
        if not self.instance.pk and slug and day and not _DATED_SLUG.match(slug):
            data["slug"] = f"{day.isoformat()}-{slug}"[:255]
        return data


class GemeenteIndexPage(SamenloketPageMixin, Page):
    """Parent of the gemeenten with their own data (/gemeenten/)."""

    is_structure_page = True
    max_count = 1
    parent_page_types = ["base.HomePage"]
    subpage_types = ["gemeenten.GemeentePage"]

    class Meta:
        verbose_name = "gemeentenlijst"
        verbose_name_plural = "gemeentenlijsten"


class GemeentePage(HeadlessPreviewMixin, SamenloketPageMixin, Page):
    """content/gemeenten/<slug>/: contact, desks, theme, homepage text.

    Title and slug come from the reference list (CBS code), so they always match
    the official name and the folder name. Local products and news are children.
    """

    is_structure_page = True
    slug_error = ("cbs_code", "Deze gemeente heeft al een pagina.")
    cbs_code = models.CharField(
        "CBS-code", max_length=6, unique=True, validators=[_validate_cbs_code],
        help_text="Bepaalt naam en adres van de gemeente (uit de gemeentelijst).",
    )
    theme = models.CharField("thema", max_length=60, default="base",
                             help_text="Map in themes/, bijvoorbeeld utrecht.")
    site_url = models.URLField("adres van de site", blank=True,
                               help_text="Leeg = het standaardpatroon.")
    example_data = models.BooleanField(
        "voorbeeldgegevens", default=False,
        help_text="Aan = de gegevens zijn voorbeelden; de site meldt dat.",
    )
    phone = models.CharField("telefoon", max_length=40, blank=True)
    phone_hours = models.CharField("bereikbaar", max_length=300, blank=True)
    email = models.CharField("e-mail", max_length=200, blank=True)
    contact_form_url = models.URLField("contactformulier (link)", blank=True)
    website = models.URLField("website", blank=True)
    postal_address = models.CharField("postadres", max_length=200, blank=True)
    locations = StreamField([("location", LocationBlock())], blank=True,
                            verbose_name="locaties")
    top_tasks = StreamField(
        [("product", blocks.PageChooserBlock(page_type="catalogue.ProductPage",
                                             label="product"))],
        blank=True, max_num=8, verbose_name="toptaken",
        help_text="4 tot 8 producten die op de homepage staan.",
    )
    welcome_title = models.CharField("titel van de homepage", max_length=200,
                                     blank=True)
    welcome = MarkdownField("welkomsttekst", blank=True, rows=5)

    base_form_class = CatalogueAdminPageForm
    parent_page_types = ["gemeenten.GemeenteIndexPage"]
    subpage_types = ["gemeenten.LocalProductPage", "gemeenten.NewsPage"]

    content_panels = [
        FieldPanel("cbs_code", permission="superuser",
                   widget=forms.Select(choices=_gemeente_choices)),
        MultiFieldPanel([FieldPanel("welcome_title"), FieldPanel("welcome"),
                         FieldPanel("top_tasks")], heading="Homepage"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("phone"), FieldPanel("phone_hours")]),
            FieldRowPanel([FieldPanel("email"), FieldPanel("contact_form_url")]),
            FieldRowPanel([FieldPanel("website"), FieldPanel("postal_address")]),
        ], heading="Contact"),
        FieldPanel("locations"),
        MultiFieldPanel([FieldPanel("theme"), FieldPanel("site_url"),
                         FieldPanel("example_data")], heading="Site"),
    ]
    promote_panels: list[Any] = []
    search_fields = Page.search_fields + [index.SearchField("cbs_code")]
    api_fields = [APIField("cbs_code"), APIField("theme"), APIField("samenloket")]

    class Meta:
        verbose_name = "gemeente"
        verbose_name_plural = "gemeenten"

    def full_clean(self, *args: Any, **kwargs: Any) -> None:
        from cms.base.reference import gemeenten

        gemeente = gemeenten().get(self.cbs_code)
        if gemeente is not None:
            self.title = self.draft_title = gemeente.display_name
            self.slug = gemeente.slug
        super().full_clean(*args, **kwargs)

    @property
    def samenloket(self) -> dict[str, Any] | None:
        """Profile without children (news and local products have their own pages)."""
        try:
            return self.to_profile().model_dump(mode="json")
        except ValueError:
            return None

    def to_profile(
        self,
        slugs: Mapping[int, str] | None = None,
        local: Iterable[LocalProductPage] = (),
        news: Iterable[NewsPage] = (),
    ) -> GemeenteProfile:
        """This gemeente as a validated GemeenteProfile with the given children."""
        task_ids = page_ids(self.top_tasks)
        if slugs is None:
            slugs = product_slugs(task_ids)
        locations = []
        for raw in raw_items(self.locations):
            value = raw.get("value") or {}
            locations.append(Location(
                name=value.get("name", ""), address=value.get("address", ""),
                postcode=value.get("postcode", ""), city=value.get("city", ""),
                appointment_only=bool(value.get("appointment_only")),
                appointment_url=none_if_blank(value.get("appointment_url")),
                note=none_if_blank(value.get("note")),
                opening_hours=tuple(
                    OpeningHours(day=h.get("day", ""), open=h.get("open", ""),
                                 close=h.get("close", ""))
                    for h in _list_values(value.get("opening_hours"))
                ),
            ))
        products = {}
        for page in local:
            item = page.to_local(slugs)
            products[item.product] = item
        news_items = sorted((page.to_news() for page in news),
                            key=lambda n: (n.date, n.slug), reverse=True)
        return GemeenteProfile(
            cbs_code=self.cbs_code,
            theme=self.theme,
            site_url=none_if_blank(self.site_url),
            example_data=self.example_data,
            contact=Contact(
                phone=none_if_blank(self.phone),
                phone_hours=none_if_blank(self.phone_hours),
                email=none_if_blank(self.email),
                contact_form_url=none_if_blank(self.contact_form_url),
                website=none_if_blank(self.website),
                postal_address=none_if_blank(self.postal_address),
            ),
            locations=tuple(locations),
            top_tasks=slugs_for(task_ids, slugs),
            welcome_title=none_if_blank(self.welcome_title),
            welcome=self.welcome,
            news=tuple(news_items),
            products=dict(sorted(products.items())),
        )

    def apply_profile(self, profile: GemeenteProfile, ids: Mapping[str, int]) -> None:
        """Set own fields from a profile (children are handled by the importer)."""
        self.cbs_code = profile.cbs_code
        self.theme = profile.theme
        self.site_url = profile.site_url or ""
        self.example_data = profile.example_data
        contact = profile.contact
        self.phone = contact.phone or ""
        self.phone_hours = contact.phone_hours or ""
        self.email = contact.email or ""
        self.contact_form_url = contact.contact_form_url or ""
        self.website = contact.website or ""
        self.postal_address = contact.postal_address or ""
        self.locations = raw_stream(
            ("location", {
                "name": loc.name, "address": loc.address, "postcode": loc.postcode,
                "city": loc.city, "appointment_only": loc.appointment_only,
                "appointment_url": loc.appointment_url or "", "note": loc.note or "",
                "opening_hours": raw_stream(
                    ("item", {"day": h.day, "open": h.open, "close": h.close})
                    for h in loc.opening_hours
                ),
            })
            for loc in profile.locations
        )
        self.top_tasks = raw_stream(("product", ids[s]) for s in profile.top_tasks
                                    if s in ids)
        self.welcome_title = profile.welcome_title or ""
        self.welcome = profile.welcome

    def validate_catalogue(self, form_fields: set[str]) -> None:
        model_errors(self.to_profile, form_fields, {
            "contact": "phone", "welcome_title": "welcome_title",
        })


class LocalSections(models.Model):
    """Optional local replacements of the national SDG sections."""

    what_it_is = MarkdownField(SECTION_HEADINGS["what_it_is"], blank=True, rows=4)
    conditions = MarkdownField(SECTION_HEADINGS["conditions"], blank=True, rows=4)
    evidence = MarkdownField(SECTION_HEADINGS["evidence"], blank=True, rows=4)
    procedure = MarkdownField(SECTION_HEADINGS["procedure"], blank=True, rows=4)
    costs = MarkdownField(SECTION_HEADINGS["costs"], blank=True, rows=4)
    term = MarkdownField(SECTION_HEADINGS["term"], blank=True, rows=4)
    no_response = MarkdownField(SECTION_HEADINGS["no_response"], blank=True, rows=4)
    objection = MarkdownField(SECTION_HEADINGS["objection"], blank=True, rows=4)
    more_info = MarkdownField(SECTION_HEADINGS["more_info"], blank=True, rows=4)

    class Meta:
        abstract = True


class LocalProductPage(HeadlessPreviewMixin, SamenloketPageMixin, LocalSections, Page):
    """A gemeente's facts for one national product; empty fields inherit.

    Inheritance itself is decided in samenloket/resolve.py; this page only stores
    what the gemeente set. Beside every field the editor sees the national value.
    Title and slug follow the national product, so the path never differs.
    """

    product = models.ForeignKey(
        ProductPage, on_delete=models.PROTECT, related_name="local_versions",
        verbose_name="landelijk product",
    )
    offered = models.BooleanField("aangeboden", default=True,
                                  help_text="Uit = deze gemeente biedt dit niet aan.")
    example = models.BooleanField("voorbeeldgegevens", default=False)
    local_title = models.CharField("eigen titel", max_length=120, blank=True)
    local_summary = models.TextField("eigen samenvatting", max_length=300, blank=True)
    fees_set_by = models.CharField(
        "eigen kosten", max_length=10, blank=True,
        choices=[("", "landelijke kosten overnemen")] + FEE_SETTER_CHOICES,
    )
    fees_year = models.PositiveSmallIntegerField("jaar van de bedragen", null=True,
                                                 blank=True)
    fee_items = StreamField([("item", FeeItemBlock())], blank=True,
                            verbose_name="bedragen")
    delivery_time = models.CharField("levertijd", max_length=300, blank=True)
    application_url = models.URLField("link om online aan te vragen", blank=True)
    login = models.CharField("inloggen met", max_length=12, blank=True,
                             choices=LOGIN_CHOICES)
    local_text = MarkdownField("lokale informatie", blank=True, rows=5,
                               help_text="Komt onder de landelijke tekst.")

    base_form_class = CatalogueAdminPageForm
    parent_page_types = ["gemeenten.GemeentePage"]
    subpage_types: list[str] = []
    # The slug is the product's: a clash means a second local version.
    slug_error = ("product", "Deze gemeente heeft al een lokale aanvulling op dit "
                  "product.")

    content_panels = [
        FieldPanel("product"),
        FieldRowPanel([FieldPanel("offered"), FieldPanel("example")]),
        NationalValuePanel("local_title", national="national_value"),
        NationalValuePanel("local_summary", national="national_value"),
        MultiFieldPanel([
            NationalValuePanel("fees_set_by", national="national_value"),
            FieldPanel("fees_year"),
            FieldPanel("fee_items"),
        ], heading="Kosten"),
        NationalValuePanel("delivery_time", national="national_value"),
        FieldRowPanel([
            NationalValuePanel("application_url", national="national_value"),
            FieldPanel("login"),
        ]),
        FieldPanel("local_text"),
        MultiFieldPanel(
            [NationalValuePanel(key, national="national_value")
             for key in SECTION_KEYS],
            heading="Landelijke tekst vervangen (alleen als het hier anders is)",
            classname="collapsed",
        ),
    ]
    promote_panels: list[Any] = []
    api_fields = [APIField("product_slug"), APIField("offered"), APIField("samenloket")]

    class Meta:
        verbose_name = "lokaal product"
        verbose_name_plural = "lokale producten"

    _NATIONAL = {"local_title": "title", "local_summary": "summary",
                 "delivery_time": "delivery_time"}

    @property
    def product_slug(self) -> str | None:
        return self.product.slug if self.product_id else None

    def national_value(self, field_name: str) -> Any:
        """The national product's value for a local field (None: no product yet)."""
        if not self.product_id:
            return None
        national = self.product
        if field_name in self._NATIONAL:
            return getattr(national, self._NATIONAL[field_name])
        if field_name in SECTION_KEYS:
            return getattr(national, field_name)
        if field_name == "fees_set_by":
            fees = fees_from(national.fees_set_by, national.fees_year,
                             national.fee_items)
            lines = "; ".join(f"{i.label}: € {i.amount:.2f}" for i in fees.items)
            year = f" ({fees.year})" if fees.year else ""
            return f"{fees.set_by}{year}" + (f" — {lines}" if lines else "")
        if field_name == "application_url":
            return f"online aanvragen: {national.online_aanvragen}"
        return None

    def full_clean(self, *args: Any, **kwargs: Any) -> None:
        if self.product_id:
            self.title = self.draft_title = self.local_title or self.product.title
            self.slug = self.product.slug
        super().full_clean(*args, **kwargs)

    @property
    def samenloket(self) -> dict[str, Any] | None:
        try:
            return self.to_local().model_dump(mode="json")
        except ValueError:
            return None

    def to_local(self, slugs: Mapping[int, str] | None = None) -> LocalProduct:
        product = slugs.get(self.product_id) if slugs is not None else None
        return LocalProduct(
            product=product or (self.product.slug if self.product_id else ""),
            offered=self.offered,
            example=self.example,
            title=none_if_blank(self.local_title),
            summary=none_if_blank(self.local_summary),
            fees=fees_from(self.fees_set_by, self.fees_year, self.fee_items)
            if self.fees_set_by else None,
            delivery_time=none_if_blank(self.delivery_time),
            application_url=none_if_blank(self.application_url),
            login=none_if_blank(self.login),
            local_text=none_if_blank(self.local_text),
            sections={k: getattr(self, k) for k in SECTION_KEYS if getattr(self, k)},
        )

    def apply_local(self, local: LocalProduct, product: ProductPage) -> None:
        self.product = product
        self.title = self.draft_title = local.title or product.title
        self.slug = local.product
        self.offered = local.offered
        self.example = local.example
        self.local_title = local.title or ""
        self.local_summary = local.summary or ""
        fees = local.fees
        self.fees_set_by = fees.set_by if fees is not None else ""
        self.fees_year = fees.year if fees is not None else None
        self.fee_items = fee_stream(fees) if fees is not None else []
        self.delivery_time = local.delivery_time or ""
        self.application_url = local.application_url or ""
        self.login = local.login or ""
        self.local_text = local.local_text or ""
        for key in SECTION_KEYS:
            setattr(self, key, local.sections.get(key, ""))

    def validate_catalogue(self, form_fields: set[str]) -> None:
        model_errors(self.to_local, form_fields, {
            "title": "local_title", "summary": "local_summary", "fees": "fee_items",
        } | {f"sections.{k}": k for k in SECTION_KEYS})


class NewsPage(HeadlessPreviewMixin, SamenloketPageMixin, Page):
    """A news item of one gemeente (nieuws/<datum>-<slug>.md, Pelican format)."""

    date = models.DateField("datum", default=date.today)
    summary = models.CharField("samenvatting", max_length=300,
                               help_text="Eén zin, op één regel.")
    body = MarkdownField("tekst")

    base_form_class = NewsPageForm
    parent_page_types = ["gemeenten.GemeentePage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        FieldPanel("date"), FieldPanel("summary"), FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"),
                                          index.SearchField("body")]
    api_fields = [APIField("date"), APIField("summary"), APIField("body"),
                  APIField("body_html")]

    class Meta:
        verbose_name = "nieuwsbericht"
        verbose_name_plural = "nieuwsberichten"

    @property
    def body_html(self) -> str:
        return render_markdown(self.body)

    def to_news(self) -> NewsItem:
        return NewsItem(slug=self.slug, title=self.title, date=self.date,
                        summary=self.summary, body=self.body)

    def apply_news(self, item: NewsItem) -> None:
        self.title = self.draft_title = item.title
        self.slug = item.slug
        self.date = item.date
        self.summary = item.summary
        self.body = item.body

    def validate_catalogue(self, form_fields: set[str]) -> None:
        model_errors(self.to_news, form_fields)
