"""Decisions and attendance brought by an import: loaded through the same loader as every
record, counted by the measures, and met by the precedence rule (docs/meetings.md): a
decision typed in the app on another day is kept, the import's date counts, and the
difference is listed for the data lead."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import polars as pl
import pytest
from django.test import Client

from permanence.journey.tables import JourneyTables
from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.kernel import cache
from permanence.web.kernel.cache import authority_data
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.measures import authority_meeting_measures, decision_differences
from permanence.web.meetings.models import PlanDecision
from permanence.web.records.models import CarePeriod, Child, Meeting, Milestone

from ...core.conftest import journey_tables
from ..conftest import make_user

ACCOMMODATED = date(2022, 1, 10)  # journey_tables' child: looked after and placed that day


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.STORE.clear()
    yield
    cache.STORE.clear()


def _with_legal_advice(received: date) -> JourneyTables:
    """The child's extract with legal advice received (written) on ``received``, and who
    attended its 72-hour meeting."""
    tables = journey_tables("A-0001")
    advice = pl.DataFrame(
        [
            {
                "child_ref": "A-0001",
                "period_start": ACCOMMODATED,
                "milestone": "legal_advice_received",
                "date": received,
                "detail": "written",
                "decided_by": "legal services",
            }
        ],
        schema=tables.milestones.schema,
    )
    meetings = tables.meetings.with_columns(
        pl.when(pl.col("meeting_kind") == "planning_72h")
        .then(pl.lit("parents;social_worker"))
        .alias("attended")
    )
    return JourneyTables(
        **{
            **dict(tables.items()),
            "milestones": pl.concat([tables.milestones, advice]),
            "meetings": meetings,
        }
    )


def _january_legal_advice(authority: LocalAuthority) -> tuple[int, int]:
    with scoped_to(Scope.authority(authority.pk)):
        data = authority_data(authority.pk)
        table = authority_meeting_measures(authority.pk, data.frame, data.as_of)[
            "legal_advice_early"
        ].table
    [row] = table.filter(pl.col("month") == date(2022, 1, 1)).iter_rows(named=True)
    return row["numerator"], row["denominator"]


def test_an_imported_decision_counts_and_wins_over_a_different_date_typed_in(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, journey_tables("A-0001"))
    with scoped_to(Scope.authority(authority_a.pk)):
        PlanDecision.objects.create(
            authority=authority_a,
            care_period=CarePeriod.objects.get(),
            kind="legal_advice_received",
            decided_on=date(2022, 2, 7),  # day 28: early
            decided_by="legal services",
            written=True,
        )
    assert _january_legal_advice(authority_a) == (1, 1)
    # The case recording system holds the advice on 1 May (day 111): not early.
    load(authority_a, _with_legal_advice(date(2022, 5, 1)), "later.csv")
    cache.STORE.clear()
    assert _january_legal_advice(authority_a) == (0, 1)
    with scoped_to(Scope.authority(authority_a.pk)):
        loaded = Milestone.objects.get(milestone="legal_advice_received")
        assert (loaded.detail, loaded.decided_by) == ("written", "legal services")
        # Nothing typed in is changed; the difference is listed for the data lead.
        assert PlanDecision.objects.get().decided_on == date(2022, 2, 7)
        [(period_id, kind, resolved)] = decision_differences()
        assert period_id == CarePeriod.objects.get().pk and kind == "legal_advice_received"
        assert (resolved.used, resolved.differs_from) == (date(2022, 5, 1), date(2022, 2, 7))
        # Who attended came in with the meeting.
        meeting = Meeting.objects.get(meeting_kind="planning_72h")
        assert meeting.attended == "parents;social_worker"


def test_an_imported_decision_alone_counts_and_shows_on_the_journey(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, _with_legal_advice(date(2022, 3, 1)))  # day 50: early
    assert _january_legal_advice(authority_a) == (1, 1)
    with scoped_to(Scope.authority(authority_a.pk)):
        assert decision_differences() == []
        child = Child.objects.get()
    client = Client()
    client.force_login(make_user(authority_a, Role.PRACTITIONER, "alpha"))
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert "Legal advice received" in page
    assert "Written advice; decided by legal services" in page
