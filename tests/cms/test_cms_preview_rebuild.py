"""Draft previews by token, and publish → rebuild of only the affected gemeenten."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client, override_settings

from cms.gemeenten.models import GemeentePage, LocalProductPage
from cms.publishing.catalogue import catalogue_from_cms
from cms.publishing.models import BuildRun, SiteBuild
from cms.publishing.rebuild import _save_snapshot, run_pending


def _first_local() -> LocalProductPage:
    zwolle = GemeentePage.objects.get(cbs_code="GM0193")
    return LocalProductPage.objects.child_of(zwolle).filter(offered=True).first()


@pytest.mark.django_db
def test_preview_api_returns_draft_as_catalogue_patch(client: Client) -> None:
    """The token's draft comes back as a validated profile patch for its gemeente."""
    page = _first_local()
    page.delivery_time = "Concept: binnen 1 werkdag."
    preview = page.create_page_preview()
    response = client.get("/api/preview/", {"content_type": page.get_content_type_str(),
                                            "token": preview.token})
    assert response.status_code == 200
    data = response.json()
    assert data["gemeente"] == "GM0193"
    slug = page.product.slug
    assert data["path"] == f"producten/{slug}/"
    local = data["patch"]["profiles"]["GM0193"]["products"][slug]
    assert local["delivery_time"] == "Concept: binnen 1 werkdag."
    assert "created_at" in data


@pytest.mark.django_db
def test_preview_api_refuses_expired_and_forged_tokens(client: Client) -> None:
    page = _first_local()
    preview = page.create_page_preview()
    content_type = page.get_content_type_str()
    with override_settings(SAMENLOKET_PREVIEW_MAX_AGE=-1):
        expired = client.get("/api/preview/", {"content_type": content_type,
                                               "token": preview.token})
    assert expired.status_code == 410
    forged = client.get("/api/preview/", {"content_type": content_type,
                                          "token": preview.token[:-2] + "xx"})
    assert forged.status_code == 404


@pytest.mark.django_db
def test_publish_queues_and_rebuilds_only_that_gemeente(tmp_path: Path) -> None:
    """Publishing a local change builds Zwolle only and records its status."""
    with override_settings(SAMENLOKET_OUTPUT_DIR=tmp_path,
                           SAMENLOKET_THEMES_DIR=Path(__file__).parents[2] / "themes"):
        _save_snapshot(tmp_path, catalogue_from_cms())  # sites as last built
        BuildRun.objects.all().delete()
        page = _first_local()
        page.delivery_time = "Binnen 1 werkdag, na publicatie."
        with pytest.MonkeyPatch.context() as patch:
            from django.db import transaction

            patch.setattr(transaction, "on_commit", lambda func, **kw: func())
            page.save_revision().publish()
        run = BuildRun.objects.get()
        assert "gepubliceerd" in run.reason and run.status == "queued"
        run = run_pending(jobs=1)
        assert run is not None and run.status == "done", run.log
        assert run.gemeenten == "GM0193"
        site = SiteBuild.objects.get(cbs_code="GM0193")
        assert site.status == "done" and site.files_written > 0
        html = (tmp_path / "zwolle" / "producten" / page.product.slug /
                "index.html").read_text()
        assert "Binnen 1 werkdag, na publicatie." in html
        assert not (tmp_path / "utrecht").exists()
        assert run_pending() is None  # nothing left in the queue
