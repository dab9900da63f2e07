"""Markdown → safe HTML, and the small formatting filters the templates use.

National texts are rendered once per text and reused for all 342 sites: a
product page sits at the same depth on every site, so its relative links are
the same everywhere. The output is sanitised (nh3) even though the validator
already refuses HTML, so nothing an editor types can inject markup.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache

import markdown as markdown_lib
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "ul", "ol", "li", "h3", "h4", "strong", "em", "a", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"https", "mailto", "tel"}
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
_INTERNAL_HREF = re.compile(r'href="/(?!/)')
_HEADING = re.compile(r"<(/?)h([1-2])>")

_converter = markdown_lib.Markdown(extensions=["sane_lists"], output_format="html")


@lru_cache(maxsize=65536)
def render_markdown(text: str, root: str = "") -> Markup:
    """Render editor Markdown to sanitised HTML with links relative to root.

    `root` is the page's path back to the site root ('../../' for
    /producten/<slug>/), so '/producten/x/' works on any host or sub-path.
    """
    html = _converter.reset().convert(text or "")
    # Headings inside a section sit below the page's h2 section headings.
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h3>", html)
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
    )
    html = _INTERNAL_HREF.sub(f'href="{root}', html)
    return Markup(html)


def site_markdown(text: str, root: str, unoffered: frozenset[str]) -> Markup:
    """Markdown for one site: a link to a national product the site does not
    offer becomes plain text, so no link points to a page the site lacks.

    `unoffered` is the same set for most gemeenten, so the result is cached.
    """
    return _site_markdown(text or "", root, unoffered)


@lru_cache(maxsize=65536)
def _site_markdown(text: str, root: str, unoffered: frozenset[str]) -> Markup:
    html = str(render_markdown(text, root))
    if root + "producten/" in html:
        for slug in unoffered:
            opening = f'<a href="{root}producten/{slug}/'
            if opening in html:
                first, *rest = html.split(opening)
                html = first + "".join(
                    piece.split('">', 1)[1].replace("</a>", "", 1) for piece in rest)
    return Markup(html)


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
