"""Golden output: the fixture catalogue builds to exactly the stored tree.

Any change to templates, CSS, feeds or content handling shows up as a diff of
tests/golden/ in review. After an intended change, regenerate with

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

The search index (content-hashed Pagefind files) is tested in tests/frontend.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from support import FIXTURE_CONTENT, REPO, THEMES

from samenloket.loader import load_catalogue
from sitegen.build import BuildOptions, build_sites

GOLDEN = REPO / "tests" / "golden"
SKIP_PARTS = {"zoekindex", ".state", ".search"}


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not SKIP_PARTS & set(p.relative_to(root).parts)
    }


def test_fixture_build_matches_golden_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file of the small sample build equals the stored copy, byte for byte."""
    # A fixed build date (reproducible builds' convention): security.txt's
    # Expires and the feeds' dates then do not move with the calendar.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1793232000")  # 2026-10-29
    out = tmp_path / "public"
    catalogue = load_catalogue(FIXTURE_CONTENT, themes_dir=THEMES)
    build_sites(
        catalogue,
        BuildOptions(
            content_dir=FIXTURE_CONTENT,
            themes_dir=THEMES,
            output_dir=out,
            jobs=1,
            search=False,
        ),
    )
    built = _tree(out)
    if os.environ.get("UPDATE_GOLDEN"):
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        for path, data in built.items():
            target = GOLDEN / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    golden = _tree(GOLDEN)
    assert sorted(built) == sorted(golden), "files differ: regenerate if intended"
    changed = [path for path in built if built[path] != golden[path]]
    assert not changed, f"content differs in {changed[:10]}"
