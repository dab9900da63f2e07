"""Tests: fast password hashing, no DEBUG; PostgreSQL when DATABASE_URL is set."""

from .base import *  # noqa: F403
from .base import DATABASES, DEV_SECRET_KEY

DEBUG = False
SECRET_KEY = DEV_SECRET_KEY
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Keep connections short-lived: pytest-django drops the test database at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # An in-memory test database; never touches cms/db.sqlite3.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
