"""Groups, page permissions and the moderation workflow, set up idempotently.

| group                | national catalogue          | gemeente X            |
| -------------------- | --------------------------- | --------------------- |
| Landelijke redactie  | add, change (no publish)    | read                  |
| Moderatoren          | add, change, publish; approve in the workflow | read |
| Redactie <X>         | read                        | add, change, publish (X only) |
| Lezers               | read                        | read                  |

"read" is Wagtail's `lock` permission, which only makes a subtree explorable: the
page tester in base/permissions.py refuses the lock itself to non-editors.
National content sits under the workflow "Landelijke moderatie" (edit → review by
a moderator → publish); local content is published by the gemeente's own editors.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

NATIONAL_EDITORS = "Landelijke redactie"
MODERATORS = "Moderatoren"
READERS = "Lezers"
WORKFLOW_NAME = "Landelijke moderatie"
TASK_NAME = "Beoordeling door moderator"
WAGTAIL_DEFAULT_GROUPS = ("Editors", "Moderators")


def gemeente_group_name(page: Any) -> str:
    return f"Redactie {page.title}"


def _perm(codename: str, app_label: str = "wagtailcore") -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def grant(group: Group, page: Page, actions: tuple[str, ...]) -> None:
    """Give group these page actions ('add', 'change', 'publish', 'lock') on page."""
    for action in actions:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_perm(f"{action}_page")
        )


def _group(name: str) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(_perm("access_admin", "wagtailadmin"))
    return group


def _national_pages() -> list[Page]:
    from cms.catalogue.models import LifeEventIndexPage, ProductIndexPage

    return [*ProductIndexPage.objects.all(), *LifeEventIndexPage.objects.all()]


def ensure_gemeente_group(page: Any) -> Group | None:
    """The editors group of one gemeente: edit its subtree, read the catalogue."""
    if not page.pk or not page.title:
        return None
    group = _group(gemeente_group_name(page))
    grant(group, Page.objects.get(pk=page.pk), ("add", "change", "publish"))
    for national in _national_pages():
        grant(group, national, ("lock",))
    return group


def ensure_workflow() -> Workflow:
    """National pages: one approval task for the Moderatoren group."""
    moderators = _group(MODERATORS)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME,
                                                 defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([moderators])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task,
                                       defaults={"sort_order": 0})
    for page in _national_pages():
        WorkflowPage.objects.update_or_create(page=page,
                                              defaults={"workflow": workflow})
    # Wagtail assigns its default workflow to the tree root; without this, every
    # gemeente's news would need a moderator too.
    national_ids = [p.pk for p in _national_pages()]
    WorkflowPage.objects.exclude(page_id__in=national_ids).delete()
    return workflow


@transaction.atomic
def ensure_roles() -> None:
    """Create or repair every group, permission and the workflow (idempotent)."""
    from cms.base.models import HomePage
    from cms.gemeenten.models import GemeentePage

    home = HomePage.objects.first()
    if home is None:
        return
    national = _group(NATIONAL_EDITORS)
    moderators = _group(MODERATORS)
    readers = _group(READERS)
    national.permissions.add(_perm("change_cataloguesettings", "base"))
    for group in (national, moderators, readers):
        grant(group, home, ("lock",))
    for page in _national_pages():
        grant(national, page, ("add", "change"))
        grant(moderators, page, ("add", "change", "publish"))
    for page in GemeentePage.objects.all():
        ensure_gemeente_group(page)
    # Wagtail's own starter groups have rights on the whole tree; they are not
    # part of these roles. Removed only while nobody is in them.
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True).delete()
    ensure_workflow()
