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
from permanence.web.meetings.measures import authority_meeting_measures, differences
from permanence.web.meetings.models import AgendaItemRecord, PlanningMeeting
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
