"""`manage.py demo_setup`: migrate, load content/, create the demo accounts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...demo import create_demo_users


class Command(BaseCommand):
    help = ("Zet een demo-CMS op: migreren, content/ laden en demo-accounts "
            "(wachtwoord 'demo') aanmaken. Niet voor productie.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--content", type=Path,
                            default=settings.SAMENLOKET_CONTENT_DIR,
                            help="map met de content (standaard: content/)")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.SAMENLOKET_REFUSE_DEMO_ACCOUNTS:
            raise CommandError("demo_setup hoort niet bij productie-instellingen / "
                               "refusing to create demo accounts in production")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_content", content=str(options["content"]),
                     stdout=self.stdout)
        accounts = create_demo_users("demo")
        self.stdout.write("\nDemo-accounts (wachtwoord voor allemaal: demo):")
        for account in accounts:
            role = account.group or "(geen groep: gemeente heeft geen gegevens)"
            self.stdout.write(f"  {account.username:<16} {role}")
        self.stdout.write("\nStart de CMS: python cms/manage.py runserver "
                          "127.0.0.1:8000 en ga naar http://127.0.0.1:8000/admin/")
