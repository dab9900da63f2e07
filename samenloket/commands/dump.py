"""`samenloket dump`: the whole validated catalogue as canonical JSON on stdout."""

from __future__ import annotations

import argparse
import json
import sys

from ..model import Catalogue
from . import load_or_report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gemeente",
        metavar="GM0344",
        help="alleen deze gemeente (en de landelijke catalogus)",
    )


def canonical_json(catalogue: Catalogue) -> str:
    """Stable JSON: sorted keys, fixed indentation, same bytes for same content."""
    data = catalogue.model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def run(args: argparse.Namespace) -> int:
    catalogue = load_or_report(args)
    if catalogue is None:
        return 1
    if args.gemeente:
        code = args.gemeente.upper()
        if code not in catalogue.gemeenten:
            print(
                f"onbekende gemeente {code}: gebruik een CBS-code zoals GM0344",
                file=sys.stderr,
            )
            return 2
        catalogue = catalogue.model_copy(
            update={
                "gemeenten": {code: catalogue.gemeenten[code]},
                "profiles": {k: v for k, v in catalogue.profiles.items() if k == code},
            }
        )
    sys.stdout.write(canonical_json(catalogue))
    return 0
