"""WSGI entry point; production by default, and it refuses unsafe starts.

WSGI servers do not run Django's system checks, so they run here: any check of
level Error (for example a demo account in the database) stops the start.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

application = get_wsgi_application()

from cms.base.checks import refuse_unsafe_start  # noqa: E402

refuse_unsafe_start()
