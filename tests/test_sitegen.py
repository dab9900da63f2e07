"""The site generator: same paths everywhere, local facts, incremental, atomic."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from support import THEMES, edit, output_files

from samenloket.loader import load_catalogue
from sitegen.build import BuildError, BuildOptions, BuildSummary, build_sites
from sitegen.search import NationalBuild


def build(
    content: Path, out: Path, themes: Path = THEMES, jobs: int = 1, **kwargs
) -> BuildSummary:
    catalogue = load_catalogue(content, themes_dir=themes)
    return build_sites(
        catalogue,
        BuildOptions(
            content_dir=content, themes_dir=themes, output_dir=out, jobs=jobs, **kwargs
        ),
    )


def snapshot(root: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file under root with its inode, mtime and bytes."""
    result = {}
    for path in output_files(root):
        if path.is_file():
            stat = path.stat()
            result[str(path.relative_to(root))] = (
                stat.st_ino,
                stat.st_mtime_ns,
                path.read_bytes(),
            )
    return result


def site_paths(out: Path, slug: str) -> set[str]:
    # The search index files have content-hash names; they are tested in tests/frontend.
    return {
        str(p.relative_to(out / slug))
        for p in (out / slug).rglob("*")
        if p.is_file() and "zoekindex" not in p.parts
    }


@pytest.fixture
def built(content: Path, tmp_path: Path) -> Path:
    out = tmp_path / "public"
    build(content, out, jobs=2)
    return out


def test_same_paths_on_every_site(built: Path) -> None:
    """A product has the same path on every site that offers it."""
    utrecht, zwolle = site_paths(built, "utrecht"), site_paths(built, "zwolle")
    assert "producten/paspoort-aanvragen/index.html" in utrecht & zwolle
    assert "levensgebeurtenissen/kind-krijgen/index.html" in utrecht & zwolle
    # Zwolle has news and does not offer the identiteitskaart; otherwise equal.
    extra_zwolle = {p for p in zwolle - utrecht if not p.startswith("nieuws/")}
    assert extra_zwolle <= {"static/img/logo.svg"}
    assert utrecht - zwolle == {"producten/identiteitskaart-aanvragen/index.html"}
    for required in (
        "index.html",
        "producten/index.html",
        "contact/index.html",
        "zoeken/index.html",
        "toegankelijkheid/index.html",
        "privacy/index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "nieuws/atom.xml",
        "sc/producten.xml",
        "open-data/producten.json",
        "static/css/thema.css",
        "static/css/components.css",
    ):
        assert required in utrecht, required


def test_local_values_and_national_text(built: Path) -> None:
    """Local values are shown where set, national values where not."""
    zwolle = (built / "zwolle/producten/grofvuil-ophalen/index.html").read_text()
    utrecht = (built / "utrecht/producten/grofvuil-ophalen/index.html").read_text()
    assert "€ 25,00" in zwolle and "Binnen 5 werkdagen." in zwolle
    assert "In Zwolle haalt ROVA het grofvuil op." in zwolle
    assert 'href="https://www.zwolle.nl/grofvuil"' in zwolle and "DigiD" in zwolle
    assert "€ 25,00" not in utrecht and "Binnen 2 weken." in utrecht
    assert "heeft de kosten nog niet op deze site gezet" in utrecht
    assert "Grofvuil is afval dat te groot is voor de container." in utrecht
    assert "organisaties.overheid.nl" in utrecht  # no contact data: a link we know
    assert "None" not in utrecht


def test_not_offered_is_absent(built: Path) -> None:
    """A not-offered product is absent from the site, its index and its sitemap."""
    assert not (built / "zwolle/producten/identiteitskaart-aanvragen").exists()
    for page in ("producten/index.html", "sitemap.xml", "zoeken/index.html"):
        assert "identiteitskaart-aanvragen" not in (built / "zwolle" / page).read_text()
    assert "identiteitskaart-aanvragen" in (built / "utrecht/sitemap.xml").read_text()


def test_example_data_notice(built: Path) -> None:
    """A gemeente with example data shows 'Voorbeeldgegevens' on every page."""
    assert "Voorbeeldgegevens" in (built / "zwolle/index.html").read_text()
    assert "Voorbeeldgegevens" not in (built / "utrecht/index.html").read_text()


def test_no_inline_code(built: Path) -> None:
    """No inline script (JSON-LD data aside), no style blocks, no style attributes."""
    for page in built.rglob("*.html"):
        html = page.read_text()
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert all(
            'type="application/ld+json"' in s or ' src="' in s for s in scripts
        ), page
        assert "<style" not in html and " style=" not in html, page
        assert "http://" not in html.replace('xmlns="http://', ""), page


def test_product_page_has_json_ld_and_breadcrumbs(built: Path) -> None:
    html = (built / "zwolle/producten/paspoort-aanvragen/index.html").read_text()
    assert '"@type": "GovernmentService"' in html
    assert 'aria-label="Kruimelpad"' in html and '<html lang="nl">' in html


def test_no_change_build_writes_nothing(content: Path, built: Path) -> None:
    """A second build with nothing changed writes no file and touches no mtime."""
    before = snapshot(built)
    summary = build(content, built)
    assert summary.pages_written == 0 and summary.pages_rendered == 0
    assert snapshot(built) == before


def test_one_edit_rewrites_only_affected_files(content: Path, built: Path) -> None:
    """Editing one national text rewrites its page on each site and the feeds only."""
    before = snapshot(built)
    edit(
        content / "producten/grofvuil-ophalen.md",
        "Grofvuil is afval dat te groot is voor de container.",
        "Grofvuil is afval dat niet in de container past.",
    )
    summary = build(content, built)
    after = snapshot(built)
    changed = {
        p
        for p in after
        if before.get(p) != after[p]
        and "/zoekindex/" not in p
        and not p.startswith(".search/")
    }
    expected = {
        f"{site}/{path}"
        for site in ("utrecht", "zwolle", "schiermonnikoog")
        for path in (
            "producten/grofvuil-ophalen/index.html",
            "sc/producten.xml",
            "open-data/producten.json",
        )
    }
    state = {p for p in changed if p.startswith(".state/")}
    assert changed - state == expected
    assert summary.pages_written == len(expected)
    # in the feeds, only the edited product's entry was made again (per file),
    # for Zwolle (own data) and once for the shape Utrecht and Schiermonnikoog
    # share (no own data): the other of those two is filled in from it
    assert summary.export_pieces_rendered == 2 * 2


def test_upl_label_change_reaches_the_feeds(content: Path, built: Path) -> None:
    """A refreshed UPL list with a new label changes the SC feeds that use it."""
    upl = content / "reference/upl.csv"
    text = upl.read_text(encoding="utf-8")
    catalogue = load_catalogue(content, themes_dir=THEMES)
    uri = catalogue.products["grofvuil-ophalen"].upl[0]
    old = catalogue.upl[uri].label
    assert text.count(old) >= 1
    upl.write_text(text.replace(old, old + " (nieuw)"), encoding="utf-8")
    summary = build(content, built)
    feed = (built / "zwolle/sc/producten.xml").read_text(encoding="utf-8")
    assert f"{old} (nieuw)" in feed
    assert summary.export_pieces_rendered >= 3


def test_local_edit_touches_only_that_gemeente(content: Path, built: Path) -> None:
    """A local fee change rewrites Zwolle's files only; other sites are untouched."""
    before = snapshot(built)
    edit(content / "gemeenten/zwolle/producten/grofvuil-ophalen.md", "25.00", "27.50")
    build(content, built)
    after = snapshot(built)
    changed = {p for p in after if before.get(p) != after[p]}
    # .state/inputs.json: what the sites were built from (one file for all)
    assert changed and all(p.startswith(("zwolle/", ".state/zwolle"))
                           or p == ".state/inputs.json" for p in changed)
    assert (
        "€ 27,50"
        in (built / "zwolle/producten/grofvuil-ophalen/index.html").read_text()
    )


def test_theme_asset_edit_reaches_every_site(content: Path, tmp_path: Path) -> None:
    """A changed script, image or font of a theme goes live on every site that
    uses it, in the same process too; nothing else is rewritten, not even the
    feeds whose piece keys changed with it."""
    themes = tmp_path / "themes"
    shutil.copytree(THEMES, themes)
    out = tmp_path / "public"
    build(content, out, themes)
    before = snapshot(out)
    script = themes / "base/static/js/zoeken.js"
    script.write_text(script.read_text(encoding="utf-8") + "\n// nieuw\n",
                      encoding="utf-8")
    summary = build(content, out, themes)
    after = snapshot(out)
    changed = {p for p in after if before.get(p) != after[p]
               and not p.startswith((".state/", ".search/", ".spare"))
               and "/zoekindex/" not in p}
    assert changed == {f"{site}/static/js/zoeken.js"
                       for site in ("utrecht", "zwolle", "schiermonnikoog")}
    assert summary.pages_written == 3
    assert "// nieuw" in (out / "zwolle/static/js/zoeken.js").read_text()


def test_unchanged_inputs_skip_every_page(
    content: Path, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built again from the very same inputs, no site even lists its pages; any
    change to the catalogue, or a deleted file, sends them the usual way."""
    import sitegen.build as build_module

    real_site_pages = build_module.site_pages
    listed: list[str] = []

    def counting(site, index):  # noqa: ANN001, ANN202
        listed.append(site.slug)
        return real_site_pages(site, index)

    monkeypatch.setattr(build_module, "site_pages", counting)
    before = snapshot(built)
    summary = build(content, built)
    assert listed == [] and summary.pages_written == 0
    assert snapshot(built) == before
    (built / "utrecht" / "contact" / "index.html").unlink()
    summary = build(content, built)
    assert listed == ["utrecht"] and summary.pages_written == 1
    edit(content / "producten/paspoort-aanvragen.md", "Met een paspoort",
         "Met uw paspoort")
    summary = build(content, built)
    # Every site is looked at again: Zwolle (own data) lists its pages; of
    # Utrecht and Schiermonnikoog (one shape) the first lists its own, the
    # other takes the shape's list.
    assert summary.sites_changed == 3 and len(listed[1:]) == 2
    assert "zwolle" in listed[1:]
    for site in ("utrecht", "zwolle", "schiermonnikoog"):
        assert "Met uw paspoort" in (
            built / site / "producten/paspoort-aanvragen/index.html").read_text()


def test_failed_build_leaves_old_output_intact(
    content: Path, built: Path, tmp_path: Path
) -> None:
    """A template error names the gemeente and file, and nothing goes live."""
    themes = tmp_path / "themes"
    shutil.copytree(THEMES, themes)
    (themes / "zwolle/templates").mkdir(exist_ok=True)
    (themes / "zwolle/templates/product.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ product.nonexistent.x }}'
        "{% endblock %}"
    )
    edit(
        content / "producten/paspoort-aanvragen.md",
        "Met een paspoort kunt u reizen.",
        "Met een paspoort reist u.",
    )
    before = snapshot(built)
    with pytest.raises(BuildError) as info:
        build(content, built, themes=themes)
    message = str(info.value)
    assert "Zwolle (GM0193)" in message and "product.html" in message
    assert snapshot(built) == before  # Utrecht's staged change did not go live either
    assert not (built / ".staging").exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_broken_theme_names_gemeente_and_token(
    content: Path, built: Path, tmp_path: Path, jobs: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A theme with a failing contrast pair stops the build with the token path
    (jobs=2: every theme is loaded before the workers fork, see _preload_themes)."""
    monkeypatch.setattr(NationalBuild, "markdown_ready", lambda self: False)
    themes = tmp_path / "themes"
    shutil.copytree(THEMES, themes)
    tokens = themes / "zwolle/tokens.json"
    data = json.loads(tokens.read_text())
    page = data.setdefault("samenloket", {}).setdefault("page", {})
    page["color"] = {"$value": "#f0f0f0", "$type": "color"}
    tokens.write_text(json.dumps(data))
    before = snapshot(built)
    with pytest.raises(BuildError) as info:
        build(content, built, themes=themes, jobs=jobs)
    assert "Zwolle (GM0193)" in str(info.value)
    assert "samenloket.page.color" in str(info.value)
    assert snapshot(built) == before


def test_a_worker_that_dies_leaves_old_output_intact(
    content: Path, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker process that dies (killed, out of memory) stops the build with
    a clear error, and no site goes live: not even those other workers staged."""
    import os

    import sitegen.build as build_module

    real_stage = build_module.stage_site

    def dying(cbs: str):
        if cbs == "GM0193":  # Zwolle
            os._exit(9)
        return real_stage(cbs)

    monkeypatch.setattr(build_module, "stage_site", dying)
    edit(
        content / "producten/paspoort-aanvragen.md",
        "Met een paspoort kunt u reizen.",
        "Met een paspoort reist u.",
    )
    before = snapshot(built)
    with pytest.raises(BuildError) as info:
        build(content, built, jobs=2)
    assert "werkproces" in str(info.value) and "code 9" in str(info.value)
    assert "de vorige sites zijn ongewijzigd" in str(info.value)
    assert snapshot(built) == before
    assert not (built / ".staging").exists()


def test_interrupted_staging_is_discarded(content: Path, built: Path) -> None:
    """Leftovers of an interrupted build never go live and are cleared next time."""
    staging = built / ".staging/zwolle"
    staging.mkdir(parents=True)
    (staging / "index.html").write_text("half")
    build(content, built)
    assert not (built / ".staging").exists()
    assert "half" not in (built / "zwolle/index.html").read_text()




def test_search_files_are_found_in_sorted_path_lists() -> None:
    """The summary leaves the search index files out of a site's written and
    removed files; they are found by bisection, which needs nothing but the
    lists being sorted (as stage() makes them)."""
    from sitegen.build import _without_search

    paths = sorted(["index.html", "zoeken/index.html", "zoekindex.html",
                    "zoekindex/landelijk/pagefind.js", "zoekindex/lokaal/index/a",
                    "zoekindex0", "zz.txt", "producten/x/index.html"])
    assert _without_search(paths) == ["index.html", "producten/x/index.html",
                                      "zoeken/index.html", "zoekindex.html",
                                      "zoekindex0", "zz.txt"]
    assert _without_search([]) == []
    assert _without_search(["zoekindex/a", "zoekindex/b"]) == []
