"""Subcommands of `samenloket`; each module has add_arguments() and run()."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import ContentErrors
from ..loader import load_catalogue
from ..model import Catalogue


def load_or_report(
    args: argparse.Namespace, themes_dir: Path | None = None
) -> Catalogue | None:
    """The validated catalogue of args.content, or None after printing the errors."""
    try:
        return load_catalogue(args.content, themes_dir=themes_dir)
    except ContentErrors as exc:
        print(exc.report(), file=sys.stderr)
        return None
