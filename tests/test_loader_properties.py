"""Arbitrary or truncated files give a clean validation error, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import FIXTURE_CONTENT

from samenloket.errors import ContentErrors
from samenloket.loader import load_catalogue

TARGETS = (
    "producten/paspoort-aanvragen.md",
    "levensgebeurtenissen/kind-krijgen.md",
    "gemeenten/zwolle/gemeente.yaml",
    "gemeenten/zwolle/producten/grofvuil-ophalen.md",
    "gemeenten/zwolle/nieuws/2026-03-01-nieuwe-afspraken.md",
    "catalogus.yaml",
)
_ORIGINALS = {t: (FIXTURE_CONTENT / t).read_bytes() for t in TARGETS}
_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _load_with(tmp: Path, target: str, data: bytes) -> None:
    content = tmp / "content"
    if content.exists():
        shutil.rmtree(content)
    shutil.copytree(FIXTURE_CONTENT, content)
    (content / target).write_bytes(data)
    try:
        catalogue = load_catalogue(content)
    except ContentErrors as exc:
        assert exc.errors, "an error report without errors"
        for error in exc.errors:
            assert error.path and error.message
        return
    # Accepted input must be a complete catalogue, never a partial one.
    assert len(catalogue.products) == 3 and len(catalogue.life_events) == 1


@_SETTINGS
@given(target=st.sampled_from(TARGETS), data=st.binary(max_size=400))
def test_random_bytes(tmp_path: Path, target: str, data: bytes) -> None:
    """Random bytes in any content file give ContentErrors or a full catalogue."""
    _load_with(tmp_path, target, data)


@_SETTINGS
@given(target=st.sampled_from(TARGETS), cut=st.floats(min_value=0, max_value=1))
def test_truncated_files(tmp_path: Path, target: str, cut: float) -> None:
    """A file cut off anywhere gives ContentErrors or a full catalogue."""
    original = _ORIGINALS[target]
    _load_with(tmp_path, target, original[: int(len(original) * cut)])


@_SETTINGS
@given(target=st.sampled_from(TARGETS), text=st.text(max_size=300))
def test_random_text_after_front_matter(tmp_path: Path, target: str, text: str) -> None:
    """Arbitrary text appended to a valid file never crashes the loader."""
    _load_with(tmp_path, target, _ORIGINALS[target] + text.encode("utf-8", "replace"))
