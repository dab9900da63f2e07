"""Panels that show editors the national value beside a local override."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html
from wagtail.admin.panels import FieldPanel

MAX_SHOWN = 400


def _shown(value: Any) -> str:
    if value in (None, "", [], ()):
        return "(leeg)"
    text = str(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + " …"


class NationalValuePanel(FieldPanel):
    """A FieldPanel whose help text says what the national product holds.

    `national` names a method on the page that returns the national value for
    this field (or None before the national product is chosen). Leaving the local
    field empty keeps that value.
    """

    def __init__(self, field_name: str, *args: Any, national: str = "", **kwargs: Any):
        self.national = national
        super().__init__(field_name, *args, **kwargs)

    def clone_kwargs(self) -> dict[str, Any]:
        kwargs = super().clone_kwargs()
        kwargs["national"] = self.national
        return kwargs

    class BoundPanel(FieldPanel.BoundPanel):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            getter = getattr(self.instance, self.panel.national or "", None)
            value = getter(self.field_name) if callable(getter) else None
            own = self.help_text or ""
            if value is None:
                note = "Kies eerst het landelijke product en sla op; dan staat hier " \
                       "de landelijke waarde."
            else:
                note = f"Landelijk: {_shown(value)} — leeg laten = landelijke " \
                       "waarde overnemen."
            self.help_text = format_html("{}<br><em>{}</em>", own, note) if own \
                else note
