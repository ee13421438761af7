"""Intervals and limits against independent implementations and hand-worked values.

statsmodels gives the Wilson interval; scipy (which statsmodels brings) gives the
binomial distribution for the funnel limits and the chi-squared distribution for the
exact Poisson interval that Byar's approximation stands in for.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from permanence.analysis.benchmarking import (
    FunnelPosition,
    binomial_cdf,
    binomial_limit,
    byar_interval,
    funnel_limits,
    funnel_position,
    funnel_sizes,
    wilson_interval,
)

Z = 1.959963984540054


@given(st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_matches_statsmodels(case: tuple[int, int]) -> None:
    successes, trials = case
    low, high = wilson_interval([successes], [trials])
    expected = proportion_confint(successes, trials, alpha=0.05, method="wilson")
    assert low[0] == pytest.approx(expected[0], abs=1e-9)
    assert high[0] == pytest.approx(expected[1], abs=1e-9)


def test_wilson_by_hand() -> None:
    # 7 of 20: centre (0.35 + z²/40) / (1 + z²/20); half z/(1 + z²/20) sqrt(0.35·0.65/20 + z²/1600)
    p, n = 0.35, 20
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n * n))
    low, high = wilson_interval([7], [20])
    assert (low[0], high[0]) == pytest.approx((centre - half, centre + half))
    assert (low[0], high[0]) == pytest.approx((0.1812, 0.5671), abs=1e-4)
    nobody_low, nobody_high = wilson_interval([0], [0])
    assert math.isnan(nobody_low[0]) and math.isnan(nobody_high[0])


@given(st.integers(1, 300), st.floats(0.01, 0.99))
def test_binomial_cdf_matches_scipy(n: int, p: float) -> None:
    ours = binomial_cdf(n, p)
    theirs = stats.binom.cdf(np.arange(n + 1), n, p)
    assert ours == pytest.approx(theirs, abs=1e-9)


def spiegelhalter(n: int, p: float, probability: float) -> float:
    """Spiegelhalter (2005) appendix A.1.1, written with scipy's binomial."""
    r = stats.binom.ppf(probability, n, p)
    alpha = (stats.binom.cdf(r, n, p) - probability) / stats.binom.pmf(r, n, p)
    return float((r - alpha) / n)


@given(
    st.integers(1, 2000),
    st.floats(0.02, 0.98),
    st.sampled_from([0.001, 0.025, 0.975, 0.999]),
)
def test_funnel_limits_match_spiegelhalter_with_scipy(n: int, p: float, probability: float) -> None:
    expected = min(max(spiegelhalter(n, p, probability), 0.0), 1.0)
    assert binomial_limit(n, p, probability) == pytest.approx(expected, abs=1e-7)


def test_large_funnels_approach_the_normal_limits() -> None:
    n, p = 20_000, 0.4
    se = math.sqrt(p * (1 - p) / n)
    assert binomial_limit(n, p, 0.975) == pytest.approx(p + Z * se, abs=5e-4)
    assert binomial_limit(n, p, 0.001) == pytest.approx(p - 3.090232 * se, abs=5e-4)


def test_the_funnel_narrows_and_holds_the_centre() -> None:
    limits = funnel_limits(0.55, funnel_sizes(3000))
    assert (limits["lower_998"] <= limits["lower_95"]).all()
    assert (limits["lower_95"] <= limits["centre"]).all()
    assert (limits["centre"] <= limits["upper_95"]).all()
    assert (limits["upper_95"] <= limits["upper_998"]).all()
    width = (limits["upper_95"] - limits["lower_95"]).to_numpy()
    assert width[-1] < width[10] < width[0]
    assert limits["n"].to_list()[:20] == list(range(1, 21))
    assert limits["n"].max() == 3000


def test_funnel_positions_follow_the_limits() -> None:
    n, p = 100, 0.5
    upper_95 = 100 * spiegelhalter(n, p, 0.975)
    upper_998 = 100 * spiegelhalter(n, p, 0.999)
    assert funnel_position(n, 50, p) is FunnelPosition.WITHIN
    assert funnel_position(n, (upper_95 + upper_998) / 2, p) is FunnelPosition.ABOVE_95
    assert funnel_position(n, upper_998 + 1, p) is FunnelPosition.ABOVE_998
    lower_998 = 100 * spiegelhalter(n, p, 0.001)
    assert funnel_position(n, lower_998 - 0.5, p) is FunnelPosition.BELOW_998
    # The same percentage is unremarkable for a small authority.
    assert funnel_position(8, upper_998 + 1, p) is FunnelPosition.WITHIN


def test_byar_by_hand() -> None:
    # O = 10: lower 10 (1 - 1/90 - z/(3 sqrt 10))^3, upper 11 (1 - 1/99 + z/(3 sqrt 11))^3
    lower = 10 * (1 - 1 / 90 - Z / (3 * math.sqrt(10))) ** 3
    upper = 11 * (1 - 1 / 99 + Z / (3 * math.sqrt(11))) ** 3
    low, high = byar_interval([10])
    assert (low[0], high[0]) == pytest.approx((lower, upper))
    assert (low[0], high[0]) == pytest.approx((4.7875, 18.3915), abs=1e-3)
    zero_low, zero_high = byar_interval([0])
    assert zero_low[0] == 0.0
    assert zero_high[0] == pytest.approx((1 - 1 / 9 + Z / 3) ** 3)  # 3.668; exact 3.689


@given(st.integers(10, 5000))
def test_byar_is_close_to_the_exact_poisson_interval(observed: int) -> None:
    exact_low = stats.chi2.ppf(0.025, 2 * observed) / 2
    exact_high = stats.chi2.ppf(0.975, 2 * observed + 2) / 2
    low, high = byar_interval([observed])
    assert low[0] == pytest.approx(exact_low, rel=0.01)
    assert high[0] == pytest.approx(exact_high, rel=0.01)
