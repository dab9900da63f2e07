"""The national catalogue: products and life events, kept by the national editors.

Each page type maps one-to-one onto a `samenloket.model` class: `to_product()` /
`to_life_event()` build the model object (which validates it), `apply_*()` set the
fields from one. Texts are Markdown, exactly as in content/ (see base/markdown.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from wagtail import blocks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_headless_preview.models import HeadlessPreviewMixin

from cms.base.blocks import FeeItemBlock, LinkBlock
from cms.base.fields import ChoiceListField, LineListField, MarkdownField
from cms.base.forms import CatalogueAdminPageForm
from cms.base.markdown import render_markdown
from cms.base.permissions import SamenloketPageMixin
from cms.base.preview import EditorGemeentePreviewMixin
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
from samenloket.model import (
    SECTION_HEADINGS,
    SECTION_KEYS,
    ExternalStep,
    LifeEvent,
    Link,
    Organisation,
    Product,
    ProductStep,
    Step,
)

from .blocks import StepBlock, UplBlock

AUDIENCE_CHOICES = [("particulier", "particulier"), ("ondernemer", "ondernemer")]
CHANNEL_CHOICES = [("online", "online"), ("telefoon", "telefoon"), ("balie", "balie"),
                   ("post", "post")]
ONLINE_CHOICES = [("nee", "nee"), ("ja", "ja"), ("digid", "ja, met DigiD")]
FEE_SETTER_CHOICES = [("rijk", "rijk (landelijk bedrag)"),
                      ("gemeente", "gemeente (lokaal bedrag)"), ("gratis", "gratis")]


def product_slugs(
    ids: list[int] | None = None, live_only: bool = False
) -> dict[int, str]:
    """Page id → slug of product pages (for related products and steps)."""
    pages = ProductPage.objects.all()
    if ids is not None:
        pages = pages.filter(pk__in=ids)
    if live_only:
        pages = pages.live()
    return dict(pages.values_list("pk", "slug"))


class ProductIndexPage(SamenloketPageMixin, Page):
    """The national product list (/producten/): the moderation workflow starts here."""

    is_structure_page = True
    max_count = 1
    parent_page_types = ["base.HomePage"]
    subpage_types = ["catalogue.ProductPage"]

    class Meta:
        verbose_name = "productenlijst"
        verbose_name_plural = "productenlijsten"


class NationalSections(models.Model):
    """The nine SDG sections every national product must fill (in page order)."""

    what_it_is = MarkdownField(SECTION_HEADINGS["what_it_is"])
    conditions = MarkdownField(SECTION_HEADINGS["conditions"])
    evidence = MarkdownField(SECTION_HEADINGS["evidence"])
    procedure = MarkdownField(SECTION_HEADINGS["procedure"])
    costs = MarkdownField(SECTION_HEADINGS["costs"])
    term = MarkdownField(SECTION_HEADINGS["term"])
    no_response = MarkdownField(SECTION_HEADINGS["no_response"])
    objection = MarkdownField(SECTION_HEADINGS["objection"])
    more_info = MarkdownField(SECTION_HEADINGS["more_info"])

    class Meta:
        abstract = True


class ProductPage(EditorGemeentePreviewMixin, HeadlessPreviewMixin, SamenloketPageMixin,
                  NationalSections, Page):
    """A national product: one file in content/producten/, one page on every site.

    The page slug is the product slug, so /producten/<slug>/ is the same path on
    all 342 sites. Local facts live on each gemeente's LocalProductPage.
    """

    summary = models.TextField(
        "samenvatting", max_length=300,
        help_text="Eén zin, hooguit ongeveer 25 woorden. Komt in zoekresultaten en "
        "in de SC-feed.",
    )
    upl = StreamField([("upl", UplBlock())], min_num=1, verbose_name="UPL-namen",
                      help_text="Eén of meer namen van de Uniforme Productnamenlijst.")
    audience = ChoiceListField("doelgroep", list_choices=AUDIENCE_CHOICES)
    authority_name = models.CharField(
        "bevoegd gezag (naam)", max_length=200, blank=True,
        help_text="Leeg laten als de gemeente beslist. Anders de organisatie, "
        "bijvoorbeeld Justis.",
    )
    authority_url = models.URLField(
        "bevoegd gezag (link)", blank=True,
        help_text="https://-link van de organisatie."
    )
    legal_basis = StreamField([("link", LinkBlock())], blank=True,
                              verbose_name="wettelijke grondslag")
    channels = ChoiceListField("kanalen", list_choices=CHANNEL_CHOICES,
                               help_text="Waar het kan: online, telefoon, balie, post.")
    appointment = models.BooleanField(
        "balie alleen op afspraak", default=False
    )
    online_aanvragen = models.CharField(
        "online aanvragen (landelijke standaard)", max_length=5,
        choices=ONLINE_CHOICES, default="nee",
    )
    fees_set_by = models.CharField("kosten bepaald door", max_length=10,
                                   choices=FEE_SETTER_CHOICES, default="gemeente")
    fees_year = models.PositiveSmallIntegerField(
        "jaar van de bedragen", null=True, blank=True,
        help_text="Verplicht als er bedragen staan: noem nooit een bedrag zonder jaar.",
    )
    fee_items = StreamField([("item", FeeItemBlock())], blank=True,
                            verbose_name="bedragen")
    delivery_time = models.CharField("levertijd (landelijke standaard)", max_length=300,
                                     blank=True)
    related = StreamField(
        [("product", blocks.PageChooserBlock(page_type="catalogue.ProductPage",
                                             label="product"))],
        blank=True, verbose_name="gerelateerde producten",
    )
    synonyms = LineListField("zoekwoorden", blank=True,
                             help_text="Eén per regel: woorden waarmee mensen zoeken.")
    default_offered = models.BooleanField(
        "iedere gemeente biedt dit aan", default=True,
        help_text="Uitzetten als alleen sommige gemeenten dit product hebben.",
    )

    base_form_class = CatalogueAdminPageForm
    parent_page_types = ["catalogue.ProductIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("upl"),
        FieldRowPanel([FieldPanel("audience"), FieldPanel("channels")]),
        MultiFieldPanel([FieldPanel("authority_name"), FieldPanel("authority_url")],
                        heading="Wie beslist"),
        FieldPanel("legal_basis"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("appointment"), FieldPanel("online_aanvragen")]),
            FieldPanel("delivery_time"),
            FieldPanel("default_offered"),
        ], heading="Aanvragen"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("fees_set_by"), FieldPanel("fees_year")]),
            FieldPanel("fee_items"),
        ], heading="Kosten"),
        FieldPanel("related"),
        FieldPanel("synonyms"),
    ]
    text_panels = [FieldPanel(key) for key in SECTION_KEYS]
    edit_handler = TabbedInterface([
        ObjectList(content_panels, heading="Gegevens"),
        ObjectList(text_panels, heading="Teksten"),
        ObjectList(Page.promote_panels, heading="Adres"),
        ObjectList(Page.settings_panels, heading="Publiceren"),
    ])

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("synonyms_text", boost=2),
        index.SearchField("upl_names", boost=2),
        index.SearchField("what_it_is"),
        index.AutocompleteField("synonyms_text"),
        index.FilterField("default_offered"),
    ]

    api_fields = [
        APIField("summary"),
        APIField("upl_uris"),
        APIField("audience"),
        APIField("channels"),
        APIField("sections"),
        APIField("sections_html"),
        APIField("samenloket"),
    ]

    class Meta:
        verbose_name = "landelijk product"
        verbose_name_plural = "landelijke producten"

    # -- search and API helpers

    def synonyms_text(self) -> str:
        return " ".join(self.synonyms or [])

    def upl_names(self) -> str:
        from cms.base.reference import upl_entries

        entries = upl_entries()
        return " ".join(entries[u].label for u in self.upl_uris if u in entries)

    @property
    def upl_uris(self) -> list[str]:
        return [str(item["value"]) for item in raw_items(self.upl) if item.get("value")]

    @property
    def sections(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in SECTION_KEYS}

    @property
    def sections_html(self) -> dict[str, str]:
        return {key: render_markdown(getattr(self, key)) for key in SECTION_KEYS}

    @property
    def samenloket(self) -> dict[str, Any] | None:
        """The page as the catalogue model's JSON (None while it is invalid)."""
        try:
            return self.to_product().model_dump(mode="json")
        except ValueError:
            return None

    # -- catalogue model

    def to_product(self, slugs: Mapping[int, str] | None = None) -> Product:
        """This page as a validated Product; related pages not in slugs are left out."""
        related_ids = page_ids(self.related)
        if slugs is None:
            slugs = product_slugs(related_ids)
        authority: Any = "gemeente"
        if self.authority_name or self.authority_url:
            authority = Organisation(name=self.authority_name, url=self.authority_url)
        return Product(
            slug=self.slug,
            title=self.title,
            summary=self.summary,
            upl=tuple(self.upl_uris),
            audience=tuple(self.audience or ()),
            authority=authority,
            legal_basis=tuple(
                Link(label=(item["value"] or {}).get("label", ""),
                     url=(item["value"] or {}).get("url", ""))
                for item in raw_items(self.legal_basis)
            ),
            channels=tuple(self.channels or ()),
            appointment=self.appointment,
            online_aanvragen=self.online_aanvragen,
            fees=fees_from(self.fees_set_by, self.fees_year, self.fee_items),
            delivery_time=none_if_blank(self.delivery_time),
            related=slugs_for(related_ids, slugs),
            synonyms=tuple(self.synonyms or ()),
            default_offered=self.default_offered,
            sections=self.sections,
        )

    def apply_product(self, product: Product, ids: Mapping[str, int]) -> None:
        """Set every field from a Product; related slugs are looked up in ids."""
        self.title = product.title
        self.draft_title = product.title
        self.slug = product.slug
        self.summary = product.summary
        self.upl = raw_stream(("upl", uri) for uri in product.upl)
        self.audience = list(product.audience)
        if isinstance(product.authority, Organisation):
            self.authority_name = product.authority.name
            self.authority_url = product.authority.url
        else:
            self.authority_name = self.authority_url = ""
        self.legal_basis = raw_stream(
            ("link", {"label": link.label, "url": link.url})
            for link in product.legal_basis
        )
        self.channels = list(product.channels)
        self.appointment = product.appointment
        self.online_aanvragen = product.online_aanvragen
        self.fees_set_by = product.fees.set_by
        self.fees_year = product.fees.year
        self.fee_items = fee_stream(product.fees)
        self.delivery_time = product.delivery_time or ""
        self.related = raw_stream(
            ("product", ids[s]) for s in product.related if s in ids
        )
        self.synonyms = list(product.synonyms)
        self.default_offered = product.default_offered
        for key in SECTION_KEYS:
            setattr(self, key, product.sections[key])

    def validate_catalogue(self, form_fields: set[str]) -> None:
        model_errors(self.to_product, form_fields, {
            f"sections.{key}": key for key in SECTION_KEYS
        } | {"authority": "authority_url", "fees": "fee_items"})


class LifeEventIndexPage(SamenloketPageMixin, Page):
    """The list of life events (/levensgebeurtenissen/), under national moderation."""

    is_structure_page = True
    max_count = 1
    parent_page_types = ["base.HomePage"]
    subpage_types = ["catalogue.LifeEventPage"]

    class Meta:
        verbose_name = "levensgebeurtenissenlijst"
        verbose_name_plural = "levensgebeurtenissenlijsten"


class LifeEventPage(EditorGemeentePreviewMixin, HeadlessPreviewMixin,
                    SamenloketPageMixin, Page):
    """A levensgebeurtenis: 4 to 10 ordered steps across organisations.

    Steps are a StreamField so their order is the editor's order; an item points
    either at a national product page or at another organisation's service.
    """

    summary = models.TextField("samenvatting", max_length=300)
    audience = ChoiceListField("doelgroep", list_choices=AUDIENCE_CHOICES)
    order = models.IntegerField("volgorde op de homepage", default=100,
                                help_text="Laag eerst.")
    intro = MarkdownField("inleiding", blank=True, rows=4)
    steps = StreamField([("step", StepBlock())], min_num=4, max_num=10,
                        verbose_name="stappen")

    base_form_class = CatalogueAdminPageForm
    parent_page_types = ["catalogue.LifeEventIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("audience"), FieldPanel("order")]),
        FieldPanel("intro"),
        FieldPanel("steps"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    api_fields = [
        APIField("summary"), APIField("audience"), APIField("order"),
        APIField("intro"), APIField("samenloket"),
    ]

    class Meta:
        verbose_name = "levensgebeurtenis"
        verbose_name_plural = "levensgebeurtenissen"

    @property
    def samenloket(self) -> dict[str, Any] | None:
        try:
            return self.to_life_event().model_dump(mode="json")
        except ValueError:
            return None

    def _step_product_ids(self) -> list[int]:
        ids = []
        for step in raw_items(self.steps):
            for item in raw_items((step.get("value") or {}).get("items")):
                if item["type"] == "product":
                    chosen = (item.get("value") or {}).get("product")
                    ids += page_ids([{"value": chosen}])
        return ids

    def to_life_event(self, slugs: Mapping[int, str] | None = None) -> LifeEvent:
        """This page as a validated LifeEvent; product items not in slugs are left
        out (a step pointing only at unpublished products is left out too)."""
        if slugs is None:
            slugs = product_slugs(self._step_product_ids())
        steps = []
        for raw_step in raw_items(self.steps):
            value = raw_step.get("value") or {}
            items: list[ProductStep | ExternalStep] = []
            for raw_item in raw_items(value.get("items")):
                data = raw_item.get("value") or {}
                if raw_item["type"] == "product":
                    ids = page_ids([{"value": data.get("product")}])
                    if ids and ids[0] in slugs:
                        items.append(ProductStep(product=slugs[ids[0]],
                                                 text=none_if_blank(data.get("text"))))
                else:
                    items.append(ExternalStep(
                        organisation=data.get("organisation", ""),
                        title=data.get("title", ""), url=data.get("url", ""),
                        text=none_if_blank(data.get("text")),
                    ))
            if items:
                steps.append(Step(title=value.get("title", ""),
                                  choice=value.get("choice") or "en",
                                  items=tuple(items)))
        return LifeEvent(
            slug=self.slug, title=self.title, summary=self.summary,
            audience=tuple(self.audience or ()), order=self.order, intro=self.intro,
            steps=tuple(steps),
        )

    def apply_life_event(self, event: LifeEvent, ids: Mapping[str, int]) -> None:
        self.title = event.title
        self.draft_title = event.title
        self.slug = event.slug
        self.summary = event.summary
        self.audience = list(event.audience)
        self.order = event.order
        self.intro = event.intro
        steps = []
        for step in event.steps:
            items = []
            for item in step.items:
                if isinstance(item, ProductStep):
                    items.append(("product", {"product": ids.get(item.product),
                                              "text": item.text or ""}))
                else:
                    items.append(("external", {
                        "organisation": item.organisation, "title": item.title,
                        "url": item.url, "text": item.text or "",
                    }))
            steps.append(("step", {"title": step.title, "choice": step.choice,
                                   "items": raw_stream(items)}))
        self.steps = raw_stream(steps)

    def validate_catalogue(self, form_fields: set[str]) -> None:
        model_errors(self.to_life_event, form_fields)
