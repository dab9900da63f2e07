"""`samenloket check`: validate content/ and print a summary."""

from __future__ import annotations

import argparse
import sys

from ..errors import ContentErrors
from ..loader import load_catalogue
from ..model import Catalogue


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-themes",
        action="store_true",
        help="controleer niet of het thema van een gemeente bestaat",
    )


def summary(catalogue: Catalogue) -> str:
    overrides = sum(len(p.products) for p in catalogue.profiles.values())
    not_offered = sum(
        1
        for p in catalogue.profiles.values()
        for lp in p.products.values()
        if not lp.offered
    )
    news = sum(len(p.news) for p in catalogue.profiles.values())
    return "\n".join(
        [
            f"producten:            {len(catalogue.products)}",
            f"levensgebeurtenissen: {len(catalogue.life_events)}",
            f"gemeenten:            {len(catalogue.gemeenten)} "
            f"({len(catalogue.profiles)} met eigen gegevens)",
            f"lokale aanvullingen:  {overrides} ({not_offered} niet aangeboden)",
            f"nieuwsberichten:      {news}",
            f"UPL-namen:            {len(catalogue.upl)}",
        ]
    )


def run(args: argparse.Namespace) -> int:
    themes = None if args.no_themes else args.themes
    try:
        catalogue = load_catalogue(args.content, themes_dir=themes)
    except ContentErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    print(summary(catalogue))
    print("De content is in orde.")
    return 0
