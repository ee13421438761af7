"""The process map: hand-worked journeys, routes back, and every child in exactly one place."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from permanence.analysis.process_map import (
    OUTCOME_KEYS,
    PLACE_KEYS,
    STEP_KEYS,
    STEPS,
    map_children,
    places_on,
    process_map,
)

START = date(2024, 1, 1)
AS_OF = date(2025, 6, 30)


def test_every_count_and_duration_of_the_worked_example(build: Any) -> None:
    figures = process_map(build.five_children())
    assert figures.children == 5
    rows = {
        step.key: (
            step.entered,
            step.moved_on,
            step.median_days,
            None if step.p90_days is None else round(step.p90_days, 9),
            step.waiting_now,
        )
        for step in figures.steps
    }
    assert rows == {
        # days 3, 2, 5, 1 and 0 (E's meeting is dated before accommodation: day 0)
        "accommodated": (5, 5, 2.0, 4.2, 0),
        # A 37, B 28, D 49, E 20 moved on; C waits (24 days so far)
        "planning_72h": (5, 4, 32.5, 45.4, 1),
        "first_review": (3, 2, 60.0, 60.0, 1),  # A 60, B 60; E waits 160 days
        "recommendation": (2, 2, 30.0, 46.0, 0),  # A 50, B 10
        "panel": (1, 1, 20.0, 20.0, 0),
        "agency_decision": (1, 1, 30.0, 30.0, 0),
        "lodged": (1, 1, 100.0, 100.0, 0),
        "plan_reversed": (0, 0, None, None, 0),
        "returned_home": (1, 1, 300.0, 300.0, 0),  # home on day 100, order ended day 400
    }
    assert figures.step("planning_72h").waiting_median_days == 24
    assert figures.step("first_review").waiting_longest_days == 160
    assert {o.key: (o.children, o.median_days) for o in figures.outcomes} == {
        "return_home": (1, 400.0),
        "kinship_order": (0, None),
        "po": (1, 300.0),
        "poa": (0, None),
        "adoption": (0, None),
        "left_care": (1, 50.0),
    }
    flows = {(flow.source, flow.target): flow.children for flow in figures.flows}
    assert flows == {
        ("accommodated", "planning_72h"): 5,
        ("planning_72h", "first_review"): 3,
        ("planning_72h", "left_care"): 1,
        ("first_review", "recommendation"): 2,
        ("recommendation", "panel"): 1,
        ("recommendation", "returned_home"): 1,
        ("panel", "agency_decision"): 1,
        ("agency_decision", "lodged"): 1,
        ("lodged", "po"): 1,
        ("returned_home", "return_home"): 1,
    }
    # days: accommodated 11, 72-hour 158, first review 280, recommendation 60, panel 20,
    # agency 30, lodged 100, returned home 300: 959 in all. Half is 479.5: the return home
    # (300) and the first review (280) hold it.
    assert figures.step("returned_home").days_total == 300
    assert figures.step("first_review").share == 280 / 959
    assert [s.key for s in figures.steps if s.most_waiting] == ["first_review", "returned_home"]
    assert [s.key for s in figures.ranked][:3] == ["returned_home", "first_review", "planning_72h"]


def test_where_each_child_is_now_and_on_a_past_date(build: Any) -> None:
    frame = build.five_children()
    now = dict(map_children(frame).select("child_ref", "place").iter_rows())
    assert now == {
        "A": "po",
        "B": "return_home",
        "C": "planning_72h",
        "D": "left_care",
        "E": "first_review",
    }
    # 1 June 2024 (day 152 for A and B; day 92 for D, who left on day 50)
    then = dict(places_on(frame, date(2024, 6, 1)).select("child_ref", "place").iter_rows())
    assert then == {"A": "panel", "B": "returned_home", "D": "left_care"}


def test_a_childs_days_add_up_to_their_journey(build: Any) -> None:
    children = map_children(build.five_children())
    total = pl.sum_horizontal(pl.col(f"days_{key}").fill_null(0) for key in STEP_KEYS)
    journey = (
        pl.col("outcome_date").fill_null(AS_OF) - pl.col("accommodated_date")
    ).dt.total_days()
    assert dict(children.select("child_ref", total - journey).iter_rows()) == dict.fromkeys(
        "ABCDE", 0
    )


def test_routes_back(build: Any) -> None:
    # F went home on day 50 and came back into care on day 80: a return home that broke down.
    f = build.accommodated("F", START)
    f.placements += [("home", START + timedelta(50)), ("foster_la", START + timedelta(80))]
    # G's plan for a permanence order (day 60) was reversed on day 120.
    g = build.journey("G", START, planning_72h=2, recommendation=60)
    g.milestones.append(("decision_reversed", START + timedelta(120), "new assessment"))
    # H is home and stays home: not a return that broke down.
    h = build.journey("H", START, recommendation=30, route="return_home", returned_home=40)
    figures = process_map(build.journeys([f, g, h], AS_OF))
    back = figures.routes_back
    assert (back.broken_down_children, back.broken_down_returns) == (1, 1)
    assert (back.reversed_children, back.reversals) == (1, 1)
    now = dict(map_children(build.journeys([f, g, h], AS_OF)).select("child_ref", "place").rows())
    assert now == {"F": "accommodated", "G": "plan_reversed", "H": "returned_home"}
    reversed_step = figures.step("plan_reversed")
    assert (reversed_step.entered, reversed_step.waiting_now) == (1, 1)
    # G: day 60 to the reversal on day 120; H: day 30 to home on day 40
    assert figures.step("recommendation").median_days == (60 + 10) / 2


def test_an_empty_frame_has_an_empty_map(build: Any) -> None:
    figures = process_map(build.journeys([], AS_OF), as_of=AS_OF)
    assert figures.children == 0
    assert all(step.entered == 0 and step.share == 0 for step in figures.steps)
    assert figures.flows == ()


# ---------------------------------------------------------------------------------------
# Every child in exactly one place at any date

BASE = date(2020, 1, 1)
HORIZON = 400
DATE_COLUMNS = [
    *(step.column for step in STEPS[1:]),
    "court_order_date",
    "supervision_ended_date",
    "period_end",
]

offsets = st.one_of(st.none(), st.integers(min_value=-10, max_value=HORIZON))
journeys = st.lists(
    st.fixed_dictionaries(
        {
            "start": st.integers(min_value=0, max_value=HORIZON),
            **dict.fromkeys(DATE_COLUMNS, offsets),
            "court_order_type": st.sampled_from(["po", "poa", "adoption", "kinship_order", None]),
            "destination": st.sampled_from(["home", "adoption", "other", "kinship_order", None]),
            "reversal_count": st.integers(min_value=0, max_value=2),
            "home_returns_count": st.integers(min_value=0, max_value=2),
        }
    ),
    min_size=1,
    max_size=25,
)


def _frame(rows: list[dict[str, Any]], as_of: date) -> pl.DataFrame:
    def day(offset: int | None, start: int) -> date | None:
        return None if offset is None else BASE + timedelta(days=start + offset)

    return pl.DataFrame(
        [
            {
                "authority": "T",
                "child_ref": f"c{index}",
                "period_number": 1,
                "accommodated_date": BASE + timedelta(days=row["start"]),
                **{column: day(row[column], row["start"]) for column in DATE_COLUMNS},
                "court_order_type": row["court_order_type"],
                "destination": row["destination"],
                "reversal_count": row["reversal_count"],
                "home_returns_count": row["home_returns_count"],
                "as_of": as_of,
            }
            for index, row in enumerate(rows)
        ],
        schema_overrides={
            "accommodated_date": pl.Date,
            **dict.fromkeys(DATE_COLUMNS, pl.Date),
            "court_order_type": pl.String,
            "destination": pl.String,
        },
    )


def _reference_place(row: dict[str, Any], on: date) -> str:
    """Where a child is on a date, worked out on its own: its outcome if reached, else the
    furthest step in the journey's order whose milestone has happened."""
    start = row["accommodated_date"]

    def happened(column: str) -> date | None:
        value = row[column]
        return None if value is None or value > on else max(value, start)

    ends = {
        "court": happened("court_order_date"),
        "hearing": happened("supervision_ended_date"),
        "end": happened("period_end"),
    }
    reached = [when for when in ends.values() if when is not None]
    if reached:
        first = min(reached)
        if ends["court"] == first:
            kind = row["court_order_type"]
            return kind if kind in {"po", "poa", "adoption", "kinship_order"} else "left_care"
        if ends["hearing"] == first:
            return "return_home"
        return {
            "home": "return_home",
            "kinship_order": "kinship_order",
            "adoption": "adoption",
        }.get(row["destination"], "left_care")
    return [step.key for step in STEPS if happened(step.column) is not None][-1]


@settings(max_examples=80, deadline=None)
@given(journeys, st.integers(min_value=0, max_value=2 * HORIZON))
def test_every_child_is_in_exactly_one_place_at_any_date(
    rows: list[dict[str, Any]], day: int
) -> None:
    as_of = BASE + timedelta(days=2 * HORIZON)
    frame = _frame(rows, as_of)
    on = BASE + timedelta(days=day)
    places = places_on(frame, on)
    accommodated = frame.filter(pl.col("accommodated_date") <= on)
    # exactly one place for every child accommodated by then, and no one else
    assert places.height == accommodated.height
    assert places.get_column("child_ref").n_unique() == places.height
    assert set(places.get_column("place")) <= set(PLACE_KEYS)
    expected = {
        row["child_ref"]: _reference_place(row, on) for row in accommodated.iter_rows(named=True)
    }
    assert dict(places.select("child_ref", "place").iter_rows()) == expected

    # The map at as_of agrees: the children at each step on that day are those whose path
    # entered it on or before the day and left it after.
    children = map_children(frame)
    for step in STEP_KEYS:
        entered = pl.col(f"entered_{step}")
        left = entered + pl.duration(days=pl.col(f"days_{step}"))
        there = children.filter((entered <= on) & ((left > on) | pl.col(f"next_{step}").is_null()))
        assert sorted(there.get_column("child_ref")) == sorted(
            ref for ref, place in expected.items() if place == step
        )

    # The counts add up: waiting now and outcomes are every child; each step's entries are
    # those who moved on and those waiting; what flows out of a step is who moved on, and
    # what flows in is who entered (every child enters at accommodation).
    figures = process_map(frame)
    assert figures.waiting_now + sum(o.children for o in figures.outcomes) == figures.children
    for step in figures.steps:
        assert step.entered == step.moved_on + step.waiting_now
        out = sum(flow.children for flow in figures.flows if flow.source == step.key)
        into = sum(flow.children for flow in figures.flows if flow.target == step.key)
        assert out == step.moved_on
        assert into + (figures.children if step.key == "accommodated" else 0) == step.entered
    for outcome in figures.outcomes:
        into = sum(flow.children for flow in figures.flows if flow.target == outcome.key)
        assert into == outcome.children
    assert set(OUTCOME_KEYS) == {o.key for o in figures.outcomes}
