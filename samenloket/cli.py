"""`samenloket`: the one command-line entry point.

Each subcommand lives in its own module with `add_arguments(parser)` and
`run(args) -> int`; this file only lists them, so parts of the project (sitegen,
exports, cms) add commands without touching each other's code.
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import os
import sys
from pathlib import Path
from typing import NoReturn

# name -> (module, one-line help in Dutch)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("samenloket.commands.check", "controleer alle content in één keer"),
    "dump": (
        "samenloket.commands.dump",
        "schrijf de hele catalogus als JSON naar stdout",
    ),
    "reference": (
        "samenloket.commands.reference",
        "vernieuw de UPL of gemeentelijst uit een nieuwer officieel bestand",
    ),
    "build": ("sitegen.cmd_build", "bouw de statische site van elke gemeente"),
    "serve": ("sitegen.cmd_serve", "toon public/ op http://127.0.0.1:8080/"),
    "preview": (
        "sitegen.cmd_preview",
        "voorbeeldserver voor concepten uit de CMS (poort 8001)",
    ),
    "budget": (
        "sitegen.budget",
        "gewicht van de gebouwde sites; --links: linkcontrole zonder netwerk",
    ),
    "report": (
        "samenloket.commands.report",
        "taalrapport per product: lege onderdelen, zinslengte, lange woorden",
    ),
    "fmt": (
        "samenloket.commands.fmt",
        "herschrijf de content in canonieke vorm (--check: alleen melden)",
    ),
    "sc-export": (
        "exports.commands_sc_export",
        "schrijf en controleer de SC 4.0-feed van alle gemeenten (of één)",
    ),
    "sc-import": (
        "exports.commands_sc_import",
        "lees de huidige SC-feed van een gemeente in als lokale producten",
    ),
    "opendata": (
        "exports.commands_opendata",
        "schrijf de open data (JSON) van de catalogus en per gemeente",
    ),
}


def default_content_dir() -> Path:
    return Path(os.environ.get("SAMENLOKET_CONTENT", "content"))


def default_themes_dir() -> Path:
    return Path(os.environ.get("SAMENLOKET_THEMES", "themes"))


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; only the selected command's module is imported.

    Importing lazily keeps `samenloket check` fast and independent of the parts
    (sitegen, exports, cms) a command does not use.
    """
    parser = argparse.ArgumentParser(
        prog="samenloket",
        description="Landelijke productencatalogus → een site en SC-feed per gemeente.",
    )
    parser.add_argument(
        "--content",
        type=Path,
        default=default_content_dir(),
        help="map met de content (standaard: ./content)",
    )
    parser.add_argument(
        "--themes",
        type=Path,
        default=default_themes_dir(),
        help="map met thema's (standaard: ./themes)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="opdracht")
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name == selected:
            module = importlib.import_module(module_name)
            module.add_arguments(command)
            command.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    selected = next((arg for arg in argv if arg in COMMANDS), None)
    args = build_parser(selected).parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("afgebroken", file=sys.stderr)
        return 130


def run() -> NoReturn:
    """The `samenloket` command (console script): main(), then exit_now."""
    exit_now(main())


def exit_now(code: int) -> NoReturn:
    """End the process without tearing the interpreter down.

    A build leaves some 100,000 objects behind (catalogue, page stamps, compiled
    templates); freeing them one by one and the final garbage collection take
    ~0.05 s that nobody waits for. Exit handlers still run and the output is
    flushed; the operating system takes the memory back at once.
    """
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed, or the reader went away
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
