"""Markdown as editors write it in the CMS: validated like content/, rendered safely.

The CMS stores Markdown, the same text the content files hold, so content → CMS →
content is byte-identical and nothing is lost converting to and from HTML. Input is
checked with the loader's own rules (no HTML, links only https://, a site path,
mailto: or tel:). Anything rendered to HTML (API, preview) goes through nh3 with only
the features the sites support: paragraphs, h3, lists, links and bold.
"""

from __future__ import annotations

from pathlib import Path

import markdown as markdown_lib
import nh3
from django.core.exceptions import ValidationError

from samenloket.loader import Collector, _check_markdown

ALLOWED_TAGS = frozenset({"p", "h3", "ul", "ol", "li", "a", "strong"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"https", "mailto", "tel"})

HELP_TEXT = (
    "Markdown: lege regel tussen alinea's, '- ' of '1. ' voor lijsten, "
    "'### ' voor een tussenkop, **vet**, [linktekst](https://…) of "
    "[linktekst](/producten/…/). Geen HTML."
)


def markdown_problems(text: str) -> list[str]:
    """The loader's Markdown rules applied to one field, as Dutch messages."""
    errors = Collector(Path("."))
    _check_markdown(Path("veld"), text, 1, errors)
    return [
        f"regel {error.line}: {error.message}"
        + (f" ({error.fix})" if error.fix else "")
        for error in errors.errors
    ]


def validate_markdown(text: str) -> None:
    """Field validator: refuse HTML and unsafe links instead of silently dropping."""
    problems = markdown_problems(text or "")
    if problems:
        raise ValidationError(problems)


def sanitise_html(html: str) -> str:
    """Strip everything the sites do not support (scripts, events, javascript:)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        clean_content_tags={"script", "style"},
        strip_comments=True,
        link_rel=None,
    )


def render_markdown(text: str) -> str:
    """Markdown → sanitised HTML with only p, h3, ul, ol, li, a[href], strong."""
    if not text:
        return ""
    return sanitise_html(markdown_lib.markdown(text, output_format="html"))


def normalise_newlines(text: str) -> str:
    """Browsers post textareas with CRLF; content files use LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
