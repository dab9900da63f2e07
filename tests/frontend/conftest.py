"""Fixtures of the front-end tests: one build of the fixture with all four themes,
a local server that sends the sites' security headers, Debian's Chromium, and
(for the slow tests) one build of the real content/ with all 342 sites."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from frontend_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    build,
    make_frontend_content,
    serve,
)
from support import THEMES

from samenloket.errors import ContentErrors
from samenloket.loader import load_catalogue


@pytest.fixture(scope="session")
def frontend_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_frontend_content(tmp_path_factory.mktemp("frontend") / "content")


@pytest.fixture(scope="session")
def frontend_site(frontend_content: Path, tmp_path_factory: pytest.TempPathFactory
                  ) -> Path:
    """The fixture built once for the whole session (do not modify)."""
    out = tmp_path_factory.mktemp("frontend-public") / "public"
    build(frontend_content, out)
    return out


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All 342 sites from content/, built once (skipped while content/ has errors)."""
    content = REPO / "content"
    try:
        load_catalogue(content, themes_dir=THEMES)
    except ContentErrors as exc:
        pytest.skip(f"content/ laadt nog niet: {str(exc)[:200]}")
    out = tmp_path_factory.mktemp("real-public") / "public"
    build(content, out)
    return out


@pytest.fixture(scope="session")
def base_url(frontend_site: Path) -> Iterator[str]:
    with serve(frontend_site) as url:
        yield url


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} ontbreekt: installeer Chromium met 'make browser'")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()
