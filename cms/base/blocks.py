"""Blocks shared by national and local pages (links, fee lines)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from wagtail import blocks


def validate_https(value: str) -> None:
    """The catalogue model only accepts full https:// links."""
    if value and not value.startswith("https://"):
        raise ValidationError("Gebruik een volledige link die met https:// begint.")


class HttpsURLBlock(blocks.URLBlock):
    """A URL block that refuses anything but https:// (as the model does)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validators", [validate_https])
        super().__init__(**kwargs)


class LinkBlock(blocks.StructBlock):
    """A labelled link, e.g. a legal basis on wetten.overheid.nl."""

    label = blocks.CharBlock(label="tekst")
    url = HttpsURLBlock(label="link (https://)")

    class Meta:
        icon = "link"
        label = "link"


class FeeItemBlock(blocks.StructBlock):
    """One line of the fee table; the year is set once for all lines."""

    label = blocks.CharBlock(label="omschrijving")
    amount = blocks.DecimalBlock(
        label="bedrag in euro", min_value=0, max_digits=9, decimal_places=2,
        help_text="Bijvoorbeeld 82.30",
    )

    class Meta:
        icon = "tag"
        label = "bedrag"
