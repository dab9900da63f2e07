"""Staging in the spare: the version a swap replaced is reused for the next build.

Whatever the spare holds (an older version, files since removed, a search index
of an older catalogue), the live sites must come out exactly as a fresh build
of the same content would make them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from support import edit
from test_sitegen import build

from sitegen.output import SPARE_DIR
from sitegen.search import LOCAL, NATIONAL, SEARCH_DIR, STORE_DIR

SITES = ("schiermonnikoog", "utrecht", "zwolle")
ZWOLLE_ID = "gemeenten/zwolle/producten/identiteitskaart-aanvragen.md"


def tree_files(root: Path) -> dict[str, bytes]:
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            files[str(path.relative_to(root))] = path.read_bytes()
    return files


def site_files(out: Path) -> dict[str, bytes]:
    """Every file of every site but the search index, by path."""
    return {path: data for path, data in tree_files(out).items()
            if path.split("/", 1)[0] in SITES and f"/{SEARCH_DIR}/" not in path}


def assert_like_fresh(content: Path, out: Path, fresh: Path) -> None:
    """Pages as a fresh build makes them; the search index exactly the bundles
    the store says the site uses (Pagefind's own output differs per run)."""
    build(content, fresh)
    assert site_files(out) == site_files(fresh)
    store = json.loads((out / STORE_DIR / "state.json").read_text())
    for slug in SITES:
        national, local = store["sites"][slug]
        expected = {
            f"{NATIONAL}/{p}": data
            for p, data in tree_files(out / STORE_DIR / NATIONAL / national).items()
        }
        expected |= {
            f"{LOCAL}/{p}": data
            for p, data in tree_files(out / STORE_DIR / LOCAL / local).items()
        }
        assert tree_files(out / slug / SEARCH_DIR) == expected, slug


def test_builds_in_the_spare_equal_fresh_builds(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build(content, out)
    steps = [
        # a national text: one page per site, feeds, the national search bundle
        lambda: edit(content / "producten/grofvuil-ophalen.md",
                     "Grofvuil is afval dat te groot is voor de container.",
                     "Grofvuil is afval dat niet in de container past."),
        # Zwolle starts offering a product: new pages in the spare's site
        lambda: edit(content / ZWOLLE_ID, "offered: false", "offered: true"),
        # and stops again: the spare holds pages that must go
        lambda: edit(content / ZWOLLE_ID, "offered: true", "offered: false"),
        # back to the first text: the spare has files from two versions ago
        lambda: edit(content / "producten/grofvuil-ophalen.md",
                     "Grofvuil is afval dat niet in de container past.",
                     "Grofvuil is afval dat te groot is voor de container."),
    ]
    for number, step in enumerate(steps):
        step()
        summary = build(content, out)
        assert summary.sites_changed > 0
        assert_like_fresh(content, out, tmp_path / f"fresh{number}")
    # from the second build on, every site was staged in its spare
    for slug in SITES:
        manifest = json.loads((out / SPARE_DIR / f"{slug}.json").read_text())
        spare = out / SPARE_DIR / slug
        assert {p for p in manifest["files"] if (spare / p).is_file()} == set(
            manifest["files"])


def test_spare_files_are_shared_not_copied(content: Path, tmp_path: Path) -> None:
    """Unchanged files of the spare are the live files (hard links), so the
    spare costs folders, not bytes; the edited page is its own file."""
    out = tmp_path / "public"
    build(content, out)
    edit(content / "producten/grofvuil-ophalen.md",
         "Grofvuil is afval dat te groot is voor de container.",
         "Grofvuil is afval dat niet in de container past.")
    build(content, out)
    live, spare = out / "zwolle", out / SPARE_DIR / "zwolle"
    assert os.path.samefile(live / "contact/index.html", spare / "contact/index.html")
    page = "producten/grofvuil-ophalen/index.html"
    assert not os.path.samefile(live / page, spare / page)
    assert b"niet in de container past" not in (spare / page).read_bytes()


def test_spare_without_manifest_is_not_trusted(content: Path, tmp_path: Path) -> None:
    """A spare whose manifest is gone (a build stopped while changing it) is
    thrown away, even when a file in it was changed behind our back."""
    out = tmp_path / "public"
    build(content, out)
    edit(content / "producten/paspoort-aanvragen.md",
         "Met een paspoort kunt u reizen.", "Met een paspoort reist u.")
    build(content, out)
    spare = out / SPARE_DIR / "zwolle"
    (out / SPARE_DIR / "zwolle.json").unlink()
    stray = spare / "producten/onbekend/index.html"
    stray.parent.mkdir(parents=True)
    stray.write_text("oud")
    edit(content / "producten/paspoort-aanvragen.md",
         "Met een paspoort reist u.", "Met een paspoort kunt u reizen.")
    build(content, out)
    assert not (out / "zwolle/producten/onbekend").exists()
    assert_like_fresh(content, out, tmp_path / "fresh")


def test_a_page_deleted_from_the_live_site_stays_restored(
    content: Path, tmp_path: Path
) -> None:
    """A live file deleted by hand is written again, and the version it was
    missing from (now the spare) is not trusted to have it in later builds."""
    out = tmp_path / "public"
    build(content, out)
    build(content, out)  # nothing changed: no spare yet
    (out / "utrecht/contact/index.html").unlink()
    texts = ["Met een paspoort kunt u reizen.", "Met een paspoort reist u.",
             "Met een paspoort kunt u reizen.", "Met een paspoort reist u."]
    for old, new in zip(texts, texts[1:], strict=False):
        edit(content / "producten/paspoort-aanvragen.md", old, new)
        build(content, out)
        assert (out / "utrecht/contact/index.html").is_file()
    assert_like_fresh(content, out, tmp_path / "fresh")


def test_a_page_edited_by_hand_is_made_again(content: Path, tmp_path: Path) -> None:
    """A live file changed by hand after its build (a quick fix in public/, say)
    is not the build's: the next build writes the generated page again, also
    when nothing else changed, and the spare is not trusted to have it."""
    out = tmp_path / "public"
    build(content, out)
    page = out / "utrecht/contact/index.html"
    generated = page.read_bytes()
    page.write_bytes(generated.replace(b"Contact", b"Handwerk"))
    summary = build(content, out)  # nothing changed in the content
    assert page.read_bytes() == generated
    assert summary.written == {"utrecht": ["contact/index.html"]}
    assert build(content, out).pages_written == 0  # and then it stays put

    page.write_bytes(b"weer met de hand")
    edit(content / "producten/paspoort-aanvragen.md",
         "Met een paspoort kunt u reizen.", "Met een paspoort reist u.")
    build(content, out)  # the site is staged for the edit: the page comes along
    assert page.read_bytes() == generated
    edit(content / "producten/paspoort-aanvragen.md",
         "Met een paspoort reist u.", "Met een paspoort kunt u reizen.")
    build(content, out)  # staged in the spare, which held the hand-made page
    assert page.read_bytes() == generated
    assert_like_fresh(content, out, tmp_path / "fresh")
