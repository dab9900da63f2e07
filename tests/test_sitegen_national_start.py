"""The national search bundle started before the build, as `samenloket build`
does so that indexing overlaps the start-up of Pelican and the build's modules:
the sites are the same, a bundle for another build is refused, and an unused
one ends without leaving its helper process behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import THEMES, output_files

from samenloket.cli import main
from samenloket.loader import load_catalogue
from samenloket.model import Catalogue
from sitegen.build import BuildOptions, build_sites
from sitegen.search import NationalBuild


def _children() -> set[int]:
    """Processes this test process started that have not been reaped."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        found.update(int(pid) for pid in (task / "children").read_text().split())
    return found


def _options(content: Path, out: Path) -> BuildOptions:
    return BuildOptions(content_dir=content, themes_dir=THEMES, output_dir=out, jobs=2)


def _sites(out: Path) -> dict[str, bytes]:
    """The deployable files (the sites and the root index), by path; of the
    search index only the entry file's presence (Pagefind's bytes and hashed
    names differ from run to run)."""
    files = {}
    for path in output_files(out):
        relative = path.relative_to(out)
        if relative.parts[0].startswith("."):
            continue
        if "zoekindex" in relative.parts:
            if path.name == "pagefind-entry.json":
                files[str(relative)] = b"(index)"
            continue
        files[str(relative)] = path.read_bytes()
    return files


@pytest.fixture
def catalogue(content: Path) -> Catalogue:
    return load_catalogue(content, themes_dir=THEMES)


def test_started_before_the_build_gives_the_same_sites(
    content: Path, catalogue: Catalogue, tmp_path: Path
) -> None:
    before = _children()
    national = NationalBuild(catalogue, tmp_path / "early")
    summary = build_sites(catalogue, _options(content, tmp_path / "early"),
                          national=national)
    assert summary.search is not None and summary.search.national_built
    assert _children() == before  # the helper is gone once the build used it
    national.close()  # after the build: nothing left to do, no error
    build_sites(load_catalogue(content, themes_dir=THEMES),
                _options(content, tmp_path / "usual"))
    early, usual = _sites(tmp_path / "early"), _sites(tmp_path / "usual")
    assert "utrecht/zoekindex/landelijk/pagefind-entry.json" in early
    assert early == usual


def test_command_builds_with_the_early_bundle(
    content: Path, catalogue: Catalogue, tmp_path: Path
) -> None:
    """`samenloket build` (through Pelican) hands its early bundle to the build."""
    before = _children()
    out = tmp_path / "public"
    assert main(["--content", str(content), "--themes", str(THEMES), "build",
                 "--out", str(out), "--quiet", "--jobs", "2"]) == 0
    assert _children() == before
    build_sites(catalogue, _options(content, tmp_path / "direct"))
    assert _sites(out) == _sites(tmp_path / "direct")


@pytest.mark.parametrize("mismatch", ["output", "catalogue", "search"])
def test_bundle_for_another_build_is_refused(
    content: Path, catalogue: Catalogue, tmp_path: Path, mismatch: str
) -> None:
    out = tmp_path / "public"
    before = _children()
    national = NationalBuild(catalogue if mismatch != "catalogue"
                             else load_catalogue(content, themes_dir=THEMES),
                             tmp_path / "elders" if mismatch == "output" else out)
    options = _options(content, out)
    options.search = mismatch != "search"
    expected = {"output": "elders", "catalogue": "andere catalogus",
                "search": "geen zoekindex"}[mismatch]
    with pytest.raises(ValueError, match=expected):
        build_sites(catalogue, options, national=national)
    assert _children() == before  # its helper was ended, not left running
    assert not _sites(out)  # and no site was written


def test_close_ends_an_unused_bundle(
    content: Path, catalogue: Catalogue, tmp_path: Path
) -> None:
    """A command that fails before it builds ends the helper; the folder stays
    usable: the next build makes complete sites."""
    out = tmp_path / "public"
    before = _children()
    national = NationalBuild(catalogue, out)
    assert _children() - before  # indexing runs in a helper meanwhile
    national.close()
    assert _children() == before
    assert not list(Path(out / ".search").glob("**/*.tmp*"))
    build_sites(catalogue, _options(content, out))
    build_sites(catalogue, _options(content, tmp_path / "fresh"))
    assert _sites(out) == _sites(tmp_path / "fresh")
