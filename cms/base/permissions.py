"""Page permissions as the samenloket roles need them.

Wagtail grants rights per subtree (GroupPagePermission); `roles.py` in publishing
assigns them. Two gaps are closed here:
- Wagtail has no "view" page permission. Readers (and gemeente editors, for the
  national catalogue) get `lock` on a subtree only to make it explorable; this
  tester refuses the lock itself unless the user may also edit the page.
- Structural pages (site root, indexes, a gemeente's own page) hold a whole subtree;
  only superusers may delete or move them, whatever a group's rights.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from wagtail.models import Page, PagePermissionTester

EDIT_ACTIONS = frozenset({"add", "change", "publish"})


class SamenloketPermissionTester(PagePermissionTester):
    """PagePermissionTester with read-only `lock` and protected structure pages."""

    def _is_structure(self) -> bool:
        return bool(getattr(self.page.specific_class, "is_structure_page", False))

    def can_lock(self) -> bool:
        if self.user.is_superuser:
            return True
        if not (EDIT_ACTIONS & getattr(self, "permissions", set())):
            return False
        return super().can_lock()

    def can_delete(self, ignore_bulk: bool = False) -> bool:
        if self._is_structure() and not self.user.is_superuser:
            return False
        return super().can_delete(ignore_bulk=ignore_bulk)

    def can_move(self) -> bool:
        if self._is_structure() and not self.user.is_superuser:
            return False
        return super().can_move()

    def can_copy(self) -> bool:
        if self._is_structure() and not self.user.is_superuser:
            return False
        return super().can_copy()


class SamenloketPageMixin:
    """Mixed into every samenloket page type (before Page) for the tester above."""

    is_structure_page = False
    # (form field, message) for a slug clash on pages whose slug is not in the form
    slug_error: tuple[str, str] | None = None

    def clean(self) -> None:
        try:
            super().clean()  # type: ignore[misc]
        except ValidationError as exc:
            if self.slug_error and "slug" in getattr(exc, "error_dict", {}):
                field, message = self.slug_error
                raise ValidationError({field: message}) from None
            raise

    def permissions_for_user(self, user: Any) -> PagePermissionTester:
        return SamenloketPermissionTester(user, self)


def user_can_explore(user: Any, page: Page) -> bool:
    """True when the page is visible to the user in the admin explorer."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    from wagtail.permission_policies.pages import PagePermissionPolicy

    explorable = PagePermissionPolicy().explorable_instances(user)
    return explorable.filter(pk=page.pk).exists()
