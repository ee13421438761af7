"""Run chart analysis: hand-worked charts, a plain reference reading, and properties."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import polars as pl
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from permanence.analysis.runchart import (
    PhaseBreak,
    RunChartResult,
    analyse_run_chart,
    baseline_end_for,
    describe_run_chart,
    order_frame,
    time_order,
)


def _signals(result: RunChartResult, rule: str) -> list[list[int]]:
    return [s.points.tolist() for s in result.signals if s.rule == rule]


# --------------------------------------------------------------------------------------
# Hand-worked charts
# --------------------------------------------------------------------------------------


def test_a_chart_worked_by_hand() -> None:
    # Baseline: the first 10 points, sorted 8 9 9 10 10 | 11 11 12 12 13: median 10.5.
    # Then 7 points below it (a shift), then 3 above.
    values = [10, 12, 9, 11, 13, 8, 12, 10, 11, 9, 7, 8, 6, 9, 7, 5, 8, 12, 11, 13]
    result = analyse_run_chart(values, baseline_n=10)
    assert result.median.tolist() == [10.5] * 20
    assert result.baseline_n == 10
    assert result.n == 20 and result.n_useful == 20
    # sides: - + - + + - + - + - | - - - - - - - + + +
    # runs:  1 2 3 4   5 6 7 8 9 ............... 10
    assert result.runs == 10
    assert result.crossings == 9
    assert result.longest_run == 8  # points 9 to 16 (0-based): 9 then the seven after it
    assert _signals(result, "shift") == [[9, 10, 11, 12, 13, 14, 15, 16]]
    assert result.runs_range == (6, 16)  # 20 useful observations, Perla et al. Table 1
    assert _signals(result, "runs") == []
    assert _signals(result, "trend") == []
    assert result.rephase_suggestions == ()  # 8 in a row is a shift, not a sustained one


def test_every_point_on_a_rising_line_is_one_trend_and_too_few_runs() -> None:
    result = analyse_run_chart(list(range(1, 11)))
    # median 5.5: 5 below then 5 above: 2 runs, fewer than the 3 the table allows for 10
    assert result.runs == 2 and result.runs_range == (3, 9)
    assert _signals(result, "runs") == [list(range(10))]
    assert [s.direction for s in result.signals if s.rule == "runs"] == ["too_few"]
    assert _signals(result, "trend") == [list(range(10))]
    assert _signals(result, "shift") == []  # 5 a side is one short of a shift


def test_alternating_points_make_too_many_runs() -> None:
    result = analyse_run_chart([1, 9] * 6)
    assert result.runs == 12 and result.runs_range == (3, 11)
    assert [s.direction for s in result.signals if s.rule == "runs"] == ["too_many"]


@pytest.mark.parametrize(("length", "fires"), [(5, False), (6, True)])
def test_a_shift_needs_six_points(length: int, fires: bool) -> None:
    baseline = [1, 9, 1, 9, 1, 9, 1, 9]  # median 5
    result = analyse_run_chart(baseline + [2] * length, baseline_n=8)
    assert bool(_signals(result, "shift")) is fires


def test_points_on_the_median_neither_count_towards_nor_break_a_shift() -> None:
    baseline = [1, 9, 1, 9, 5, 1, 9]  # median 5, one point on it
    after = [2, 3, 5, 2, 5, 3, 2, 4]  # six below, two on the median among them
    result = analyse_run_chart(baseline + after, baseline_n=7)
    shifts = _signals(result, "shift")
    assert shifts == [[7, 8, 10, 12, 13, 14]]  # the 5s at 9 and 11 are not listed
    assert result.n_useful == 15 - 3


@pytest.mark.parametrize(("values", "expected"), [
    ([1, 2, 3, 4], []),  # 4 points, 3 rises: not a trend
    ([1, 2, 3, 4, 5], [[0, 1, 2, 3, 4]]),  # 5 points, 4 rises: a trend
    ([5, 4, 3, 2, 1], [[0, 1, 2, 3, 4]]),
    ([1, 2, 2, 3, 4], []),  # the repeated 2 does not count: 4 points
    ([1, 2, 2, 3, 4, 5], [[0, 1, 2, 3, 4, 5]]),  # ... nor break: 5 counted, 6 listed
    ([2, 2, 3, 4, 5, 6], [[1, 2, 3, 4, 5]]),  # a tie at the start: the trend leaves the 2nd
    ([1, 2, 3, 4, 5, 5], [[0, 1, 2, 3, 4]]),  # a tie at the end: it reaches the 1st
])  # fmt: skip
def test_trends_count_points_and_ignore_repeated_values(
    values: list[float], expected: list[list[int]]
) -> None:
    assert _signals(analyse_run_chart(values), "trend") == expected


def test_trend_length_counts_only_distinct_steps() -> None:
    result = analyse_run_chart([1, 2, 2, 3, 4, 5])
    (trend,) = [s for s in result.signals if s.rule == "trend"]
    assert trend.length == 5 and trend.points.size == 6


def test_sustained_shift_is_suggested_and_confirmed_only_by_a_person() -> None:
    baseline = [10, 12, 11, 9, 13, 10, 12, 8, 11, 14, 12, 13]  # median 11.5
    improved = [7, 6, 8, 5, 7, 6, 5, 7, 6, 8]  # ten below
    result = analyse_run_chart(baseline + improved, baseline_n=12)
    (suggestion,) = result.rephase_suggestions
    assert suggestion.start == 12 and suggestion.baseline_n == 9 and suggestion.side == "below"
    assert len(result.phases) == 1  # nothing re-phased
    confirmed = analyse_run_chart(
        baseline + improved, baseline_n=12, phase_breaks=[suggestion.as_phase_break()]
    )
    assert len(confirmed.phases) == 2
    assert confirmed.phases[1].median == float(np.median(improved[:9]))
    assert confirmed.phases[1].baseline_n == 9
    assert confirmed.median[:12].tolist() == [11.5] * 12


def test_eight_in_a_row_is_not_sustained_and_a_phase_opening_run_is_not_suggested() -> None:
    # median 5 of the first six, the sixth above it, then eight below: a shift, not sustained
    assert analyse_run_chart([5, 6, 4, 5, 4, 6, *([1] * 8)], baseline_n=6).rephase_suggestions == ()
    # A frozen median all of whose phase lies on one side: nothing to re-phase from.
    opening = analyse_run_chart([1.0] * 12, phase_breaks=[PhaseBreak(2, 1)])
    assert opening.rephase_suggestions == ()


def test_anhoej_rules_name_the_points_of_long_runs_and_few_crossings() -> None:
    values = [3, 5, 4, 6, 3, 5, 4, 6, 4, 5, 1, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    result = analyse_run_chart(values, rules="anhoej", baseline_n=10)
    # median of the first ten is 4.5, which they cross at every point; the last ten are
    # all below it
    assert result.longest_run == 10
    assert result.longest_run_max == 7  # round(log2(20)) + 3
    assert _signals(result, "long_run") == [list(range(10, 20))]
    assert result.crossings == 10 and result.crossings_min == 6  # qbinom(0.05, 19, 0.5)
    assert _signals(result, "few_crossings") == []
    assert result.runs_range is None  # the runs table belongs to the ihi rules


def test_few_crossings_lists_every_useful_point() -> None:
    values = [9] * 5 + [1] * 5 + [9] * 5 + [1] * 5
    result = analyse_run_chart(values, rules="anhoej")
    assert result.crossings == 3 and result.crossings_min == 6
    assert _signals(result, "few_crossings") == [list(range(20))]
    assert _signals(result, "long_run") == []  # 5 in a row is within the 7 allowed


def test_rule_sets_report_only_their_own_limits() -> None:
    values = np.random.default_rng(3).normal(size=40)
    ihi = analyse_run_chart(values)
    anhoej = analyse_run_chart(values, rules="anhoej")
    assert ihi.runs_range is not None and ihi.longest_run_max is None
    assert anhoej.runs_range is None and anhoej.longest_run_max is not None
    assert {s.rule for s in ihi.signals} <= {"shift", "trend", "runs"}
    assert {s.rule for s in anhoej.signals} <= {"long_run", "few_crossings"}


def test_excluded_points_stay_visible_but_take_no_part() -> None:
    values = [10.0, 12.0, 1000.0, 11.0, 9.0, float("nan"), 13.0]
    result = analyse_run_chart(values, exclude={2: "recorded in days, not weeks", 5: "missing"})
    assert result.median[0] == 11.0  # median of 10 12 11 9 13
    assert result.n == 5 and result.values[2] == 1000.0
    assert dict(result.excluded) == {2: "recorded in days, not weeks", 5: "missing"}
    assert all(2 not in s.points and 5 not in s.points for s in result.signals)
    assert result.to_json()["excluded"] == [
        {"point": 2, "reason": "recorded in days, not weeks"},
        {"point": 5, "reason": "missing"},
    ]


def test_baseline_until_a_date_and_phases_each_with_their_own_median() -> None:
    dates = [date(2019, 1, d) for d in range(1, 13)]
    values = [5, 7, 6, 8, 2, 3, 1, 2, 9, 9, 8, 9]
    end = baseline_end_for(np.array(dates, dtype="datetime64[D]"), np.datetime64("2019-01-04"))
    assert end == 4
    result = analyse_run_chart(values, baseline_end=end, phase_breaks=[8])
    assert result.median.tolist() == [6.5] * 8 + [9.0] * 4
    assert [p.baseline_n for p in result.phases] == [4, 4]
    assert result.phase.tolist() == [0] * 8 + [1] * 4
    assert result.baseline_n == 4
    assert result.n == 4  # headline figures are the last phase's


def test_the_json_object_has_every_key_the_issue_asks_for() -> None:
    payload = analyse_run_chart([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]).to_json()
    for key in (
        "rules", "median", "baseline_n", "n", "n_useful", "longest_run", "longest_run_max",
        "crossings", "crossings_min", "runs", "runs_range", "signals",
    ):  # fmt: skip
        assert key in payload
    assert all(set(s) == {"rule", "points"} for s in payload["signals"])


def test_bad_input_is_refused_with_reasons() -> None:
    with pytest.raises(ValueError, match="no numeric value"):
        analyse_run_chart([1.0, float("nan"), 2.0])
    with pytest.raises(ValueError, match="unknown rule set"):
        analyse_run_chart([1.0], rules="western")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not both"):
        analyse_run_chart([1.0, 2.0], baseline_n=1, baseline_end=1)
    with pytest.raises(ValueError, match="cannot begin"):
        analyse_run_chart([1.0, 2.0], phase_breaks=[2])
    with pytest.raises(ValueError, match="without a reason"):
        analyse_run_chart([1.0, 2.0], exclude={0: " "})
    with pytest.raises(ValueError, match="baseline holds no points"):
        analyse_run_chart([1.0, 2.0], baseline_end=0)


def test_summary_speaks_plainly() -> None:
    values = [10, 12, 9, 11, 13, 8, 12, 10, 11, 9, 7, 8, 6, 9, 7, 5, 8, 12, 11, 13]
    labels = [f"2020-{m:02d}" for m in range(1, 13)] + [f"2021-{m:02d}" for m in range(1, 9)]
    text = "\n".join(describe_run_chart(analyse_run_chart(values, baseline_n=10), labels))
    assert (
        "8 points in a row below the median: a shift (points 10 to 17, 2020-10 to 2021-05)." in text
    )
    assert "Between 6 and 16 runs would be expected by chance." in text
    assert "LAC" not in text and "case" not in text.lower()


# --------------------------------------------------------------------------------------
# Time order
# --------------------------------------------------------------------------------------


def test_time_order_breaks_ties_by_key_then_by_position() -> None:
    dates = np.array(
        ["2020-01-02", "2020-01-01", "2020-01-02", "2020-01-02"], dtype="datetime64[D]"
    )
    refs = np.array(["B", "Z", "A", "B"])
    assert time_order(dates, refs).tolist() == [1, 2, 0, 3]
    assert time_order(dates).tolist() == [1, 0, 2, 3]


def test_order_frame_agrees_with_time_order() -> None:
    frame = pl.DataFrame(
        {
            "on": [date(2020, 1, 2), date(2020, 1, 1), date(2020, 1, 2), date(2020, 1, 2)],
            "ref": ["B", "Z", "A", "B"],
            "row": [0, 1, 2, 3],
        }
    )
    assert order_frame(frame, "on", ["ref"]).get_column("row").to_list() == [1, 2, 0, 3]


# --------------------------------------------------------------------------------------
# A plain reference reading, and properties
# --------------------------------------------------------------------------------------


def _reference_reading(values: list[float], median: float) -> dict[str, object]:
    """The rules read by hand, point by point, as a person would with a pencil."""
    sides = [(i, 1 if v > median else -1) for i, v in enumerate(values) if v != median]
    runs: list[list[int]] = []
    for i, side in sides:
        if runs and side == sides[[p for p, _ in sides].index(runs[-1][-1])][1]:
            runs[-1].append(i)
        else:
            runs.append([i])
    # trends: walk the values, skipping repeats, counting steps in one direction
    trends: list[list[int]] = []
    kept = [i for i, v in enumerate(values) if i == 0 or v != values[i - 1]]
    run: list[int] = kept[:1]
    direction = 0
    for previous, current in itertools.pairwise(kept):
        step = 1 if values[current] > values[previous] else -1
        if step == direction:
            run.append(current)
        else:
            if len(run) >= 5:
                trends.append(run)
            run, direction = [previous, current], step
    if len(run) >= 5:
        trends.append(run)
    return {
        "n_useful": len(sides),
        "runs": len(runs),
        "longest_run": max((len(r) for r in runs), default=0),
        "shifts": [r for r in runs if len(r) >= 6],
        "trend_ends": [(t[0], t[-1], len(t)) for t in trends],
    }


values_lists = st.lists(st.integers(0, 6).map(float), min_size=1, max_size=60)


@given(values_lists)
def test_agrees_with_a_reading_by_hand(values: list[float]) -> None:
    result = analyse_run_chart(values)
    expected = _reference_reading(values, float(np.median(values)))
    assert result.n_useful == expected["n_useful"]
    assert result.runs == expected["runs"]
    assert result.longest_run == expected["longest_run"]
    assert _signals(result, "shift") == expected["shifts"]
    trends = [s for s in result.signals if s.rule == "trend"]
    got_ends = [(int(s.points[0]), int(s.points[-1]), s.length) for s in trends]

    # The reference lists the first of any tie; ours starts a trend at the last of a tie
    # at its start. Compare where each trend's counted values begin and end.
    def first_of_tie(i: int) -> int:
        while i > 0 and values[i - 1] == values[i]:
            i -= 1
        return i

    assert [(first_of_tie(a), first_of_tie(b), n) for a, b, n in got_ends] == expected["trend_ends"]


@given(values_lists)
def test_reversing_the_points_mirrors_trends_and_shifts(values: list[float]) -> None:
    n = len(values)
    forward = analyse_run_chart(values)
    backward = analyse_run_chart(values[::-1])
    flip = {"up": "down", "down": "up", "above": "above", "below": "below"}
    for rule in ("trend", "shift"):
        mirrored = sorted(
            (sorted(n - 1 - p for p in s.points.tolist()), flip[s.direction])
            for s in backward.signals
            if s.rule == rule
        )
        straight = sorted(
            (s.points.tolist(), s.direction) for s in forward.signals if s.rule == rule
        )
        assert mirrored == straight


@given(values_lists, st.data())
def test_a_point_on_the_median_changes_no_run_and_no_shift(
    values: list[float], data: st.DataObject
) -> None:
    before = analyse_run_chart(values)
    median = float(before.median[0])
    at = data.draw(st.integers(0, len(values)))
    after = analyse_run_chart([*values[:at], median, *values[at:]])
    assert after.median[0] == median
    assert (after.runs, after.crossings, after.longest_run, after.n_useful) == (
        before.runs, before.crossings, before.longest_run, before.n_useful
    )  # fmt: skip
    moved = [[p + (p >= at) for p in points] for points in _signals(before, "shift")]
    assert _signals(after, "shift") == moved


@given(values_lists, st.data())
def test_excluded_points_never_change_the_median_or_the_reading(
    values: list[float], data: st.DataObject
) -> None:
    n = len(values)
    excluded = data.draw(st.sets(st.integers(0, n - 1), max_size=n - 1))
    assume(len(excluded) < n)
    other = list(values)
    for i in excluded:
        other[i] = data.draw(st.floats(-1e6, 1e6))
    reasons = dict.fromkeys(excluded, "checked and wrong")
    a = analyse_run_chart(values, exclude=reasons)
    b = analyse_run_chart(other, exclude=reasons)
    kept = [v for i, v in enumerate(values) if i not in excluded]
    assert a.median[0] == b.median[0] == float(np.median(kept))
    assert [(s.rule, s.points.tolist()) for s in a.signals] == [
        (s.rule, s.points.tolist()) for s in b.signals
    ]


@given(values_lists, st.integers(-1000, 1000), st.integers(-20, 20).filter(bool))
def test_moving_and_stretching_the_values_moves_no_signal(
    values: list[float], shift: int, scale: int
) -> None:
    # Small integers keep the arithmetic exact, so no point moves across the median.
    a = analyse_run_chart(values)
    b = analyse_run_chart([v * scale + shift for v in values])
    assert b.median[0] == a.median[0] * scale + shift
    mirror = {"up": "down", "down": "up", "above": "below", "below": "above"}
    flip = (lambda d: mirror.get(d, d)) if scale < 0 else (lambda d: d)
    assert [(s.rule, s.points.tolist(), flip(s.direction)) for s in a.signals] == [
        (s.rule, s.points.tolist(), s.direction) for s in b.signals
    ]


@given(values_lists, st.data(), st.lists(st.floats(-100, 100), max_size=20))
def test_a_frozen_median_ignores_later_points(
    values: list[float], data: st.DataObject, later: list[float]
) -> None:
    baseline = data.draw(st.integers(1, len(values)))
    a = analyse_run_chart(values, baseline_n=baseline)
    b = analyse_run_chart(values + later, baseline_n=baseline)
    assert a.median[0] == b.median[0] == float(np.median(values[:baseline]))


def test_a_million_points_are_read_in_well_under_a_second() -> None:
    # Measured, not asserted (timings belong to benchmarks): this only has to finish.
    values = np.random.default_rng(7).normal(size=1_000_000)
    for result in (
        analyse_run_chart(values, rules="ihi", baseline_n=1000),
        analyse_run_chart(values, rules="anhoej", baseline_n=1000),
    ):
        assert result.n == 1_000_000
