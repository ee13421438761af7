"""Data queries answered in the app: kept with who and when, shown where the query is,
and never taking a child out of an aim. A purposeful delay is ringed on the run chart.

Child 0311 is accommodated on 5 January 2024 and has no permanence recommendation by
31 October 2024 (43 weeks): OVERDUE001 queries the care period. The data lead answers it:
a purposeful delay, a sibling assessment. The recommendation comes on 20 November 2024,
after 45 weeks and 4 days: Aim 2 not met, and the child's dot on the run chart ringed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from permanence.analysis.aims import AIM_2
from permanence.analysis.aims_outcomes import aim_children
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.data_queries import AnswerError, answer_query
from permanence.web.records.journeys import journeys_frame
from permanence.web.records.models import CarePeriod, Child, ImportBatch, QueryAnswer

from ..conftest import PASSWORD
from .conftest import Loader
from .one_child import write_extract

WAITING = date(2024, 10, 31)
STILL_WAITING = date(2024, 11, 15)
RECOMMENDED = date(2024, 12, 31)


def scope(authority: LocalAuthority) -> scoped_to:
    return scoped_to(Scope.authority(authority.pk))


@pytest.fixture
def waiting(authority_a: LocalAuthority, tmp_path: Path, load_extract: Loader) -> Child:
    load_extract(write_extract(tmp_path / "waiting", milestones=()), WAITING)
    with scope(authority_a):
        return Child.objects.get()


@pytest.fixture
def data_lead(client: Client, users_a: dict[Role, User]) -> Client:
    client.login(username=users_a[Role.DATA_LEAD].username, password=PASSWORD)
    return client


def answer_delay(client: Client, child: Child, reason: str = "sibling assessment") -> None:
    with scoped_to(Scope.everything()):
        period = CarePeriod.objects.get(child=child)
    response = client.post(
        f"/data-quality/children/{child.pk}/answer/",
        {
            "rule": "OVERDUE001",
            "care_period": period.pk,
            "kind": "purposeful_delay",
            "reason": reason,
        },
    )
    assert response.status_code == 302


def aim_2(authority: LocalAuthority, as_of: date) -> pl.DataFrame:
    with scope(authority):
        return aim_children(journeys_frame(as_of), AIM_2, as_of=as_of)


def test_a_data_lead_answers_a_query_and_it_is_kept_with_who_and_when(
    authority_a: LocalAuthority, waiting: Child, data_lead: Client, users_a: dict[Role, User]
) -> None:
    page = data_lead.get(f"/children/{waiting.pk}/").content.decode()
    assert "OVERDUE001" in page and "Not answered." in page
    answer_delay(data_lead, waiting)
    with scope(authority_a):
        answer = QueryAnswer.objects.get()
        history = list(answer.history.all())
    assert answer.kind == QueryAnswer.Kind.PURPOSEFUL_DELAY
    assert answer.reason == "sibling assessment" and answer.rule == "OVERDUE001"
    assert answer.answered_by == users_a[Role.DATA_LEAD] and answer.answered_at is not None
    assert [entry.history_user for entry in history] == [users_a[Role.DATA_LEAD]]
    page = data_lead.get(f"/children/{waiting.pk}/").content.decode()
    assert "Purposeful delay: a decision in the child&#x27;s interest" in page
    assert "sibling assessment" in page and "Not answered." not in page


def test_changing_and_withdrawing_an_answer_keeps_every_version(
    authority_a: LocalAuthority, waiting: Child, data_lead: Client
) -> None:
    answer_delay(data_lead, waiting)
    answer_delay(data_lead, waiting, reason="sibling assessment, report due in January")
    with scope(authority_a):
        answer = QueryAnswer.objects.get()
    assert answer.reason == "sibling assessment, report due in January"
    data_lead.post(f"/data-quality/answers/{answer.pk}/withdraw/")
    with scope(authority_a):
        assert not QueryAnswer.objects.exists()
        kinds = [entry.history_type for entry in QueryAnswer.history.order_by("history_date")]
    assert kinds == ["+", "~", "-"]
    assert "Not answered." in data_lead.get(f"/children/{waiting.pk}/").content.decode()


def test_an_answer_never_takes_the_child_out_of_an_aim(
    authority_a: LocalAuthority, waiting: Child, data_lead: Client
) -> None:
    before = aim_2(authority_a, WAITING)
    answer_delay(data_lead, waiting)
    after = aim_2(authority_a, WAITING)
    assert before.equals(after)
    assert after.get_column("child_ref").to_list() == ["0311"]
    assert after.get_column("over_target").to_list() == [True]


def test_the_answer_is_found_again_in_the_next_import(
    authority_a: LocalAuthority,
    waiting: Child,
    data_lead: Client,
    tmp_path: Path,
    load_extract: Loader,
) -> None:
    answer_delay(data_lead, waiting)
    load_extract(write_extract(tmp_path / "later", milestones=()), STILL_WAITING)
    page = data_lead.get(f"/children/{waiting.pk}/").content.decode()
    assert "sibling assessment" in page and "Not answered." not in page
    with scope(authority_a):
        latest = ImportBatch.objects.order_by("-pk").first()
    assert latest is not None
    detail = data_lead.get(f"/imports/{latest.pk}/").content.decode()
    assert "Purposeful delay: sibling assessment" in detail


def test_the_data_quality_report_shows_the_answer(
    authority_a: LocalAuthority, waiting: Child, data_lead: Client, tmp_path: Path
) -> None:
    answer_delay(data_lead, waiting)
    with scope(authority_a):
        batch = ImportBatch.objects.get()
    response = data_lead.get(f"/imports/{batch.pk}/data-quality.xlsx")
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    issues = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Issues").to_python()
    heading = issues[0]
    rows = [dict(zip(heading, row, strict=True)) for row in issues[1:]]
    (overdue,) = [row for row in rows if row["Rule"] == "OVERDUE001"]
    assert overdue["Answer recorded"].startswith("Purposeful delay: sibling assessment (")


def test_a_purposeful_delay_answers_only_a_wait(
    authority_a: LocalAuthority, waiting: Child, users_a: dict[Role, User]
) -> None:
    with scope(authority_a):
        period = CarePeriod.objects.get()
        with pytest.raises(AnswerError, match="waiting past an aim"):
            answer_query(
                waiting, period, "MILE004", "purposeful_delay", "x", users_a[Role.DATA_LEAD]
            )
        with pytest.raises(AnswerError, match="reason"):
            answer_query(waiting, period, "OVERDUE001", "confirmed", "  ", users_a[Role.DATA_LEAD])
        with pytest.raises(AnswerError, match="Only a query"):
            answer_query(waiting, period, "DATE001", "confirmed", "x", users_a[Role.DATA_LEAD])
        assert not QueryAnswer.objects.exists()


def test_a_practitioner_cannot_answer(
    client: Client, users_a: dict[Role, User], waiting: Child
) -> None:
    client.login(username=users_a[Role.PRACTITIONER].username, password=PASSWORD)
    page = client.get(f"/children/{waiting.pk}/").content.decode()
    assert "OVERDUE001" in page and "/answer/" not in page
    response = client.post(
        f"/data-quality/children/{waiting.pk}/answer/",
        {"rule": "OVERDUE001", "kind": "confirmed", "reason": "x"},
    )
    assert response.status_code == 403


def test_the_purposeful_delay_is_ringed_on_the_run_chart_once_the_child_is_recommended(
    authority_a: LocalAuthority,
    waiting: Child,
    data_lead: Client,
    users_a: dict[Role, User],
    client: Client,
    tmp_path: Path,
    load_extract: Loader,
) -> None:
    answer_delay(data_lead, waiting)
    recommended = (("permanence_recommendation", "2024-11-20", "poa"),)
    load_extract(write_extract(tmp_path / "recommended", milestones=recommended), RECOMMENDED)
    (row,) = aim_2(authority_a, RECOMMENDED).iter_rows(named=True)
    assert row["end_date"] == date(2024, 11, 20) and row["outcome"] == "not_met"
    table = data_lead.get("/aims/aim_2/charts/run-chart.csv").content.decode()
    assert "Recorded decision" in table.splitlines()[0]
    assert "Purposeful delay: sibling assessment" in table
    # Someone who may not open the child's record reads that a decision was recorded.
    client.logout()
    client.login(username=users_a[Role.VIEWER].username, password=PASSWORD)
    seen = client.get("/aims/aim_2/charts/run-chart.csv").content.decode()
    assert "Purposeful delay (a recorded decision)" in seen
    assert "sibling assessment" not in seen
