"""A planning meeting entered in the app is read, by the one precedence rule, by review
planning's due lists and by the national snapshot, as it is by the dashboards' frame
(docs/meetings.md, "Entering what the extract lacks, and which date counts")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from django.utils import timezone

from permanence.journey.tables import JourneyTables
from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.models import PlanningMeeting
from permanence.web.national.snapshots import build_snapshot, is_current, snapshot_path
from permanence.web.planning.lists import due_lists
from permanence.web.planning.models import PlannedMeeting, PlanningSettings
from permanence.web.records.models import CarePeriod

from ...core.conftest import journey_tables
from ..planning.conftest import child_tables


def _enter_72_hour_meeting(authority: LocalAuthority, period: CarePeriod, held: date) -> None:
    with scoped_to(Scope.authority(authority.pk)):
        PlanningMeeting(
            authority=authority, care_period=period, kind="planning_72h", held_date=held
        ).start_agenda()


def _overdue(authority: LocalAuthority, today: date) -> list[str]:
    settings = PlanningSettings.for_authority(authority.pk)
    return [
        row.planned.kind for row in due_lists(CarePeriod.objects.all(), today, settings).overdue
    ]


def test_a_meeting_entered_here_takes_the_child_off_the_overdue_list(
    authority_a: LocalAuthority,
    load: Callable[..., object],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Accommodated 10 days ago with no 72-hour meeting in the extract: the meeting is
    overdue (due 3 days after). Entered here as held 2 days after: planned as held, and
    off the overdue list."""
    today = timezone.localdate()
    accommodated = today - timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        load(authority_a, child_tables("P-0001", accommodated))
    with scoped_to(Scope.authority(authority_a.pk)):
        period = CarePeriod.objects.get()
        overdue = _overdue(authority_a, today)
    assert "planning_72h" in overdue
    with django_capture_on_commit_callbacks(execute=True):
        _enter_72_hour_meeting(authority_a, period, accommodated + timedelta(days=2))
    with scoped_to(Scope.authority(authority_a.pk)):
        planned = PlannedMeeting.objects.get(care_period=period, kind="planning_72h")
        overdue = _overdue(authority_a, today)
    assert (planned.status, planned.held_date) == ("held", accommodated + timedelta(days=2))
    assert "planning_72h" not in overdue


def test_a_meeting_entered_here_moves_the_national_snapshot(
    authority_a: LocalAuthority,
    load: Callable[..., object],
    settings: Any,
    tmp_path: Path,
) -> None:
    """The child accommodated 10 January 2022 has a 72-hour meeting in the extract but no
    two-week meeting: the snapshot's two-week meeting date is empty, then 21 January once
    one is entered here (and the snapshot built before it is no longer current)."""
    settings.NATIONAL_SNAPSHOT_DIR = tmp_path
    load(authority_a, journey_tables("A-0001"))
    as_of = date(2022, 12, 31)

    def two_week_date() -> object:
        snapshot = build_snapshot(authority_a, as_of)
        return pl.read_parquet(snapshot_path(snapshot))["planning_2wk_date"].item()

    assert two_week_date() is None
    with scoped_to(Scope.authority(authority_a.pk)):
        period = CarePeriod.objects.get()
        built = build_snapshot(authority_a, as_of)
        PlanningMeeting(
            authority=authority_a,
            care_period=period,
            kind="planning_2wk",
            held_date=date(2022, 1, 21),
        ).start_agenda()
    assert not is_current(built, as_of)
    assert two_week_date() == date(2022, 1, 21)


def test_a_meeting_moved_to_another_care_period_leaves_the_first_one_replanned(
    authority_a: LocalAuthority,
    load: Callable[..., object],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Entered on the wrong child's care period and then moved to the right one: the
    first child's 72-hour meeting is overdue again, the second's held."""
    today = timezone.localdate()
    accommodated = today - timedelta(days=10)
    first, second = (child_tables(ref, accommodated) for ref in ("P-0001", "P-0002"))
    both = JourneyTables(
        **{
            name: pl.concat([table, getattr(second, name)], how="vertical_relaxed")
            for name, table in first.items()
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        load(authority_a, both)
    with scoped_to(Scope.authority(authority_a.pk)):
        wrong = CarePeriod.objects.get(child__child_ref="P-0001")
        right = CarePeriod.objects.get(child__child_ref="P-0002")
    with django_capture_on_commit_callbacks(execute=True):
        _enter_72_hour_meeting(authority_a, wrong, accommodated + timedelta(days=2))
    with scoped_to(Scope.authority(authority_a.pk)):
        assert PlannedMeeting.objects.get(care_period=wrong, kind="planning_72h").status == "held"
        meeting = PlanningMeeting.objects.get()
        meeting.care_period = right
        with django_capture_on_commit_callbacks(execute=True):
            meeting.save()
        held = {
            planned.care_period_id: planned.status
            for planned in PlannedMeeting.objects.filter(kind="planning_72h")
        }
    assert held[right.pk] == "held"
    assert held[wrong.pk] != "held"
