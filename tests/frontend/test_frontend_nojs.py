"""Without JavaScript every page shows all its content, and the search page
falls back to the A-Z list of all products."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = ("", "producten/", "producten/paspoort-aanvragen/",
         "levensgebeurtenissen/kind-krijgen/", "contact/", "zoeken/", "nieuws/",
         "toegankelijkheid/", "privacy/")


def test_pages_show_the_same_content_without_javascript(chromium, base_url: str
                                                        ) -> None:
    with_js = chromium.new_context()
    without_js = chromium.new_context(java_script_enabled=False)
    on, off = with_js.new_page(), without_js.new_page()
    try:
        for path in PAGES:
            url = f"{base_url}/utrecht/{path}"
            on.goto(url)
            off.goto(url)
            assert off.inner_text("main").strip(), url
            assert on.inner_text("main") == off.inner_text("main"), url
    finally:
        with_js.close()
        without_js.close()


def test_search_without_javascript_lists_all_products(chromium, base_url: str
                                                      ) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/utrecht/")
        page.fill("#zoekterm", "paspoort")
        page.locator(".site-header .search-form button").click()
        page.wait_for_url("**/utrecht/zoeken/?q=paspoort")
        links = page.locator("#alle-producten-lijst a").all_inner_texts()
        assert "Paspoort aanvragen in Utrecht" in links
        assert "Identiteitskaart aanvragen" in links
        assert page.locator("#zoekresultaten").is_hidden()
    finally:
        context.close()
