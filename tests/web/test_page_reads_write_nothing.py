"""A page that only shows information writes nothing, so on the embedded database it keeps
working while a load holds the one write lock; the few writes around pages (the session's
idle clock, the audit log of a view) never fail a page because a load is writing."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.db.utils import ConnectionHandler
from django.test import Client
from django.test.utils import CaptureQueriesContext

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.audit import log
from permanence.web.audit.models import RecordView
from permanence.web.kernel import sessions
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import Child
from permanence.web.settings.base import EMBEDDED_BUSY_TIMEOUT_SECONDS, embedded_database

from .conftest import PASSWORD

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# The one write a reading page must make: the log of who was shown which child.
AUDIT_ROW = 'INSERT INTO "audit_recordview"'


def writes(queries: CaptureQueriesContext) -> list[str]:
    """Every write but the audit log's rows (tested below: they never fail a page)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(WRITES) and not q["sql"].startswith(AUDIT_ROW)
    ]


@pytest.fixture
def lead(client: Client, users_a: dict[Role, User], two_authorities: Any) -> Client:
    assert client.login(username=users_a[Role.DATA_LEAD].username, password=PASSWORD)
    return client


@pytest.mark.parametrize("path", ["/", "/aims/aim_2/", "/children/", "/imports/", "/reports/"])
def test_reading_a_page_writes_nothing(lead: Client, path: str) -> None:
    assert lead.get(path).status_code == 200  # the first view may fill the caches
    with CaptureQueriesContext(connection) as queries:
        assert lead.get(path).status_code == 200
    assert writes(queries) == []


def test_the_idle_clock_is_renewed_every_few_minutes_not_on_every_page(
    lead: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead.get("/")
    clock = [time.time() + 3600.0]  # an hour after signing in
    monkeypatch.setattr(sessions.time, "time", lambda: clock[0])
    with CaptureQueriesContext(connection) as queries:
        lead.get("/")  # renewed: the sign-in stamped the clock an hour ago
    assert any("django_session" in sql for sql in writes(queries))
    clock[0] += settings.SESSION_RENEW_AFTER_SECONDS - 1
    with CaptureQueriesContext(connection) as queries:
        lead.get("/")
    assert writes(queries) == []
    clock[0] += 2
    with CaptureQueriesContext(connection) as queries:
        lead.get("/")
    assert any("django_session" in sql for sql in writes(queries))


def test_a_busy_database_leaves_the_idle_clock_for_later_and_the_page_answers(
    lead: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(self: object, *args: object, **kwargs: object) -> None:
        raise OperationalError("database is locked")

    later = time.time() + 7200.0
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    # The session store turns the locked write into its UpdateError, as a real one does.
    monkeypatch.setattr("django.contrib.sessions.models.Session.save", busy)
    assert lead.get("/").status_code == 200


def _child(authority: LocalAuthority) -> Child:
    with scoped_to(Scope.authority(authority.pk)):
        return Child.objects.get()


def test_a_view_while_a_load_holds_the_database_is_kept_and_logged_afterwards(
    lead: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.DATA_DIR = tmp_path
    authority = two_authorities[0]
    child = _child(authority)
    real_write = log._write

    def locked(entry: dict[str, Any], **kwargs: Any) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(log, "_write", locked)
    assert lead.get(f"/children/{child.pk}/").status_code == 200
    with scoped_to(Scope.authority(authority.pk)):
        assert not RecordView.objects.exists()
    assert len(list(log.spool_folder().glob("*.json"))) == 1

    monkeypatch.setattr(log, "_write", real_write)
    assert log.flush_spooled_views() == 1
    with scoped_to(Scope.authority(authority.pk)):
        view = RecordView.objects.get()
    assert (view.child_id, view.child_ref) == (child.pk, child.child_ref)
    assert view.path == f"/children/{child.pk}/"
    assert list(log.spool_folder().glob("*.json")) == []


def test_a_change_refused_while_a_load_writes_is_a_page_in_words(
    lead: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*args: object, **kwargs: object) -> None:
        raise OperationalError("database is locked")

    # Marking notices read is an UPDATE: as if a load held the write lock throughout.
    monkeypatch.setattr("django.db.models.query.QuerySet.update", locked)
    response = lead.post("/planning/notifications/read/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Your change could not be saved yet" in body
    assert "database is locked" not in body


def test_the_embedded_database_reads_beside_a_writer_and_waits_for_its_lock(
    tmp_path: Any, django_db_blocker: Any
) -> None:
    """WAL, so pages read while a load writes; a busy timeout and transactions that take
    the write lock when they begin, so a write waits its turn instead of failing."""
    handler = ConnectionHandler({"default": embedded_database(tmp_path / "trial.sqlite3")})
    trial = handler["default"]
    with django_db_blocker.unblock():  # a database file of this test's own
        try:
            with trial.cursor() as cursor:
                assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                busy_ms = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
        finally:
            trial.close()
    assert busy_ms == EMBEDDED_BUSY_TIMEOUT_SECONDS * 1000 >= 10_000
    assert trial.transaction_mode == "IMMEDIATE"
