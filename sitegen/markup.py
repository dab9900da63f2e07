"""Formatting for the templates: Markdown (samenloket.markdown) and small filters.

National texts are rendered once per text and reused for all 342 sites: a
product page sits at the same depth on every site, so its relative links are
the same everywhere.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from samenloket.markdown import render_markdown, site_markdown

__all__ = ["date_nl", "euro", "plain", "render_markdown", "site_markdown"]

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def plain(text: str) -> str:
    """Markdown reduced to plain text (for meta descriptions and JSON-LD)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text or "")
    return re.sub(r"[*_`#>]", "", text).strip()


def euro(amount: Decimal | float | int) -> str:
    """Dutch money notation: € 1.234,50."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    whole, cents = f"{value:,.2f}".split(".")
    return f"€ {whole.replace(',', '.')},{cents}"


def date_nl(value: date) -> str:
    """A date as Dutch readers write it: 23 november 2026."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
