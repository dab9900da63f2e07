"""Site root, catalogue-wide settings and the stored reference lists."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Page

from samenloket.model import Settings

from .permissions import SamenloketPageMixin


class HomePage(SamenloketPageMixin, Page):
    """The one site root: national catalogue, life events and gemeenten below it.

    Headless: nothing is served from here; sitegen builds the sites from the API.
    """

    is_structure_page = True
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "catalogue.ProductIndexPage",
        "catalogue.LifeEventIndexPage",
        "gemeenten.GemeenteIndexPage",
    ]

    class Meta:
        verbose_name = "samenloket (startpunt)"
        verbose_name_plural = "samenloket (startpunt)"


@register_setting(icon="cog")
class CatalogueSettings(BaseGenericSetting):
    """content/catalogus.yaml: settings that hold for every gemeente's site."""

    site_url_pattern = models.CharField(
        "adrespatroon van de sites",
        max_length=200,
        default=Settings().site_url_pattern,
        help_text="Adres van een gemeentesite; {slug} wordt de naam van de gemeente, "
        "bijvoorbeeld https://{slug}.samenloket.nl",
    )
    default_theme = models.CharField(
        "standaardthema",
        max_length=60,
        default=Settings().default_theme,
        help_text="Thema (map in themes/) voor gemeenten zonder eigen thema.",
    )

    security_contact = models.CharField(
        "contact voor beveiligingsmeldingen", max_length=200,
        default=Settings().security_contact,
        help_text="Komt in /.well-known/security.txt van elke site "
        "(mailto: of https:).",
    )
    security_policy = models.URLField(
        "beleid voor melden van kwetsbaarheden", blank=True,
        help_text="Optioneel: https-link naar het CVD-beleid.",
    )
    security_txt_expires = models.DateField(
        "vaste verloopdatum security.txt", null=True, blank=True,
        help_text="Leeg: automatisch het einde van het volgende halfjaar.",
    )

    panels = [FieldPanel("site_url_pattern"), FieldPanel("default_theme"),
              FieldPanel("security_contact"), FieldPanel("security_policy"),
              FieldPanel("security_txt_expires")]

    class Meta:
        verbose_name = "catalogusinstellingen"

    def to_settings(self) -> Settings:
        return Settings(
            site_url_pattern=self.site_url_pattern, default_theme=self.default_theme,
            security_contact=self.security_contact,
            security_policy=self.security_policy or None,
            security_txt_expires=self.security_txt_expires,
        )

    def clean(self) -> None:
        from .validation import model_errors

        model_errors(self.to_settings, {"site_url_pattern", "default_theme",
                                        "security_contact", "security_policy",
                                        "security_txt_expires"})


class ReferenceList(models.Model):
    """An official reference file (upl.csv, gemeenten.csv), kept as exact text.

    Replaced only by `load_content` (after `samenloket reference` refreshed the
    file), never edited by hand: the sources are the official registers.
    """

    name = models.CharField("bestand", max_length=40, unique=True)
    text = models.TextField("inhoud")
    sha256 = models.CharField(max_length=64)
    updated_at = models.DateTimeField("bijgewerkt", auto_now=True)

    class Meta:
        verbose_name = "referentielijst"
        verbose_name_plural = "referentielijsten"

    def __str__(self) -> str:
        return self.name
