"""Content errors that say what is wrong, where, and how to fix it.

Loading collects every problem in one pass and raises them together, so an editor
fixes a whole batch at once instead of one error per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ContentError:
    """One problem in one content file."""

    path: str
    line: int | None
    field: str
    message: str
    fix: str = ""

    def format(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        field = f" [{self.field}]" if self.field else ""
        fix = f"\n    oplossing: {self.fix}" if self.fix else ""
        return f"{where}{field}: {self.message}{fix}"


class ContentErrors(Exception):
    """All problems found in one validation run; nothing has been written."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(
            set(errors), key=lambda e: (e.path, e.line or 0, e.field, e.message)
        )
        super().__init__(self.report())

    def report(self) -> str:
        lines = [e.format() for e in self.errors]
        lines.append(f"{len(self.errors)} fout(en) gevonden; er is niets geschreven.")
        return "\n".join(lines)


def display_path(path: Path, root: Path) -> str:
    """A path as the editor sees it: relative to the content folder's parent."""
    try:
        return str(path.resolve().relative_to(root.resolve().parent))
    except ValueError:
        return str(path)
