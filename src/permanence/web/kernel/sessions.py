"""A session's idle clock, renewed without a write on every page read.

Sessions end after ``SESSION_COOKIE_AGE`` idle. Saving the session on every request
(Django's ``SESSION_SAVE_EVERY_REQUEST``) would make every page view a write: on the
embedded database a write waits for a load to finish, so pages failed during loads.
Instead the clock is renewed at most every ``SESSION_RENEW_AFTER_SECONDS``, with only a
moment's wait for the database: while a load holds it, the renewal is simply left for a
later request. A session is therefore ended between ``SESSION_COOKIE_AGE`` minus the
renewal interval and ``SESSION_COOKIE_AGE`` after the person's last request.

An authority may set its own idle period (``signin.SignInPolicy``): it is kept in the
session itself (``IDLE_SECONDS``) when the person signs in, and this module's
``SessionStore`` (the ``SESSION_ENGINE``) dates the session's end from it. The renewal
interval is then at most a quarter of that period.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse

from permanence.web.kernel.database import brief_wait, is_busy

logger = logging.getLogger(__name__)

RENEWED = "_idle_clock_renewed"
#: The session's own idle period in seconds, when its authority sets one.
IDLE_SECONDS = "_idle_seconds"
#: How long a renewal waits for the embedded database before leaving it for later.
RENEWAL_WAIT_SECONDS = 0.2


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, ended after the session's own idle period."""

    def get_session_cookie_age(self) -> int:
        return int(self.get(IDLE_SECONDS) or settings.SESSION_COOKIE_AGE)


def renew_after(session: object) -> int:
    """Seconds between renewals of the idle clock: a quarter of a short idle period."""
    age = int(session.get(IDLE_SECONDS) or settings.SESSION_COOKIE_AGE)  # type: ignore[attr-defined]
    return min(settings.SESSION_RENEW_AFTER_SECONDS, max(age // 4, 1))


class RenewIdleSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = int(time.time())
        if session.modified:
            # The session is being saved anyway (a sign-in, a message): stamp it for free.
            session[RENEWED] = now
        elif now - int(session.get(RENEWED, 0)) >= renew_after(session):
            self._renew(session, now)
        return response

    @staticmethod
    def _renew(session: object, now: int) -> None:
        session[RENEWED] = now  # type: ignore[index]
        try:
            with brief_wait(RENEWAL_WAIT_SECONDS):
                session.save()  # type: ignore[attr-defined]
        except UpdateError as error:
            # The database session store reports any failed write as UpdateError: a busy
            # database (a load writing) or a session ended meanwhile. Either way, not now.
            if not is_busy(error.__context__ or error):
                logger.info("the session's idle clock was not renewed: it has ended")
        except OperationalError as error:
            if not is_busy(error):
                raise
            logger.info("the session's idle clock was not renewed: the database is busy")
        # Saved here, or left for a later request: either way not saved again on the way out.
        session.modified = False  # type: ignore[attr-defined]
