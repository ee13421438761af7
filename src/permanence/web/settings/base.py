"""Settings every environment shares. Secrets and addresses come from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from csp.constants import NONE, SELF

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Where the embedded database, uploads and the demo live: ./var unless told otherwise.
DATA_DIR = Path(os.environ.get("PERMANENCE_DATA_DIR", Path.cwd() / "var")).resolve()


def database_from_url(url: str) -> dict[str, Any]:
    """A Django DATABASES entry from ``postgres://user:password@host:port/name`` or ``sqlite:///path``."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return embedded_database(Path(unquote(parsed.path)))
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ValueError(
        f"PERMANENCE_DATABASE_URL must be postgres:// or sqlite://, not {parsed.scheme}://"
    )


#: How long a write on the embedded database waits for another to finish before it gives
#: up. A load holds the one write lock for as long as it writes (minutes, for the largest
#: extracts); the worker's own writes wait it out (``web.kernel.database.while_busy``), and the
#: few writes a page makes either wait briefly or are kept for later (the audit log).
EMBEDDED_BUSY_TIMEOUT_SECONDS = 20


def embedded_database(path: Path) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # WAL lets page requests read while a load writes; NORMAL is safe with WAL.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # A transaction takes the write lock when it begins, so it waits its turn
            # (the busy timeout) instead of failing at once when a read turns into a
            # write while another connection writes (SQLite's "database is locked").
            "transaction_mode": "IMMEDIATE",
            "timeout": EMBEDDED_BUSY_TIMEOUT_SECONDS,
        },
    }


_database_url = os.environ.get("PERMANENCE_DATABASE_URL")
DATABASES = {
    "default": database_from_url(_database_url)
    if _database_url
    else embedded_database(DATA_DIR / "permanence.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "permanence.web.security",
    "django_tasks",
    "django_tasks_db",
    "permanence.web.kernel",
    "permanence.web.tasks",
    "permanence.web.accounts",
    "permanence.web.records",
    "permanence.web.audit",
    "permanence.web.dashboards",
    "permanence.web.children",
    "permanence.web.planning",
    "permanence.web.meetings",
    "permanence.web.improvement",
    "permanence.web.national",
    "permanence.web.reports",
    "permanence.web.signin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before sessions or sign-in: they hold no data.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "permanence.web.security.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "permanence.web.kernel.sessions.RenewIdleSessionMiddleware",
    "permanence.web.kernel.database.DatabaseBusyMiddleware",
    "permanence.web.accounts.middleware.AuthorityScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked sign-in into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "permanence.web.urls"
WSGI_APPLICATION = "permanence.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Every form renders through the project's templates, in the Design System's markup
# (``web/kernel/forms.py``).
FORM_RENDERER = "permanence.web.kernel.forms.DesignSystemRenderer"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "permanence.web.accounts.passwords.VarietyValidator"},
]
# Sign-in throttling (web/accounts/throttling.py): django-axes checks the lockout before
# Django checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PERMANENCE_SIGN_IN_ACCOUNT_LIMIT = 5
PERMANENCE_SIGN_IN_ADDRESS_LIMIT = 50
AXES_HANDLER = "permanence.web.accounts.throttling.AccountOrAddressHandler"
AXES_FAILURE_LIMIT = PERMANENCE_SIGN_IN_ACCOUNT_LIMIT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Failures while locked neither count nor extend the lock: the message's time holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "permanence.web.accounts.throttling.locked_out"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The logs name who tried and from where (never the password, which axes always masks).
AXES_SENSITIVE_PARAMETERS: list[str] = []
# The attempts are shown, scoped to the authority's own people, by our admin site.
AXES_ENABLE_ADMIN = False
# The attempts are logged; the library's start-up banner would only clutter every command.
AXES_VERBOSE = False
# Behind the production proxy the address is the one it forwards (see production.py).
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# The second factor (web/accounts/second_factor.py): the roles that must have one. None in
# development and the demo; production names the administrator and the data lead.
PERMANENCE_SECOND_FACTOR_ROLES: tuple[str, ...] = tuple(
    role for role in os.environ.get("PERMANENCE_SECOND_FACTOR_ROLES", "").split(",") if role
)
OTP_TOTP_ISSUER = "permanence"
# Wrong codes are counted by the sign-in throttling (a wrong code is a failed sign-in);
# django-otp's own growing delay per device would only add a second lock with no message.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after two idle hours (long enough for a Champions' Group meeting) and when
# the browser closes. Reading a page writes nothing: the idle clock is renewed at most
# every few minutes, and skipped while the embedded database is busy with a load
# (``web.kernel.sessions``).
SESSION_COOKIE_AGE = 2 * 60 * 60
# An authority may set a shorter (or longer) idle period: ``web.kernel.sessions``.
SESSION_ENGINE = "permanence.web.kernel.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_AFTER_SECONDS = int(os.environ.get("PERMANENCE_SESSION_RENEW_SECONDS", 5 * 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Warnings and errors (a server error's traceback, a refused sign-in, a lockout) go to
# the standard error stream, which the service manager keeps; nothing is mailed.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"axes": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# Content-Security-Policy (django-csp 4): scripts, styles, images and connections from
# the app itself only; no inline script, no eval (the charts' Vega interprets its
# expressions), no plugins, no framing, forms posted only back to the app.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT: Path | None = DATA_DIR / "static"
# Front-end packages are installed from the npm registry at set-up (``npm ci``), never
# copied into the repository; their built files are served as static files from here.
NODE_MODULES = Path(
    os.environ.get("PERMANENCE_NODE_MODULES", PACKAGE_DIR.parents[2] / "node_modules")
)
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/design-system", NODE_MODULES / "@scottish-government" / "design-system" / "dist"),
    ("vendor/vega", NODE_MODULES / "vega" / "build"),
    ("vendor/vega-lite", NODE_MODULES / "vega-lite" / "build"),
    ("vendor/vega-embed", NODE_MODULES / "vega-embed" / "build"),
]

DEFAULT_FROM_EMAIL = os.environ.get("PERMANENCE_FROM_EMAIL", "permanence@localhost")

# The key that turns a child's reference into the pseudonymous reference shown to people
# who do not need to know who the child is. Changing it changes every pseudonym.
PSEUDONYM_KEY = os.environ.get("PERMANENCE_PSEUDONYM_KEY", "")

# Long work runs off the request, in a task queue kept in the database the product already
# has (``django-tasks`` with its database backend): ``permanence worker`` runs it. See
# ``web/tasks`` and docs/deployment.md.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
#: How many times a task is tried before it is shown as failed, and how long to wait
#: before each try again (the last wait repeats).
PERMANENCE_TASK_ATTEMPTS = 4
PERMANENCE_TASK_RETRY_SECONDS: tuple[int, ...] = (15, 60, 300)
#: When the worker sends each authority's daily alert digest (local time, HH:MM).
PERMANENCE_ALERTS_AT = os.environ.get("PERMANENCE_ALERTS_AT", "07:00")
