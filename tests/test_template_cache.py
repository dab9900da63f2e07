"""Compiled templates kept between builds (sitegen.template_cache)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import jinja2
import pytest

from sitegen import template_cache as tc


def _env(templates: Path, cache: jinja2.BytecodeCache | None) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)),
                              bytecode_cache=cache, trim_blocks=True)


def _cached(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(tc.PREFIX))


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text("<p>{{ name }}</p>", encoding="utf-8")
    return folder


def test_a_new_process_loads_compiled_templates_instead_of_compiling(
        tmp_path: Path, templates: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second environment (as in the next build) does not compile again,
    renders the same, and an edited template is compiled afresh."""
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    first = _env(templates, tc.template_cache("code-1", {}, directory=str(cache_dir)))
    assert first.get_template("page.html").render(name="Ede") == "<p>Ede</p>"
    assert len(_cached(cache_dir)) == 1

    second = _env(templates, tc.template_cache("code-1", {}, directory=str(cache_dir)))

    def no_compile(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled although the cache holds it")

    monkeypatch.setattr(second, "compile", no_compile)
    assert second.get_template("page.html").render(name="Ede") == "<p>Ede</p>"

    (templates / "page.html").write_text("<b>{{ name }}</b>", encoding="utf-8")
    third = _env(templates, tc.template_cache("code-1", {}, directory=str(cache_dir)))
    assert third.get_template("page.html").render(name="Ede") == "<b>Ede</b>"


def test_other_code_or_options_never_share_compiled_code(
        tmp_path: Path, templates: Path) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    for code, options, folders in (("code-1", {}, ()), ("code-2", {}, ()),
                                   ("code-1", {"trim_blocks": False}, ()),
                                   ("code-1", {}, (str(templates),))):
        env = _env(templates, tc.template_cache(code, options, folders,
                                                directory=str(cache_dir)))
        env.get_template("page.html")
    keys = {name[len(tc.PREFIX):len(tc.PREFIX) + 16] for name in _cached(cache_dir)}
    assert len(keys) == 4


def test_only_the_most_recent_keys_are_kept(tmp_path: Path, templates: Path) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / "someone-else.cache").write_bytes(b"x")
    for number in range(tc.KEEP + 3):
        before = set(_cached(cache_dir))
        cache = tc.template_cache(f"code-{number}", {}, directory=str(cache_dir))
        env = _env(templates, cache)
        env.get_template("page.html")
        for name in set(_cached(cache_dir)) - before:  # used in this order
            os.utime(cache_dir / name, (number, number))
    latest = tc.template_cache(f"code-{tc.KEEP + 2}", {}, directory=str(cache_dir))
    assert latest is not None
    assert len(_cached(cache_dir)) == tc.KEEP
    newest = tc.template_cache(f"code-{tc.KEEP + 1}", {}, directory=str(cache_dir))
    assert newest is not None and len(_cached(cache_dir)) == tc.KEEP
    assert (cache_dir / "someone-else.cache").exists()


def test_a_cache_that_cannot_be_written_is_only_a_miss(
        tmp_path: Path, templates: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full or read-only disk never stops the build: it compiles as without."""
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", full)
    env = _env(templates, tc.template_cache("code-1", {}, directory=str(cache_dir)))
    assert env.get_template("page.html").render(name="Urk") == "<p>Urk</p>"
    assert _cached(cache_dir) == []


def test_a_cache_folder_that_is_no_folder_is_only_a_miss(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", encoding="utf-8")
    cache = tc.template_cache("code-1", {}, directory=str(not_a_folder))
    env = _env(tmp_path, cache)
    (tmp_path / "t.html").write_text("ok", encoding="utf-8")
    assert env.get_template("t.html").render() == "ok"
