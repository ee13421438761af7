"""Jobs run through the real database queue, in the test's own process.

``queue`` switches the tasks backend to the database queue (as production has it) for
one test, and ``drain`` runs django-tasks' own database worker in the test's thread until
nothing is left that is ready to run (tries put off until later stay queued).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, TestCase

from permanence.synth import generate
from permanence.synth.writers import write_csv
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.records.importing import preview_upload
from permanence.web.records.models import ImportBatch

from ..conftest import PASSWORD

EXTRACT_DATE = date(2025, 3, 31)
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queue(settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE


@pytest.fixture
def drain(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    from django_tasks_db.management.commands import db_worker

    # The worker drops connections that are in a transaction, as between requests; the
    # test's own transaction (which it runs inside) must stay open.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def _drain() -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()

    return _drain


@pytest.fixture
def committed() -> Callable[[], Any]:
    """``with committed():`` runs what waits for the commit (queueing a job) at its end."""
    return lambda: TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def previewed(
    authority_a: LocalAuthority, users_a: dict[Role, User], tmp_path: Path, settings: Any
) -> ImportBatch:
    """A small synthetic extract uploaded by A's data lead and previewed, not loaded."""
    settings.DATA_DIR = tmp_path / "data"
    upload = tmp_path / "data" / "uploads" / "ALPHA" / "one"
    upload.mkdir(parents=True)
    write_csv(generate(12, 4, end=EXTRACT_DATE), upload)
    return preview_upload(
        upload,
        authority=authority_a,
        profile="canonical",
        extract_date=EXTRACT_DATE,
        user=users_a[Role.DATA_LEAD],
    )


def signed_in(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def lead(client: Client, users_a: dict[Role, User]) -> Client:
    return signed_in(client, users_a[Role.DATA_LEAD])
