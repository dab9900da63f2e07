"""System checks that stop an unsafe production start.

Settings problems (DEBUG, secret key) already fail in settings/production.py;
demo accounts live in the database, so they are checked here, as an Error-level
system check (fails `check`, `migrate`, `runserver`) and again by cms/wsgi.py,
because WSGI servers do not run system checks themselves.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

# The accounts `demo_setup` creates (password "demo"); never in production.
DEMO_USERNAMES: tuple[str, ...] = (
    "landelijk", "moderator", "utrecht", "zwolle", "schiermonnikoog", "lezer",
)


@checks.register("samenloket")
def check_no_demo_accounts(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.Error]:
    """Error when production settings meet a database holding demo accounts."""
    if not getattr(settings, "SAMENLOKET_REFUSE_DEMO_ACCOUNTS", False):
        return []
    from django.contrib.auth import get_user_model

    try:
        found = sorted(
            get_user_model().objects.filter(username__in=DEMO_USERNAMES)
            .values_list("username", flat=True)
        )
    except DatabaseError:  # tables not there yet (first migrate): nothing to find
        return []
    if not found:
        return []
    return [checks.Error(
        f"Demo-accounts in de database: {', '.join(found)}.",
        hint="Verwijder ze (python cms/manage.py shell: User.objects.filter("
        "username__in=[...]).delete()) of gebruik een productiedatabase zonder "
        "demo_setup. / Demo accounts present; delete them before starting "
        "in production.",
        id="samenloket.E003",
    )]


def refuse_unsafe_start() -> None:
    """Raise ImproperlyConfigured if any samenloket check reports an error."""
    errors = [
        message for message in checks.run_checks(tags=["samenloket"])
        if message.level >= checks.ERROR
    ]
    if errors:
        raise ImproperlyConfigured(
            "De CMS start niet / the CMS refuses to start:\n"
            + "\n".join(f"{e.id}: {e.msg} {e.hint or ''}" for e in errors)
        )
