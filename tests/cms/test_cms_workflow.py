"""Drafts, moderation, scheduled publishing and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from cms.catalogue.models import ProductPage
from cms.gemeenten.models import GemeentePage, LocalProductPage

NEW_SUMMARY = "Vraag uw paspoort aan in de gemeente waar u woont, op afspraak."


def _page() -> ProductPage:
    return ProductPage.objects.get(slug="paspoort-aanvragen")


def _submit(client: Client, user: object, form_data: Callable) -> ProductPage:
    """The national editor changes the summary and submits it for review."""
    page = _page()
    data = form_data(page)
    data["summary"] = NEW_SUMMARY
    client.force_login(user)
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]),
                           {**data, "action-submit": "1"})
    assert response.status_code == 302
    return _page()


def _act(client: Client, user: object, page: ProductPage, action: str) -> None:
    state = page.current_workflow_task_state
    client.force_login(user)
    url = reverse("wagtailadmin_pages:workflow_action",
                  args=[page.pk, action, state.pk])
    response = client.post(url, {"comment": "Graag kortere zinnen."})
    assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_national_pages_are_moderated_local_pages_are_not() -> None:
    """Products and life events use 'Landelijke moderatie'; gemeente pages none."""
    assert _page().get_workflow().name == "Landelijke moderatie"
    local = LocalProductPage.objects.first()
    assert local.get_workflow() is None
    assert GemeentePage.objects.first().get_workflow() is None


@pytest.mark.django_db
def test_submit_approve_publishes(client: Client, users: dict,
                                  form_data: Callable) -> None:
    """Submit → the live page is unchanged; moderator approves → it is live."""
    page = _submit(client, users["landelijk"], form_data)
    assert page.workflow_in_progress
    assert page.summary != NEW_SUMMARY
    assert page.get_latest_revision_as_object().summary == NEW_SUMMARY

    _act(client, users["moderator"], page, "approve")

    page = _page()
    assert page.summary == NEW_SUMMARY and page.live
    assert not page.workflow_in_progress
    actions = list(PageLogEntry.objects.filter(page=page).order_by("pk")
                   .values_list("action", "user__username"))
    assert ("wagtail.workflow.start", "landelijk") in actions
    assert ("wagtail.workflow.approve", "moderator") in actions
    assert ("wagtail.publish", "moderator") in actions


@pytest.mark.django_db
def test_reject_sends_back_to_draft(client: Client, users: dict,
                                    form_data: Callable) -> None:
    """Rejecting keeps the live text and leaves the change as a draft to rework."""
    page = _submit(client, users["landelijk"], form_data)
    _act(client, users["moderator"], page, "reject")

    page = _page()
    assert page.summary != NEW_SUMMARY
    assert page.current_workflow_state.status == "needs_changes"
    assert page.has_unpublished_changes
    assert page.get_latest_revision_as_object().summary == NEW_SUMMARY
    assert PageLogEntry.objects.filter(page=page, action="wagtail.workflow.reject",
                                       user=users["moderator"]).exists()
    # The editor reworks the draft and submits it again.
    data = form_data(page.get_latest_revision_as_object())
    client.force_login(users["landelijk"])
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]),
                           {**data, "action-restart-workflow": "1"})
    assert response.status_code == 302
    assert _page().current_workflow_state.status == "in_progress"


@pytest.mark.django_db
def test_editor_cannot_approve_or_publish(client: Client, users: dict,
                                          form_data: Callable) -> None:
    """The national editor can neither publish directly nor approve own work."""
    page = _page()
    data = form_data(page)
    data["summary"] = NEW_SUMMARY
    client.force_login(users["landelijk"])
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]),
                {**data, "action-publish": "1"})
    assert _page().summary != NEW_SUMMARY
    page = _submit(client, users["landelijk"], form_data)
    actions = page.current_workflow_task.get_actions(page, users["landelijk"])
    assert [name for name, *_ in actions] == []
    assert {name for name, *_ in page.current_workflow_task.get_actions(
        page, users["moderator"])} >= {"approve", "reject"}


@pytest.mark.django_db
def test_revisions_can_be_compared(client: Client, users: dict,
                                   form_data: Callable) -> None:
    """The revision history compares the live text with the draft."""
    page = _submit(client, users["landelijk"], form_data)
    url = reverse("wagtailadmin_pages:revisions_compare",
                  args=[page.pk, "live", "latest"])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Samenvatting" in html
    assert '<span class="addition">, op afspraak.</span>' in html
    assert '<span class="deletion">bij</span>' in html


@pytest.mark.django_db
def test_scheduled_publishing(client: Client, users: dict, form_data: Callable) -> None:
    """A revision published with a future go-live date waits for
    `publish_scheduled`, which publishes it once the time has come."""
    page = _page()
    data = form_data(page)
    data["summary"] = NEW_SUMMARY
    data["go_live_at"] = (timezone.localtime() + timedelta(days=1)).strftime(
        "%Y-%m-%d %H:%M")
    client.force_login(users["moderator"])
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]),
                           {**data, "action-publish": "1"})
    assert response.status_code == 302
    page = _page()
    revision = page.latest_revision
    assert revision.approved_go_live_at is not None
    assert page.summary != NEW_SUMMARY

    call_command("publish_scheduled", verbosity=0)
    assert _page().summary != NEW_SUMMARY  # not yet

    # Two days later the approved moment has passed.
    later = timezone.now() + timedelta(days=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("publish_scheduled", verbosity=0)
    assert _page().summary == NEW_SUMMARY
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled"
                                       ).exists()


@pytest.mark.django_db
def test_local_edit_is_logged_with_the_editor(client: Client, users: dict,
                                              form_data: Callable) -> None:
    """Every admin change lands in the audit log with who did it."""
    utrecht = GemeentePage.objects.get(cbs_code="GM0344")
    data = form_data(utrecht)
    data["phone_hours"] = "Elke werkdag van 8.00 tot 18.00 uur."
    client.force_login(users["utrecht"])
    response = client.post(reverse("wagtailadmin_pages:edit", args=[utrecht.pk]),
                           {**data, "action-publish": "1"})
    assert response.status_code == 302
    logged = set(PageLogEntry.objects.filter(page=utrecht, user=users["utrecht"])
                 .values_list("action", flat=True))
    assert {"wagtail.edit", "wagtail.publish"} <= logged
