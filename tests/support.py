"""Constants and helpers shared by the tests (import as `from support import ...`)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURE_CONTENT = REPO / "tests" / "fixtures" / "content"
THEMES = REPO / "themes"


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a content file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def output_files(root: Path) -> list[Path]:
    """Files of a build output, sorted, without `.retired/` (replaced versions that
    a background process may be deleting while the tests look) and `.spare/`
    (the version before the live one, kept to stage the next build in)."""
    found: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in (".retired", ".spare"))
        found += [Path(folder) / name for name in names]
    return sorted(found)
