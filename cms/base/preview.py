"""Preview national pages on the editor's own gemeente site by default.

The preview server renders a national product inside one gemeente's site; which
one is passed in the preview link. An editor of Zwolle sees Zwolle, others the
default (SAMENLOKET_PREVIEW_DEFAULT_GEMEENTE); the concept banner lets them switch.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def editor_gemeente(user: Any) -> str | None:
    """The CBS code of the gemeente whose editors group the user is in, if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    from cms.gemeenten.models import GemeentePage

    names = set(user.groups.values_list("name", flat=True))
    for page in GemeentePage.objects.all().order_by("title"):
        if f"Redactie {page.title}" in names:
            return page.cbs_code
    return None


class EditorGemeentePreviewMixin:
    """Adds `gemeente=<CBS code>` to wagtail-headless-preview's client URL."""

    def get_preview_url(self, request: HttpRequest, token: str) -> str:
        url = super().get_preview_url(request, token)  # type: ignore[misc]
        code = editor_gemeente(getattr(request, "user", None)) or getattr(
            settings, "SAMENLOKET_PREVIEW_DEFAULT_GEMEENTE", "GM0344"
        )
        return f"{url}&gemeente={code}"
