"""Control charts against hand-worked examples, the Guide's constants, and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from permanence.analysis.control import (
    D2,
    G_MEDIAN_FACTOR,
    I_CHART_CONSTANT,
    MR_UPPER_CONSTANT,
    POWER,
    ControlChartResult,
    analyse_control_chart,
    describe_control_chart,
)


def _points(result: ControlChartResult, rule: str) -> list[list[int]]:
    return [s.points.tolist() for s in result.signals if s.rule == rule]


# --------------------------------------------------------------------------------------
# The published constants
# --------------------------------------------------------------------------------------


def test_constants_are_the_published_ones() -> None:
    # For moving ranges of two normal points, |X1 - X2| is |N(0, 2)|: its mean is
    # d2 = 2/sqrt(pi) = 1.1284 and its standard deviation d3 = sqrt(2 - 4/pi) = 0.8525.
    # The Guide prints d2 = 1.128, 3/d2 = 2.66 and D4 = 1 + 3 d3/d2 = 3.267.
    d2 = 2 / math.sqrt(math.pi)
    d3 = math.sqrt(2 - 4 / math.pi)
    assert round(d2, 3) == D2 == 1.128
    assert round(3 / d2, 2) == I_CHART_CONSTANT == 2.66
    assert round(1 + 3 * d3 / d2, 3) == MR_UPPER_CONSTANT == 3.267
    assert round(1 / 3.6, 4) == round(POWER, 4) == 0.2778
    assert round(math.log(2), 3) == G_MEDIAN_FACTOR == 0.693


# --------------------------------------------------------------------------------------
# Hand-worked charts
# --------------------------------------------------------------------------------------


def test_i_chart_by_hand() -> None:
    # mean 11.6; moving ranges 2 1 2 1, MRbar 1.5; limits 11.6 +- 2.66 x 1.5 = 3.99
    result = analyse_control_chart("i", [10, 12, 11, 13, 12])
    assert result.centre.tolist() == pytest.approx([11.6] * 5)
    assert result.upper.tolist() == pytest.approx([15.59] * 5)
    assert result.lower.tolist() == pytest.approx([7.61] * 5)
    assert result.phases[0].mr_bar == pytest.approx(1.5)
    assert result.signals == ()


def test_mr_chart_by_hand() -> None:
    result = analyse_control_chart("mr", [10, 12, 11, 13, 12])
    assert np.isnan(result.values[0])  # the first point has no moving range
    assert result.values[1:].tolist() == [2, 1, 2, 1]
    assert result.centre[0] == pytest.approx(1.5)
    assert result.upper[0] == pytest.approx(3.267 * 1.5)
    assert np.isnan(result.lower).all()


def test_moving_range_screening_as_the_guide_describes() -> None:
    values = [10, 11, 10, 11, 10, 25, 10, 11, 10]
    # moving ranges 1 1 1 1 15 15 1 1: MRbar 36/8 = 4.5; 3.267 x 4.5 = 14.7, so both 15s
    # are set aside and MRbar is recomputed from the six 1s: 1.0
    plain = analyse_control_chart("i", values)
    screened = analyse_control_chart("i", values, screen_moving_ranges=True)
    assert plain.phases[0].mr_bar == pytest.approx(4.5)
    assert screened.phases[0].mr_bar == pytest.approx(1.0)
    assert screened.phases[0].moving_ranges_set_aside == 2
    assert screened.upper[0] == pytest.approx(12 + 2.66)  # the mean is 108 / 9 = 12
    assert plain.upper[0] == pytest.approx(12 + 2.66 * 4.5)
    assert _points(screened, "outside_limits") == [[5]]
    mr = analyse_control_chart("mr", values, screen_moving_ranges=True)
    assert mr.upper[0] == pytest.approx(3.267)
    assert _points(mr, "outside_limits") == [[5], [6]]


def test_p_chart_limits_vary_with_the_denominator() -> None:
    numerators = [6, 8, 10, 4]
    denominators = [10, 20, 25, 5]
    result = analyse_control_chart("p", numerators=numerators, denominators=denominators)
    p_bar = 28 / 60
    assert result.centre.tolist() == pytest.approx([p_bar] * 4)
    assert result.values.tolist() == pytest.approx([0.6, 0.4, 0.4, 0.8])
    for i, n in enumerate(denominators):
        sigma = math.sqrt(p_bar * (1 - p_bar) / n)
        low, high = p_bar - 3 * sigma, p_bar + 3 * sigma
        assert result.upper[i] == pytest.approx(high) if high < 1 else np.isnan(result.upper[i])
        assert result.lower[i] == pytest.approx(low) if low > 0 else np.isnan(result.lower[i])
    assert result.warnings  # four points are far short of twenty


def test_p_chart_point_outside_its_own_limit() -> None:
    numerators = [5] * 20 + [18]
    denominators = [10] * 20 + [20]
    result = analyse_control_chart("p", numerators=numerators, denominators=denominators)
    # p-bar = 118/220; the last point's limit is p-bar + 3 sqrt(p(1-p)/20) = 0.87; 0.9 > it
    assert _points(result, "outside_limits") == [[20]]


#: Montgomery, Introduction to Statistical Quality Control (6th edition, 2009), Example
#: 7.3, Table 7.7: nonconformities in 26 samples of 100 printed circuit boards. The book
#: gives c-bar = 516 / 26 = 19.85, UCL = 33.22, LCL = 6.48, and samples 6 and 20 outside.
CIRCUIT_BOARDS = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10, 17, 13, 22, 18]
CIRCUIT_BOARDS += [39, 30, 24, 16, 19, 17, 15]


def test_c_chart_matches_montgomerys_worked_example() -> None:
    result = analyse_control_chart("c", CIRCUIT_BOARDS)
    assert sum(CIRCUIT_BOARDS) == 516
    assert math.isclose(result.centre[0], 516 / 26)
    assert round(result.centre[0], 2) == 19.85
    # the book works from c-bar rounded to 19.85, so its limits agree to within 0.01
    assert result.upper[0] == pytest.approx(33.22, abs=0.01)
    assert result.lower[0] == pytest.approx(6.48, abs=0.01)
    # the centre line c-bar and limits c-bar +- 3 sqrt(c-bar), the same at every point
    c_bar = 516 / 26
    assert np.allclose(result.upper, c_bar + 3 * math.sqrt(c_bar))
    assert _points(result, "outside_limits") == [[5], [19]]  # samples 6 and 20
    assert result.phases[0].sigma == pytest.approx(math.sqrt(c_bar))


def test_c_chart_has_no_lower_limit_when_it_would_be_below_zero() -> None:
    # c-bar = 2: 2 - 3 sqrt 2 < 0, so no lower limit; the upper is 2 + 3 sqrt 2 = 6.24
    result = analyse_control_chart("c", [1, 3, 2, 2, 1, 3])
    assert np.isnan(result.lower).all()
    assert result.upper[0] == pytest.approx(2 + 3 * math.sqrt(2))


#: Montgomery (6th edition), Example 7.4, Table 7.12: nonconformities in 20 samples of 5
#: personal computers. The book gives u-bar = 1.93, UCL = 3.79, LCL = 0.07.
COMPUTERS = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5]


def test_u_chart_matches_montgomerys_worked_example() -> None:
    result = analyse_control_chart("u", numerators=COMPUTERS, denominators=[5] * 20)
    assert result.centre[0] == pytest.approx(1.93)
    assert round(result.upper[0], 2) == 3.79 and round(result.lower[0], 2) == 0.07
    assert result.values[0] == pytest.approx(10 / 5)
    assert result.signals == ()


def test_u_chart_limits_vary_with_each_points_units() -> None:
    # u-bar = (2 + 9 + 4) / (1 + 3 + 2) = 2.5; limits u-bar +- 3 sqrt(u-bar / n_i):
    # n = 1: 2.5 + 4.743; n = 3: 2.5 + 2.739; n = 2: 2.5 + 3.354 (every lower one below 0)
    result = analyse_control_chart("u", numerators=[2, 9, 4], denominators=[1, 3, 2])
    assert np.allclose(result.values, [2, 3, 2])
    assert np.allclose(result.centre, 2.5)
    assert np.allclose(result.upper, [2.5 + 3 * math.sqrt(2.5 / n) for n in (1, 3, 2)])
    assert np.isnan(result.lower).all()
    # a count larger than its units is a rate above 1, not an error as on a P chart
    assert "limits vary" in describe_control_chart(result)[1]


def test_a_u_chart_of_single_units_is_a_c_chart() -> None:
    as_c = analyse_control_chart("c", CIRCUIT_BOARDS)
    as_u = analyse_control_chart("u", numerators=CIRCUIT_BOARDS, denominators=[1] * 26)
    for line in ("values", "centre", "lower", "upper"):
        assert np.allclose(getattr(as_c, line), getattr(as_u, line), equal_nan=True)
    assert [s.points.tolist() for s in as_c.signals] == [s.points.tolist() for s in as_u.signals]


def test_c_and_u_charts_refuse_what_they_cannot_take() -> None:
    with pytest.raises(ValueError, match="negative, which a count cannot be"):
        analyse_control_chart("c", [3, -1, 2])
    with pytest.raises(ValueError, match="U chart needs numerators and denominators"):
        analyse_control_chart("u", [3, 1, 2])
    with pytest.raises(ValueError, match="denominator of zero or less"):
        analyse_control_chart("u", numerators=[3, 1], denominators=[2, 0])


def test_t_chart_is_an_i_chart_of_the_transformed_times() -> None:
    days = [3.0, 12.0, 7.0, 30.0, 5.0, 16.0, 9.0, 2.0, 21.0, 11.0]
    y = np.power(days, 1 / 3.6)
    mean, mr_bar = y.mean(), np.abs(np.diff(y)).mean()
    result = analyse_control_chart("t", days)
    assert result.transform == "power"
    assert result.centre[0] == pytest.approx(mean**3.6)
    assert result.upper[0] == pytest.approx((mean + 2.66 * mr_bar) ** 3.6)
    low = mean - 2.66 * mr_bar
    assert (result.lower[0] == pytest.approx(low**3.6)) if low > 0 else np.isnan(result.lower[0])


def test_log_transformed_i_chart_is_shown_on_the_original_scale() -> None:
    weeks = [12.0, 30.0, 18.0, 55.0, 26.0, 40.0, 22.0, 15.0, 70.0, 33.0]
    logs = np.log(weeks)
    mean, mr_bar = logs.mean(), np.abs(np.diff(logs)).mean()
    result = analyse_control_chart("i", weeks, transform="log")
    assert result.centre[0] == pytest.approx(math.exp(mean))  # the geometric mean
    assert result.lower[0] == pytest.approx(math.exp(mean - 2.66 * mr_bar))
    assert result.upper[0] == pytest.approx(math.exp(mean + 2.66 * mr_bar))
    assert result.values.tolist() == weeks


def test_g_chart_by_the_guides_formulas() -> None:
    counts = [12, 30, 5, 41, 18, 9, 25, 60, 14, 7]
    g_bar = sum(counts) / len(counts)  # 22.1
    result = analyse_control_chart("g", counts)
    assert result.centre[0] == pytest.approx(0.693 * g_bar)
    assert result.upper[0] == pytest.approx(g_bar + 3 * math.sqrt(g_bar * (g_bar + 1)))
    assert np.isnan(result.lower[0])  # g-bar - 3 sd < 0: no lower limit
    assert result.phases[0].mean == pytest.approx(g_bar)


# --------------------------------------------------------------------------------------
# The rules, each with exactly the points that form it
# --------------------------------------------------------------------------------------

# A steady baseline: mean 10, moving ranges of 2 (sigma = 2.66 x 2 / 3 = 1.773).
STEADY = [9.0, 11.0] * 10


def _with(tail: list[float]) -> ControlChartResult:
    return analyse_control_chart("i", STEADY + tail, baseline_n=len(STEADY))


def test_outside_limits_names_the_point() -> None:
    assert _points(_with([10.0, 16.0, 10.0]), "outside_limits") == [[21]]  # UCL 15.32


@pytest.mark.parametrize(("length", "fires"), [(7, False), (8, True)])
def test_shift_needs_eight(length: int, fires: bool) -> None:
    result = _with([9.0, *([10.5] * length)])  # the 9 ends the baseline's last run above
    assert _points(result, "shift") == ([list(range(21, 21 + length))] if fires else [])


@pytest.mark.parametrize(("length", "fires"), [(5, False), (6, True)])
def test_trend_needs_six(length: int, fires: bool) -> None:
    rising = [9.0 + 0.2 * i for i in range(length)]  # after the baseline's closing 11
    result = _with(rising)
    assert _points(result, "trend") == ([list(range(20, 20 + length))] if fires else [])


def test_two_of_three_in_the_outer_third() -> None:
    # beyond 2 sigma is above 13.55: 14 and 14.5 with 10 between them
    result = _with([10.0, 14.0, 10.0, 14.5, 10.0])
    assert _points(result, "outer_third") == [[21, 23]]
    assert [s.direction for s in result.signals if s.rule == "outer_third"] == ["high"]
    assert _points(_with([10.0, 14.0, 10.0, 10.0, 14.5]), "outer_third") == []


def test_fifteen_in_the_inner_third() -> None:
    # within 1 sigma is between 8.23 and 11.77; the baseline alternates at 9 and 11
    assert _points(_with([10.0] * 3), "inner_third") == [list(range(23))]
    calm = analyse_control_chart("i", [9.0, 11.0] * 7 + [12.5, 8.0] * 3)
    assert _points(calm, "inner_third") == []  # only 14 in a row within 1 sigma


def test_warning_when_limits_rest_on_fewer_than_twenty_points() -> None:
    assert analyse_control_chart("i", list(range(19))).warnings
    assert analyse_control_chart("i", list(range(20))).warnings == ()
    two_phases = analyse_control_chart("i", list(range(40)), phase_breaks=[25])
    assert [w.split(":")[0] for w in two_phases.warnings] == ["Phase 2"]


def test_phases_have_their_own_limits() -> None:
    before = [20.0, 22.0] * 10
    after = [10.0, 11.0] * 10
    result = analyse_control_chart("i", before + after, phase_breaks=[20])
    assert result.centre[:20].tolist() == [21.0] * 20
    assert result.centre[20:].tolist() == [10.5] * 20
    assert result.upper[20] == pytest.approx(10.5 + 2.66 * 1.0)


def test_bad_values_are_refused() -> None:
    with pytest.raises(ValueError, match="point 1 is zero or negative"):
        analyse_control_chart("i", [3.0, 0.0], transform="log")
    with pytest.raises(ValueError, match="point 0 is negative"):
        analyse_control_chart("t", [-1.0, 2.0])
    with pytest.raises(ValueError, match="point 1 has a numerator larger"):
        analyse_control_chart("p", numerators=[1, 5], denominators=[2, 4])
    with pytest.raises(ValueError, match="denominator of zero"):
        analyse_control_chart("p", numerators=[0, 0], denominators=[2, 0])
    with pytest.raises(ValueError, match="not to P charts"):
        analyse_control_chart("p", numerators=[1], denominators=[2], transform="log")


def test_summary_speaks_plainly() -> None:
    text = "\n".join(describe_control_chart(_with([10.0, 16.0, 10.0])))
    assert "A point above the upper limit (point 22)." in text
    assert "LAC" not in text and "case" not in text.lower()


def test_json_has_limits_per_point_and_nulls_for_missing_lines() -> None:
    payload = analyse_control_chart("g", [12, 30, 5, 41]).to_json()
    assert payload["lower"] == [None] * 4
    assert len(payload["upper"]) == 4 and payload["chart"] == "g"
    assert payload["warnings"]


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

series = st.lists(st.integers(0, 50).map(float), min_size=3, max_size=60)


@given(series, st.integers(-1000, 1000))
def test_adding_a_constant_moves_centre_and_limits_by_it(values: list[float], c: int) -> None:
    a = analyse_control_chart("i", values)
    b = analyse_control_chart("i", [v + c for v in values])
    for line in ("centre", "lower", "upper"):
        np.testing.assert_allclose(getattr(b, line), getattr(a, line) + c, atol=1e-9)
    assert [(s.rule, s.points.tolist()) for s in a.signals] == [
        (s.rule, s.points.tolist()) for s in b.signals
    ]


@given(series, st.integers(1, 20))
def test_scaling_scales_centre_and_limits(values: list[float], k: int) -> None:
    a = analyse_control_chart("i", values)
    b = analyse_control_chart("i", [v * k for v in values])
    for line in ("centre", "lower", "upper"):
        np.testing.assert_allclose(getattr(b, line), getattr(a, line) * k, rtol=1e-9, atol=1e-9)


@given(series)
def test_reversing_the_points_mirrors_trends_and_keeps_the_limits(values: list[float]) -> None:
    n = len(values)
    a = analyse_control_chart("i", values)
    b = analyse_control_chart("i", values[::-1])
    np.testing.assert_allclose(a.upper, b.upper[::-1])
    flip = {"up": "down", "down": "up"}
    forward = sorted((s.points.tolist(), s.direction) for s in a.signals if s.rule == "trend")
    backward = sorted(
        (sorted(n - 1 - p for p in s.points.tolist()), flip[s.direction])
        for s in b.signals
        if s.rule == "trend"
    )
    assert forward == backward


@given(series, st.data())
def test_excluded_points_never_change_centre_or_limits(
    values: list[float], data: st.DataObject
) -> None:
    n = len(values)
    excluded = data.draw(st.sets(st.integers(0, n - 1), max_size=n - 2))
    other = list(values)
    for i in excluded:
        other[i] = data.draw(st.floats(0, 1e6))
    reasons = dict.fromkeys(excluded, "a recording error")
    a = analyse_control_chart("i", values, exclude=reasons)
    b = analyse_control_chart("i", other, exclude=reasons)
    np.testing.assert_array_equal(a.centre, b.centre)
    np.testing.assert_array_equal(a.upper, b.upper)
    assert all(not (set(s.points.tolist()) & excluded) for s in a.signals)


@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(1, 30)), min_size=2, max_size=40).map(
        lambda pairs: [(min(a, b), b) for a, b in pairs]
    )
)
def test_p_chart_limits_hold_within_zero_and_one(pairs: list[tuple[int, int]]) -> None:
    result = analyse_control_chart(
        "p", numerators=[a for a, _ in pairs], denominators=[b for _, b in pairs]
    )
    assert np.all(result.lower[~np.isnan(result.lower)] > 0)
    assert np.all(result.upper[~np.isnan(result.upper)] < 1)
    p_bar = sum(a for a, _ in pairs) / sum(b for _, b in pairs)
    assert result.centre[0] == pytest.approx(p_bar)
