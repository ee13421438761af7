"""WSGI entry point for production servers (gunicorn permanence.web.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "permanence.web.settings.production")
application = get_wsgi_application()
