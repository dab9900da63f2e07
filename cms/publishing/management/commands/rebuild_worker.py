"""`manage.py rebuild_worker`: rebuild the static sites after publishes.

Runs beside the web server (`make cms` starts both). `--once` builds what is
queued now and stops, for scripts and tests.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cms.publishing.rebuild import output_dir, run_pending, work_forever


class Command(BaseCommand):
    help = "Bouw de sites opnieuw na publiceren (alleen de geraakte gemeenten)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true",
                            help="bouw wat nu in de wachtrij staat en stop")
        parser.add_argument("--interval", type=float, default=2.0)
        parser.add_argument("--jobs", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            while (run := run_pending(options["jobs"])) is not None:
                self.stdout.write(f"{run}: {run.log.strip()}")
            return
        self.stdout.write(f"Bouwt sites in {output_dir()} na elke publicatie "
                          "(stop met Ctrl+C).")
        work_forever(options["interval"], options["jobs"])
