"""The precedence rule between a date entered here and the same meeting brought by a later
import, and the measures worked out from the records, through the improvement record."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import polars as pl
import pytest
from django.test import Client

from permanence.journey.tables import JourneyTables
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import ImprovementProject, Measure
from permanence.web.kernel import cache
from permanence.web.kernel.cache import authority_data
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.measures import (
    authority_meeting_measures,
    differences,
    measure_catalogue,
)
from permanence.web.meetings.models import AgendaItemRecord, LocalMeetingKind, PlanningMeeting
from permanence.web.records.models import Child

from ...core.conftest import journey_tables
from ..conftest import make_user

ACCOMMODATED = date(2022, 1, 10)  # journey_tables' child: looked after and placed that day


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.STORE.clear()
    yield
    cache.STORE.clear()


def _with_two_week_meeting(held: date) -> JourneyTables:
    tables = journey_tables("A-0001")
    extra = pl.DataFrame(
        [
            {
                "child_ref": "A-0001",
                "period_start": ACCOMMODATED,
                "meeting_kind": "planning_2wk",
                "due_date": date(2022, 1, 24),
                "held_date": held,
            }
        ],
        schema=tables.meetings.schema,
    )
    return JourneyTables(
        **{**dict(tables.items()), "meetings": pl.concat([tables.meetings, extra])}
    )


def _january(authority: LocalAuthority, key: str) -> tuple[int, int]:
    with scoped_to(Scope.authority(authority.pk)):
        data = authority_data(authority.pk)
        table = authority_meeting_measures(authority.pk, data.frame, data.as_of)[key].table
    [row] = table.filter(pl.col("month") == date(2022, 1, 1)).iter_rows(named=True)
    return row["numerator"], row["denominator"]


def test_a_date_entered_counts_until_an_import_brings_the_meeting_then_the_import_wins(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, journey_tables("A-0001"))
    person = make_user(authority_a, Role.PRACTITIONER, "alpha")
    # No two-week meeting in the extract: nobody held one in time.
    assert _january(authority_a, "mtg_2wk_on_time") == (0, 1)
    with scoped_to(Scope.authority(authority_a.pk)):
        meeting = PlanningMeeting(
            authority=authority_a,
            care_period=Child.objects.get().care_periods.get(),
            kind="planning_2wk",
            held_date=date(2022, 1, 21),  # day 11: in time
            entered_by=person,
        )
        meeting.start_agenda()
    cache.STORE.clear()
    assert _january(authority_a, "mtg_2wk_on_time") == (1, 1)
    # A later extract holds the same meeting on 27 January, day 17: late.
    load(authority_a, _with_two_week_meeting(date(2022, 1, 27)), "later.csv")
    cache.STORE.clear()
    assert _january(authority_a, "mtg_2wk_on_time") == (0, 1)
    with scoped_to(Scope.authority(authority_a.pk)):
        meeting.refresh_from_db()
        assert meeting.held_date == date(2022, 1, 21)  # nothing overwritten
        [listed] = differences()
    assert listed.meeting == meeting
    assert (listed.resolved.used, listed.resolved.differs_from) == (
        date(2022, 1, 27),
        date(2022, 1, 21),
    )
    # The data lead sees it listed; the practitioner's page says which date counts.
    lead = Client()
    lead.force_login(make_user(authority_a, Role.DATA_LEAD, "alpha"))
    page = lead.get("/meetings/dates-that-differ/").content.decode()
    assert "A-0001" in page and "27 Jan 2022" in page and "21 Jan 2022" in page
    practitioner = Client()
    practitioner.force_login(person)
    shown = practitioner.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "27 January 2022" in shown


def test_an_import_that_agrees_lists_nothing(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, _with_two_week_meeting(date(2022, 1, 21)))
    with scoped_to(Scope.authority(authority_a.pk)):
        meeting = PlanningMeeting(
            authority=authority_a,
            care_period=Child.objects.get().care_periods.get(),
            kind="planning_2wk",
            held_date=date(2022, 1, 21),
        )
        meeting.start_agenda()
        assert differences() == []
    assert _january(authority_a, "mtg_2wk_on_time") == (1, 1)


def test_the_review_dates_measure_moves_with_the_checklist_and_shows_in_the_improvement_record(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, journey_tables("A-0001"))
    lead: User = make_user(authority_a, Role.DATA_LEAD, "alpha")
    with scoped_to(Scope.authority(authority_a.pk)):
        meeting = PlanningMeeting(
            authority=authority_a,
            care_period=Child.objects.get().care_periods.get(),
            kind="planning_2wk",
            held_date=date(2022, 1, 21),
        )
        meeting.start_agenda()
        project = ImprovementProject.objects.create(
            authority=authority_a,
            title="Two-week meetings",
            national_aim="aim_2",
            improvement_start=date(2022, 1, 1),
        )
        measure = Measure.objects.create(
            authority=authority_a,
            project=project,
            kind="process",
            title="All review dates set",
            source="process",
            process_measure="mtg_review_dates",
        )
    # Not recorded yet: the meeting counts, and did not set the dates.
    assert _january(authority_a, "mtg_review_dates") == (0, 1)
    with scoped_to(Scope.authority(authority_a.pk)):
        item = AgendaItemRecord.objects.get(meeting=meeting, key="review_dates_set")
        item.state = "done"
        item.save()
    cache.STORE.clear()
    assert _january(authority_a, "mtg_review_dates") == (1, 1)
    client = Client()
    client.force_login(lead)
    page = client.get(f"/improvement/measures/{measure.pk}/").content.decode()
    assert "Month the meeting was held" in page
    assert "January 2022" in page


def test_a_kind_of_the_authoritys_own_is_offered_and_measured_in_its_scope(
    authority_a: LocalAuthority, authority_b: LocalAuthority, load: Callable[..., object]
) -> None:
    """A three-week meeting of authority A's own (within 21 days): the child accommodated
    10 January 2022 met on 25 January (day 15), every item done but one: January's "held
    in time" is 1 of 1 and "every agenda item done" 0 of 1. Authority B is not offered A's
    kind."""
    load(authority_a, journey_tables("A-0001"))
    with scoped_to(Scope.authority(authority_a.pk)):
        own = LocalMeetingKind.objects.create(
            authority=authority_a, name="Three-week meeting", within_days=21
        )
        meeting = PlanningMeeting(
            authority=authority_a,
            care_period=Child.objects.get().care_periods.get(),
            kind="local",
            local_kind=own,
            held_date=date(2022, 1, 25),
        )
        meeting.start_agenda()
        meeting.items.filter(key="plan_reviewed").update(state="done")
        catalogue = measure_catalogue()
    code = f"local_{own.pk}"
    assert catalogue[f"{code}_on_time"] == "Three-week meeting: held in time"
    assert catalogue[f"{code}_agenda"] == "Three-week meeting: every agenda item done"
    assert catalogue["mtg_2wk_on_time"].startswith("Two-week planning meetings held in time")
    assert _january(authority_a, f"{code}_on_time") == (1, 1)
    assert _january(authority_a, f"{code}_agenda") == (0, 1)
    # The two-week measure does not read the authority's own kind.
    assert _january(authority_a, "mtg_2wk_on_time") == (0, 1)
    with scoped_to(Scope.authority(authority_b.pk)):
        assert not any(key.startswith("local_") for key in measure_catalogue())


def test_the_journeys_frame_sees_a_meeting_entered_here_unless_the_extract_holds_one(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    """The planning summary reads the journeys frame: a two-week meeting entered here on
    21 January is its planning_2wk_date until an extract brings the same meeting on 27
    January, which then counts (the entered one is kept)."""
    load(authority_a, journey_tables("A-0001"))

    def frame_date() -> object:
        cache.STORE.clear()
        with scoped_to(Scope.authority(authority_a.pk)):
            return authority_data(authority_a.pk).frame["planning_2wk_date"].item()

    assert frame_date() is None
    with scoped_to(Scope.authority(authority_a.pk)):
        meeting = PlanningMeeting(
            authority=authority_a,
            care_period=Child.objects.get().care_periods.get(),
            kind="planning_2wk",
            held_date=date(2022, 1, 21),
        )
        meeting.start_agenda()
    assert frame_date() == date(2022, 1, 21)
    load(authority_a, _with_two_week_meeting(date(2022, 1, 27)), "later.csv")
    assert frame_date() == date(2022, 1, 27)
    with scoped_to(Scope.authority(authority_a.pk)):
        meeting.refresh_from_db()
    assert meeting.held_date == date(2022, 1, 21)
