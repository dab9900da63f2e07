"""Garbage collection during a build (sitegen.workers.collector_paused): none in
the parent while it loads and builds, but always where sites are staged (the
forked workers, or the process itself with one job), and the collector as the
caller had it once the build or the command is done."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import THEMES

import sitegen.build
from samenloket.cli import main
from samenloket.loader import load_catalogue
from sitegen.build import BuildOptions, SiteResult, build_sites
from sitegen.workers import collector_paused, run_forked


@pytest.fixture(autouse=True)
def _collector_on_after() -> Iterator[None]:
    """A failing test must not leave the rest of the session without it."""
    yield
    gc.enable()


def test_paused_then_restored_also_when_nested_or_failing() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner one found it paused: left so
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("stop")
    assert gc.isenabled()
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()  # paused by the caller: not switched on


def _collecting(_: int) -> bool:
    return gc.isenabled()


def test_workers_collect_though_their_parent_paused_it() -> None:
    with collector_paused():
        assert list(run_forked(range(6), _collecting, jobs=2)) == [True] * 6


def _record_collector(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """Make every staged site note (in `log`) whether its process collects."""
    stage = sitegen.build.stage_site

    def noting(cbs: str) -> SiteResult:
        with log.open("a") as out:
            out.write(f"{os.getpid()} {cbs} {gc.isenabled()}\n")
        return stage(cbs)

    monkeypatch.setattr(sitegen.build, "stage_site", noting)


@pytest.mark.parametrize("jobs", [1, 2])
def test_sites_are_staged_with_the_collector_on_and_it_is_left_as_found(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    log = tmp_path / "collector.log"
    _record_collector(monkeypatch, log)
    catalogue = load_catalogue(content, themes_dir=THEMES)
    options = BuildOptions(content_dir=content, themes_dir=THEMES,
                           output_dir=tmp_path / "public", jobs=jobs, search=False)
    build_sites(catalogue, options)
    assert gc.isenabled()
    lines = [line.split() for line in log.read_text().splitlines()]
    assert sorted(cbs for _, cbs, _ in lines) == ["GM0088", "GM0193", "GM0344"]
    assert {on for _, _, on in lines} == {"True"}
    if jobs == 2:
        assert str(os.getpid()) not in {pid for pid, _, _ in lines}

    gc.disable()  # a caller that paused it itself gets it back paused
    (tmp_path / "public2").mkdir()
    build_sites(catalogue, BuildOptions(
        content_dir=content, themes_dir=THEMES, output_dir=tmp_path / "public2",
        jobs=jobs, search=False, gemeenten=["GM0344"]))
    assert not gc.isenabled()


def test_a_failing_build_leaves_the_collector_on(
    content: Path, tmp_path: Path
) -> None:
    catalogue = load_catalogue(content, themes_dir=THEMES)
    options = BuildOptions(content_dir=content, themes_dir=tmp_path / "geen-thema's",
                           output_dir=tmp_path / "public", jobs=1, search=False,
                           gemeenten=["GM0344"])
    with pytest.raises(sitegen.build.BuildError):
        build_sites(catalogue, options)
    assert gc.isenabled()


def test_the_command_leaves_the_collector_on(content: Path, tmp_path: Path) -> None:
    assert main(["--content", str(content), "--themes", str(THEMES), "build",
                 "--out", str(tmp_path / "public"), "--quiet", "--jobs", "2",
                 "--gemeente", "GM0344", "--gemeente", "GM0088"]) == 0
    assert gc.isenabled()
