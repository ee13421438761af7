"""The demo and local development: embedded database, debug pages, emails printed."""

from permanence.web.settings.base import *  # noqa: F403
from permanence.web.settings.base import PSEUDONYM_KEY as _PSEUDONYM_KEY

DEBUG = True
SECRET_KEY = "development-only-not-secret"  # noqa: S105 - never used outside the demo
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
PSEUDONYM_KEY = _PSEUDONYM_KEY or "development-pseudonym-key"
