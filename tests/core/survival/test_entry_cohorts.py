"""Entry-cohort survival and competing routes from the journeys frame."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from permanence.analysis.survival import (
    SurvivalResult,
    entry_cohort_routes,
    entry_cohort_survival,
    follow_up,
    frame_as_of,
)
from permanence.analysis.survival_estimators import kaplan_meier
from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import SCHEMAS, JourneyTables

AS_OF = date(2024, 6, 30)

FRAME_SCHEMA = {
    "child_ref": pl.String,
    "accommodated_date": pl.Date,
    "recommendation_date": pl.Date,
    "recommendation_route": pl.String,
    "period_end": pl.Date,
    "as_of": pl.Date,
}


def _frame(rows: list[dict[str, Any]], as_of: date = AS_OF) -> pl.DataFrame:
    """The journeys-frame columns that survival reads (the rest play no part)."""
    return pl.DataFrame([{**row, "as_of": as_of} for row in rows], schema=FRAME_SCHEMA)


HAND_WORKED = _frame(
    [
        # 2023: reached on day 59 (return home)
        {"child_ref": "c1", "accommodated_date": date(2023, 1, 1),
         "recommendation_date": date(2023, 3, 1), "recommendation_route": "return_home"},
        # 2023: left care on day 89 without a recommendation (censored then)
        {"child_ref": "c2", "accommodated_date": date(2023, 2, 1), "period_end": date(2023, 5, 1)},
        # 2023: reached on day 315 (adoption)
        {"child_ref": "c3", "accommodated_date": date(2023, 3, 1),
         "recommendation_date": date(2024, 1, 10), "recommendation_route": "adoption"},
        # 2023: still waiting at as_of, day 273
        {"child_ref": "c4", "accommodated_date": date(2023, 10, 1)},
        # 2023: a recommendation dated before accommodation: dates out of order
        {"child_ref": "c5", "accommodated_date": date(2023, 4, 1),
         "recommendation_date": date(2023, 3, 1), "recommendation_route": "po"},
        # 2023: a recommendation after as_of is not yet known: waiting, day 422
        {"child_ref": "c6", "accommodated_date": date(2023, 5, 5),
         "recommendation_date": date(2024, 8, 1), "recommendation_route": "po"},
        # 2024: reached on day 28 (permanence order)
        {"child_ref": "c7", "accommodated_date": date(2024, 1, 15),
         "recommendation_date": date(2024, 2, 12), "recommendation_route": "po"},
        # 2024: still waiting, day 90
        {"child_ref": "c8", "accommodated_date": date(2024, 4, 1)},
        # never accommodated: not in the population at all
        {"child_ref": "c9"},
    ]
)  # fmt: skip


def _aim_2(frame: pl.DataFrame, **options: Any) -> SurvivalResult:
    return entry_cohort_survival(
        frame, start="accommodated_date", end="recommendation_date", **options
    )


def _summary(result: SurvivalResult, cohort: str) -> dict[str, Any]:
    rows = result.summary.filter(pl.col("cohort") == cohort).to_dicts()
    assert len(rows) == 1
    row: dict[str, Any] = rows[0]
    return row


def test_follow_up_classifies_every_child() -> None:
    data = follow_up(
        HAND_WORKED,
        start="accommodated_date",
        end="recommendation_date",
        stopped="period_end",
        as_of=AS_OF,
    )
    assert data.select("child_ref", "days", "reached", "follow_up").rows() == [
        ("c1", 59, True, "reached"),
        ("c2", 89, False, "stopped"),
        ("c3", 315, True, "reached"),
        ("c4", 273, False, "waiting"),
        ("c5", -31, False, "dates_out_of_order"),
        ("c6", 422, False, "waiting"),
        ("c7", 28, True, "reached"),
        ("c8", 90, False, "waiting"),
        ("c9", None, False, "not_started"),
    ]


def test_the_hand_worked_cohorts() -> None:
    result = _aim_2(HAND_WORKED, target_weeks=26)
    assert result.summary.get_column("cohort").to_list() == ["2023", "2024"]

    first = _summary(result, "2023")
    counts = {k: first[k] for k in ("n", "reached", "censored", "stopped", "waiting")}
    assert counts == {"n": 5, "reached": 2, "censored": 3, "stopped": 1, "waiting": 2}
    assert first["dates_out_of_order"] == 1
    # Days 59 (event), 89, 273 (censored), 315 (event), 422 (censored):
    # S(59) = 4/5; at day 315 two are at risk, S = 4/5 * 1/2 = 0.4. So a quarter and
    # half had both been reached by day 315 (not by day 59: only a fifth by then).
    assert first["days_to_quarter"] == 315
    assert first["days_to_half"] == 315
    assert first["days_to_three_quarters"] is None
    assert first["percent_by_target"] == pytest.approx(20.0)  # S(182) = 0.8
    assert first["followed_days"] == 422

    second = _summary(result, "2024")
    assert (second["n"], second["reached"], second["waiting"]) == (2, 1, 1)
    assert second["days_to_half"] == 28  # exactly half by day 28
    # Nobody in 2024 has been followed 26 weeks yet: the share by then is not known.
    assert second["percent_by_target"] is None


def test_the_weekly_curves_for_charts() -> None:
    curves = _aim_2(HAND_WORKED).curves
    assert curves.columns == [
        "cohort", "week", "survival", "lower", "upper", "at_risk",
        "percent_reached", "percent_lower", "percent_upper",
    ]  # fmt: skip
    first = curves.filter(pl.col("cohort") == "2023")
    assert first.get_column("week").to_list() == list(range(0, 422 // 7 + 1))
    week_9 = first.filter(pl.col("week") == 9).row(0, named=True)  # day 63
    assert week_9["survival"] == pytest.approx(0.8)
    assert week_9["percent_reached"] == pytest.approx(20.0)
    assert week_9["at_risk"] == 4
    assert week_9["percent_lower"] == pytest.approx(100 * (1 - week_9["upper"]))
    week_45 = first.filter(pl.col("week") == 45).row(0, named=True)  # day 315
    assert week_45["survival"] == pytest.approx(0.4)


def test_the_kaplan_meier_table_per_cohort() -> None:
    table = _aim_2(HAND_WORKED).table.filter(pl.col("cohort") == "2023")
    assert table.select("day", "at_risk", "events", "censored").rows() == [
        (59, 5, 1, 0),
        (89, 4, 0, 1),
        (273, 3, 0, 1),
        (315, 2, 1, 0),
        (422, 1, 0, 1),
    ]


def test_quarter_cohorts() -> None:
    result = _aim_2(HAND_WORKED, cohort="quarter")
    assert result.summary.get_column("cohort").to_list() == [
        "2023-Q1", "2023-Q2", "2023-Q4", "2024-Q1", "2024-Q2",
    ]  # fmt: skip
    labels = result.summary.get_column("cohort_label").to_list()
    assert labels[0] == "January to March 2023"
    # c5 (dates out of order) is counted in its quarter, not silently dropped.
    q2 = _summary(result, "2023-Q2")
    assert (q2["n"], q2["dates_out_of_order"]) == (1, 1)


def test_routes_compete_and_add_up_to_the_share_reached() -> None:
    routes = entry_cohort_routes(HAND_WORKED)
    assert routes.columns == ["cohort", "week", "route", "incidence", "percent"]
    first = routes.filter((pl.col("cohort") == "2023") & (pl.col("week") == 50))
    shares = dict(zip(first.get_column("route"), first.get_column("incidence"), strict=True))
    assert shares["return_home"] == pytest.approx(0.2)
    assert shares["adoption"] == pytest.approx(0.4)  # S(315-) = 0.8, then 1 of 2
    assert shares["kinship_order"] == shares["po"] == shares["poa"] == 0.0
    curves = _aim_2(HAND_WORKED).curves
    _assert_routes_add_up(routes, curves)


def _assert_routes_add_up(routes: pl.DataFrame, curves: pl.DataFrame) -> None:
    totals = routes.group_by("cohort", "week").agg(
        pl.col("percent").sum(), pl.col("percent").null_count().alias("unknown")
    )
    joined = curves.join(totals, on=["cohort", "week"], how="full", coalesce=True)
    assert joined.height == curves.height
    known = joined.filter(pl.col("percent_reached").is_not_null())
    np.testing.assert_allclose(known["percent"], known["percent_reached"], atol=1e-9)
    assert (joined.filter(pl.col("percent_reached").is_null())["unknown"] > 0).all()


def test_a_recommendation_without_a_known_route_is_counted_as_not_recorded() -> None:
    frame = _frame(
        [
            {"child_ref": "a", "accommodated_date": date(2023, 1, 1),
             "recommendation_date": date(2023, 2, 1)},
            {"child_ref": "b", "accommodated_date": date(2023, 1, 1),
             "recommendation_date": date(2023, 2, 12), "recommendation_route": "po"},
        ]
    )  # fmt: skip
    routes = entry_cohort_routes(frame).filter(pl.col("week") == 6)  # day 42: both reached
    shares = dict(zip(routes["route"], routes["incidence"], strict=True))
    assert shares["not_recorded"] == pytest.approx(0.5)
    assert shares["po"] == pytest.approx(0.5)


def test_an_empty_frame_gives_empty_tables() -> None:
    result = _aim_2(_frame([]), target_weeks=26)
    assert result.summary.is_empty()
    assert result.curves.is_empty()
    assert entry_cohort_routes(_frame([])).is_empty()


def test_a_frame_of_several_dates_is_refused() -> None:
    mixed = pl.concat(
        [_frame([{"child_ref": "a"}]), _frame([{"child_ref": "b"}], date(2020, 1, 1))]
    )
    with pytest.raises(ValueError, match="as_of"):
        frame_as_of(mixed)


# ---- from the real journeys frame --------------------------------------------------------


def _tables(**tables: list[dict[str, object]]) -> JourneyTables:
    return JourneyTables(
        **{name: pl.DataFrame(tables.get(name, []), schema=dict(SCHEMAS[name])) for name in SCHEMAS}
    )


def test_from_the_journeys_frame_left_care_is_censored_at_the_period_end() -> None:
    p1 = {"child_ref": "001", "period_start": date(2022, 1, 1)}
    p2 = {"child_ref": "002", "period_start": date(2022, 3, 1)}
    p3 = {"child_ref": "003", "period_start": date(2022, 6, 1)}
    tables = _tables(
        children=[
            {"child_ref": ref, "date_of_birth": date(2020, 1, 1)} for ref in ("001", "002", "003")
        ],
        care_periods=[
            {**p1, "team": "North"},
            {**p2, "period_end": date(2022, 9, 1), "destination": "home", "team": "North"},
            {**p3, "team": "South"},
        ],
        placements=[
            {**p1, "placement_type": "foster_la", "start_date": date(2022, 1, 10)},
            {**p2, "placement_type": "kinship", "start_date": date(2022, 3, 1)},
            {**p3, "placement_type": "home", "start_date": date(2022, 6, 1)},
        ],
        milestones=[
            {**p1, "milestone": "permanence_recommendation", "date": date(2022, 6, 1),
             "detail": "kinship_order"},
        ],
    )  # fmt: skip
    frame = build_journeys_frame(tables, date(2023, 1, 1), authority="X")
    result = _aim_2(frame, target_weeks=26)
    row = _summary(result, "2022")
    # 001 reached it after 142 days; 002 left care on day 184; 003 was never accommodated.
    assert (row["n"], row["reached"], row["stopped"], row["waiting"]) == (2, 1, 1, 0)
    table = result.table.select("day", "events", "censored").rows()
    assert table == [(142, 1, 0), ((date(2022, 9, 1) - date(2022, 3, 1)).days, 0, 1)]


# ---- random frames against a plain-Python reference ---------------------------------------


@st.composite
def random_frames(draw: st.DrawFn) -> pl.DataFrame:
    routes = st.sampled_from(["return_home", "kinship_order", "po", "poa", "adoption", None])
    rows = []
    for index in range(draw(st.integers(0, 40))):
        start = AS_OF - timedelta(days=draw(st.integers(-5, 900)))
        row: dict[str, Any] = {"child_ref": f"c{index}", "accommodated_date": start}
        if draw(st.booleans()):
            row["recommendation_date"] = start + timedelta(days=draw(st.integers(-3, 500)))
            row["recommendation_route"] = draw(routes)
        if draw(st.integers(0, 3)) == 0:
            row["period_end"] = start + timedelta(days=draw(st.integers(0, 500)))
        rows.append(row)
    return _frame(rows)


def _reference_durations(frame: pl.DataFrame) -> dict[str, tuple[list[int], list[bool]]]:
    """Each child's duration worked out one at a time from the definitions."""
    cohorts: dict[str, tuple[list[int], list[bool]]] = {}
    for row in frame.iter_rows(named=True):
        start, end, left = row["accommodated_date"], row["recommendation_date"], row["period_end"]
        if start is None or start > AS_OF:
            continue
        followed_until = left if left is not None and left <= AS_OF else AS_OF
        reached = end is not None and end <= followed_until
        days = ((end if reached else followed_until) - start).days
        if days < 0:
            continue
        durations, events = cohorts.setdefault(str(start.year), ([], []))
        durations.append(days)
        events.append(reached)
    return cohorts


@given(random_frames())
def test_each_cohort_is_kaplan_meier_of_its_childrens_durations(frame: pl.DataFrame) -> None:
    result = _aim_2(frame, target_weeks=26)
    reference = _reference_durations(frame)
    estimated = result.summary.filter(pl.col("n") > 0)
    assert sorted(estimated.get_column("cohort").to_list()) == sorted(reference)
    for cohort, (durations, events) in reference.items():
        expected = kaplan_meier(np.array(durations), np.array(events))
        table = result.table.filter(pl.col("cohort") == cohort)
        assert table.get_column("day").to_list() == expected.time.tolist()
        np.testing.assert_allclose(table.get_column("survival").to_numpy(), expected.survival)
        row = _summary(result, cohort)
        assert row["n"] == len(durations)
        assert row["reached"] == sum(events)
        assert row["days_to_half"] == expected.quantile(0.5).days


@given(random_frames())
def test_the_routes_add_up_to_the_share_reached_in_every_cohort(frame: pl.DataFrame) -> None:
    _assert_routes_add_up(entry_cohort_routes(frame), _aim_2(frame).curves)
