"""Problems with an export: what is wrong, in which gemeente and product, and the fix.

A feed that has any problem is never published, so every problem must tell a
gemeente web team or content editor exactly where to look and what to change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class FeedProblem:
    """One broken rule in one SC feed (rule ids are listed in sc_validate.RULES)."""

    gemeente: str
    product: str
    rule: str
    message: str
    fix: str = ""
    line: int | None = None

    def format(self) -> str:
        where = self.gemeente or "onbekende gemeente"
        if self.product:
            where += f", product {self.product}"
        if self.line is not None:
            where += f" (regel {self.line})"
        fix = f"\n    oplossing: {self.fix}" if self.fix else ""
        return f"{where} [{self.rule}]: {self.message}{fix}"


class ExportError(Exception):
    """An export that was refused; nothing has been written."""

    def __init__(self, problems: Iterable[FeedProblem]):
        self.problems: list[FeedProblem] = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        lines = [p.format() for p in self.problems]
        lines.append(
            f"{len(self.problems)} probleem/problemen gevonden; er is niets geschreven."
        )
        return "\n".join(lines)


def unknown_gemeenten(codes: Iterable[str]) -> ExportError:
    """The error for CBS codes that are not in the catalogue."""
    return ExportError([FeedProblem(
        code, "", "gemeente", f"onbekende gemeente {code}",
        "gebruik een CBS-code uit content/reference/gemeenten.csv, zoals GM0344",
    ) for code in codes])
