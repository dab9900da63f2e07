"""Demo accounts for trying the roles locally (never in production: see checks)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cms.base.checks import DEMO_USERNAMES
from cms.gemeenten.models import GemeentePage

from .roles import MODERATORS, NATIONAL_EDITORS, READERS, gemeente_group_name

# username → (role, CBS code of the gemeente for gemeente editors)
DEMO_ROLES: dict[str, tuple[str, str | None]] = {
    "landelijk": (NATIONAL_EDITORS, None),
    "moderator": (MODERATORS, None),
    "utrecht": ("gemeente", "GM0344"),
    "zwolle": ("gemeente", "GM0193"),
    "schiermonnikoog": ("gemeente", "GM0088"),
    "lezer": (READERS, None),
}
assert tuple(DEMO_ROLES) == DEMO_USERNAMES


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    group: str | None


def create_demo_users(password: str = "demo") -> list[DemoAccount]:
    """Create or reset the demo accounts; each gets exactly its one group."""
    accounts = []
    for username, (role, cbs_code) in DEMO_ROLES.items():
        group_name: str | None = role
        if cbs_code is not None:
            page = GemeentePage.objects.filter(cbs_code=cbs_code).first()
            group_name = gemeente_group_name(page) if page is not None else None
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password(password)
        user.is_staff = False
        user.is_superuser = False
        user.email = f"{username}@example.invalid"
        user.save()
        groups = Group.objects.filter(name=group_name) if group_name else []
        user.groups.set(groups)
        accounts.append(DemoAccount(username, password, group_name))
    return accounts
