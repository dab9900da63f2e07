"""Settings shared by every environment.

SQLite (cms/db.sqlite3) unless DATABASE_URL is set, e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/samenloket.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

CMS_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = CMS_DIR.parent

# Used by dev.py and test.py only; production.py refuses to start with it.
DEV_SECRET_KEY = "samenloket-dev-only-insecure-key-do-not-use-in-production"

DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "cms.base",
    "cms.catalogue",
    "cms.gemeenten",
    "cms.publishing",
    "wagtail_headless_preview",
    "wagtail.api.v2",
    "wagtail.contrib.settings",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.sites",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

# An empty DATABASE_URL counts as unset (SQLite), as in `DATABASE_URL= make test`.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{CMS_DIR / 'db.sqlite3'}",
        conn_max_age=60,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Editors work in Dutch; the catalogue is Dutch-only, so no wagtail i18n.
LANGUAGE_CODE = "nl"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl", "Nederlands")]

STATIC_URL = "/static/"
STATIC_ROOT = CMS_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = CMS_DIR / "media"

WAGTAIL_SITE_NAME = "Samenloket"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt"]

_IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        # Dutch stemming where the database can do it (PostgreSQL full text).
        **({"SEARCH_CONFIG": "dutch"} if _IS_POSTGRES else {}),
    }
}

# Headless preview: drafts are rendered by sitegen's preview server in the
# gemeente's own theme (a later task); the CMS only issues preview tokens.
WAGTAIL_HEADLESS_PREVIEW = {
    "CLIENT_URLS": {
        "default": os.environ.get(
            "SAMENLOKET_PREVIEW_URL", "http://127.0.0.1:8001/preview"
        ),
    },
    "SERVE_BASE_URL": None,
    "REDIRECT_ON_PREVIEW": False,
    "ENFORCE_TRAILING_SLASH": False,
}

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

# Where `load_content` reads and `export_content` writes by default.
SAMENLOKET_CONTENT_DIR = Path(
    os.environ.get("SAMENLOKET_CONTENT", PROJECT_DIR / "content")
)
# Production sets this: any demo account in the database is a startup error.
SAMENLOKET_REFUSE_DEMO_ACCOUNTS = False

# Where publish → rebuild writes the static sites (sitegen's output) and which
# themes it uses; the worker runs `manage.py rebuild_worker`.
SAMENLOKET_OUTPUT_DIR = Path(
    os.environ.get("SAMENLOKET_OUTPUT", PROJECT_DIR / "public"))
SAMENLOKET_THEMES_DIR = Path(
    os.environ.get("SAMENLOKET_THEMES", PROJECT_DIR / "themes"))
# Preview links (headless preview tokens) expire after this many seconds.
SAMENLOKET_PREVIEW_MAX_AGE = int(os.environ.get("SAMENLOKET_PREVIEW_MAX_AGE", 30 * 60))
SAMENLOKET_PREVIEW_DEFAULT_GEMEENTE = "GM0344"
