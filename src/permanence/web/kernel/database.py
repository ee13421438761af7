"""Working beside a long load on the embedded database (SQLite).

SQLite has one write lock for the whole database. A load holds it for as long as it
writes (all or nothing, so in one transaction: minutes, for the largest extracts), and
meanwhile every other write waits. Page reads never wait (WAL, see ``settings.base``);
the few writes around them are handled here:

- ``brief_wait``: a write a page makes for its own sake (renewing a session's idle clock)
  waits only a moment, so the page is never held up by a load; the caller decides what
  to do if the lock did not come (skip it, or keep the write for later).
- ``while_busy``: background work (the worker's own bookkeeping) waits a load out, for as
  long as it takes, rather than failing.
- ``DatabaseBusyMiddleware``: a change a person asked for that still could not be
  written in the busy timeout is answered with a page that says so in words (503, try
  again shortly), never the raw "database is locked".

PostgreSQL locks rows, not the database: there these only pass through.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.db import OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Retry-After for a change refused while a load holds the embedded database.
RETRY_AFTER_SECONDS = 30


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` is SQLite saying another connection holds the write lock."""
    return isinstance(error, OperationalError) and "is locked" in str(error).lower()


@contextmanager
def brief_wait(seconds: float, using: str = "default") -> Iterator[None]:
    """Inside the block, a write on the embedded database waits at most ``seconds`` for
    the write lock (the connection's busy timeout, put back afterwards)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    previous = int(raw.execute("PRAGMA busy_timeout").fetchone()[0])
    raw.execute(f"PRAGMA busy_timeout = {max(int(seconds * 1000), 0)}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA busy_timeout = {previous}")


def while_busy(work: Callable[[], T], *, patience: float = 3600.0, pause: float = 1.0) -> T:
    """``work()``, tried again while the embedded database is busy, for up to ``patience``
    seconds: for background work, which can wait a load out."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return work()
        except OperationalError as error:
            if not is_busy(error) or time.monotonic() > deadline:
                raise
            logger.info("the database is busy (a load is writing); trying again shortly")
            time.sleep(pause)


class DatabaseBusyMiddleware:
    """A change refused because a load holds the embedded database: a page in words."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        logger.warning("a request found the database busy: %s %s", request.method, request.path)
        response = render(
            request,
            "busy.html",
            {"retry_after": RETRY_AFTER_SECONDS},
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
