"""Work that fails is tried again after a growing wait, and work that keeps failing is
shown in words where it was started and to administrators: the report pack as well as a
load. Through the real database queue, run in the test's process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records import tasks as load_tasks
from permanence.web.records.models import ImportBatch
from permanence.web.reports import tasks as pack_tasks
from permanence.web.tasks import jobs
from permanence.web.tasks.models import Job

from .conftest import signed_in


def only_job(authority: LocalAuthority, kind: Job.Kind) -> Job:
    with scoped_to(Scope.authority(authority.pk)):
        [job] = Job.objects.filter(kind=kind)
    return job


def always_fails(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("the charts could not be drawn")


def test_a_report_pack_that_keeps_failing_is_shown_where_it_was_asked_for_and_to_administrators(
    queue: None,
    drain: Callable[[], None],
    committed: Callable[[], Any],
    client: Client,
    authority_a: LocalAuthority,
    users_a: dict[Role, User],
    users_b: dict[Role, User],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(pack_tasks, "pack_content", always_fails)
    viewer = signed_in(client, users_a[Role.VIEWER])
    with committed():
        asked = viewer.post("/reports/", {"since": ""})
    assert asked.status_code == 302
    drain()
    job = only_job(authority_a, Job.Kind.REPORT_PACK)
    assert (job.state, job.attempts) == (Job.State.FAILED, job.max_attempts)
    assert asked["Location"] == f"/reports/making/{job.pk}/"
    # Where the person was sent when they asked: what went wrong, in words.
    making = viewer.get(asked["Location"]).content.decode()
    assert "The report pack could not be made" in making
    assert "the charts could not be drawn" in making and "tried 4 times" in making
    # The pack page, for someone who left and came back.
    pack_page = viewer.get("/reports/").content.decode()
    assert "Packs being made, or that failed" in pack_page
    assert "the charts could not be drawn" in pack_page
    # The administrators' status page; not another authority's.
    admin = signed_in(Client(), users_a[Role.ADMINISTRATOR])
    status = admin.get("/work/").content.decode()
    assert "Making the report pack" in status and "the charts could not be drawn" in status
    other = signed_in(Client(), users_b[Role.ADMINISTRATOR])
    assert "the charts could not be drawn" not in other.get("/work/").content.decode()


def next_try(job: Job) -> DBTaskResult:
    """The queue's waiting try of the job."""
    return DBTaskResult.objects.get(id=job.task_id)


def test_a_failed_try_is_tried_again_after_a_growing_wait(
    queue: None,
    drain: Callable[[], None],
    committed: Callable[[], Any],
    lead: Client,
    previewed: ImportBatch,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    settings.PERMANENCE_TASK_RETRY_SECONDS = (15, 60, 300)
    monkeypatch.setattr(load_tasks, "confirm_upload", always_fails)
    with committed():
        lead.post(f"/imports/{previewed.pk}/load/")
    waits: list[float] = []
    for attempt in (1, 2, 3):
        drain()
        job = only_job(previewed.authority, Job.Kind.LOAD)
        assert (job.state, job.attempts) == (Job.State.RETRYING, attempt)
        assert job.retry_at is not None
        waiting = next_try(job)
        # The queue holds the next try until then (the two are worked out a moment apart).
        assert abs((waiting.run_after - job.retry_at).total_seconds()) < 1
        # Put off from the moment the try failed (when the job was last written).
        waits.append(round((job.retry_at - job.updated_at).total_seconds()))
        drain()  # too early: nothing runs
        job.refresh_from_db()
        assert job.attempts == attempt
        # The page says it failed and when it is tried again.
        page = lead.get(f"/imports/{previewed.pk}/").content.decode()
        assert f"Try {attempt} of 4 failed; it will be tried again at" in page
        DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())  # time passes
    assert waits == [15, 60, 300]  # 15 seconds, then 1 minute, then 5 minutes
    drain()
    job = only_job(previewed.authority, Job.Kind.LOAD)
    assert (job.state, job.attempts) == (Job.State.FAILED, 4)


def test_the_waits_between_tries(settings: Any) -> None:
    settings.PERMANENCE_TASK_RETRY_SECONDS = (15, 60, 300)
    assert [jobs.retry_delay(attempts) for attempts in (1, 2, 3, 4, 9)] == [15, 60, 300, 300, 300]


def test_work_no_worker_has_started_for_ten_minutes_is_pointed_out(
    queue: None,
    committed: Callable[[], Any],
    lead: Client,
    previewed: ImportBatch,
    users_a: dict[Role, User],
) -> None:
    with committed():
        lead.post(f"/imports/{previewed.pk}/load/")  # and no worker runs
    job = only_job(previewed.authority, Job.Kind.LOAD)
    admin = signed_in(Client(), users_a[Role.ADMINISTRATOR])
    page = lead.get(f"/imports/{previewed.pk}/").content.decode()
    assert "Waiting for the worker to start it." in page
    assert "Work is waiting for a worker" not in admin.get("/work/").content.decode()

    with scoped_to(Scope.everything()):  # as if queued eleven minutes ago
        Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    page = lead.get(f"/imports/{previewed.pk}/").content.decode()
    assert "waited more than 10 minutes for the worker to start it" in page
    status = admin.get("/work/").content.decode()
    assert "Work is waiting for a worker" in status
    assert "1 piece of work has waited more than 10 minutes to start" in status
