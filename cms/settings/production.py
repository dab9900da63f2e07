"""Production: refuses to start when it is not safe to.

Startup fails (ImproperlyConfigured) with DEBUG on or a missing, short, or known
development secret key. Demo accounts in the database are caught by the system
check `samenloket.E003` (run by migrate/runserver/check and by cms/wsgi.py before
serving the first request).
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY

_TRUE = {"1", "true", "yes", "on", "ja"}

if os.environ.get("DJANGO_DEBUG", "").strip().lower() in _TRUE:
    raise ImproperlyConfigured(
        "DEBUG staat aan in productie. Verwijder DJANGO_DEBUG uit de omgeving. "
        "/ DEBUG is on in production: unset DJANGO_DEBUG."
    )
DEBUG = False

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if (
    not SECRET_KEY
    or SECRET_KEY == DEV_SECRET_KEY
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 50
):
    raise ImproperlyConfigured(
        "Geen veilige geheime sleutel: zet DJANGO_SECRET_KEY op een willekeurige "
        "waarde van minstens 50 tekens (niet de ontwikkelsleutel). / No safe secret "
        "key: set DJANGO_SECRET_KEY to a random value of 50+ characters, not the "
        "development key. Example: python -c 'import secrets; "
        "print(secrets.token_urlsafe(64))'"
    )

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"

SAMENLOKET_REFUSE_DEMO_ACCOUNTS = True
