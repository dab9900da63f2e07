"""`samenloket opendata`: write the open-data JSON (national and per gemeente)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from samenloket.commands import load_or_report

from .opendata import NATIONAL_FILE, SCHEMA_VERSION
from .problems import ExportError
from .publish import OPEN_DATA_FILE, export_opendata


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gemeente",
        metavar="GM0344",
        help="alleen deze gemeente (plus het landelijke bestand)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("exports-out/open-data"),
        help="map voor de JSON-bestanden (standaard: exports-out/open-data/)",
    )


def run(args: argparse.Namespace) -> int:
    catalogue = load_or_report(args)
    if catalogue is None:
        return 1
    codes = [args.gemeente.upper()] if args.gemeente else None
    try:
        summary = export_opendata(catalogue, args.out, codes)
    except ExportError as exc:
        print(exc.report(), file=sys.stderr)
        return 2
    print(
        f"open data (schema {SCHEMA_VERSION}): {NATIONAL_FILE} en "
        f"{summary.files - 1} x <gemeente>/{OPEN_DATA_FILE} met samen "
        f"{summary.products} producten in {args.out}"
    )
    print(f"{summary.written} geschreven, {summary.unchanged} ongewijzigd.")
    return 0
