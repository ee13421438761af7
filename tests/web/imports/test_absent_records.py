"""Records an extract no longer holds: still counted, with a sign, until a data lead decides.

The sign is an ``AbsentRecord`` waiting for a decision, a RECORD001 query on every import
until then (so the import page and the data-quality report list it), and a note on the
child's journey. A data lead keeps a record (the extract missed it) or removes it; an
import that replaces its children's records removes them itself. Each decision is kept
with who, when and why.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.audit.models import RecordView
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.journeys import journeys_frame
from permanence.web.records.models import (
    AbsentRecord,
    CarePeriod,
    Child,
    ImportBatch,
    ImportIssue,
    Milestone,
)

from ..conftest import PASSWORD
from .conftest import Loader
from .one_child import FIRST_EXTRACT, SECOND_EXTRACT, write_extract

THIRD_EXTRACT = date(2024, 12, 31)
WITH_DECISION = (
    ("permanence_recommendation", "2024-01-20", "poa"),
    ("adm_decision", "2024-03-01", "agreed"),
)
WITHOUT_DECISION = WITH_DECISION[:1]


def scope(authority: LocalAuthority) -> scoped_to:
    return scoped_to(Scope.authority(authority.pk))


def agency_decision_dates(authority: LocalAuthority, as_of: date) -> list[date | None]:
    with scope(authority):
        return journeys_frame(as_of).get_column("agency_decision_date").to_list()


@pytest.fixture
def dropped(authority_a: LocalAuthority, tmp_path: Path, load_extract: Loader) -> AbsentRecord:
    """The agency decision is in the first extract and not in the second."""
    load_extract(write_extract(tmp_path / "1", milestones=WITH_DECISION), FIRST_EXTRACT)
    load_extract(write_extract(tmp_path / "2", milestones=WITHOUT_DECISION), SECOND_EXTRACT)
    with scope(authority_a):
        return AbsentRecord.objects.get()


def test_a_record_the_extract_drops_stays_counted_and_is_queried(
    authority_a: LocalAuthority, dropped: AbsentRecord
) -> None:
    assert dropped.status == AbsentRecord.Status.AWAITING
    assert dropped.table == "milestones"
    assert dropped.description == (
        "Child 0311: Agency decision maker decision on 01/03/2024 (Plan agreed), "
        "care period from 05/01/2024"
    )
    # Still counted: a data lead decides, the load does not.
    assert agency_decision_dates(authority_a, SECOND_EXTRACT) == [date(2024, 3, 1)]
    with scope(authority_a):
        query = ImportIssue.objects.get(rule="RECORD001")
        assert query.batch_id == dropped.missing_from_id
        assert query.child_ref == "0311" and query.period_start == date(2024, 1, 5)
        assert query.table == "milestones" and query.severity == "query"
        assert query.value == dropped.description
        assert query.batch.summary["validation"]["queries"] >= 1


def test_it_is_queried_on_every_import_until_decided_and_returns_when_the_extract_does(
    authority_a: LocalAuthority, dropped: AbsentRecord, tmp_path: Path, load_extract: Loader
) -> None:
    load_extract(write_extract(tmp_path / "3", milestones=WITHOUT_DECISION), THIRD_EXTRACT)
    with scope(authority_a):
        assert AbsentRecord.objects.count() == 1  # noted once, queried again
        again = ImportIssue.objects.filter(rule="RECORD001").order_by("batch_id").last()
        assert again is not None and again.batch_id != dropped.missing_from_id
        assert again.value.endswith(f"not in any extract since import {dropped.missing_from_id}")
    load_extract(write_extract(tmp_path / "4", milestones=WITH_DECISION), THIRD_EXTRACT)
    dropped.refresh_from_db()
    assert dropped.status == AbsentRecord.Status.RETURNED
    with scope(authority_a):
        assert Milestone.objects.count() == 2


@pytest.fixture
def data_lead(client: Client, users_a: dict[Role, User]) -> Client:
    client.login(username=users_a[Role.DATA_LEAD].username, password=PASSWORD)
    return client


def test_a_data_lead_keeps_a_record_and_it_is_no_longer_queried(
    authority_a: LocalAuthority,
    dropped: AbsentRecord,
    data_lead: Client,
    users_a: dict[Role, User],
    tmp_path: Path,
    load_extract: Loader,
) -> None:
    listing = data_lead.get("/data-quality/not-in-extract/").content.decode()
    assert "Agency decision maker decision on 01/03/2024" in listing
    response = data_lead.post(
        f"/data-quality/not-in-extract/{dropped.pk}/keep/", {"note": "On the paper file"}
    )
    assert response.status_code == 302
    dropped.refresh_from_db()
    assert dropped.status == AbsentRecord.Status.KEPT
    assert dropped.decided_by == users_a[Role.DATA_LEAD] and dropped.note == "On the paper file"
    with scope(authority_a):
        assert dropped.history.first().history_user == users_a[Role.DATA_LEAD]  # type: ignore[union-attr]
    load_extract(write_extract(tmp_path / "3", milestones=WITHOUT_DECISION), THIRD_EXTRACT)
    with scope(authority_a):
        assert ImportIssue.objects.filter(rule="RECORD001").count() == 1  # the first only
    assert agency_decision_dates(authority_a, THIRD_EXTRACT) == [date(2024, 3, 1)]


def test_a_data_lead_removes_a_record_and_its_history_says_who_and_why(
    authority_a: LocalAuthority,
    dropped: AbsentRecord,
    data_lead: Client,
    users_a: dict[Role, User],
) -> None:
    response = data_lead.post(
        f"/data-quality/not-in-extract/{dropped.pk}/remove/", {"note": "Entered on the wrong child"}
    )
    assert response.status_code == 302
    dropped.refresh_from_db()
    assert dropped.status == AbsentRecord.Status.REMOVED
    assert agency_decision_dates(authority_a, SECOND_EXTRACT) == [None]
    with scope(authority_a):
        assert Milestone.objects.count() == 1
        gone = Milestone.history.filter(history_type="-").get()
    assert gone.history_user == users_a[Role.DATA_LEAD]
    assert gone.history_change_reason.startswith("Removed by")
    assert "Entered on the wrong child" in gone.history_change_reason
    # Decided once: a second decision is refused, not applied.
    again = data_lead.post(f"/data-quality/not-in-extract/{dropped.pk}/keep/", follow=True)
    assert "already been decided" in again.content.decode()


def other_child(folder: Path) -> Path:
    """The one-child extract, for child 0999 instead of 0311."""
    write_extract(folder)
    for path in folder.iterdir():
        path.write_text(path.read_text().replace("0311", "0999"))
    return folder


def test_removing_a_care_period_removes_what_belongs_to_it(
    authority_a: LocalAuthority, tmp_path: Path, load_extract: Loader, data_lead: Client
) -> None:
    load_extract(write_extract(tmp_path / "1"), FIRST_EXTRACT)
    # The next extract no longer holds child 0311 at all.
    load_extract(other_child(tmp_path / "2"), SECOND_EXTRACT)
    with scope(authority_a):
        assert AbsentRecord.objects.filter(status="awaiting", child_ref="0311").count() == 7
        period = AbsentRecord.objects.get(table="care_periods")
        child = AbsentRecord.objects.get(table="children")
    data_lead.post(f"/data-quality/not-in-extract/{period.pk}/remove/", {"note": "Duplicate"})
    with scope(authority_a):
        assert not CarePeriod.objects.filter(child__child_ref="0311").exists()
        assert not Milestone.objects.filter(care_period__child__child_ref="0311").exists()
        waiting = AbsentRecord.objects.filter(status__in=AbsentRecord.OPEN)
        assert list(waiting.values_list("table", flat=True)) == ["children"]
    data_lead.post(f"/data-quality/not-in-extract/{child.pk}/remove/", {"note": "Test record"})
    with scope(authority_a):
        assert list(Child.objects.values_list("child_ref", flat=True)) == ["0999"]
        assert Child.history.filter(history_type="-", child_ref="0311").exists()


def test_keeping_a_child_keeps_everything_that_belongs_to_it(
    authority_a: LocalAuthority, tmp_path: Path, load_extract: Loader, data_lead: Client
) -> None:
    load_extract(write_extract(tmp_path / "1"), FIRST_EXTRACT)
    load_extract(other_child(tmp_path / "2"), SECOND_EXTRACT)
    with scope(authority_a):
        child = AbsentRecord.objects.get(table="children")
    data_lead.post(f"/data-quality/not-in-extract/{child.pk}/keep/", {"note": "Adopted; archived"})
    with scope(authority_a):
        statuses = Counter(AbsentRecord.objects.values_list("status", flat=True))
        assert Milestone.objects.filter(care_period__child__child_ref="0311").count() == 1
    assert statuses == Counter({"kept": 7})


def test_a_data_lead_can_say_the_extract_replaces_its_childrens_records_on_the_web(
    authority_a: LocalAuthority,
    tmp_path: Path,
    load_extract: Loader,
    data_lead: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    load_extract(write_extract(tmp_path / "1", milestones=WITH_DECISION), FIRST_EXTRACT)
    folder = write_extract(tmp_path / "2", milestones=WITHOUT_DECISION)
    files = [
        SimpleUploadedFile(path.name, path.read_bytes(), "text/csv")
        for path in sorted(folder.iterdir())
    ]
    response = data_lead.post(
        "/imports/new/",
        {
            "extract_files": files,
            "profile": "canonical",
            "extract_date": SECOND_EXTRACT.isoformat(),
            "replaces_children": "on",
        },
    )
    assert response.status_code == 302
    page = data_lead.get(response["Location"]).content.decode()
    assert "replaces the records of the children it holds" in page
    with scope(authority_a):
        batch = ImportBatch.objects.get(status="previewed")
    assert batch.replaces_children
    with django_capture_on_commit_callbacks(execute=True):  # the load is queued at commit
        data_lead.post(f"/imports/{batch.pk}/load/")
    with scope(authority_a):
        assert AbsentRecord.objects.get().status == AbsentRecord.Status.REPLACED
    assert agency_decision_dates(authority_a, SECOND_EXTRACT) == [None]


def test_an_extract_that_replaces_its_childrens_records_removes_what_it_no_longer_holds(
    authority_a: LocalAuthority, tmp_path: Path, load_extract: Loader
) -> None:
    load_extract(write_extract(tmp_path / "1", milestones=WITH_DECISION), FIRST_EXTRACT)
    result = load_extract(
        write_extract(tmp_path / "2", milestones=WITHOUT_DECISION),
        SECOND_EXTRACT,
        "--replace-children",
    )
    assert result["load"]["milestones"]["removed"] == 1
    assert result["load"]["milestones"]["no_longer_in_extract"] == 0
    assert agency_decision_dates(authority_a, SECOND_EXTRACT) == [None]
    with scope(authority_a):
        note = AbsentRecord.objects.get()
        gone = Milestone.history.filter(history_type="-").get()
        assert not ImportIssue.objects.filter(rule="RECORD001").exists()
    assert note.status == AbsentRecord.Status.REPLACED
    assert note.decided_in_id == note.missing_from_id
    assert "replaces the child's records" in gone.history_change_reason


def test_children_an_extract_that_replaces_records_does_not_hold_are_left_alone(
    authority_a: LocalAuthority, tmp_path: Path, load_extract: Loader
) -> None:
    load_extract(write_extract(tmp_path / "1"), FIRST_EXTRACT)
    result = load_extract(other_child(tmp_path / "2"), SECOND_EXTRACT, "--replace-children")
    assert result["load"]["children"]["children_not_in_extract"] == 1
    with scope(authority_a):
        assert Child.objects.count() == 2
        assert not AbsentRecord.objects.exists()


def test_a_practitioner_cannot_decide(
    client: Client, users_a: dict[Role, User], dropped: AbsentRecord
) -> None:
    client.login(username=users_a[Role.PRACTITIONER].username, password=PASSWORD)
    assert client.post(f"/data-quality/not-in-extract/{dropped.pk}/remove/").status_code == 403
    assert client.get("/data-quality/not-in-extract/").status_code == 403
    dropped.refresh_from_db()
    assert dropped.status == AbsentRecord.Status.AWAITING


def test_the_childs_journey_shows_the_record_waiting_for_a_decision(
    data_lead: Client, dropped: AbsentRecord
) -> None:
    assert dropped.child_id is not None
    page = data_lead.get(f"/children/{dropped.child_id}/").content.decode()
    assert "Records no longer in the extract" in page
    assert "Agency decision maker decision on 01/03/2024" in page
    assert f"/data-quality/not-in-extract/{dropped.pk}/remove/" in page


def test_the_list_of_records_no_longer_in_the_extract_is_audited(
    authority_a: LocalAuthority,
    dropped: AbsentRecord,
    data_lead: Client,
    users_a: dict[Role, User],
) -> None:
    # The list names each child (their reference, a link to their journey): every view of
    # a child's record is audited. The walks' authority has no such record, so they cannot
    # see this page name a child; this test does.
    with scope(authority_a):
        RecordView.objects.all().delete()
    page = data_lead.get("/data-quality/not-in-extract/")
    assert page.status_code == 200 and "0311" in page.content.decode()
    with scope(authority_a):
        views = list(RecordView.objects.values_list("child_ref", "viewer_id", "path"))
    assert views == [("0311", users_a[Role.DATA_LEAD].pk, "/data-quality/not-in-extract/")]
