"""A new gemeente page gets its own editors group ("Redactie <naam>")."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save


def gemeente_saved(sender: Any, instance: Any, created: bool, raw: bool = False,
                   **kwargs: Any) -> None:
    if raw:  # loading fixtures: leave groups alone
        return
    from cms.publishing.roles import ensure_gemeente_group

    ensure_gemeente_group(instance)


def register_signal_handlers() -> None:
    from .models import GemeentePage

    post_save.connect(gemeente_saved, sender=GemeentePage,
                      dispatch_uid="samenloket_gemeente_group")


def unregister_signal_handlers() -> None:
    from .models import GemeentePage

    post_save.disconnect(sender=GemeentePage, dispatch_uid="samenloket_gemeente_group")
