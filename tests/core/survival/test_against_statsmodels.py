"""Kaplan-Meier and cumulative incidence against statsmodels on random censored data.

statsmodels (a test-only dependency) is an independent implementation:
``SurvfuncRight`` for the survival function, Greenwood standard errors, numbers at risk
and Brookmeyer-Crowley quantile intervals (``quantile_ci``, whose default transform is
``cloglog``: g(x) = log(-log(x)), the log-log transform we use); ``CumIncidenceRight``
for the Aalen-Johansen cumulative incidence of competing events.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight

from permanence.analysis.survival_estimators import cumulative_incidence, kaplan_meier

Sample = tuple[NDArray[np.int64], NDArray[np.bool_]]


@st.composite
def censored_samples(draw: st.DrawFn, max_day: int = 60, max_size: int = 80) -> Sample:
    """Whole-day durations with a random mix of events and censoring (many ties)."""
    rows = draw(
        st.lists(st.tuples(st.integers(0, max_day), st.booleans()), min_size=1, max_size=max_size)
    )
    days = np.array([day for day, _ in rows], dtype=np.int64)
    reached = np.array([event for _, event in rows], dtype=bool)
    return days, reached


def _statsmodels(days: NDArray[np.int64], reached: NDArray[np.bool_]) -> SurvfuncRight:
    with np.errstate(all="ignore"):
        return SurvfuncRight(days.astype(float), reached.astype(float))


def _none_if_not_finite(value: float) -> float | None:
    return None if not math.isfinite(value) else value


@given(censored_samples())
def test_survival_standard_error_and_numbers_at_risk_match_statsmodels(sample: Sample) -> None:
    days, reached = sample
    ours = kaplan_meier(days, reached)
    theirs = _statsmodels(days, reached)
    with_events = ours.events > 0  # statsmodels keeps only the days with an event
    np.testing.assert_array_equal(ours.time[with_events], theirs.surv_times)
    np.testing.assert_array_equal(ours.at_risk[with_events], theirs.n_risk)
    np.testing.assert_array_equal(ours.events[with_events], theirs.n_events)
    np.testing.assert_allclose(ours.survival[with_events], theirs.surv_prob, atol=1e-12)
    np.testing.assert_allclose(
        ours.std_error[with_events], theirs.surv_prob_se, rtol=1e-9, atol=1e-12, equal_nan=True
    )


@given(censored_samples())
def test_quantiles_and_their_intervals_match_statsmodels(sample: Sample) -> None:
    days, reached = sample
    ours = kaplan_meier(days, reached)
    theirs = _statsmodels(days, reached)
    for share in (0.25, 0.5, 0.75):
        quantile = ours.quantile(share)
        with np.errstate(all="ignore"):
            lower, upper = theirs.quantile_ci(share)
            estimate = theirs.quantile(share)
        assert quantile.lower == _none_if_not_finite(lower)
        assert quantile.upper == _none_if_not_finite(upper)

        on_the_threshold = np.isclose(theirs.surv_prob, 1.0 - share, rtol=0.0, atol=1e-9)
        if on_the_threshold.any():
            # statsmodels takes the first day strictly below the threshold; we take the
            # first day that reaches it ("half had reached it by then").
            assert quantile.days == theirs.surv_times[np.flatnonzero(on_the_threshold)[0]]
        else:
            assert quantile.days == _none_if_not_finite(estimate)


@st.composite
def competing_samples(
    draw: st.DrawFn, routes: int = 3
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    rows = draw(
        st.lists(st.tuples(st.integers(0, 40), st.integers(0, routes)), min_size=1, max_size=80)
    )
    # statsmodels sizes its output by the largest route number it sees: make sure the
    # last route appears at least once.
    rows.append((draw(st.integers(0, 40)), routes))
    days = np.array([day for day, _ in rows], dtype=np.int64)
    route = np.array([code for _, code in rows], dtype=np.int64)
    return days, route


@given(competing_samples())
def test_cumulative_incidence_matches_statsmodels(
    sample: tuple[NDArray[np.int64], NDArray[np.int64]],
) -> None:
    days, route = sample
    ours = cumulative_incidence(days, route, 3)
    with np.errstate(all="ignore"):
        theirs = CumIncidenceRight(days.astype(float), route.astype(float))
    np.testing.assert_array_equal(ours.time, theirs.times)
    for k in range(3):
        np.testing.assert_allclose(ours.incidence[:, k], theirs.cinc[k], atol=1e-12)
