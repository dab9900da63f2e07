"""`manage.py load_content [--content DIR]`: content/ → CMS (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from samenloket.errors import ContentErrors

from ...importer import load_content


class Command(BaseCommand):
    help = "Laad content/ in de CMS; een tweede keer laden verandert niets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--content", type=Path,
                            default=settings.SAMENLOKET_CONTENT_DIR,
                            help="map met de content (standaard: content/)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_content(options["content"])
        except ContentErrors as exc:
            raise CommandError("\n" + exc.report()) from None
        self.stdout.write(report.format())
