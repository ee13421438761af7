"""Real journeys through the web app: imported, typed in, a late review, a policy change,
a return home and a period's end. Every date is worked out by hand in the comments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
import pytest
from django.test import Client

from permanence.journey.tables import JourneyTables
from permanence.web.accounts.models import LocalAuthority, Team, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning import receivers
from permanence.web.planning import tasks as planning_tasks
from permanence.web.planning.models import PlannedMeeting, ReviewPolicyVersion
from permanence.web.records.models import CarePeriod, Child, Meeting, Placement
from permanence.web.tasks.models import Job

from ..conftest import PASSWORD
from .conftest import child_tables, period_of

ACCOMMODATED = date(2025, 3, 14)


def ellie() -> JourneyTables:
    """Accommodated Friday 14 March 2025; 72-hour meeting on the 16th; the first review
    due 25 April (42 days), held 22 April; the second due 22 July, not yet held."""
    return child_tables(
        "E-0001",
        ACCOMMODATED,
        meetings=[
            ("planning_72h", date(2025, 3, 17), date(2025, 3, 16), None),
            ("review", date(2025, 4, 25), date(2025, 4, 22), 1),
            ("review", date(2025, 7, 22), None, 2),
        ],
    )


def planned(authority: LocalAuthority) -> dict[tuple[str, int], PlannedMeeting]:
    with scoped_to(Scope.authority(authority.pk)):
        return {(row.kind, row.number): row for row in PlannedMeeting.objects.all()}


@pytest.fixture
def ellie_planned(
    authority_a: LocalAuthority, plan_import: Callable[..., object]
) -> dict[tuple[str, int], PlannedMeeting]:
    plan_import(authority_a, ellie())
    return planned(authority_a)


def test_an_import_plans_every_meeting_from_the_day_accommodated(
    authority_a: LocalAuthority, ellie_planned: dict[tuple[str, int], PlannedMeeting]
) -> None:
    rows = ellie_planned
    with scoped_to(Scope.authority(authority_a.pk)):
        seventy_two = Meeting.objects.get(meeting_kind="planning_72h")
        first_review = Meeting.objects.get(review_number=1)
    assert (rows["planning_72h", 0].due_date, rows["planning_72h", 0].status) == (
        date(2025, 3, 17),
        "held",
    )
    assert rows["planning_72h", 0].meeting_id == seventy_two.pk
    assert (rows["review", 1].due_date, rows["review", 1].held_date) == (
        date(2025, 4, 25),
        date(2025, 4, 22),
    )
    assert rows["review", 1].meeting_id == first_review.pk
    # 3 months from the date the first was held; then 6 months from that due date.
    assert (rows["review", 2].due_date, rows["review", 2].status) == (date(2025, 7, 22), "planned")
    assert rows["review", 3].due_date == date(2026, 1, 22)
    assert rows["review", 2].rule == "within 3 months of the first review, held on 22 April 2025"
    assert all(row.authority_id == authority_a.pk for row in rows.values())


def test_planning_never_writes_to_the_imported_meetings(
    authority_a: LocalAuthority, plan_import: Callable[..., object]
) -> None:
    plan_import(authority_a, ellie())
    with scoped_to(Scope.authority(authority_a.pk)):
        assert Meeting.objects.count() == 3
        assert Meeting.history.count() == 3  # created once by the import, never changed
        assert PlannedMeeting.objects.exists()


def test_a_late_review_typed_in_moves_the_later_dates(
    authority_a: LocalAuthority,
    ellie_planned: dict[tuple[str, int], PlannedMeeting],
    committing: Callable[[], Any],
) -> None:
    with scoped_to(Scope.authority(authority_a.pk)), committing():
        second = Meeting.objects.get(review_number=2)
        second.held_date = date(2025, 9, 5)  # due 22 July: six weeks late
        second.save()
    rows = planned(authority_a)
    assert (rows["review", 2].status, rows["review", 2].held_date) == ("held", date(2025, 9, 5))
    assert rows["review", 2].meeting_id == second.pk
    # Within 6 months of 5 September: 5 March 2026, then 5 September 2026.
    assert rows["review", 3].due_date == date(2026, 3, 5)
    assert rows["review", 4].due_date == date(2026, 9, 5)
    # The same rows, updated: nothing was deleted and made again.
    assert rows["review", 3].pk == ellie_planned["review", 3].pk


def test_a_policy_change_mid_journey_moves_only_what_is_planned_from_its_date(
    authority_a: LocalAuthority,
    ellie_planned: dict[tuple[str, int], PlannedMeeting],
    committing: Callable[[], Any],
) -> None:
    with scoped_to(Scope.authority(authority_a.pk)), committing():
        second = Meeting.objects.get(review_number=2)
        second.held_date = date(2025, 9, 5)
        second.save()
    with scoped_to(Scope.authority(authority_a.pk)), committing():
        ReviewPolicyVersion.objects.create(
            authority=authority_a,
            effective_from=date(2025, 8, 1),
            name="3-monthly reviews",
            later_review_months=3,
            planning_meeting_weeks=2,
        )
    rows = planned(authority_a)
    # Reviews 1 and 2 were set before 1 August and stay as they were.
    assert rows["review", 1].due_date == date(2025, 4, 25)
    assert rows["review", 2].due_date == date(2025, 7, 22)
    assert rows["review", 2].policy_version is None
    # Review 3 is counted from 5 September, after the change: 3 months, 5 December.
    assert rows["review", 3].due_date == date(2025, 12, 5)
    assert rows["review", 3].policy_version == date(2025, 8, 1)
    # Ellie was accommodated before the change: she never gets a 2-week meeting.
    assert ("planning_2wk", 2) not in rows


def test_a_return_home_keeps_planning_reviews_and_deletes_nothing(
    authority_a: LocalAuthority,
    ellie_planned: dict[tuple[str, int], PlannedMeeting],
    committing: Callable[[], Any],
) -> None:
    period = period_of(authority_a, "E-0001")
    with scoped_to(Scope.authority(authority_a.pk)), committing():
        Placement.objects.create(
            authority=authority_a,
            care_period=period,
            placement_type="home",
            start_date=date(2025, 10, 1),
        )
    rows = planned(authority_a)
    assert set(ellie_planned) <= set(rows)
    assert {row.pk for row in ellie_planned.values()} <= {row.pk for row in rows.values()}
    assert rows["planning_72h", 0].status == "held"
    assert rows["review", 1].status == "held"
    # Back home but still looked after: the statutory reviews go on being planned
    # (finding 6 of issue 13), including reviews due after the return home.
    later = [key for key in rows if key[0] == "review" and key[1] >= 2]
    assert all(rows[key].status == "planned" for key in later)
    assert max(rows[key].due_date for key in later) > date(2025, 10, 1)


def test_a_later_extract_ending_the_period_closes_what_remains(
    authority_a: LocalAuthority,
    ellie_planned: dict[tuple[str, int], PlannedMeeting],
    plan_import: Callable[..., object],
) -> None:
    ended = ellie()
    ended = JourneyTables(
        **{
            **dict(ended.items()),
            "care_periods": ended.care_periods.with_columns(
                pl.lit(date(2025, 6, 30)).alias("period_end"), pl.lit("home").alias("destination")
            ),
        }
    )
    plan_import(authority_a, ended)
    rows = planned(authority_a)
    second = rows["review", 2]
    assert (second.status, second.closed_date) == ("closed", date(2025, 6, 30))
    assert second.closed_reason == "the care period ended on 30 June 2025"
    assert not [row for row in rows.values() if row.status == "planned"]


def test_a_child_typed_in_is_planned_when_the_placement_is_saved(
    authority_a: LocalAuthority, committing: Callable[[], Any]
) -> None:
    with scoped_to(Scope.authority(authority_a.pk)), committing():
        team = Team.objects.create(authority=authority_a, name="Typing Team")
        child = Child.objects.create(
            authority=authority_a, child_ref="T-1", date_of_birth=date(2020, 1, 1)
        )
        period = CarePeriod.objects.create(
            authority=authority_a, child=child, period_start=date(2025, 2, 3), team=team
        )
        Placement.objects.create(
            authority=authority_a,
            care_period=period,
            placement_type="kinship",
            start_date=date(2025, 2, 3),
        )
    rows = planned(authority_a)
    # 3 February + 3 days; + 42 days: 25 to 28 February, 17 more to 17 March.
    assert rows["planning_72h", 0].due_date == date(2025, 2, 6)
    assert rows["review", 1].due_date == date(2025, 3, 17)


def test_a_child_looked_after_at_home_has_nothing_planned(
    authority_a: LocalAuthority, plan_import: Callable[..., object]
) -> None:
    plan_import(
        authority_a,
        child_tables("H-1", date(2025, 1, 6), placements=[("home", date(2025, 1, 6))]),
    )
    assert planned(authority_a) == {}


def test_planning_for_one_authority_never_touches_another(
    authority_a: LocalAuthority,
    authority_b: LocalAuthority,
    plan_import: Callable[..., object],
) -> None:
    plan_import(authority_a, ellie())
    plan_import(authority_b, child_tables("E-0001", date(2024, 1, 8), team="Bravo Locality Team"))
    assert planned(authority_a)["review", 1].due_date == date(2025, 4, 25)
    # 8 January 2024 + 42 days = 19 February 2024.
    assert planned(authority_b)["review", 1].due_date == date(2024, 2, 19)
    with scoped_to(Scope.authority(authority_a.pk)):
        assert {row.authority_id for row in PlannedMeeting.objects.all()} == {authority_a.pk}


def replans_since(authority: LocalAuthority, before: list[Job] | None = None) -> list[Job]:
    """The replanning jobs of the authority, but those in ``before``."""
    known = {job.pk for job in before or []}
    with scoped_to(Scope.authority(authority.pk)):
        return [job for job in Job.objects.filter(kind=Job.Kind.REPLAN) if job.pk not in known]


def test_a_typed_in_review_whose_planning_fails_is_planned_by_a_job_tried_again(
    authority_a: LocalAuthority,
    ellie_planned: dict[tuple[str, int], PlannedMeeting],
    committing: Callable[[], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the planner fell over")

    # Planning at once, after the change commits, fails; the job it hands over to works.
    monkeypatch.setattr(receivers, "replan_periods", broken)
    before = replans_since(authority_a)
    with scoped_to(Scope.authority(authority_a.pk)), committing():
        second = Meeting.objects.get(review_number=2)
        second.held_date = date(2025, 9, 5)
        second.save()
    [job] = replans_since(authority_a, before)
    assert (job.state, job.attempts) == (Job.State.DONE, 1)
    rows = planned(authority_a)
    assert (rows["review", 2].status, rows["review", 2].held_date) == ("held", date(2025, 9, 5))
    assert rows["review", 3].due_date == date(2026, 3, 5)


def test_a_typed_in_review_whose_planning_keeps_failing_is_shown_to_administrators(
    authority_a: LocalAuthority,
    ellie_planned: dict[tuple[str, int], PlannedMeeting],
    committing: Callable[[], Any],
    monkeypatch: pytest.MonkeyPatch,
    client: Client,
    users_a: dict[Role, User],
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the planner fell over")

    monkeypatch.setattr(receivers, "replan_periods", broken)
    monkeypatch.setattr(planning_tasks, "replan_periods", broken)
    before = replans_since(authority_a)
    with scoped_to(Scope.authority(authority_a.pk)), committing():
        second = Meeting.objects.get(review_number=2)
        second.held_date = date(2025, 9, 5)
        second.save()  # the change itself stands
    with scoped_to(Scope.authority(authority_a.pk)):
        assert Meeting.objects.get(pk=second.pk).held_date == date(2025, 9, 5)
    [job] = replans_since(authority_a, before)
    assert (job.state, job.attempts) == (Job.State.FAILED, job.max_attempts)
    assert client.login(username=users_a[Role.ADMINISTRATOR].username, password=PASSWORD)
    status = client.get("/work/").content.decode()
    assert "Failed in the last 7 days" in status
    assert "Planning reviews after a change to the records" in status
    assert "the planner fell over" in status
