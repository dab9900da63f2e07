"""Build status of the static sites, as the admin shows it.

A publish queues a BuildRun; the rebuild worker (`manage.py rebuild_worker`) picks
it up outside the web request, works out which gemeenten the change affects and
rebuilds only those. SiteBuild keeps the latest state per gemeente, so editors see
at a glance whether their change is live or why it is not.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUS_CHOICES = [
    (QUEUED, "in de wachtrij"),
    (RUNNING, "bezig"),
    (DONE, "klaar"),
    (FAILED, "mislukt"),
]


class BuildRun(models.Model):
    """One rebuild, triggered by one or more publishes."""

    reason = models.TextField("aanleiding")
    status = models.CharField(
        "status", max_length=10, choices=STATUS_CHOICES, default=QUEUED, db_index=True
    )
    created_at = models.DateTimeField("aangevraagd", default=timezone.now)
    started_at = models.DateTimeField("gestart", null=True, blank=True)
    finished_at = models.DateTimeField("klaar", null=True, blank=True)
    gemeenten = models.TextField(
        "gemeenten", blank=True, help_text="CBS-codes van de herbouwde sites"
    )
    log = models.TextField("verslag", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "bouwopdracht"
        verbose_name_plural = "bouwopdrachten"

    def __str__(self) -> str:
        return f"{self.created_at:%d-%m-%Y %H:%M}: {self.get_status_display()}"


class SiteBuild(models.Model):
    """The latest build state of one gemeente's site."""

    cbs_code = models.CharField("CBS-code", max_length=6, unique=True)
    name = models.CharField("gemeente", max_length=100)
    status = models.CharField(
        "status", max_length=10, choices=STATUS_CHOICES, default=QUEUED
    )
    run = models.ForeignKey(
        BuildRun, on_delete=models.SET_NULL, null=True, related_name="sites"
    )
    updated_at = models.DateTimeField("bijgewerkt", default=timezone.now)
    files_written = models.PositiveIntegerField("bestanden geschreven", default=0)
    error = models.TextField("fout", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "site"
        verbose_name_plural = "sites"

    def __str__(self) -> str:
        return f"{self.name}: {self.get_status_display()}"
