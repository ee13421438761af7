"""Production: every secret and address from the environment; nothing has a default."""

import os

from permanence.journey.pseudonym import key_weaknesses
from permanence.web.settings.base import *  # noqa: F403


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"set {name} in the environment before starting permanence")
    return value


DEBUG = False
# No quiet fallback to a file on the web server: say which database, PostgreSQL in
# production (``sqlite:///path`` is accepted, for a benchmark or a single-machine trial).
DATABASES = {"default": database_from_url(_required("PERMANENCE_DATABASE_URL"))}  # noqa: F405
SECRET_KEY = _required("PERMANENCE_SECRET_KEY")
PSEUDONYM_KEY = _required("PERMANENCE_PSEUDONYM_KEY")
if _weaknesses := key_weaknesses(PSEUDONYM_KEY):
    # References are short digit strings: with a weak key, pseudonyms can be worked back.
    raise RuntimeError(
        "PERMANENCE_PSEUDONYM_KEY is weak: "
        + "; ".join(_weaknesses)
        + '; make one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
    )
ALLOWED_HOSTS = _required("PERMANENCE_ALLOWED_HOSTS").split(",")
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]

# Static files are collected once per release (``permanence manage collectstatic``) into
# STATIC_ROOT and served, compressed, by WhiteNoise in the app itself.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Administrators and data leads sign in with a second factor (docs/security.md); the list
# may be widened (or, for a trial, emptied) with PERMANENCE_SECOND_FACTOR_ROLES.
PERMANENCE_SECOND_FACTOR_ROLES = tuple(
    role
    for role in os.environ.get("PERMANENCE_SECOND_FACTOR_ROLES", "administrator,data_lead").split(
        ","
    )
    if role
)

SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sign-in throttling counts the address the proxy in front says the request came from:
# the right-most ``PERMANENCE_PROXY_COUNT`` addresses of X-Forwarded-For are our proxies.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PERMANENCE_PROXY_COUNT", "1"))
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

EMAIL_HOST = os.environ.get("PERMANENCE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PERMANENCE_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PERMANENCE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PERMANENCE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("PERMANENCE_EMAIL_TLS", "true").lower() == "true"
