"""A job is tried again when it fails, shown where it was started when it keeps failing,
waits its turn behind another load of its authority, and is picked up again when the
worker running it stops. Through the real database queue, run in the test's process."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client

from permanence.cli.main import main
from permanence.synth import generate
from permanence.synth.writers import write_csv
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning.models import PlannedMeeting
from permanence.web.records import tasks as load_tasks
from permanence.web.records.models import Child, ImportBatch
from permanence.web.tasks import jobs
from permanence.web.tasks.locks import authority_load_lock
from permanence.web.tasks.models import Job

from .conftest import EXTRACT_DATE, signed_in


def load_jobs(authority: LocalAuthority) -> list[Job]:
    with scoped_to(Scope.authority(authority.pk)):
        return list(Job.objects.filter(kind=Job.Kind.LOAD).order_by("pk"))


def children(authority: LocalAuthority) -> int:
    with scoped_to(Scope.authority(authority.pk)):
        return Child.objects.count()


def fail(times: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make the load fail ``times`` times (-1: always), then work; returns the tries."""
    tries: list[int] = []
    real = load_tasks.confirm_upload

    def flaky(*args: Any, **kwargs: Any) -> Any:
        tries.append(1)
        if times < 0 or len(tries) <= times:
            raise RuntimeError("the disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(load_tasks, "confirm_upload", flaky)
    return tries


def test_a_load_that_fails_once_is_tried_again_and_loads(
    queue: None,
    drain: Callable[[], None],
    committed: Callable[[], Any],
    lead: Client,
    previewed: ImportBatch,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tries = fail(1, monkeypatch)
    with committed():
        assert lead.post(f"/imports/{previewed.pk}/load/").status_code == 302
    assert children(previewed.authority) == 0  # queued, not run in the request
    drain()
    [job] = load_jobs(previewed.authority)
    assert (job.state, job.attempts, len(tries)) == (Job.State.DONE, 2, 2)
    previewed.refresh_from_db()
    assert previewed.status == ImportBatch.Status.LOADED
    assert children(previewed.authority) == 12
    page = lead.get(f"/imports/{previewed.pk}/").content.decode()
    assert "What the load changed" in page


def test_a_load_that_always_fails_is_shown_to_the_data_lead_and_the_administrators(
    queue: None,
    drain: Callable[[], None],
    committed: Callable[[], Any],
    client: Client,
    users_a: dict[Role, User],
    users_b: dict[Role, User],
    previewed: ImportBatch,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tries = fail(-1, monkeypatch)
    lead = signed_in(client, users_a[Role.DATA_LEAD])
    with committed():
        lead.post(f"/imports/{previewed.pk}/load/")
    drain()
    [job] = load_jobs(previewed.authority)
    assert (job.state, job.attempts, len(tries)) == (Job.State.FAILED, 4, 4)
    # The data lead sees it on the page where they started it, in words.
    page = lead.get(f"/imports/{previewed.pk}/").content.decode()
    assert "The load failed" in page
    assert "the disk is full" in page and "tried 4 times" in page
    assert "Load the extract" in page  # nothing was loaded: it can be tried again
    progress = json.loads(lead.get(f"/work/{job.pk}/progress.json").content)
    assert progress["state"] == "failed" and progress["finished"] is True
    # Administrators see it on the status page; the data lead may not open that page.
    assert lead.get("/work/").status_code == 403
    admin = signed_in(Client(), users_a[Role.ADMINISTRATOR])
    status = admin.get("/work/").content.decode()
    assert "Loading an extract" in status and "the disk is full" in status
    # Another authority's administrator sees neither the job nor its progress.
    other = signed_in(Client(), users_b[Role.ADMINISTRATOR])
    assert "the disk is full" not in other.get("/work/").content.decode()
    assert other.get(f"/work/{job.pk}/progress.json").status_code == 404


def test_a_second_click_is_told_the_extract_is_already_loading(
    queue: None, committed: Callable[[], Any], lead: Client, previewed: ImportBatch
) -> None:
    with committed():
        lead.post(f"/imports/{previewed.pk}/load/")
    with committed():
        second = lead.post(f"/imports/{previewed.pk}/load/", follow=True)
    assert "already loading" in second.content.decode()
    assert len(load_jobs(previewed.authority)) == 1
    page = second.content.decode()
    assert 'role="status"' in page and "<progress" in page  # its progress, not a button


@contextmanager
def held_elsewhere(authority: LocalAuthority) -> Iterator[None]:
    """The authority's load lock held by another connection (a thread), as another load
    holds it, until the block ends."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with authority_load_lock(authority, wait=False):
                taken.set()
                release.wait(60)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(30)
    try:
        yield
    finally:
        release.set()
        holder.join()


@pytest.mark.django_db(transaction=True)
def test_a_load_waits_its_turn_while_another_load_of_the_authority_runs(
    queue: None,
    drain: Callable[[], None],
    committed: Callable[[], Any],
    lead: Client,
    previewed: ImportBatch,
    settings: Any,
) -> None:
    with committed():
        lead.post(f"/imports/{previewed.pk}/load/")
    with held_elsewhere(previewed.authority):
        drain()
        [job] = load_jobs(previewed.authority)
        assert job.state == Job.State.QUEUED and job.attempts == 0  # waiting is no try
        assert "Waiting for another extract" in job.stage
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    jobs.run_job.call(job.pk)  # its turn, as the queue's next try would
    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.DONE, 1)


def test_a_job_whose_worker_stopped_is_tried_again(
    queue: None, drain: Callable[[], None], previewed: ImportBatch
) -> None:
    job = jobs.start_job(Job.Kind.LOAD, previewed.authority, arguments={"batch": previewed.pk})
    with scoped_to(Scope.everything()):
        # As a worker killed mid-load leaves it: running, claimed by a process now gone.
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.RUNNING, attempts=1, worker=f"{jobs.socket.gethostname()}:999999999"
        )
    assert jobs.recover() == [job.pk]
    drain()
    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.DONE, 2)
    assert children(previewed.authority) == 12


@pytest.mark.django_db(transaction=True)
def test_the_import_command_plans_the_reviews_its_load_queued_before_it_exits(
    queue: None, authority_a: LocalAuthority, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csv(generate(12, 4, end=EXTRACT_DATE), tmp_path)
    arguments = ["import", str(tmp_path), "--authority", "ALPHA", "--extract-date", "2025-03-31"]
    assert main(arguments) in (0, 1)
    out = capsys.readouterr().out
    assert "Planning reviews after a change to the records: Reviews planned for" in out
    with scoped_to(Scope.authority(authority_a.pk)):
        [replan] = Job.objects.filter(kind=Job.Kind.REPLAN)
        assert (replan.state, replan.attempts) == (Job.State.DONE, 1)
        assert PlannedMeeting.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_load_asked_for_while_another_holds_the_embedded_database_waits_its_turn(
    queue: None,
    drain: Callable[[], None],
    lead: Client,
    previewed: ImportBatch,
    users_a: dict[Role, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def locked(*args: Any, **kwargs: Any) -> Job:
        raise OperationalError("database is locked")  # another load is writing

    with monkeypatch.context() as busy:
        busy.setattr(Job.objects, "create", locked)
        clicked = lead.post(f"/imports/{previewed.pk}/load/", follow=True)
    assert clicked.status_code == 200  # not "Your change could not be saved yet"
    page = clicked.content.decode()
    assert "will be loaded as soon as it has finished" in page
    assert "Waiting for another extract of the authority to finish loading." in page
    assert "Load the extract</button>" not in page
    assert load_jobs(previewed.authority) == []
    again = lead.post(f"/imports/{previewed.pk}/load/", follow=True).content.decode()
    assert "already loading" in again
    assert (
        "cannot be discarded now"
        in lead.get(f"/imports/{previewed.pk}/discard/", follow=True).content.decode()
    )

    # The load that held the database ends (a job of the worker's): the worker queues
    # the kept load next, and runs it.
    jobs.start_job(Job.Kind.REPLAN, previewed.authority, arguments={"care_period_ids": []})
    drain()
    [job] = load_jobs(previewed.authority)
    assert (job.state, job.attempts) == (Job.State.DONE, 1)
    assert job.started_by == users_a[Role.DATA_LEAD]
    assert children(previewed.authority) == 12
    assert jobs.kept_request(f"load-batch:{previewed.pk}") is None
    assert jobs.start_kept_jobs() == []  # kept once, loaded once
