"""Only the points that form a signal are marked; whole-series signals are said, not painted.

The expectations are worked out by hand from the published rules (6 in a row on one side
of the median is a shift; 5 in a row all going up or all going down is a trend), and a
property checks the chart against a deliberately plain implementation of those rules
written here, independent of the analysis module's run-length encoding.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from permanence.analysis.direction import Better
from permanence.analysis.runchart import analyse_run_chart
from permanence.charts import run_chart
from permanence.charts.signals import CONCERN_ORANGE, IMPROVEMENT_BLUE, NO_SIGNAL, SET_ASIDE


def chart_of(values: list[float], **options: Any) -> Any:
    result = analyse_run_chart(np.asarray(values, dtype=float))
    points = pl.DataFrame(
        {
            "date": [date(2023, 1, 2) + timedelta(days=7 * i) for i in range(len(values))],
            "value": [float(v) for v in values],
        }
    )
    return result, run_chart(
        points, result, name="t", title="A measure", y_title="Value", **options
    )


def points_layer(spec: dict[str, Any]) -> dict[str, Any]:
    (layer,) = [layer for layer in spec["layer"] if "shape" in layer.get("encoding", {})]
    return layer


def marked_positions(chart: Any) -> set[int]:
    values = points_layer(chart.spec)["data"]["values"]
    return {i for i, v in enumerate(values) if v["signal"] not in (NO_SIGNAL, SET_ASIDE)}


# ---- hand-worked series --------------------------------------------------------------

#: 20 points, 10 above and 10 below a median of 8, in 4 runs of 5: fewer runs than the
#: 6 to 16 chance allows for 20 points off the median (the published table), yet no run
#: is 6 long (no shift) and no 5 go the same way (no trend).
TOO_FEW_RUNS_ONLY = [12, 14, 12, 14, 12, 2, 4, 2, 4, 2, 12, 14, 12, 14, 12, 2, 4, 2, 4, 2]


def test_a_series_whose_only_signal_is_too_few_runs_marks_no_point():
    result, chart = chart_of(TOO_FEW_RUNS_ONLY)
    assert [s.rule for s in result.signals] == ["runs"]  # the analysis does find it
    assert marked_positions(chart) == set()
    assert set(chart.data.get_column("Signal").to_list()) == {NO_SIGNAL}
    # Said once in the title line, and in the text alternative, as a whole-series signal.
    subtitle = chart.spec["title"]["subtitle"]
    assert [line for line in subtitle if "Too few runs" in line] == [
        "Too few runs over the whole series: 4 where 6 to 16 are expected by chance."
    ]
    assert chart.alt_text.count("too few runs") == 1
    assert "a signal about the whole series" in chart.alt_text
    # The legend names no rule that no point shows.
    assert points_layer(chart.spec)["encoding"]["shape"]["scale"]["domain"] == [NO_SIGNAL]


#: 16 points with median 8 (sorted, the 8th and 9th are both 8). Points 6 to 11 (from 0)
#: are 9 or 10: six in a row above the median, a shift. Point 5 is 8, on the median: it
#: neither counts nor is marked. The 2s and 8s elsewhere alternate below and on the median.
SHIFT_SERIES = [2, 8, 2, 8, 2, 8, 9, 10, 9, 10, 9, 10, 2, 8, 2, 8]


def test_a_shift_marks_exactly_its_points():
    _, chart = chart_of(SHIFT_SERIES)
    assert float(np.median(SHIFT_SERIES)) == 8
    assert marked_positions(chart) == {6, 7, 8, 9, 10, 11}
    values = points_layer(chart.spec)["data"]["values"]
    assert {values[i]["signal"] for i in range(6, 12)} == {"Shift"}


#: Median 5.5 (sorted, the 7th and 8th are 5 and 6). Points 5 to 9 (3, 4, 5, 7, 9) each
#: rise: a trend of 5. They straddle the median, so they are no shift.
TREND_SERIES = [6, 2, 9, 1, 8, 3, 4, 5, 7, 9, 2, 8, 1, 6]


def test_a_trend_marks_exactly_its_points():
    _, chart = chart_of(TREND_SERIES)
    assert marked_positions(chart) == {5, 6, 7, 8, 9}
    values = points_layer(chart.spec)["data"]["values"]
    assert {values[i]["signal"] for i in range(5, 10)} == {"Trend"}


def test_with_a_direction_a_signal_reads_as_improvement_or_concern():
    # Lower is better: a shift above the median is a concern; higher is better: improvement.
    _, worse = chart_of(SHIFT_SERIES, better=Better.LOWER)
    _, good = chart_of(SHIFT_SERIES, better=Better.HIGHER)
    for chart, name, colour, words in (
        (worse, "Shift (concern)", CONCERN_ORANGE, "a shift, a concern."),
        (good, "Shift (improvement)", IMPROVEMENT_BLUE, "a shift, an improvement."),
    ):
        encoding = points_layer(chart.spec)["encoding"]
        scale = encoding["color"]["scale"]
        colours = dict(zip(scale["domain"], scale["range"], strict=True))
        assert colours[name] == colour
        assert colours[NO_SIGNAL] not in (CONCERN_ORANGE, IMPROVEMENT_BLUE)
        assert words in chart.alt_text
        assert chart.spec["title"]["subtitle"][0].startswith(
            "Lower is better" if chart is worse else "Higher is better"
        )


def test_the_aim_line_reads_as_met_or_not():
    # Median 8: an aim of 5 or less is not met; a floor of 5 (higher is better) is.
    _, lower = chart_of(SHIFT_SERIES, better=Better.LOWER, target=5.0)
    _, higher = chart_of(SHIFT_SERIES, better=Better.HIGHER, target=5.0)
    assert "The median, 8, does not yet meet the aim of 5." in lower.alt_text
    assert "The median, 8, meets the aim of 5." in higher.alt_text
    # By hand: 5 of the 16 values are 5 or less (the 2s); 11 are 5 or more.
    assert "5 of the 16 points (31%) met it" in lower.alt_text
    assert "11 of the 16 points (69%) met it" in higher.alt_text
    assert "the aim is a floor" in higher.spec["title"]["subtitle"][0]


# ---- against a plain implementation of the rules ---------------------------------------


def plain_shifts(values: list[float], median: float) -> set[int]:
    """Every point in a run of 6 or more on one side of the median, skipping points on it."""
    marked: set[int] = set()
    run: list[int] = []
    side = 0
    for i, value in enumerate(values):
        here = (value > median) - (value < median)
        if here == 0:
            continue
        if here != side:
            if len(run) >= 6:
                marked.update(run)
            run, side = [], here
        run.append(i)
    if len(run) >= 6:
        marked.update(run)
    return marked


def plain_trends(values: list[float]) -> set[int]:
    """Every point from where 4 steps the same way start to where they end, a repeated
    value neither counting nor breaking the trend."""
    groups: list[tuple[float, int, int]] = []  # value, first and last position of a tie
    for i, value in enumerate(values):
        if groups and groups[-1][0] == value:
            groups[-1] = (value, groups[-1][1], i)
        else:
            groups.append((value, i, i))
    marked: set[int] = set()
    start = 0
    for g in range(1, len(groups) + 1):
        way = lambda k: (groups[k][0] > groups[k - 1][0]) - (groups[k][0] < groups[k - 1][0])  # noqa: E731
        if g == len(groups) or (g > start + 1 and way(g) != way(g - 1)):
            if g - 1 - start >= 4:  # groups start .. g-1: that many steps
                marked.update(range(groups[start][2], groups[g - 1][1] + 1))
            start = g - 1
    return marked


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=60))
def test_marked_points_are_exactly_the_shifts_and_trends(values):
    floats = [float(v) for v in values]
    _, chart = chart_of(floats)
    expected = plain_shifts(floats, float(np.median(floats))) | plain_trends(floats)
    assert marked_positions(chart) == expected


# ---- phases, as PACE drew them ------------------------------------------------------------


def test_an_accepted_phase_draws_its_own_median_from_its_start(build):
    from permanence.analysis.aims import AIM_2
    from permanence.analysis.aims_outcomes import evaluate_aim
    from permanence.charts import PhaseStart, aim_run_chart

    frame = build.frame_of(build.shift_kids())
    # The 9 children after the change were recommended from 6 March 2023. A phase from
    # then whose median rests on its first 3 (30, 28 and 35 weeks): by hand, 30 weeks.
    chart = aim_run_chart(
        evaluate_aim(frame, AIM_2),
        improvement_start=build.IMPROVEMENT_START,
        phase_starts=[PhaseStart(date(2023, 3, 6), baseline_n=3)],
    )
    assert build.AFTER_WEEKS[:3] == [30, 28, 35]
    assert chart.data.get_column("Median").to_list() == [52.0] * 12 + [30.0] * 9
    assert chart.data.get_column("Phase").to_list() == [1] * 12 + [2] * 9
    median = next(
        layer for layer in chart.spec["layer"] if layer["mark"].get("interpolate") == "step-after"
    )
    phase_2 = [row for row in median["data"]["values"] if row["phase"] == 2]
    # Solid over its first 3 children (6 and 20 March, 3 April), then dashed to the last.
    assert [(row["part"], row["date"]) for row in phase_2] == [
        ("baseline", "2023-03-06"),
        ("baseline", "2023-04-03"),
        ("extended", "2023-04-03"),
        ("extended", "2023-06-26"),  # 6 March + 8 x 14 days
    ]
    assert {row["median"] for row in phase_2} == {30.0}
    assert (
        "From March 2023 a new phase begins, with a median wait of 30 weeks, taken from its "
        "first 3 children and extended." in chart.alt_text
    )


def test_a_phase_from_a_suggestion_is_the_phase_the_suggestion_describes():
    from permanence.charts import PhaseStart, analyse_points

    values = [50.0, 60.0] * 5 + [20.0, 22.0, 21.0, 23.0] * 3
    dates = [date(2020, 1, 1) + timedelta(days=31 * i) for i in range(len(values))]
    points = pl.DataFrame({"date": dates, "value": values})
    first = analyse_points(points)
    assert first is not None
    (suggestion,) = first.rephase_suggestions
    start = PhaseStart.from_suggestion(suggestion, dates)
    assert start.on == dates[10]
    by_date = analyse_points(points, phase_starts=[start])
    by_position = analyse_run_chart(np.asarray(values), phase_breaks=[suggestion.as_phase_break()])
    assert by_date is not None
    assert by_date.median.tolist() == by_position.median.tolist()


def test_a_sustained_shift_before_the_work_began_is_not_credited_to_it():
    from permanence.charts import findings

    # 10 points alternating 50 and 60, then 12 between 20 and 23: the median of all 22 is
    # (23 + 50) / 2 = 36.5, and the 12 low points from point 11 (November 2020) are a
    # sustained shift.
    values = [50.0, 60.0] * 5 + [20.0, 22.0, 21.0, 23.0] * 3
    dates = [date(2020, 1, 1) + timedelta(days=31 * i) for i in range(len(values))]
    result = analyse_run_chart(np.asarray(values))
    assert [s.start for s in result.rephase_suggestions] == [10]
    later = findings(result, dates, improvement_start=date(2021, 6, 1))
    earlier = findings(result, dates, improvement_start=date(2020, 6, 1))
    credited = "It began before the improvement work did (June 2021), so it is not a result"
    assert any(credited in line for line in later)
    assert not any("It began before" in line for line in earlier)


def test_aim_1_says_its_aim_is_a_floor_and_keeps_its_dots_off_the_edges(build):
    from permanence.analysis.aims import AIM_1
    from permanence.analysis.aims_outcomes import evaluate_aim
    from permanence.charts import aim_run_chart

    result = evaluate_aim(build.synthetic_frame(), AIM_1)
    chart = aim_run_chart(result)
    values = points_layer(chart.spec)["data"]["values"]
    assert values, "the synthetic authority has children whose order at home was reviewed"
    title_line = chart.spec["title"]["subtitle"][0]
    assert title_line.startswith("Higher is better: the aim is a floor")
    assert "The aim is 2 years or more" in chart.alt_text
    margin_labels = [
        row["lines"]
        for layer in chart.spec["layer"]
        if layer["mark"].get("type") == "text"
        for row in layer["data"]["values"]
        if "lines" in row
    ]
    assert ["Aim:", "at least 2 years"] in margin_labels
    # By hand: a review held 2 years (104.4 weeks) or more after the order began meets it.
    met = sum(1 for v in values if v["value"] >= 104.4)
    assert f"{met} of the {len(values)} children" in chart.alt_text
    # The first and last dots sit inside the plot, padded from its edges.
    assert points_layer(chart.spec)["encoding"]["x"]["scale"]["padding"] > 0
