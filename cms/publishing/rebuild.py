"""Publish → rebuild: queue on publish, rebuild only the affected gemeenten.

The worker compares the published catalogue with the one the sites were last
built from (a snapshot beside the output) using sitegen's dependency rules, so a
national edit rebuilds every gemeente that shows it and a local edit only that
gemeente. sitegen writes only the files whose bytes change and swaps each site
in atomically: a failed build leaves the previous sites live.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from samenloket.model import Catalogue
from sitegen.build import BuildError, BuildOptions, build_sites
from sitegen.impact import affected_pages

from .catalogue import catalogue_from_cms
from .models import DONE, FAILED, QUEUED, RUNNING, BuildRun, SiteBuild

logger = logging.getLogger(__name__)
SNAPSHOT = ".state/catalogue.json"


def output_dir() -> Path:
    return Path(getattr(settings, "SAMENLOKET_OUTPUT_DIR", "public"))


def themes_dir() -> Path:
    return Path(getattr(settings, "SAMENLOKET_THEMES_DIR", "themes"))


def enqueue(reason: str) -> BuildRun:
    """Queue a rebuild; publishes that arrive while one is queued join it."""
    with transaction.atomic():
        run = BuildRun.objects.filter(status=QUEUED).order_by("created_at").first()
        if run is not None:
            run.reason = f"{run.reason}\n{reason}"
            run.save(update_fields=["reason"])
            return run
        return BuildRun.objects.create(reason=reason)


def _load_snapshot(out: Path) -> Catalogue | None:
    try:
        return Catalogue.model_validate_json(
            (out / SNAPSHOT).read_text(encoding="utf-8")
        )
    except (OSError, ValueError):
        return None


def _save_snapshot(out: Path, catalogue: Catalogue) -> None:
    path = out / SNAPSHOT
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(catalogue.model_dump(mode="json"), sort_keys=True), encoding="utf-8"
    )
    os.replace(tmp, path)


def _claim() -> BuildRun | None:
    """Take the oldest queued run, so two workers never build the same one."""
    with transaction.atomic():
        run = (
            BuildRun.objects.select_for_update(skip_locked=True)
            .filter(status=QUEUED)
            .order_by("created_at")
            .first()
        )
        if run is None:
            return None
        run.status, run.started_at = RUNNING, timezone.now()
        run.save(update_fields=["status", "started_at"])
        return run


def _mark(
    codes: list[str],
    catalogue: Catalogue,
    run: BuildRun,
    status: str,
    error: str = "",
    written: dict[str, int] | None = None,
) -> None:
    for code in codes:
        SiteBuild.objects.update_or_create(
            cbs_code=code,
            defaults={
                "name": catalogue.gemeenten[code].display_name,
                "status": status,
                "run": run,
                "updated_at": timezone.now(),
                "error": error,
                "files_written": (written or {}).get(catalogue.gemeenten[code].slug, 0),
            },
        )


def run_pending(jobs: int = 0) -> BuildRun | None:
    """Build the oldest queued run, if any; returns it with its final status."""
    run = _claim()
    if run is None:
        return None
    out = output_dir()
    after: Catalogue | None = None
    codes: list[str] = []
    try:
        after = catalogue_from_cms()
        before = _load_snapshot(out)
        if before is None:
            codes = sorted(after.gemeenten)
            run.log = "Eerste build: alle gemeenten.\n"
        else:
            affected = affected_pages(before, after)
            codes = sorted(affected)
            run.log = "".join(
                f"{after.gemeenten[c].display_name}: {len(p)} pagina('s) geraakt\n"
                for c, p in sorted(affected.items())
                if c in after.gemeenten
            )
        run.gemeenten = " ".join(codes)
        run.save(update_fields=["log", "gemeenten"])
        _mark(codes, after, run, RUNNING)
        summary = None
        if codes:
            summary = build_sites(
                after,
                BuildOptions(
                    themes_dir=themes_dir(), output_dir=out, gemeenten=codes, jobs=jobs
                ),
            )
        _save_snapshot(out, after)
        written = {
            slug: len(files)
            for slug, files in (summary.written if summary else {}).items()
        }
        _mark(codes, after, run, DONE, written=written)
        run.status = DONE
        run.log += summary.format() if summary else "Geen site geraakt.\n"
    except (BuildError, ValueError, OSError) as exc:
        logger.exception("rebuild failed")
        run.status = FAILED
        run.log += f"\nMislukt: {exc}\nDe vorige versie van de sites blijft online."
        if after is not None:
            _mark(codes, after, run, FAILED, error=str(exc))
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "log", "finished_at"])
    return run


def work_forever(interval: float = 2.0, jobs: int = 0) -> None:  # pragma: no cover
    """The worker loop: go live with scheduled pages, then build what is queued."""
    from django.core.management import call_command

    if _load_snapshot(output_dir()) is None:
        enqueue("eerste build van alle sites")
    while True:
        call_command("publish_scheduled")
        while run_pending(jobs) is not None:
            pass
        time.sleep(interval)
