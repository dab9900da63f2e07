"""`samenloket sc-export`: write the SC 4.0 feed of every gemeente, or of one."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from samenloket.commands import load_or_report

from .problems import ExportError
from .publish import FEED_FILE, export_all


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{value}' is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld 2026-01-31"
        ) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gemeente",
        metavar="GM0344",
        help="alleen de feed van deze gemeente (standaard: alle 342)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("exports-out"),
        help="map voor <gemeente>/producten.xml (standaard: exports-out/)",
    )
    parser.add_argument(
        "--modified",
        type=_date,
        metavar="JJJJ-MM-DD",
        help="datum voor dcterms:modified (standaard: "
        "SOURCE_DATE_EPOCH of het nieuwste kostenjaar)",
    )


def run(args: argparse.Namespace) -> int:
    catalogue = load_or_report(args)
    if catalogue is None:
        return 1
    codes = None
    if args.gemeente:
        code = args.gemeente.upper()
        if code not in catalogue.gemeenten:
            print(
                f"onbekende gemeente {code}: gebruik een CBS-code zoals GM0344",
                file=sys.stderr,
            )
            return 2
        codes = [code]
    try:
        summary = export_all(catalogue, args.out, codes, args.modified)
    except ExportError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    print(
        f"{summary.files} SC-feed(s) met samen {summary.products} producten "
        f"gecontroleerd (XSD en SC-regels): in orde."
    )
    print(
        f"{summary.written} geschreven, {summary.unchanged} ongewijzigd, in "
        f"{args.out}/<gemeente>/{FEED_FILE}"
    )
    return 0
