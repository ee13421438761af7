"""The test suite: SQLite in memory unless PERMANENCE_DATABASE_URL names PostgreSQL."""

from permanence.web.settings.base import *  # noqa: F403

DEBUG = False
# Static files from the source folders, as in the demo.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PSEUDONYM_KEY = "test-pseudonym-key"
# Fast hashing keeps tests quick; production keeps Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client's ``login`` shortcut gives the throttle no request to count; the
# throttling tests switch it on (tests/web/test_sign_in_throttling.py).
AXES_ENABLED = False
# Tasks run at once, in the test's own process, unless a test starts a worker of its own
# (the concurrency tests) or chooses the database queue itself.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PERMANENCE_TASK_RETRY_SECONDS = (0,)

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A test database need not survive a power cut: commits stop waiting for the disk,
    # which is most of a transactional test's time on PostgreSQL. Production keeps the
    # server's own setting.
    DATABASES["default"]["OPTIONS"] = {"options": "-c synchronous_commit=off"}  # noqa: F405
