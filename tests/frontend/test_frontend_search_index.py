"""The search indexes are incremental: one national bundle shared by hard links,
small local bundles, and only what changed is indexed again."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from frontend_support import build, make_frontend_content
from support import edit, output_files

from sitegen.search import SEARCH_DIR, STORE_DIR, SearchError

SITES = ("amersfoort", "schiermonnikoog", "utrecht", "zwolle")


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    content = make_frontend_content(tmp_path / "content")
    out = tmp_path / "public"
    build(content, out, jobs=1)
    return content, out


def entry(out: Path, slug: str, bundle: str) -> os.stat_result:
    return (out / slug / SEARCH_DIR / bundle / "pagefind-entry.json").stat()


def files(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in output_files(root) if p.is_file()}


def test_national_bundle_is_shared_by_hard_links(site: tuple[Path, Path]) -> None:
    _, out = site
    state = json.loads((out / STORE_DIR / "state.json").read_text())
    key = state["sites"]["utrecht"][0]
    store = out / STORE_DIR / "landelijk" / key / "pagefind-entry.json"
    for slug in SITES:
        assert os.path.samestat(entry(out, slug, "landelijk"), store.stat())
    assert store.stat().st_nlink == len(SITES) + 1
    # only what the browser loads is published (no Pagefind UI files)
    names = {p.name for p in (out / "utrecht" / SEARCH_DIR / "landelijk").iterdir()}
    assert not [n for n in names if "-ui" in n or "playground" in n]


def test_no_change_writes_nothing(site: tuple[Path, Path]) -> None:
    content, out = site
    before = files(out)
    summary = build(content, out, jobs=1)
    assert summary.search is not None
    assert (summary.search.national_built, summary.search.local_built,
            summary.search.sites_linked) == (False, 0, 0)
    assert files(out) == before


def test_national_edit_reindexes_national_once(site: tuple[Path, Path]) -> None:
    """A national text edit builds the national bundle once and relinks every
    site; only Utrecht, whose own paspoort text includes it, rebuilds its local."""
    content, out = site
    locals_before = {s: entry(out, s, "lokaal") for s in SITES}
    edit(content / "producten/paspoort-aanvragen.md", "Met een paspoort kunt u reizen.",
         "Met een paspoort reist u naar andere landen.")
    summary = build(content, out, jobs=1)
    assert summary.search is not None
    assert summary.search.national_built and summary.search.local_built == 1
    assert summary.search.sites_linked == len(SITES)
    for slug in ("amersfoort", "schiermonnikoog", "zwolle"):
        assert os.path.samestat(entry(out, slug, "lokaal"), locals_before[slug])
    assert not os.path.samestat(entry(out, "utrecht", "lokaal"),
                                locals_before["utrecht"])
    assert len(list((out / STORE_DIR / "landelijk").iterdir())) == 1  # old one gone


def test_local_news_reindexes_that_site_only(site: tuple[Path, Path]) -> None:
    content, out = site
    national = entry(out, "utrecht", "landelijk")
    news = next((content / "gemeenten/zwolle/nieuws").glob("*.md"))
    edit(news, "Bellen kan ook.", "Bellen kan ook. Of kom langs met een vraag.")
    summary = build(content, out, jobs=1)
    assert summary.search is not None
    assert not summary.search.national_built
    assert summary.search.local_built == 1 and summary.search.sites_linked == 1
    assert os.path.samestat(entry(out, "utrecht", "landelijk"), national)


def test_missing_index_is_restored(site: tuple[Path, Path]) -> None:
    """A site whose zoekindex/ went missing (an interrupted build) gets it back."""
    content, out = site
    import shutil

    shutil.rmtree(out / "zwolle" / SEARCH_DIR)
    summary = build(content, out, jobs=1)
    assert summary.search is not None and summary.search.sites_linked == 1
    assert (out / "zwolle" / SEARCH_DIR / "lokaal" / "pagefind-entry.json").is_file()


def test_national_records_cache_matches_fresh_rendering(tmp_path: Path) -> None:
    """Cached national records are exactly what rendering them afresh gives, also
    after a product title changes (life events show product titles)."""
    from support import FIXTURE_CONTENT, THEMES

    from samenloket.loader import load_catalogue
    from sitegen.search import (
        SearchStore,
        _cached_national_records,
        _save_record_cache,
        national_records,
    )

    catalogue = load_catalogue(FIXTURE_CONTENT, themes_dir=THEMES)
    store = SearchStore(tmp_path)
    first, cache = _cached_national_records(catalogue, store)
    assert first == national_records(catalogue)
    _save_record_cache(store, {key: "fout" for key in cache})
    poisoned, _ = _cached_national_records(catalogue, store)
    assert {r.html for r in poisoned} == {"fout"}  # proves the cache is read
    _save_record_cache(store, cache)
    assert _cached_national_records(catalogue, store)[0] == first
    slug = next(iter(catalogue.products))
    product = catalogue.products[slug].model_copy(update={"title": "Nieuwe titel"})
    edited = catalogue.model_copy(
        update={"products": {**catalogue.products, slug: product}})
    again, _ = _cached_national_records(edited, store)
    assert again == national_records(edited) and again != first


def test_failed_national_index_stops_the_build_and_keeps_the_sites(
        site: tuple[Path, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind indexes the national texts while the build prepares; when it
    fails, the build stops with Pagefind's error before any site is staged."""
    content, out = site
    before = files(out)
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(broken))
    edit(next((content / "producten").glob("*.md")), "## Wat is het?\n",
         "## Wat is het?\nNieuwe zin.\n")
    with pytest.raises(SearchError, match="Pagefind"):
        build(content, out, jobs=2)
    assert files(out) == before
    assert not (out / ".staging").exists() or not any((out / ".staging").iterdir())


def test_national_markdown_comes_back_from_the_helper(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper process renders the national Markdown once; the build takes
    that HTML over, so its pages convert none of those texts again."""
    from support import FIXTURE_CONTENT, THEMES

    import samenloket.markdown as markdown
    from samenloket.loader import load_catalogue
    from sitegen.search import NationalBuild

    catalogue = load_catalogue(FIXTURE_CONTENT, themes_dir=THEMES)
    monkeypatch.setattr(markdown, "_HTML", {})  # this process converted nothing
    markdown.render_markdown.cache_clear()
    national = NationalBuild(catalogue, tmp_path / "public")
    html = national.markdown()
    product = catalogue.products[sorted(catalogue.products)[0]]
    text = product.sections["what_it_is"]
    assert text and text in html and "<p>" in html[text]
    assert markdown._HTML == {}  # rendered in the helper, not here

    def no_converting(text: str) -> str:
        raise AssertionError(f"converted again: {text[:40]}")

    markdown.remember_html(html)
    monkeypatch.setattr(markdown, "_convert", no_converting)
    assert markdown.markdown_html(text) == html[text]
    bundle = national.wait()
    assert bundle.built
    assert bundle.pages == len(catalogue.products) + len(catalogue.life_events)


def test_a_helper_that_dies_is_a_search_error(
        site: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """If the national helper process dies (killed, out of memory), the build
    stops with a clear error and the live sites stay as they were."""
    import sitegen.search as search

    content, out = site
    before = files(out)

    def dying(*args: object) -> None:
        os._exit(5)

    monkeypatch.setattr(search, "_national_record_stream", dying)
    edit(next((content / "producten").glob("*.md")), "## Wat is het?\n",
         "## Wat is het?\nNieuwe zin.\n")
    with pytest.raises(SearchError, match="landelijke zoekindex.*code 5"):
        build(content, out, jobs=2)
    assert files(out) == before


def test_an_error_of_the_caller_is_not_blamed_on_pagefind() -> None:
    """A broken pipe while the requests are made (the build's parent went away
    and the helper's message to it failed) is that error at once, not "Pagefind
    stopped" after waiting for a Pagefind that is still running."""
    from sitegen.search import LANGUAGE, PagefindService

    def requests():
        yield {"type": "NewIndex", "config": {"force_language": LANGUAGE}}
        raise BrokenPipeError("the parent closed its end")

    service = PagefindService()
    try:
        with pytest.raises(BrokenPipeError, match="parent closed"):
            service.send_many(requests())
        [answer] = service.send_many([{"type": "NewIndex",
                                       "config": {"force_language": LANGUAGE}}])
        assert "index_id" in answer  # Pagefind is still there and answering
    finally:
        service.close()


def test_scratch_left_by_a_killed_process_is_swept(tmp_path: Path) -> None:
    """A process killed while Pagefind wrote its scratch bundle cannot delete
    it; a later build deletes such folders once they are an hour old, and
    leaves a running build's own and anything else alone."""
    from sitegen.search import _sweep_stale_scratch

    stale = tmp_path / "samenloket-zoeken-oud"
    (stale / "bundle").mkdir(parents=True)
    (stale / "bundle/pagefind.js").write_text("x")
    os.utime(stale, (0, os.path.getmtime(stale) - 2 * 3600))
    running = tmp_path / "samenloket-zoeken-nu"
    running.mkdir()
    other = tmp_path / "iets-anders"
    other.mkdir()
    os.utime(other, (0, 0))
    _sweep_stale_scratch(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "iets-anders", "samenloket-zoeken-nu"]
