"""Generated data is internally consistent: issue 2's list, checked on many authorities.

The checks live in ``invariants.py``; the last tests here break a generated table on
purpose and show that each kind of check notices, so a check cannot pass by accident.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from permanence.journey.frame import FRAME_COLUMNS, build_journeys_frame
from permanence.journey.tables import JourneyTables
from permanence.synth import generate

from .conftest import END, authority
from .invariants import (
    all_violations,
    court_orders_without_agency_decision,
    dates_outside_life,
    frame_of,
    looked_after_at_eighteen,
    milestones_out_of_order,
    overlapping,
    unknown_codes,
)


def assert_consistent(tables: JourneyTables, end: date) -> None:
    found = all_violations(tables, end)
    assert not found, "\n".join(f"{name}:\n{rows.head(5)}" for name, rows in found.items())
    assert unknown_codes(tables) == {}


@pytest.mark.parametrize(
    ("children", "seed", "end", "years"),
    [
        (30, 1, END, 6.0),
        (600, 1, END, 6.0),
        (600, 2, date(2024, 2, 29), 6.0),
        (5_000, 3, END, 6.0),
        (2_000, 4, date(2019, 12, 31), 2.0),
        (2_000, 5, date(2030, 6, 30), 10.0),
    ],
)
def test_generated_authorities_are_internally_consistent(
    children: int, seed: int, end: date, years: float
) -> None:
    assert_consistent(generate(children, seed, end=end, years=years), end)


@settings(max_examples=min(settings().max_examples, 40), deadline=None)
@given(
    children=st.integers(min_value=30, max_value=400),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    end=st.dates(min_value=date(2012, 1, 1), max_value=date(2035, 12, 31)),
    years=st.floats(min_value=1.0, max_value=9.0),
    improvement_after=st.floats(min_value=-0.2, max_value=1.2),
)
def test_consistent_for_any_seed_size_and_calendar(
    children: int, seed: int, end: date, years: float, improvement_after: float
) -> None:
    # The improvement may start before the history (everyone improved) or after its end
    # (nobody is); the records must be consistent either way.
    history_days = round(years * 365.25)
    improvement_start = (
        end - timedelta(days=history_days) + timedelta(days=round(improvement_after * history_days))
    )
    tables = generate(children, seed, end=end, years=years, improvement_start=improvement_start)
    assert tables.children.height == children
    assert_consistent(tables, end)


def test_the_frame_builder_accepts_the_output() -> None:
    tables = authority(600, 1)
    frame = build_journeys_frame(tables, END, authority="SYN")
    assert frame.columns == list(FRAME_COLUMNS)
    assert frame.height == tables.care_periods.height
    # Every accommodated period has an accommodation date; at least some are waiting.
    assert frame.get_column("accommodated_date").drop_nulls().len() > 300
    assert (
        frame.filter(
            pl.col("accommodated_date").is_not_null() & pl.col("recommendation_date").is_null()
        ).height
        > 0
    )


def test_the_frame_can_be_built_as_of_an_earlier_date() -> None:
    tables = authority(600, 1)
    as_of = date(2022, 1, 1)
    frame = build_journeys_frame(tables, as_of, authority="SYN")
    assert frame.height == tables.care_periods.filter(pl.col("period_start") <= as_of).height
    assert frame.filter(pl.col("recommendation_date") > as_of).height == 0


# --- the checks themselves can fail ------------------------------------------------------


def _with(tables: JourneyTables, **frames: pl.DataFrame) -> JourneyTables:
    return JourneyTables(**{**dict(tables.items()), **frames})


def test_an_agency_decision_before_the_recommendation_is_caught() -> None:
    tables = authority(600, 1)
    milestones = tables.milestones
    decided = milestones.filter(pl.col("milestone") == "adm_decision").row(0, named=True)
    broken = milestones.with_columns(
        pl.when(
            (pl.col("child_ref") == decided["child_ref"]) & (pl.col("milestone") == "adm_decision")
        )
        .then(pl.date(2000, 1, 1))
        .otherwise(pl.col("date"))
        .alias("date")
    )
    frame = frame_of(_with(tables, milestones=broken), END)
    assert decided["child_ref"] in milestones_out_of_order(frame).get_column("child_ref")


def test_an_overlapping_placement_is_caught() -> None:
    tables = authority(600, 1)
    first = tables.placements.row(0, named=True)
    extra = pl.DataFrame(
        [{**first, "start_date": first["start_date"] + timedelta(days=1)}],
        schema=tables.placements.schema,
    )
    placements = pl.concat([tables.placements, extra])
    rows = overlapping(placements, ["child_ref", "period_start"], "start_date", "end_date")
    assert first["child_ref"] in rows.get_column("child_ref")


def test_a_date_after_the_end_is_caught() -> None:
    tables = authority(600, 1)
    late = tables.meetings.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit(END + timedelta(days=1)))
        .otherwise(pl.col("held_date"))
        .alias("held_date")
    )
    assert dates_outside_life(_with(tables, meetings=late), END).height == 1


def test_an_adoption_order_without_an_agency_decision_is_caught() -> None:
    tables = authority(5_000, 3)
    decisions = pl.col("milestone") == "adm_decision"
    without = tables.milestones.filter(~decisions)
    assert court_orders_without_agency_decision(_with(tables, milestones=without)).height > 0


def test_an_order_at_eighteen_is_caught() -> None:
    tables = authority(600, 1)
    order = tables.milestones.filter(pl.col("milestone") == "order_granted").row(0, named=True)
    older = tables.children.with_columns(
        pl.when(pl.col("child_ref") == order["child_ref"])
        .then(pl.lit(order["date"]).dt.offset_by("-18y"))
        .otherwise(pl.col("date_of_birth"))
        .alias("date_of_birth")
    )
    found = looked_after_at_eighteen(_with(tables, children=older), END)
    assert order["child_ref"] in found.get_column("child_ref")


def test_an_unknown_code_is_caught() -> None:
    tables = authority(600, 1)
    odd = tables.placements.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit("foster"))
        .otherwise(pl.col("placement_type"))
        .alias("placement_type")
    )
    assert unknown_codes(_with(tables, placements=odd)) == {"placements.placement_type": ["foster"]}
