"""Production refuses to start when unsafe; demo accounts stay out of production."""

from __future__ import annotations

import importlib
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import override_settings

from cms.base.checks import check_no_demo_accounts, refuse_unsafe_start

GOOD_KEY = "k" * 20 + "-production-secret-" + "x" * 30


def _import_production(monkeypatch: pytest.MonkeyPatch, **env: str) -> object:
    for key in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    sys.modules.pop("cms.settings.production", None)
    try:
        return importlib.import_module("cms.settings.production")
    finally:
        sys.modules.pop("cms.settings.production", None)


def test_production_refuses_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    """DJANGO_DEBUG=1 in production stops the start with a clear message."""
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        _import_production(monkeypatch, DJANGO_DEBUG="1", DJANGO_SECRET_KEY=GOOD_KEY)


@pytest.mark.parametrize("key", [None, "kort", "django-insecure-" + "a" * 50,
                                 "samenloket-dev-only-insecure-key-do-not-use-in-"
                                 "production"])
def test_production_refuses_unsafe_secret_key(monkeypatch: pytest.MonkeyPatch,
                                              key: str | None) -> None:
    """A missing, short, Django-default or development key stops the start."""
    env = {} if key is None else {"DJANGO_SECRET_KEY": key}
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        _import_production(monkeypatch, **env)


def test_production_starts_with_safe_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long random key and no DEBUG: settings load, demo accounts are refused."""
    module = _import_production(monkeypatch, DJANGO_SECRET_KEY=GOOD_KEY)
    assert module.DEBUG is False
    assert module.SAMENLOKET_REFUSE_DEMO_ACCOUNTS is True


@pytest.mark.django_db
def test_demo_accounts_fail_the_system_check(users: dict) -> None:
    """With production's flag, demo accounts make `check` fail and block startup."""
    with override_settings(SAMENLOKET_REFUSE_DEMO_ACCOUNTS=True):
        errors = check_no_demo_accounts()
        assert [e.id for e in errors] == ["samenloket.E003"]
        assert "lezer" in errors[0].msg
        with pytest.raises(SystemCheckError):
            call_command("check")
        with pytest.raises(ImproperlyConfigured, match="demo"):
            refuse_unsafe_start()
        with pytest.raises(CommandError):
            call_command("demo_setup")


@pytest.mark.django_db
def test_without_demo_accounts_production_check_passes(users: dict) -> None:
    """Once the demo accounts are gone, the check is clean."""
    for name in ("landelijk", "moderator", "utrecht", "zwolle", "schiermonnikoog",
                 "lezer"):
        users[name].delete()
    with override_settings(SAMENLOKET_REFUSE_DEMO_ACCOUNTS=True):
        assert check_no_demo_accounts() == []
        refuse_unsafe_start()


@pytest.mark.django_db
def test_demo_accounts_are_fine_outside_production(users: dict) -> None:
    """Development and tests keep their demo accounts without complaint."""
    assert check_no_demo_accounts() == []
