"""`manage.py export_content --out DIR`: published CMS content → content files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ...exporter import export_content


class Command(BaseCommand):
    help = ("Schrijf de gepubliceerde inhoud van de CMS als content-bestanden "
            "(canonieke vorm, zoals 'samenloket fmt').")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True,
                            help="doelmap, bijvoorbeeld content/")

    def handle(self, *args: Any, **options: Any) -> None:
        changed = export_content(options["out"])
        for rel in changed:
            self.stdout.write(f"geschreven: {rel}")
        self.stdout.write(f"{len(changed)} bestand(en) gewijzigd in {options['out']}.")
