"""Editor Markdown as safe HTML: one rendering per text for sites, search and feeds.

A national text is converted once (`markdown_html`) and reused by all 342
sites, the search index and every SC feed; what differs is only where its site
links point (`render_markdown`: relative to a page) and which of them become
plain text because the gemeente does not offer that product (`site_markdown`).
The output is sanitised (nh3) even though the validator already refuses HTML,
so nothing an editor types can inject markup.
"""

from __future__ import annotations

import re
from functools import lru_cache

import markdown as markdown_lib
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "ul", "ol", "li", "h3", "h4", "strong", "em", "a", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"https", "mailto", "tel"}
_INTERNAL_HREF = re.compile(r'href="/(?!/)')
_HEADING = re.compile(r"<(/?)h([1-2])>")

_converter = markdown_lib.Markdown(extensions=["sane_lists"], output_format="html")


_HTML: dict[str, str] = {}  # text -> its sanitised HTML (markdown_html)
_HTML_LIMIT = 65536  # a long-running process (the CMS worker) starts afresh then


def markdown_html(text: str) -> str:
    """Sanitised HTML of editor Markdown; site links stay as written ('/x/')."""
    html = _HTML.get(text)
    if html is None:
        if len(_HTML) >= _HTML_LIMIT:
            _HTML.clear()
        html = _HTML[text] = _convert(text)
    return html


def _convert(text: str) -> str:
    html = _converter.reset().convert(text or "")
    # Headings inside a section sit below the page's h2 section headings.
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h3>", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
    )


def converted_texts() -> frozenset[str]:
    """The texts this process has converted (see converted_since)."""
    return frozenset(_HTML)


def converted_since(known: frozenset[str]) -> dict[str, str]:
    """Text -> HTML of what this process converted that `known` did not hold:
    a helper process hands its work to the process it was forked from."""
    return {text: html for text, html in _HTML.items() if text not in known}


def remember_html(converted: dict[str, str]) -> None:
    """Take HTML converted by another process (converted_since), as if made here.

    Only HTML this same code made from these texts may be passed in.
    """
    if len(_HTML) + len(converted) > _HTML_LIMIT:
        _HTML.clear()
    _HTML.update(converted)


@lru_cache(maxsize=65536)
def render_markdown(text: str, root: str = "") -> Markup:
    """Editor Markdown as sanitised HTML with site links relative to root.

    `root` is the page's path back to the site root ('../../' for
    /producten/<slug>/), so '/producten/x/' works on any host or sub-path; '/'
    keeps links as written (the SC feed makes them absolute).
    """
    return Markup(_INTERNAL_HREF.sub(f'href="{root}', markdown_html(text or "")))


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
