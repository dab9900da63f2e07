"""`samenloket report`: plain-language report per product and life event."""

from __future__ import annotations

import argparse

from ..textquality import product_reports
from . import load_or_report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--all", action="store_true", help="toon ook de teksten die in orde zijn"
    )


def run(args: argparse.Namespace) -> int:
    catalogue = load_or_report(args)
    if catalogue is None:
        return 1
    reports = product_reports(catalogue)
    failing = [r for r in reports if not r.ok]
    for report in reports:
        if report.ok and not args.all:
            continue
        status = "ok " if report.ok else "FOUT"
        print(
            f"{status} {report.kind} {report.slug}: {report.sentences} zinnen, "
            f"gem. {report.average_sentence_words:.1f} woorden per zin"
        )
        for problem in report.problems:
            print(f"     - {problem}")
    words = sum(r.words for r in reports)
    count = sum(r.sentences for r in reports)
    print(
        f"{len(reports)} teksten, {len(failing)} met problemen; "
        f"gemiddeld {words / max(count, 1):.1f} woorden per zin."
    )
    return 1 if failing else 0
