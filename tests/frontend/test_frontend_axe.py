"""WCAG 2.1 AA in Chromium: axe-core on every page type in all four themes, plus
keyboard focus, the skip link and the print style (which axe does not see)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from frontend_support import AXE_JS, THEME_SITES, WCAG_TAGS, missing_tool_message

pytestmark = pytest.mark.browser

# Page types the issue names; the news page is the site's first news item.
PAGES = {
    "home": "",
    "product": "producten/paspoort-aanvragen/",
    "life-event": "levensgebeurtenissen/kind-krijgen/",
    "a-z": "producten/",
    "contact": "contact/",
    "search": "zoeken/?q=paspoort",
    "news": None,
}


@pytest.fixture(scope="module")
def axe_context(chromium) -> Iterator[object]:
    """A context that loads axe-core into every page (CSP bypassed for axe only)."""
    if not AXE_JS.is_file():
        pytest.fail(missing_tool_message(AXE_JS))
    context = chromium.new_context(bypass_csp=True)
    context.add_init_script(path=str(AXE_JS))
    yield context
    context.close()


def _news_path(page, base_url: str, slug: str) -> str:
    page.goto(f"{base_url}/{slug}/nieuws/")
    href = page.locator(".news-item a").first.get_attribute("href")
    assert href, f"{slug} heeft geen nieuwsbericht"
    return "nieuws/" + href.strip("/").split("/")[-1] + "/"


def _describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in violations)


@pytest.mark.parametrize("theme", sorted(THEME_SITES))
def test_no_axe_violations(axe_context, base_url: str, theme: str) -> None:
    """0 violations for wcag2a, wcag2aa, wcag21a, wcag21aa on each page type."""
    slug = THEME_SITES[theme]
    page = axe_context.new_page()
    failures = []
    try:
        for name, path in PAGES.items():
            path = path if path is not None else _news_path(page, base_url, slug)
            page.goto(f"{base_url}/{slug}/{path}")
            if name == "search":  # check the page with its results rendered
                page.wait_for_selector("#zoekresultaten li", timeout=15000)
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                " resultTypes: ['violations']})", WCAG_TAGS)
            if result["violations"]:
                failures.append(f"{slug}/{path}:\n{_describe(result['violations'])}")
    finally:
        page.close()
    assert not failures, "\n\n".join(failures)


def test_skip_link_and_focus_are_visible(chromium, base_url: str) -> None:
    """The first Tab shows the skip link; it moves focus to the main content."""
    page = chromium.new_page()
    try:
        page.goto(f"{base_url}/utrecht/producten/paspoort-aanvragen/")
        page.keyboard.press("Tab")
        skip = page.locator(".skip-link")
        assert skip.evaluate("el => el === document.activeElement")
        box = skip.bounding_box()
        assert box and box["y"] >= 0 and box["width"] > 0, "skip link onzichtbaar"
        style = skip.evaluate("el => getComputedStyle(el).outlineStyle")
        shadow = skip.evaluate("el => getComputedStyle(el).boxShadow")
        assert style != "none" or shadow != "none", "geen zichtbare focus"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "inhoud"
        # Every link and button gets a visible focus indicator.
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()")
        assert focused[0] != "none" and focused[1] != "0px" or focused[2] != "none"
    finally:
        page.close()


def test_print_style_shows_content_only(chromium, base_url: str) -> None:
    """In print, navigation and search are hidden and external link targets shown."""
    page = chromium.new_page()
    try:
        page.goto(f"{base_url}/zwolle/producten/grofvuil-ophalen/")
        page.emulate_media(media="print")
        for selector in (".site-nav", ".search-form", ".skip-link", ".breadcrumbs"):
            assert page.locator(selector).first.evaluate(
                "el => getComputedStyle(el).display") == "none", selector
        after = page.locator('main a[href^="https://"]').first.evaluate(
            "el => getComputedStyle(el, '::after').content")
        assert re.search(r"https://", after), after
        assert page.locator("main h1").is_visible()
    finally:
        page.close()
