"""Preview of drafts (token expiry, concept marker) and which pages an edit affects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support import THEMES, edit

from samenloket.loader import load_catalogue
from sitegen.impact import affected_gemeenten, affected_pages
from sitegen.preview import PreviewError, PreviewService, apply_patch, render_page

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _service(content: Path, answer: dict, max_age: int = 1800) -> PreviewService:
    catalogue = load_catalogue(content)
    return PreviewService(
        lambda content_type, token: answer,
        lambda: catalogue,
        THEMES,
        max_age=max_age,
        clock=NOW.timestamp,
    )


def _draft_answer(content: Path, minutes_old: int) -> dict:
    catalogue = load_catalogue(content)
    local = catalogue.profiles["GM0193"].model_dump(mode="json")
    local["products"]["grofvuil-ophalen"]["delivery_time"] = (
        "Binnen 3 werkdagen (concept)."
    )
    return {
        "created_at": (NOW - timedelta(minutes=minutes_old)).isoformat(),
        "patch": {"profiles": {"GM0193": local}},
        "path": "producten/grofvuil-ophalen/",
        "gemeente": "GM0193",
    }


def test_draft_renders_in_own_theme_with_concept_marker(content: Path) -> None:
    """A local draft shows on its gemeente's site, in its theme, marked as concept."""
    service = _service(content, _draft_answer(content, minutes_old=2))
    target = service.open("gemeenten.localproductpage", "tok")
    assert target == "/preview/tok/zwolle/producten/grofvuil-ophalen/"
    html = service.page("tok", "zwolle/producten/grofvuil-ophalen/").decode()
    assert "Binnen 3 werkdagen (concept)." in html
    assert "Concept: nog niet gepubliceerd" in html and "gemeente Zwolle" in html
    assert 'src="../../static/img/logo.svg"' in html  # Zwolle's own logo
    css = service.page("tok", "zwolle/static/css/thema.css").decode()
    assert css == (content.parent / "x").name or "--samenloket-page-color" in css
    assert 'name="gemeente"' not in html  # a local draft cannot switch gemeente


def test_expired_token_is_refused(content: Path) -> None:
    """A preview link older than max_age is refused with a clear message."""
    service = _service(content, _draft_answer(content, minutes_old=31))
    with pytest.raises(PreviewError) as info:
        service.open("gemeenten.localproductpage", "tok")
    assert info.value.status == 410 and "verlopen" in info.value.message


def test_draft_expires_from_memory(content: Path) -> None:
    """Pages of an opened draft stop being served once the token is too old."""
    service = _service(content, _draft_answer(content, minutes_old=29))
    service.open("gemeenten.localproductpage", "tok")
    service.clock = (NOW + timedelta(minutes=5)).timestamp
    with pytest.raises(PreviewError) as info:
        service.page("tok", "zwolle/producten/grofvuil-ophalen/")
    assert info.value.status == 410


def test_national_draft_can_switch_gemeente(content: Path) -> None:
    """A national draft is shown on the chosen gemeente's site, with a switcher."""
    catalogue = load_catalogue(content)
    product = catalogue.products["paspoort-aanvragen"].model_dump(mode="json")
    product["summary"] = "Concepttekst over het paspoort voor de test."
    answer = {
        "created_at": NOW.isoformat(),
        "patch": {"products": {"paspoort-aanvragen": product}},
        "path": "producten/paspoort-aanvragen/",
        "gemeente": None,
    }
    service = _service(content, answer)
    target = service.open("catalogue.productpage", "tok", gemeente="GM0344")
    assert target.startswith("/preview/tok/utrecht/")
    html = service.page("tok", "utrecht/producten/paspoort-aanvragen/").decode()
    assert "Concepttekst over het paspoort" in html and 'name="gemeente"' in html
    with pytest.raises(PreviewError):
        service.page("tok", "zwolle/producten/paspoort-aanvragen/")


def test_apply_patch_validates(content: Path) -> None:
    """A draft that breaks the model is refused, not rendered half."""
    catalogue = load_catalogue(content)
    broken = catalogue.products["paspoort-aanvragen"].model_dump(mode="json")
    broken["audience"] = ["iedereen"]
    with pytest.raises(ValueError):
        apply_patch(catalogue, {"products": {"paspoort-aanvragen": broken}})


def test_render_page_unknown_path(content: Path) -> None:
    catalogue = load_catalogue(content)
    assert render_page(catalogue, "GM0193", "bestaat/niet/", THEMES) is None


def test_national_body_edit_affects_product_page_and_feeds_on_each_site(
    content: Path,
) -> None:
    """A national text edit touches that page and the feeds of every offering site."""
    before = load_catalogue(content)
    edit(
        content / "producten/grofvuil-ophalen.md",
        "U woont in de gemeente.",
        "U woont in deze gemeente.",
    )
    after = load_catalogue(content)
    pages = affected_pages(before, after)
    assert set(pages) == {"GM0344", "GM0193", "GM0088"}
    for paths in pages.values():
        assert paths == {
            "producten/grofvuil-ophalen/index.html",
            "sc/producten.xml",
            "open-data/producten.json",
        }


def test_title_edit_also_affects_indexes_and_life_events(content: Path) -> None:
    """A new title changes every page that links the product by name."""
    before = load_catalogue(content)
    edit(
        content / "producten/paspoort-aanvragen.md",
        "title: Paspoort aanvragen",
        "title: Een paspoort aanvragen",
    )
    after = load_catalogue(content)
    paths = affected_pages(before, after)["GM0193"]
    assert {
        "producten/paspoort-aanvragen/index.html",
        "producten/index.html",
        "levensgebeurtenissen/kind-krijgen/index.html",
        "index.html",
        "sitemap.xml",
    } <= paths
    assert "contact/index.html" not in paths


def test_local_edit_affects_only_that_gemeente(content: Path) -> None:
    """A local change rebuilds that gemeente only."""
    before = load_catalogue(content)
    edit(
        content / "gemeenten/zwolle/producten/grofvuil-ophalen.md",
        "Binnen 5 werkdagen.",
        "Binnen 4 werkdagen.",
    )
    after = load_catalogue(content)
    assert affected_gemeenten(before, after) == ["GM0193"]
    assert affected_pages(before, after)["GM0193"] == {
        "producten/grofvuil-ophalen/index.html",
        "sc/producten.xml",
        "open-data/producten.json",
    }


def test_no_change_affects_nothing(content: Path) -> None:
    catalogue = load_catalogue(content)
    assert affected_pages(catalogue, load_catalogue(content)) == {}
