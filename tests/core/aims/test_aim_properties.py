"""Properties of the outcomes over random journeys, checked against a plain reference.

The reference below is written from the definitions in docs/aims.md one child at a time,
in ordinary Python, independently of the polars expressions it checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from permanence.analysis.aims import AIM_1, AIM_2
from permanence.analysis.aims_outcomes import AimFigures, aim_children, evaluate_aim
from permanence.analysis.periods import Granularity

BASE = date(2022, 1, 1)


@dataclass(frozen=True)
class Journey:
    start: int  # days after BASE the child was accommodated
    recommended_after: int | None  # days after accommodation
    left_after: int | None  # days after accommodation


journeys = st.lists(
    st.builds(
        Journey,
        start=st.integers(0, 900),
        recommended_after=st.none() | st.integers(0, 400),
        left_after=st.none() | st.integers(0, 400),
    ),
    min_size=1,
    max_size=12,
)
as_of_days = st.integers(0, 1400)


def reference_aim_2(journey: Journey, as_of: date) -> str | None:
    """The outcome by the definitions, or None when the child is not counted."""
    start = BASE + timedelta(days=journey.start)
    if start > as_of:
        return None
    deadline = start + timedelta(weeks=26)

    def known(after: int | None) -> date | None:
        if after is None:
            return None
        day = start + timedelta(days=after)
        return day if day <= as_of else None

    end, left = known(journey.recommended_after), known(journey.left_after)
    if end is not None:
        return "met" if end <= deadline else "not_met"
    if left is not None:
        return "stopped" if left <= deadline else "not_met"
    return "pending" if as_of <= deadline else "not_met"


def frame_of(build: Any, items: list[Journey], as_of: date) -> Any:
    children = []
    for number, journey in enumerate(items):
        start = BASE + timedelta(days=journey.start)
        children.append(
            build.accommodated(
                f"c{number}",
                start,
                recommendation=None
                if journey.recommended_after is None
                else start + timedelta(days=journey.recommended_after),
                left=None if journey.left_after is None else start + timedelta(journey.left_after),
            )
        )
    return build.journeys(children, as_of)


def outcomes_at(build: Any, items: list[Journey], as_of: date) -> dict[str, str]:
    children = aim_children(frame_of(build, items, as_of), AIM_2, as_of=as_of)
    return dict(zip(children["child_ref"], children["outcome"], strict=True))


@given(items=journeys, offset=as_of_days)
def test_every_outcome_matches_the_reference(build: Any, items: list[Journey], offset: int) -> None:
    as_of = BASE + timedelta(days=offset)
    expected = {
        f"c{number}": outcome
        for number, journey in enumerate(items)
        if (outcome := reference_aim_2(journey, as_of)) is not None
    }
    assert outcomes_at(build, items, as_of) == expected


@given(items=journeys, offset=as_of_days)
def test_the_categories_add_up(build: Any, items: list[Journey], offset: int) -> None:
    as_of = BASE + timedelta(days=offset)
    result = evaluate_aim(
        frame_of(build, items, as_of), AIM_2, as_of=as_of, granularity=Granularity.QUARTER
    )
    overall = result.overall
    assert overall.met + overall.not_met + overall.pending + overall.stopped == overall.counted
    assert overall.not_met == (
        overall.reached_late + overall.waiting_over_target + overall.left_after_target
    )
    assert AimFigures.total(period.figures for period in result.periods) == overall
    assert result.children.height == overall.counted
    if overall.known:
        assert overall.percent_met is not None
        assert 0 <= overall.percent_met <= 100


@given(items=journeys, first=as_of_days, extra=st.integers(0, 600))
def test_a_later_as_of_never_undoes_met(
    build: Any, items: list[Journey], first: int, extra: int
) -> None:
    earlier = BASE + timedelta(days=first)
    later = earlier + timedelta(days=extra)
    before, after = outcomes_at(build, items, earlier), outcomes_at(build, items, later)
    for child, outcome in before.items():
        assert child in after  # nobody counted disappears
        if outcome == "met":
            assert after[child] == "met"
        if outcome == "not_met":
            assert after[child] == "not_met"  # a known outcome stays known


@given(
    journey=st.builds(
        Journey,
        start=st.integers(0, 900),
        recommended_after=st.integers(0, 400),
        left_after=st.none() | st.integers(0, 400),
    ),
    sooner_by=st.integers(1, 400),
    offset=as_of_days,
)
def test_an_earlier_milestone_is_never_worse(
    build: Any, journey: Journey, sooner_by: int, offset: int
) -> None:
    assert journey.recommended_after is not None
    sooner = Journey(
        journey.start, max(0, journey.recommended_after - sooner_by), journey.left_after
    )
    as_of = BASE + timedelta(days=offset)
    later_frame = frame_of(build, [journey], as_of)
    sooner_frame = frame_of(build, [sooner], as_of)
    later = aim_children(later_frame, AIM_2, as_of=as_of).rows(named=True)
    soon = aim_children(sooner_frame, AIM_2, as_of=as_of).rows(named=True)
    assert len(later) == len(soon)
    for slow, fast in zip(later, soon, strict=True):
        if slow["end_date"] is not None:
            assert fast["days_waited"] <= slow["days_waited"]
        if slow["outcome"] == "met":
            assert fast["outcome"] == "met"
        if slow["outcome"] == "pending":
            assert fast["outcome"] in {"met", "pending"}


# ---------------------------------------------------------------------------------------
# Aim 1 against its own reference


@dataclass(frozen=True)
class Order:
    start: int  # days after BASE the order at home began
    hearings: tuple[int, ...]  # days after the start that Children's Hearings were held
    reviews: tuple[int, ...]  # days after the start that Looked After Child reviews were held
    ended_after: int | None  # days after the start the order ended


orders = st.lists(
    st.builds(
        Order,
        start=st.integers(0, 500),
        hearings=st.lists(st.integers(0, 1200), max_size=4, unique=True).map(
            lambda days: tuple(sorted(days))
        ),
        reviews=st.lists(st.integers(0, 1200), max_size=4, unique=True).map(
            lambda days: tuple(sorted(days))
        ),
        ended_after=st.none() | st.integers(0, 1200),
    ),
    min_size=1,
    max_size=8,
)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def reference_aim_1(order: Order, as_of: date) -> str | None:
    """docs/aims.md, Aim 1: orders in force at their two-year point; met once a Children's
    Hearing on or after the point (or the order's end after it); Looked After Child reviews
    do not count."""
    start = BASE + timedelta(days=order.start)
    point = add_years(start, 2)
    ended = None if order.ended_after is None else start + timedelta(order.ended_after)
    if ended is not None and ended > as_of:
        ended = None  # not yet known at as_of
    if start > as_of or point > as_of or (ended is not None and ended <= point):
        return None
    held = [start + timedelta(days) for days in order.hearings]
    if any(point <= day <= as_of for day in held) or ended is not None:
        return "met"
    return "pending" if as_of == point else "not_met"


@given(items=orders, offset=st.integers(700, 1900))
def test_aim_1_matches_the_reference(build: Any, items: list[Order], offset: int) -> None:
    as_of = BASE + timedelta(days=offset)
    children = []
    for number, order in enumerate(items):
        start = BASE + timedelta(days=order.start)
        ended = None if order.ended_after is None else start + timedelta(order.ended_after)
        child = build.Child(f"c{number}", start, placements=[("home", start)])
        child.legal_statuses.append(("cso_home", start, ended))
        for review_number, days in enumerate(order.reviews, start=1):
            child.meetings.append(("review", start + timedelta(days), review_number))
        for days in order.hearings:
            child.meetings.append(("hearing", start + timedelta(days), None))
        children.append(child)
    frame = build.journeys(children, as_of)
    got = aim_children(frame, AIM_1, as_of=as_of)
    expected = {
        f"c{number}": outcome
        for number, order in enumerate(items)
        if (outcome := reference_aim_1(order, as_of)) is not None
    }
    assert dict(zip(got["child_ref"], got["outcome"], strict=True)) == expected
