"""The run charts: what they plot, what they pick out, and what they say.

Every expectation is worked out independently of the chart code: from the dates of
hand-built children, from the published rule (6 in a row on one side of the median is a
shift), or from the analysis module the chart claims to draw.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from permanence.analysis.aims import AIM_2
from permanence.analysis.aims_outcomes import evaluate_aim
from permanence.analysis.runchart import analyse_run_chart
from permanence.charts import (
    Annotation,
    AnnotationKind,
    aim_run_chart,
    headline,
    run_chart,
    series_run_chart,
)
from permanence.charts.runchart import AIM_WORDS
from permanence.charts.signals import NO_SIGNAL


def points_layer(spec: dict[str, Any]) -> dict[str, Any]:
    """The layer that draws the points: the one encoding a signal's shape."""
    (layer,) = [layer for layer in spec["layer"] if "shape" in layer.get("encoding", {})]
    return layer


def point_values(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return points_layer(spec)["data"]["values"]


# ---- the aim's run chart on hand-built children ---------------------------------------


def test_each_child_with_a_recommendation_is_one_dot_at_its_date_and_wait(build):
    kids = [
        build.Kid("SECRET-A", date(2024, 1, 1), date(2024, 7, 1)),  # 182 days: 26 weeks
        build.Kid("SECRET-B", date(2024, 2, 1), date(2024, 3, 14)),  # 42 days: 6 weeks
        build.Kid("SECRET-C", date(2024, 3, 1)),  # still waiting: not a dot
        build.Kid("SECRET-D", date(2023, 6, 1), date(2024, 1, 1), left=date(2024, 2, 1)),
    ]
    chart = aim_run_chart(evaluate_aim(build.frame_of(kids), AIM_2))
    values = point_values(chart.spec)
    # In time order of the recommendation: D (1 Jan), B (14 Mar), A (1 Jul).
    assert [v["date"] for v in values] == ["2024-01-01", "2024-03-14", "2024-07-01"]
    expected_weeks = [(date(2024, 1, 1) - date(2023, 6, 1)).days / 7, 6.0, 26.0]
    assert [v["value"] for v in values] == [round(w, 3) for w in expected_weeks]
    # The table holds exactly the plotted points, with plain headings.
    assert chart.data.height == 3
    assert chart.data.get_column("Date of the permanence recommendation").to_list() == [
        date(2024, 1, 1),
        date(2024, 3, 14),
        date(2024, 7, 1),
    ]
    weeks_column = next(c for c in chart.data.columns if c.startswith("Weeks waited"))
    assert np.allclose(chart.data.get_column(weeks_column).to_numpy(), expected_weeks)
    assert "Date accommodated" in chart.data.columns


def test_the_baseline_median_is_frozen_before_the_improvement_start_and_extended(build):
    frame = build.frame_of(build.shift_kids())
    chart = aim_run_chart(evaluate_aim(frame, AIM_2), improvement_start=build.IMPROVEMENT_START)
    medians = chart.data.get_column("Median").to_list()
    baseline = float(np.median(build.BASELINE_WEEKS))  # 52, by hand
    assert baseline == 52
    assert medians == [baseline] * len(medians)
    median_layer = next(
        layer
        for layer in chart.spec["layer"]
        if layer.get("mark", {}).get("interpolate") == "step-after"
    )
    parts = {row["part"] for row in median_layer["data"]["values"]}
    assert parts == {"baseline", "extended"}


def test_a_shift_is_picked_out_by_shape_and_colour_and_named(build):
    frame = build.frame_of(build.shift_kids())
    chart = aim_run_chart(evaluate_aim(frame, AIM_2), improvement_start=build.IMPROVEMENT_START)
    values = point_values(chart.spec)
    flagged = [i for i, v in enumerate(values) if v["signal"] != NO_SIGNAL]
    # The 9 children after the change all waited less than 52 weeks: points 12 to 20.
    assert flagged == list(range(12, 21))
    # Waits are better shorter: a shift below the median is an improvement.
    assert {values[i]["signal"] for i in flagged} == {"Shift (improvement)"}
    encoding = points_layer(chart.spec)["encoding"]
    shapes = dict(
        zip(encoding["shape"]["scale"]["domain"], encoding["shape"]["scale"]["range"], strict=True)
    )
    colours = dict(
        zip(encoding["color"]["scale"]["domain"], encoding["color"]["scale"]["range"], strict=True)
    )
    assert shapes["Shift (improvement)"] != shapes[NO_SIGNAL]
    assert colours["Shift (improvement)"] != colours[NO_SIGNAL]
    assert encoding["shape"]["legend"]["title"] == "Signal"
    assert "Signal" in [tip["title"] for tip in encoding["tooltip"]]
    assert chart.data.get_column("Signal").to_list()[12:] == ["Shift (improvement)"] * 9


def test_the_words_say_what_the_pace_chart_says(build):
    frame = build.frame_of(build.shift_kids())
    chart = aim_run_chart(evaluate_aim(frame, AIM_2), improvement_start=build.IMPROVEMENT_START)
    assert "Before the improvement work began in March 2023 the median wait was 52 weeks" in (
        chart.alt_text
    )
    assert (
        "Since the improvement work began in March 2023, the last 9 children in a row waited "
        "less than the baseline median: a shift, an improvement." in chart.alt_text
    )
    assert chart.caption.endswith("a shift, an improvement.")
    assert chart.spec["title"]["subtitle"][0].startswith("Lower is better.")
    assert chart.spec["description"] == chart.alt_text
    assert "Each dot is a child who had a permanence recommendation" in chart.alt_text


def test_no_signal_is_said_in_words(build):
    weeks = [40, 60, 58, 45, 42, 55, 62, 44, 47, 59, 41, 57, 63, 46]  # 9 runs: 4 to 12 expected
    chart = aim_run_chart(
        evaluate_aim(build.frame_of(build.kids_waiting(weeks, start=date(2023, 1, 2))), AIM_2)
    )
    assert "no signal" in chart.alt_text.lower()
    assert {v["signal"] for v in point_values(chart.spec)} == {NO_SIGNAL}


def test_annotations_appear_on_the_chart_in_the_key_and_in_words(build):
    frame = build.frame_of(build.shift_kids())
    annotations = [
        Annotation(date(2023, 3, 1), "2-week planning meeting"),
        Annotation(date(2023, 3, 8), "Legal advice request form", AnnotationKind.PDSA),
        Annotation(date(2023, 6, 1), "Review dates set at accommodation", "change"),
    ]
    chart = aim_run_chart(
        evaluate_aim(frame, AIM_2),
        improvement_start=build.IMPROVEMENT_START,
        annotations=annotations,
    )
    markers = [
        layer
        for layer in chart.spec["layer"]
        if layer.get("mark", {}).get("type") == "text"
        and layer["encoding"].get("text", {}).get("field") == "number"
    ]
    assert len(markers) == 1
    rows = markers[0]["data"]["values"]
    assert [row["label"] for row in rows] == [a.label for a in annotations]
    assert [row["number"] for row in rows] == ["1", "2", "3"]
    # Two tests a week apart would overlap: the second drops to another row.
    assert rows[0]["marker_y"] != rows[1]["marker_y"]
    key = " ".join(chart.spec["title"]["subtitle"])
    assert "1 2-week planning meeting" in key and "3 Review dates set" in key
    assert "Review dates set at accommodation (change implemented, June 2023)" in chart.alt_text
    # The improvement start is a red rule with words beside it.
    red = [
        layer for layer in chart.spec["layer"] if layer.get("mark", {}).get("color") == "#d32205"
    ]
    assert any(layer["mark"]["type"] == "rule" for layer in red)
    assert any("The improvement work began (Mar 2023)" in json.dumps(layer) for layer in red)


def test_the_aim_line_is_green_at_the_target(build):
    frame = build.frame_of(build.shift_kids())
    chart = aim_run_chart(evaluate_aim(frame, AIM_2))
    rules = [
        layer
        for layer in chart.spec["layer"]
        if layer.get("mark", {}).get("type") == "rule" and layer["mark"].get("color") == "#428542"
    ]
    assert [layer["data"]["values"][0]["target"] for layer in rules] == [26]


# ---- privacy ----------------------------------------------------------------------------


def test_no_child_reference_leaves_unless_the_caller_makes_it_the_label(build, with_pseudonyms):
    frame = build.frame_of(build.shift_kids())
    result = evaluate_aim(frame, AIM_2)
    refs = result.children.get_column("child_ref").to_list()
    joined = result.children.join(with_pseudonyms, on="child_ref", how="left")

    plain = aim_run_chart(result)
    named = aim_run_chart(result, children=joined, label="pseudonym", href="link")
    for chart in (plain, named):
        text = chart.to_json() + chart.to_csv() + chart.alt_text
        assert not any(ref in text for ref in refs)
        assert "child_ref" not in text
        assert "child_ref" not in chart.data.columns
    pseudonyms = joined.get_column("pseudonym").to_list()
    assert all(p in named.to_json() for p in pseudonyms)
    assert not any(p in plain.to_json() for p in pseudonyms)
    assert named.data.get_column("Child").to_list()[0].startswith("P")
    assert points_layer(named.spec)["encoding"]["href"] == {"field": "href", "type": "nominal"}
    assert "href" not in points_layer(plain.spec)["encoding"]

    # A caller who chooses the reference as the label gets it, and only then.
    own = aim_run_chart(result, label="child_ref")
    assert all(ref in own.to_json() for ref in refs)


def test_a_null_link_leaves_a_dot_unclickable(build, with_pseudonyms):
    frame = build.frame_of(build.shift_kids())
    result = evaluate_aim(frame, AIM_2)
    joined = result.children.join(with_pseudonyms, on="child_ref").with_columns(
        pl.lit(None, dtype=pl.String).alias("link")
    )
    chart = aim_run_chart(result, children=joined, label="pseudonym", href="link")
    assert {v["href"] for v in point_values(chart.spec)} == {None}


# ---- recorded decisions ----------------------------------------------------------------


def ring_layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        layer
        for layer in spec["layer"]
        if layer.get("mark", {}).get("type") == "point" and layer["mark"].get("filled") is False
    ]


def test_a_purposeful_delay_rings_its_childs_dot_and_is_read_like_any_other(build):
    kids = [
        build.Kid("SECRET-A", date(2024, 1, 1), date(2024, 7, 1)),
        build.Kid("SECRET-B", date(2023, 6, 1), date(2024, 5, 1)),  # 48 weeks
        build.Kid("SECRET-C", date(2024, 2, 1), date(2024, 3, 14)),
    ]
    result = evaluate_aim(build.frame_of(kids), AIM_2)
    delays = {"SECRET-B": "Purposeful delay: sibling assessment"}
    children = result.children.with_columns(
        pl.col("child_ref").replace_strict(delays, default=None).alias("why")
    )
    plain = aim_run_chart(result)
    marked = aim_run_chart(result, children=children, decision="why")

    # The same points, the same reading: a delay is a wait like any other.
    assert point_values(marked.spec) == [
        {**value, "extra_1": None} | ({"extra_1": delays["SECRET-B"]} if i == 1 else {})
        for i, value in enumerate(point_values(plain.spec))
    ]
    assert marked.caption == plain.caption
    # Ringed, in the key, the tooltip, the data table and the text alternative.
    (ring,) = ring_layers(marked.spec)
    assert ring["data"]["values"] == point_values(marked.spec)
    assert "extra_1" in ring["transform"][0]["filter"]
    assert ring_layers(plain.spec) == []
    assert any(
        "ringed dot is a purposeful delay" in line for line in marked.spec["title"]["subtitle"]
    )
    assert not any("ringed" in line for line in plain.spec["title"]["subtitle"])
    tips = [tip["title"] for tip in points_layer(marked.spec)["encoding"]["tooltip"]]
    assert "Recorded decision" in tips
    assert marked.data.get_column("Recorded decision").to_list() == [
        None,
        "Purposeful delay: sibling assessment",
        None,
    ]
    assert "1 child's wait was a recorded decision" in marked.alt_text
    assert "recorded decision" not in plain.alt_text
    assert "SECRET-B" not in marked.to_json() + marked.alt_text + marked.to_csv()


def test_no_purposeful_delay_among_the_children_draws_no_ring(build):
    kids = [build.Kid("SECRET-A", date(2024, 1, 1), date(2024, 7, 1))]
    result = evaluate_aim(build.frame_of(kids), AIM_2)
    children = result.children.with_columns(pl.lit(None, dtype=pl.String).alias("why"))
    chart = aim_run_chart(result, children=children, decision="why")
    assert ring_layers(chart.spec) == []
    assert "recorded decision" not in chart.alt_text


# ---- empty ------------------------------------------------------------------------------


def test_no_children_yet_gives_a_plain_message(build):
    empty = build.frame_of([], as_of=build.AS_OF)
    chart = aim_run_chart(evaluate_aim(empty, AIM_2, as_of=build.AS_OF))
    assert "No children yet" in chart.to_json()
    assert "nothing to draw" in chart.alt_text
    assert chart.data.height == 0


def test_children_waiting_but_none_recommended_is_still_a_valid_chart(build):
    kids = [build.Kid("SECRET-X", date(2024, 1, 1))]
    chart = aim_run_chart(evaluate_aim(build.frame_of(kids), AIM_2))
    assert "No children yet" in chart.to_json()
    assert "no child has had a permanence recommendation yet" in chart.alt_text


# ---- the general run chart: properties ------------------------------------------------


def _monthly(values: list[float]) -> pl.DataFrame:
    months = [date(2020 + (i // 12), i % 12 + 1, 1) for i in range(len(values))]
    return pl.DataFrame({"date": months, "value": values})


@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=60),
    st.sampled_from(["ihi", "anhoej"]),
)
def test_the_marked_points_are_exactly_the_analysis_signals(values, rules):
    points = _monthly([float(v) for v in values])
    result = analyse_run_chart(points.get_column("value").to_numpy(), rules=rules)
    chart = run_chart(points, result, name="m", title="A measure", y_title="Count")
    marked = {i for i, v in enumerate(point_values(chart.spec)) if v["signal"] != NO_SIGNAL}
    # Only signals made of particular points are marked; the number of runs and of
    # crossings describe the whole series and are said in words instead.
    whole_series = {"runs", "few_crossings"}
    expected = {
        int(p)
        for signal in result.signals
        if signal.rule not in whole_series
        for p in signal.points
    }
    assert marked == expected
    assert chart.data.height == len(values) == len(point_values(chart.spec))
    in_words = "no signal" in chart.alt_text.lower()
    assert in_words == (not result.signals)
    for signal in result.signals:
        if signal.rule in whole_series:
            assert "a signal about the whole series" in chart.alt_text
            assert any(
                "whole series" in line or "phase" in line
                for line in chart.spec["title"]["subtitle"]
            )
    json.dumps(chart.spec, allow_nan=False)


def test_an_excluded_point_stays_visible_and_says_why():
    points = _monthly([5.0, 6, 4, 5, 40, 5, 6, 4])
    result = analyse_run_chart(points.get_column("value").to_numpy(), exclude={4: "data error"})
    chart = run_chart(points, result, name="m", title="A measure", y_title="Count")
    values = point_values(chart.spec)
    assert values[4]["signal"] == "Set aside, not counted"
    assert values[4]["reason"] == "data error"
    assert chart.data.get_column("Reason set aside").to_list()[4] == "data error"


def test_phases_step_the_median():
    values = [10.0, 12, 11, 13, 10, 12, 20, 22, 21, 23, 20, 22]
    points = _monthly(values)
    result = analyse_run_chart(np.array(values), phase_breaks=[6])
    chart = run_chart(points, result, name="m", title="A measure", y_title="Count")
    assert chart.data.get_column("Median").to_list() == [11.5] * 6 + [21.5] * 6
    assert "Phase 2 begins" in chart.to_json()
    assert "a new phase begins, with a median of 21.5" in chart.alt_text


def test_points_must_match_the_analysis():
    points = _monthly([1.0, 2.0, 3.0])
    result = analyse_run_chart(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="order the analysis used"):
        run_chart(points, result, name="m", title="t", y_title="y")


def test_a_monthly_series_of_counts_entered_by_hand():
    points = _monthly([3.0, 4, 2, 5, 3, 4, 3, 5, 1, 1, 1, 0, 1, 1, 0])
    chart = series_run_chart(
        points,
        name="moves",
        title="Placement moves per month",
        y_title="Moves",
        improvement_start=date(2020, 8, 15),
        annotations=[Annotation(date(2020, 8, 1), "Placement stability meeting")],
    )
    assert "shift" in chart.alt_text
    assert chart.data.height == 15
    connected = [layer for layer in chart.spec["layer"] if layer["mark"].get("type") == "line"]
    assert connected, "a monthly series is joined by a line"


def test_the_headline_for_an_overview(build):
    weeks = [*build.BASELINE_WEEKS, *build.AFTER_WEEKS]
    dates = [date(2022, 8, 1) + timedelta(days=14 * i) for i in range(len(weeks))]
    result = analyse_run_chart(np.array(weeks, dtype=float), baseline_n=12)
    line = headline(
        result, dates, words=AIM_WORDS, improvement_start=dates[12], improvement_name="PACE"
    )
    assert line.startswith("Since PACE began in")
    assert "the last 9 children in a row waited less than the baseline median: a shift." in line
