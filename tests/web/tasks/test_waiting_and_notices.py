"""A report pack asked for while a load holds the embedded database waits its turn (as a
load does), a double click makes one pack, and the person who started a load or a pack is
told how it ended in their notifications, even if they left its page. Through the real
database queue, run in the test's process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning.models import NoticeState, Notification
from permanence.web.records.models import ImportBatch
from permanence.web.reports import tasks as pack_tasks
from permanence.web.tasks import jobs
from permanence.web.tasks.models import Job
from permanence.web.tasks.progress import Progress

from .conftest import signed_in
from .test_failures import always_fails
from .test_jobs import fail


def packs(authority: LocalAuthority) -> list[Job]:
    with scoped_to(Scope.authority(authority.pk)):
        return list(Job.objects.filter(kind=Job.Kind.REPORT_PACK).order_by("pk"))


def notices_of(user: User) -> list[Notification]:
    with scoped_to(Scope.everything()):
        return list(Notification.objects.filter(recipient=user).order_by("pk"))


def quick_pack(job: Job, progress: Progress) -> dict[str, Any]:
    return {"token": "made-in-the-test", "words": "The report pack is ready: the test's pack."}


@pytest.mark.django_db(transaction=True)
def test_a_pack_asked_for_while_a_load_holds_the_embedded_database_waits_for_it(
    queue: None,
    drain: Callable[[], None],
    client: Client,
    authority_a: LocalAuthority,
    users_a: dict[Role, User],
    users_b: dict[Role, User],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.DATA_DIR = tmp_path
    monkeypatch.setitem(jobs._RUNNERS, Job.Kind.REPORT_PACK.value, quick_pack)
    viewer = signed_in(client, users_a[Role.VIEWER])

    def locked(*args: Any, **kwargs: Any) -> Job:
        raise OperationalError("database is locked")  # a load is writing

    with monkeypatch.context() as busy:
        busy.setattr(Job.objects, "create", locked)
        asked = viewer.post("/reports/", {"since": ""})
        again = viewer.post("/reports/", {"since": ""})  # the double click
    assert asked.status_code == 302  # not "Your change could not be saved yet"
    waiting_url = asked["Location"]
    assert waiting_url.startswith("/reports/waiting/")
    assert again["Location"] == waiting_url
    page = viewer.get(waiting_url).content.decode()
    assert "the report pack will be made as soon as it has finished" in page
    assert "Waiting for the extract being loaded to finish loading" in page
    assert "already being made" in page  # what the second click was told
    waiting = viewer.get(waiting_url, headers={"Accept": "application/json"}).json()
    assert (waiting["finished"], waiting["follow_url"]) == (False, "")
    assert packs(authority_a) == []
    # The pack page lists it as waiting, with a link to follow it; another authority's
    # pack page does not.
    listed = viewer.get("/reports/").content.decode()
    assert "Packs waiting for a load to finish" in listed
    assert f'href="{waiting_url}"' in listed
    # Another authority's people cannot follow it.
    other = signed_in(Client(), users_b[Role.VIEWER])
    assert other.get(waiting_url).status_code == 404
    assert "Packs waiting for a load to finish" not in other.get("/reports/").content.decode()

    # The load that held the database ends (a job of the worker's): the worker queues the
    # kept pack next, and makes it; the page asked for follows it to the pack's own page.
    jobs.start_job(Job.Kind.REPLAN, authority_a, arguments={"care_period_ids": []})
    drain()
    [made] = packs(authority_a)
    assert (made.state, made.attempts) == (Job.State.DONE, 1)
    assert made.started_by == users_a[Role.VIEWER]
    making = f"/reports/making/{made.pk}/"
    assert viewer.get(waiting_url)["Location"] == making
    followed = viewer.get(waiting_url, headers={"Accept": "application/json"}).json()
    assert followed["follow_url"] == making
    assert "The report pack is made" in viewer.get(making).content.decode()
    assert jobs.start_kept_jobs() == []  # kept once, made once
    assert "Packs waiting for a load to finish" not in viewer.get("/reports/").content.decode()
    assert other.get(waiting_url).status_code == 404


def test_a_double_click_on_the_pack_button_makes_one_pack(
    client: Client,
    authority_a: LocalAuthority,
    users_a: dict[Role, User],
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.DATA_DIR = tmp_path
    viewer = signed_in(client, users_a[Role.VIEWER])
    first = viewer.post("/reports/", {"since": ""})
    second = viewer.post("/reports/", {"since": ""})
    [job] = packs(authority_a)
    assert first["Location"] == second["Location"] == f"/reports/making/{job.pk}/"
    assert "already being made" in viewer.get(second["Location"]).content.decode()
    # Another date of the last meeting is another pack.
    viewer.post("/reports/", {"since": "2025-01-01"})
    assert len(packs(authority_a)) == 2


def test_who_started_a_load_is_told_it_loaded_and_nobody_else(
    queue: None,
    drain: Callable[[], None],
    committed: Callable[[], Any],
    lead: Client,
    previewed: ImportBatch,
    users_a: dict[Role, User],
    users_b: dict[Role, User],
) -> None:
    with committed():
        lead.post(f"/imports/{previewed.pk}/load/")
    drain()
    [notice] = notices_of(users_a[Role.DATA_LEAD])
    assert notice.state == NoticeState.WORK_DONE
    assert notice.link == f"/imports/{previewed.pk}/"
    assert notice.what.startswith("Loading an extract: ")
    page = lead.get("/planning/notifications/").content.decode()
    assert "Work you started that has finished" in page
    assert f'href="/imports/{previewed.pk}/"' in page and "New" in page
    for role in (Role.ADMINISTRATOR, Role.PRACTITIONER, Role.VIEWER):
        assert notices_of(users_a[role]) == []
    for user in users_b.values():
        assert notices_of(user) == []
    # Told once: the end told again (a receiver run twice) makes no second notice.
    with scoped_to(Scope.everything()):
        [job] = Job.objects.filter(kind=Job.Kind.LOAD)
    jobs._tell_ended(job.pk)
    assert len(notices_of(users_a[Role.DATA_LEAD])) == 1
    lead.post("/planning/notifications/read/")
    assert notices_of(users_a[Role.DATA_LEAD])[0].read_at is not None


def test_who_started_a_load_that_keeps_failing_is_told_it_failed(
    queue: None,
    drain: Callable[[], None],
    committed: Callable[[], Any],
    lead: Client,
    previewed: ImportBatch,
    users_a: dict[Role, User],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    settings.PERMANENCE_TASK_RETRY_SECONDS = (0,)
    fail(-1, monkeypatch)
    with committed():
        lead.post(f"/imports/{previewed.pk}/load/")
    drain()
    [notice] = notices_of(users_a[Role.DATA_LEAD])
    assert notice.state == NoticeState.WORK_FAILED
    assert "the disk is full" in notice.what
    assert notice.link == f"/imports/{previewed.pk}/"


def test_a_viewer_is_told_their_pack_failed_and_another_authority_is_not(
    queue: None,
    drain: Callable[[], None],
    committed: Callable[[], Any],
    client: Client,
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
    drain()
    [notice] = notices_of(users_a[Role.VIEWER])
    assert notice.state == NoticeState.WORK_FAILED
    assert notice.link == asked["Location"]
    assert "the charts could not be drawn" in notice.what
    # A viewer sees their notifications (work only: they see no child's record).
    page = viewer.get("/planning/notifications/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Making the report pack: It failed" in text and f'href="{asked["Location"]}"' in text
    assert "about children" not in text
    assert text.count("<h1>") == 1 and text.count("Work you started that has finished") == 1
    # ... and the menu takes them there, saying how many are new.
    assert "Notifications (1 new)" in viewer.get("/").content.decode()
    other = signed_in(Client(), users_b[Role.VIEWER])
    assert (
        "the charts could not be drawn"
        not in other.get("/planning/notifications/").content.decode()
    )
    for user in users_b.values():
        assert notices_of(user) == []
