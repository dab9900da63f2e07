"""`samenloket fmt`: rewrite a content tree in canonical form (see writer.py).

Loads the tree (nothing happens unless it is valid), renders it with the writer,
checks that the rendered tree loads back to the same rendering, and only then
replaces the files whose bytes differ. `--check` only lists them (exit 1 if any),
for CI and pre-commit.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from ..errors import ContentErrors
from ..loader import load_catalogue
from ..reference import write_atomic
from ..writer import WriterError, managed_paths, render_catalogue


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="alleen melden welke bestanden afwijken, niets schrijven",
    )


def plan(content_dir: Path) -> tuple[dict[str, str], list[str]]:
    """(files to write: path → canonical text, files to remove) for a content tree.

    Raises ContentErrors for invalid content and WriterError when the canonical
    form would not load back identically (a writer bug: nothing is written then).
    """
    catalogue = load_catalogue(content_dir)
    rendered = render_catalogue(catalogue)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        reference = content_dir / "reference"
        for csv_file in reference.glob("*.csv"):
            target = tmp_dir / "reference" / csv_file.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(csv_file.read_bytes())
        for rel, text in rendered.items():
            path = tmp_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if render_catalogue(load_catalogue(tmp_dir)) != rendered:
            raise WriterError("de canonieke vorm leest niet identiek terug")
    changed = {
        rel: text
        for rel, text in rendered.items()
        if not (content_dir / rel).is_file()
        or (content_dir / rel).read_bytes() != text.encode("utf-8")
    }
    # Only an empty home.md can be read but not written back (it adds nothing).
    stale = [rel for rel in managed_paths(content_dir) if rel not in rendered]
    return changed, stale


def run(args: argparse.Namespace) -> int:
    content_dir = Path(args.content)
    try:
        changed, stale = plan(content_dir)
    except ContentErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except WriterError as exc:
        print(f"fout in de schrijver, er is niets gewijzigd: {exc}", file=sys.stderr)
        return 2
    for rel in changed:
        print(f"{'wijkt af' if args.check else 'herschreven'}: {content_dir / rel}")
    for rel in stale:
        print(f"{'overbodig' if args.check else 'verwijderd'}: {content_dir / rel}")
    if args.check:
        if changed or stale:
            print(
                f"{len(changed) + len(stale)} bestand(en) niet in canonieke vorm; "
                "herschrijf ze met 'samenloket fmt'."
            )
            return 1
        print("Alle bestanden staan in canonieke vorm.")
        return 0
    for rel, text in changed.items():
        write_atomic(content_dir / rel, text)
    for rel in stale:
        (content_dir / rel).unlink()
    print(f"{len(changed)} bestand(en) herschreven, {len(stale)} verwijderd.")
    return 0
