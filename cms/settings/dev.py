"""Local development: DEBUG on, the known dev secret key, console e-mail."""

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY

DEBUG = True
SECRET_KEY = DEV_SECRET_KEY
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
