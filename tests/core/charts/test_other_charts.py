"""Survival curves, control charts, the aim's trend, where children wait, process measures."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from permanence.analysis.aims import AIM_2, local_aim
from permanence.analysis.aims_outcomes import evaluate_aim
from permanence.analysis.control import analyse_control_chart
from permanence.analysis.periods import Granularity
from permanence.analysis.process_measures import planning_72h_in_time
from permanence.analysis.stages import GroupBy, stage_table
from permanence.analysis.survival import entry_cohort_survival
from permanence.charts import (
    aim_p_chart,
    aim_trend_chart,
    control_chart,
    process_measure_chart,
    stages_chart,
    survival_chart,
)
from permanence.charts.signals import NO_SIGNAL


def layer_with(chart, mark: str, field: str | None = None):
    for layer in chart.spec["layer"]:
        if layer["mark"].get("type") != mark:
            continue
        if field is None or layer["encoding"].get("y", {}).get("field") == field:
            return layer
    raise AssertionError(f"no {mark} layer")


# ---- survival -------------------------------------------------------------------------


def test_survival_curve_matches_a_hand_worked_kaplan_meier(build):
    start = date(2023, 3, 1)
    kids = [
        build.Kid("SECRET-1", start, start + timedelta(days=7)),
        build.Kid("SECRET-2", start, start + timedelta(days=14)),
        build.Kid("SECRET-3", start),  # still waiting
        build.Kid("SECRET-4", start, left=start + timedelta(days=21)),  # left without one
    ]
    frame = build.frame_of(kids, as_of=date(2023, 4, 30))
    result = entry_cohort_survival(
        frame, start="accommodated_date", end="recommendation_date", target_weeks=26
    )
    chart = survival_chart(result)
    percent = next(c for c in chart.data.columns if c.startswith("Percentage"))
    by_week = dict(
        zip(
            chart.data.get_column("Week").to_list(),
            chart.data.get_column(percent).to_list(),
            strict=False,
        )
    )
    # 4 at risk, 1 reached on day 7: 25%; 3 at risk, 1 on day 14: 1 - 3/4 × 2/3 = 50%.
    assert by_week[0] == 0
    assert by_week[1] == 25
    assert by_week[2] == 50
    assert by_week[3] == 50
    assert chart.data.columns[0] == "Accommodated in"
    line = layer_with(chart, "line")
    assert line["mark"]["interpolate"] == "step-after"
    assert line["encoding"]["strokeDash"]["field"] == line["encoding"]["color"]["field"]
    assert "half had a recommendation by week 2" in chart.alt_text
    assert "run chart shows only the children who have had a decision" in chart.caption


def test_survival_draws_the_latest_six_cohorts_and_the_target(synthetic):
    result = entry_cohort_survival(
        synthetic, start="accommodated_date", end="recommendation_date", target_weeks=26
    )
    chart = survival_chart(result)
    cohorts = result.summary.get_column("cohort").to_list()
    drawn = chart.data.get_column("Accommodated in").unique().sort().to_list()
    assert drawn == sorted(cohorts[-6:])
    expected_rows = result.curves.filter(
        pl.col("cohort").is_in(cohorts[-6:]) & pl.col("percent_reached").is_not_null()
    ).height
    assert chart.data.height == expected_rows
    target = layer_with(chart, "rule")
    assert target["data"]["values"][0]["target"] == 26
    assert "26-week target" in chart.alt_text
    if len(cohorts) > 6:
        assert "not drawn" in chart.alt_text


def test_an_aims_survival_curve_follows_its_own_children_and_its_target(synthetic):
    from permanence.analysis.aims import AIM_1
    from permanence.charts import aim_survival_chart

    result = evaluate_aim(synthetic, AIM_2, granularity=Granularity.YEAR)
    chart = aim_survival_chart(result)
    assert chart is not None and chart.name == "aim_2-survival"
    assert layer_with(chart, "rule")["data"]["values"][0]["target"] == 26
    # The lines are the years the aim's own children started in (the latest six).
    years = sorted({day.year for day in result.children.get_column("start_date").to_list()})
    drawn = sorted(chart.data.get_column("Accommodated in").unique().to_list())
    assert [int(str(year)[:4]) for year in drawn] == years[-6:]
    # An aim counting orders that have already lasted two years has no wait to follow.
    assert aim_survival_chart(evaluate_aim(synthetic, AIM_1)) is None


# ---- control charts -------------------------------------------------------------------


def test_p_chart_limits_are_the_textbook_ones_and_the_outlier_is_marked():
    numerators = [10.0] * 12 + [24.0]
    denominators = [20.0] * 12 + [25.0]
    result = analyse_control_chart(
        "p", numerators=numerators, denominators=denominators, baseline_n=12
    )
    quarters = [date(2021 + i // 4, 3 * (i % 4) + 1, 1) for i in range(13)]
    chart = control_chart(
        result,
        quarters,
        name="p",
        title="A P chart",
        y_title="Percentage",
        numerators=numerators,
        denominators=denominators,
    )
    # By hand: p̄ = 0.5; limits 0.5 ± 3 √(0.25 / n): n = 20 gives ±0.3354, n = 25 ±0.3.
    upper = chart.data.get_column("Upper limit").to_list()
    lower = chart.data.get_column("Lower limit").to_list()
    assert upper[0] == round(100 * (0.5 + 3 * np.sqrt(0.25 / 20)), 2)
    assert lower[0] == round(100 * (0.5 - 3 * np.sqrt(0.25 / 20)), 2)
    assert upper[-1] == 80.0
    assert set(chart.data.get_column("Centre line").to_list()) == {50.0}
    values = layer_with(chart, "point")["data"]["values"]
    assert [i for i, v in enumerate(values) if v["signal"] != NO_SIGNAL] == [12]
    assert values[12]["signal"] == "Above the upper limit"
    shape = layer_with(chart, "point")["encoding"]["shape"]["scale"]
    assert dict(zip(shape["domain"], shape["range"], strict=True))[values[12]["signal"]] == (
        "triangle-up"
    )
    assert "A point above the upper limit" in chart.alt_text
    assert "fewer than 20" in chart.alt_text
    assert "fewer than 20" in chart.caption


def test_control_chart_triangles_point_up_above_the_upper_limit_and_down_below_the_lower():
    # An I chart of 20s with one 60 and one -20: by hand the mean is 20 (the two cancel),
    # the moving ranges average (40 + 40 + 40 + 40) / 19, so the limits are 20 ± 2.66 x 8.4
    # = 20 ± 22.4: 60 is above the upper limit, -20 below the lower.
    values = [20.0] * 5 + [60.0] + [20.0] * 6 + [-20.0] + [20.0] * 7
    result = analyse_control_chart("i", values)
    days = [date(2023, 1, 1) + timedelta(days=30 * i) for i in range(len(values))]
    chart = control_chart(result, days, name="i", title="I", y_title="Days")
    points = layer_with(chart, "point")
    shapes = dict(
        zip(
            points["encoding"]["shape"]["scale"]["domain"],
            points["encoding"]["shape"]["scale"]["range"],
            strict=True,
        )
    )
    signal = {i: v["signal"] for i, v in enumerate(points["data"]["values"])}
    assert signal[5] == "Above the upper limit"
    assert signal[12] == "Below the lower limit"
    assert shapes[signal[5]] == "triangle-up"
    assert shapes[signal[12]] == "triangle-down"


@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=2, max_size=50))
def test_control_chart_marks_exactly_the_analysis_signals(values):
    result = analyse_control_chart("i", values)
    days = [date(2020, 1, 1) + timedelta(days=30 * i) for i in range(len(values))]
    chart = control_chart(result, days, name="i", title="An I chart", y_title="Days")
    plotted = layer_with(chart, "point")["data"]["values"]
    marked = {i for i, v in enumerate(plotted) if v["signal"] != NO_SIGNAL}
    assert marked == {int(p) for s in result.signals for p in s.points}
    assert chart.data.height == len(values)
    assert ("No signal" in chart.alt_text) == (not result.signals)


def test_aim_p_chart_counts_met_among_known_per_quarter(synthetic):
    result = evaluate_aim(synthetic, AIM_2, granularity=Granularity.QUARTER)
    chart = aim_p_chart(result, improvement_start=date(2022, 10, 1))
    known = [p for p in result.periods if p.figures.known]
    assert chart.data.get_column("Met").to_list() == [float(p.figures.met) for p in known]
    assert chart.data.get_column("Counted").to_list() == [float(p.figures.known) for p in known]
    expected = [round(100 * p.figures.met / p.figures.known, 2) for p in known]
    assert chart.data.get_column("Percentage who met the aim").to_list() == expected


# ---- the aim's trend ------------------------------------------------------------------


def test_trend_percent_per_period_and_few_children_flagged(build):
    kids = [
        build.Kid("SECRET-1", date(2023, 2, 1), date(2023, 5, 1)),  # 12.7 weeks: met
        build.Kid("SECRET-2", date(2023, 3, 1), date(2023, 6, 1)),  # met
        build.Kid("SECRET-3", date(2023, 4, 1), date(2024, 4, 1)),  # not met
        build.Kid("SECRET-4", date(2024, 2, 1)),  # still waiting, over target
    ]
    aim = local_aim(
        "recommendation",
        id="local",
        title="Local aim",
        by_date=date(2026, 3, 31),
        start_on_or_after=date(2023, 1, 1),
        target_percent=80,
    )
    chart = aim_trend_chart(evaluate_aim(build.frame_of(kids), aim))
    table = chart.data
    assert table.get_column("Accommodated in").to_list() == ["2023", "2024"]
    assert table.get_column("Percentage who met the aim").to_list() == [66.7, 0.0]
    assert table.get_column("Few children").to_list() == ["Yes", "Yes"]
    bar = layer_with(chart, "bar")
    assert bar["encoding"]["strokeDash"]["field"] == "few_text"
    assert bar["encoding"]["fillOpacity"]["field"] == "few_text"
    target = layer_with(chart, "rule")
    assert target["data"]["values"][0]["target"] == 80
    assert "2023: 67% of 3 (few)" in chart.alt_text
    assert "Pale bars with a dashed outline" in " ".join(chart.spec["title"]["subtitle"])


# ---- where children wait --------------------------------------------------------------


def test_stages_ranked_by_share_with_the_analysis_figures(synthetic):
    result = stage_table(synthetic)
    chart = stages_chart(result)
    ranked = [s for s in result.overall.ranked() if s.share > 0]
    assert chart.data.get_column("Stage").to_list() == [s.label for s in ranked]
    assert chart.data.get_column("Median days").to_list() == [s.median for s in ranked]
    assert chart.data.get_column("Rank").to_list() == sorted(s.rank for s in ranked)
    point = layer_with(chart, "point")
    assert point["encoding"]["y"]["sort"] == [s.label for s in ranked]
    assert f"1. {ranked[0].label}" in chart.alt_text
    labels = json.dumps(chart.spec, ensure_ascii=False)
    assert re.search(r"median \d+ days · ", labels)
    assert "days days" not in labels


def test_stages_by_period_compare_groups_by_colour_and_shape(synthetic):
    result = stage_table(synthetic, by=GroupBy.PERIOD)
    chart = stages_chart(result, by_group=True)
    point = layer_with(chart, "point")
    assert point["encoding"]["color"]["field"] == "group"
    assert point["encoding"]["shape"]["field"] == "group"
    groups = chart.data.get_column("Accommodated in").unique().to_list()
    assert len(groups) == min(6, len(result.groups))


@pytest.mark.parametrize("by", [GroupBy.PERIOD, GroupBy.TEAM])
def test_each_bar_by_year_or_team_says_which_year_or_team(synthetic, by):
    result = stage_table(synthetic, by=by)
    chart = stages_chart(result, by_group=True)
    words = next(
        layer
        for layer in chart.spec["layer"]
        if layer["mark"]["type"] == "text" and layer["encoding"]["text"]["field"] == "text"
    )
    rows = words["data"]["values"]
    assert rows and all(row["text"].startswith(f"{row['group']}: ") for row in rows)
    assert all(row["aria"].startswith(f"{row['group']}: ") for row in rows)
    # All children together: one group, so no bar needs to say which.
    plain = stages_chart(stage_table(synthetic))
    plain_rows = next(layer for layer in plain.spec["layer"] if layer["mark"]["type"] == "text")[
        "data"
    ]["values"]
    assert all(row["text"].startswith(("median", "none")) for row in plain_rows)


# ---- process measures -----------------------------------------------------------------


def test_process_measure_is_a_run_chart_of_the_monthly_percentage(synthetic):
    measure = planning_72h_in_time(synthetic)
    chart = process_measure_chart(
        measure,
        name="planning-72h",
        title="72-hour planning meetings held in time",
        what="children accommodated that month whose 72-hour meeting was held in time",
        target_percent=90,
    )
    assert chart.data.height == measure.height
    assert (
        chart.data.get_column("Percentage").to_list() == measure.get_column("percentage").to_list()
    )
    assert chart.data.get_column("Counted").to_list() == measure.get_column("denominator").to_list()
    assert "Each point is one month" in chart.alt_text
    assert "The aim is 90%" in chart.alt_text
    # Held in time is better higher: by hand, the months at or over 90%.
    met = int((measure.get_column("percentage") >= 90).sum())
    assert f"{met} of the {measure.height} months" in chart.alt_text
    assert chart.spec["title"]["subtitle"][0].startswith("Higher is better")


def test_an_aims_run_chart_is_read_aloud_the_same_for_the_overview_and_the_page(synthetic):
    from permanence.charts import ImprovementMarks, aim_run_sentences

    result = evaluate_aim(synthetic, AIM_2)
    marks = ImprovementMarks(start=date(2022, 1, 1))
    every = aim_run_sentences(result, marks)
    (one,) = aim_run_sentences(result, marks, headline_only=True)
    assert len(every) >= 2 and every[0].startswith("Before the improvement work began")
    assert one not in every[:1]  # the overview's sentence is the latest signal, not the baseline
    nobody = evaluate_aim(synthetic.clear(), AIM_2, as_of=date(2025, 3, 31))
    assert aim_run_sentences(nobody, marks) == [
        "No child has had a permanence recommendation yet, so there is no run chart to read."
    ]
