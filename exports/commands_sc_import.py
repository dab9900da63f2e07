"""`samenloket sc-import`: turn a gemeente's current SC feed into local product files.

Default is a dry run that only reports; `--write` writes the files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from samenloket.commands import load_or_report

from .sc_import import import_feed, read_feed_file, write_import
from .xmlsafe import FeedReadError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "feed",
        type=Path,
        metavar="FEED",
        help="het SC 4.0-bestand (XML) van de gemeente",
    )
    parser.add_argument(
        "--gemeente",
        metavar="GM0193",
        required=True,
        help="CBS-code van de gemeente van wie de feed is",
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="schrijf de lokale productbestanden (standaard: alleen "
        "een rapport, er wordt niets geschreven)",
    )
    parser.add_argument(
        "--absent-not-offered",
        action="store_true",
        help="zet landelijke producten die niet in de feed staan op 'offered: false'",
    )


def run(args: argparse.Namespace) -> int:
    catalogue = load_or_report(args)
    if catalogue is None:
        return 1
    code = args.gemeente.upper()
    if code not in catalogue.gemeenten:
        print(
            f"onbekende gemeente {code}: gebruik een CBS-code zoals GM0193",
            file=sys.stderr,
        )
        return 2
    try:
        data = read_feed_file(args.feed)
        result = import_feed(data, catalogue, code, mark_absent=args.absent_not_offered)
        print(result.format())
        if not args.write:
            print(
                "Proefrun: er is niets geschreven. Gebruik --write om de "
                "bestanden te schrijven."
            )
            return 0
        written = write_import(result, args.content)
    except FeedReadError as exc:
        fix = f"\n    oplossing: {exc.fix}" if exc.fix else ""
        print(
            f"{args.feed}: kan de feed niet importeren: {exc.message}{fix}\n"
            "Er is niets geschreven.",
            file=sys.stderr,
        )
        return 1
    print(
        f"{len(written)} bestand(en) geschreven."
        if written
        else "Niets te schrijven: de lokale gegevens kloppen al met de feed."
    )
    return 0
