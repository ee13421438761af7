"""Properties every Kaplan-Meier and Aalen-Johansen estimate must have.

The censoring property needs care. It is NOT true that censoring more children can only
lower the share estimated to have reached the milestone: censoring a child *earlier*
than their event shrinks the later risk sets and can raise it (the counter-example is
tested below). What is true, and tested: turning an event into a censoring on the same
day or later never raises the estimated share reached, 1 - S(t), at any t. (On the same
day, fewer of the same risk set reach it; on a later day the child also stays in the
risk sets in between, lowering their hazards; after that the risk sets are the same.)
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from permanence.analysis.survival_estimators import cumulative_incidence, kaplan_meier

Sample = tuple[NDArray[np.int64], NDArray[np.bool_]]


@st.composite
def censored_samples(draw: st.DrawFn, min_events: int = 0) -> Sample:
    rows = draw(
        st.lists(st.tuples(st.integers(0, 60), st.booleans()), min_size=1, max_size=80).filter(
            lambda rows: sum(event for _, event in rows) >= min_events
        )
    )
    return (
        np.array([day for day, _ in rows], dtype=np.int64),
        np.array([event for _, event in rows], dtype=bool),
    )


def _share_reached(
    days: NDArray[np.int64], reached: NDArray[np.bool_], grid: NDArray[np.int64]
) -> NDArray[np.float64]:
    return 1.0 - kaplan_meier(days, reached).survival_at(grid).survival


@given(censored_samples(min_events=1), st.data())
def test_censoring_an_event_on_the_same_day_or_later_never_raises_the_share_reached(
    sample: Sample, data: st.DataObject
) -> None:
    days, reached = sample
    child = data.draw(st.sampled_from(np.flatnonzero(reached).tolist()))
    delay = data.draw(st.integers(0, 30))
    later_days, later_reached = days.copy(), reached.copy()
    later_reached[child] = False
    later_days[child] += delay

    grid = np.arange(0, int(later_days.max()) + 3)
    before = _share_reached(days, reached, grid)
    after = _share_reached(later_days, later_reached, grid)
    known = ~np.isnan(before) & ~np.isnan(after)
    assert known.any()
    assert np.all(after[known] <= before[known] + 1e-12)


def test_censoring_a_child_before_their_event_can_raise_the_share_reached() -> None:
    # Three children reach it on days 5, 10 and 20: by day 5, one in three.
    # Censor the day-10 child on day 1 instead: by day 5, one of the two left (a half).
    grid = np.array([5])
    before = _share_reached(np.array([5, 10, 20]), np.array([True, True, True]), grid)
    after = _share_reached(np.array([5, 1, 20]), np.array([True, False, True]), grid)
    assert before[0] == pytest.approx(1 / 3)
    assert after[0] == pytest.approx(1 / 2)


@given(st.lists(st.integers(0, 60), min_size=1, max_size=80))
def test_without_censoring_the_estimate_is_the_empirical_distribution(values: list[int]) -> None:
    days = np.array(values, dtype=np.int64)
    estimate = kaplan_meier(days, np.ones(days.size, dtype=bool))
    grid = np.arange(0, days.max() + 1)
    empirical = (days[None, :] > grid[:, None]).mean(axis=1)
    np.testing.assert_allclose(estimate.survival_at(grid).survival, empirical, atol=1e-12)
    # Greenwood's variance reduces to the binomial variance S (1 - S) / n.
    alive = estimate.survival > 0
    binomial = np.sqrt(estimate.survival * (1 - estimate.survival) / days.size)
    np.testing.assert_allclose(estimate.std_error[alive], binomial[alive], rtol=1e-9, atol=1e-12)


@given(censored_samples())
def test_the_limits_lie_inside_zero_and_one_around_the_estimate(sample: Sample) -> None:
    estimate = kaplan_meier(*sample)
    known = ~np.isnan(estimate.lower)
    assert np.all(estimate.lower[known] >= 0.0)
    assert np.all(estimate.upper[known] <= 1.0)
    assert np.all(estimate.lower[known] <= estimate.survival[known] + 1e-12)
    assert np.all(estimate.survival[known] <= estimate.upper[known] + 1e-12)
    # Unknown only where everyone left had reached the milestone.
    assert np.all(estimate.survival[~known] == 0.0)


@given(censored_samples())
def test_survival_never_rises_and_the_quartiles_are_in_order(sample: Sample) -> None:
    estimate = kaplan_meier(*sample)
    assert np.all(np.diff(estimate.survival) <= 0.0)
    quartiles = [estimate.quantile(share).days for share in (0.25, 0.5, 0.75)]
    reached = [days for days in quartiles if days is not None]
    assert reached == sorted(reached)
    # A later quartile cannot be reached when an earlier one is not.
    assert quartiles[: len(reached)] == reached


@given(censored_samples())
def test_the_order_of_the_children_does_not_matter(sample: Sample) -> None:
    days, reached = sample
    order = np.random.default_rng(len(days)).permutation(days.size)
    first, second = kaplan_meier(days, reached), kaplan_meier(days[order], reached[order])
    np.testing.assert_array_equal(first.survival, second.survival)
    np.testing.assert_array_equal(first.at_risk, second.at_risk)


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 5)), min_size=1, max_size=100))
def test_the_routes_add_up_to_everyone_who_reached_the_milestone(
    rows: list[tuple[int, int]],
) -> None:
    days = np.array([day for day, _ in rows], dtype=np.int64)
    route = np.array([code for _, code in rows], dtype=np.int64)
    incidence = cumulative_incidence(days, route, 5)
    any_route = kaplan_meier(days, route > 0)
    np.testing.assert_allclose(
        incidence.incidence.sum(axis=1), 1.0 - any_route.survival, atol=1e-12
    )
    grid = np.arange(0, 45)
    by_route = incidence.incidence_at(grid).sum(axis=1)
    expected = 1.0 - any_route.survival_at(grid).survival
    np.testing.assert_allclose(by_route, expected, atol=1e-12, equal_nan=True)
    # Each route's share never falls, and never exceeds the share reaching it at all.
    assert np.all(np.diff(incidence.incidence, axis=0) >= -1e-15)


def test_cumulative_incidence_worked_by_hand() -> None:
    # Four children: route 1 on day 2; censored on day 3; route 2 on day 5; route 1 on day 5.
    # Day 2: 1 of 4 by route 1 -> 1/4; S = 3/4.
    # Day 5: 2 at risk, S(5-) = 3/4; each route gets 3/4 * 1/2 = 3/8.
    incidence = cumulative_incidence(np.array([2, 3, 5, 5]), np.array([1, 0, 2, 1]), 2)
    assert incidence.time.tolist() == [2, 3, 5]
    np.testing.assert_allclose(
        incidence.incidence, [[1 / 4, 0.0], [1 / 4, 0.0], [1 / 4 + 3 / 8, 3 / 8]]
    )
    # Everyone had left by day 5, so the shares hold for ever after.
    np.testing.assert_allclose(incidence.incidence_at([6, 100]), [[5 / 8, 3 / 8]] * 2)
