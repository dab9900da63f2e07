"""`manage.py dump_catalogue [--gemeente GM0344]`: same JSON as `samenloket dump`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samenloket.commands.dump import canonical_json

from ...catalogue import catalogue_from_cms, for_gemeente


class Command(BaseCommand):
    help = "Schrijf de gepubliceerde catalogus als canonieke JSON naar stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--gemeente", metavar="GM0344",
                            help="alleen deze gemeente (en de landelijke catalogus)")

    def handle(self, *args: Any, **options: Any) -> None:
        catalogue = catalogue_from_cms()
        if options["gemeente"]:
            code = options["gemeente"].upper()
            if code not in catalogue.gemeenten:
                raise CommandError(f"onbekende gemeente {code}: gebruik een CBS-code "
                                   "zoals GM0344")
            catalogue = for_gemeente(catalogue, code)
        self.stdout.write(canonical_json(catalogue), ending="")
