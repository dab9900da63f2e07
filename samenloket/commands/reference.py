"""`samenloket reference`: refresh the UPL or gemeenten list from a newer file.

Reads the official export, reports what is new, renamed or withdrawn and which
catalogue entries that breaks, and only then replaces content/reference/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import ContentErrors
from ..loader import load_catalogue
from ..reference import (
    GEMEENTEN_FILE,
    UPL_FILE,
    ReferenceError,
    diff_gemeenten,
    diff_upl,
    load_gemeenten,
    load_upl,
    parse_gemeenten_csv,
    parse_upl_csv,
    read_new_gemeenten,
    write_atomic,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--upl", type=Path, help="nieuw UPL-actueel.csv")
    parser.add_argument(
        "--gemeenten", type=Path, help="nieuw TOOI-register (JSON-LD) of gemeenten-CSV"
    )
    parser.add_argument(
        "--provincies",
        type=Path,
        help="TOOI-provincieregister (bij nieuwe provinciecodes)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="alleen rapporteren, niets vervangen"
    )


def run(args: argparse.Namespace) -> int:
    if not args.upl and not args.gemeenten:
        print("geef --upl en/of --gemeenten op", file=sys.stderr)
        return 2
    reference = args.content / "reference"
    try:
        catalogue = load_catalogue(args.content)
    except ContentErrors:
        catalogue = None
    new_texts: dict[str, str] = {}
    try:
        if args.upl:
            text = args.upl.read_text(encoding="utf-8")
            new, old = parse_upl_csv(text, str(args.upl)), load_upl(reference)
            report = diff_upl(old, new)
            if catalogue is not None:
                report.broken = [
                    f"product {p.slug}: {uri} vervalt"
                    for p in catalogue.products.values()
                    for uri in p.upl
                    if uri not in new
                ] + [
                    f"product {p.slug}: UPL-naam van {uri} is nu '{new[uri].label}'"
                    for p in catalogue.products.values()
                    for uri in p.upl
                    if uri in new and uri in old and new[uri].label != old[uri].label
                ]
            print(report.format())
            new_texts[UPL_FILE] = text
        if args.gemeenten:
            current = load_gemeenten(reference)
            text = read_new_gemeenten(args.gemeenten, current, args.provincies)
            new_g = parse_gemeenten_csv(text, str(args.gemeenten))
            report = diff_gemeenten(current, new_g)
            if catalogue is not None:
                report.broken = [
                    f"content/gemeenten/{catalogue.gemeenten[c].slug}/: {c} vervalt"
                    for c in catalogue.profiles
                    if c not in new_g
                ] + [
                    f"content/gemeenten/{catalogue.gemeenten[c].slug}/: slug wordt "
                    f"'{new_g[c].slug}' (hernoem de map)"
                    for c in catalogue.profiles
                    if c in new_g and new_g[c].slug != catalogue.gemeenten[c].slug
                ]
            print(report.format())
            new_texts[GEMEENTEN_FILE] = text
    except (ReferenceError, OSError, UnicodeDecodeError) as exc:
        print(f"fout: {exc}\nEr is niets vervangen.", file=sys.stderr)
        return 1
    if args.dry_run:
        print("proefrun: er is niets vervangen.")
        return 0
    for name, text in new_texts.items():
        write_atomic(reference / name, text)
        print(f"vervangen: {reference / name}")
    print("Controleer nu de catalogus met 'samenloket check'.")
    return 0
