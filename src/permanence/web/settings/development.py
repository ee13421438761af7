"""The demo and local development: embedded database, emails printed.

Debugging is off, as in production: a debug page lists every address of the app and
the settings, and the demo is what people try first. Static files are served by
WhiteNoise from the source folders (no ``collectstatic`` step for a demo).
"""

from permanence.web.settings.base import *  # noqa: F403
from permanence.web.settings.base import PSEUDONYM_KEY as _PSEUDONYM_KEY

DEBUG = False
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing is collected for the demo
SECRET_KEY = "development-only-not-secret"  # noqa: S105 - never used outside the demo
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
PSEUDONYM_KEY = _PSEUDONYM_KEY or "development-pseudonym-key"
