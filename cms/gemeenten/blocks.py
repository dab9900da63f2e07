"""Blocks of a gemeente's own data: desks with opening hours."""

from __future__ import annotations

from django.core.validators import RegexValidator
from wagtail import blocks

from cms.base.blocks import HttpsURLBlock
from samenloket.model import TIME_RE, WEEKDAYS

_time = RegexValidator(TIME_RE, "Schrijf de tijd als UU:MM, bijvoorbeeld 08:30.")
_postcode = RegexValidator(r"^\d{4} ?[A-Z]{2}$", "Schrijf de postcode als 1234 AB.")


class OpeningHoursBlock(blocks.StructBlock):
    """One opening period on one weekday (two rows for a lunch break)."""

    day = blocks.ChoiceBlock(choices=[(d, d) for d in WEEKDAYS], label="dag")
    open = blocks.CharBlock(label="open", max_length=5, validators=[_time])
    close = blocks.CharBlock(label="dicht", max_length=5, validators=[_time])

    class Meta:
        icon = "time"
        label = "openingstijd"


class LocationBlock(blocks.StructBlock):
    """A desk (balie) or office; nested opening hours keep their order."""

    name = blocks.CharBlock(label="naam")
    address = blocks.CharBlock(label="adres")
    postcode = blocks.CharBlock(label="postcode", max_length=7, validators=[_postcode])
    city = blocks.CharBlock(label="plaats")
    appointment_only = blocks.BooleanBlock(required=False, label="alleen op afspraak")
    appointment_url = HttpsURLBlock(required=False,
                                    label="link om een afspraak te maken")
    note = blocks.TextBlock(required=False, label="opmerking", rows=2)
    opening_hours = blocks.ListBlock(OpeningHoursBlock(), label="openingstijden")

    class Meta:
        icon = "site"
        label = "locatie"
