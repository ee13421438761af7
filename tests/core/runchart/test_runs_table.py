"""The runs table and the Anhøj limits, checked against published values and independent sums.

Nothing here compares the code with itself: the expected values are transcribed from
published tables, or computed in this file by a different method (enumerating every
arrangement, a recursion over sequences, scipy's binomial quantile).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from functools import cache

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binom  # type: ignore[import-untyped]

from permanence.analysis.runs_table import (
    PERLA_RUNS_TABLE,
    PERLA_RUNS_TABLE_CROSS_CHECKED,
    computed_runs_range,
    crossings_min,
    longest_run_max,
    runs_distribution,
    runs_range,
)

# Perla, Provost & Murray (2011), BMJ Qual Saf 20:46-51, Table 1, typed again here row by
# row (useful observations: lower, upper) so that a slip in either copy shows.
PUBLISHED = {
    10: (3, 9), 11: (3, 10), 12: (3, 11), 13: (4, 11), 14: (4, 12), 15: (5, 12),
    16: (5, 13), 17: (5, 13), 18: (6, 14), 19: (6, 15), 20: (6, 16), 21: (7, 16),
    22: (7, 17), 23: (7, 17), 24: (8, 18), 25: (8, 18), 26: (9, 19), 27: (10, 19),
    28: (10, 20), 29: (10, 20), 30: (11, 21), 31: (11, 22), 32: (11, 23), 33: (11, 23),
    34: (12, 24), 35: (13, 24), 36: (13, 25), 37: (13, 25), 38: (14, 26), 39: (14, 26),
    40: (15, 27), 41: (16, 27), 42: (16, 28), 43: (17, 28), 44: (17, 29), 45: (17, 30),
    46: (17, 31), 47: (18, 31), 48: (18, 32), 49: (19, 32), 50: (19, 33), 51: (20, 33),
    52: (20, 34), 53: (21, 34), 54: (21, 35), 55: (22, 35), 56: (22, 36), 57: (23, 36),
    58: (23, 37), 59: (24, 38), 60: (24, 38),
}  # fmt: skip

# A second public transcription of the same table (10 to 40), found in a public code
# repository. Where it disagrees with ours the entry is not marked as cross-checked.
SECOND_TRANSCRIPTION = {
    10: (3, 9), 11: (3, 10), 12: (3, 11), 13: (4, 11), 14: (4, 12), 15: (5, 12),
    16: (5, 13), 17: (5, 13), 18: (6, 14), 19: (6, 15), 20: (6, 16), 21: (7, 16),
    22: (7, 17), 23: (7, 17), 24: (8, 18), 25: (8, 18), 26: (9, 19), 27: (9, 20),
    28: (10, 20), 29: (10, 21), 30: (11, 22), 31: (11, 22), 32: (11, 23), 33: (11, 24),
    34: (12, 24), 35: (12, 25), 36: (13, 25), 37: (13, 26), 38: (14, 26), 39: (14, 27),
    40: (15, 27),
}  # fmt: skip


def test_the_hard_coded_table_is_the_published_table() -> None:
    assert PERLA_RUNS_TABLE == PUBLISHED
    for n, limits in PUBLISHED.items():
        assert runs_range(n) == limits


def test_cross_checked_entries_are_exactly_those_two_transcriptions_agree_on() -> None:
    agree = {n for n, limits in SECOND_TRANSCRIPTION.items() if PUBLISHED[n] == limits}
    assert agree == PERLA_RUNS_TABLE_CROSS_CHECKED


def test_even_counts_are_symmetric_as_the_distribution_is() -> None:
    # With n even the median splits the points n/2 and n/2, and the number of runs is
    # symmetric about n/2 + 1: so lower + upper must be n + 2. A transcription slip breaks it.
    for n in range(10, 101, 2):
        lower, upper = runs_range(n) or (0, 0)
        assert lower + upper == n + 2, n


def test_limits_grow_with_the_number_of_points() -> None:
    previous = (0, 0)
    for n in range(10, 101):
        limits = runs_range(n)
        assert limits is not None
        assert limits[0] >= previous[0] and limits[1] >= previous[1], n
        assert limits[0] < n / 2 + 1 < limits[1]  # the expected number of runs lies between
        previous = limits


def test_no_runs_limit_below_ten_useful_points() -> None:
    assert all(runs_range(n) is None for n in range(10))


# --------------------------------------------------------------------------------------
# The exact distribution: against published probabilities and brute force
# --------------------------------------------------------------------------------------

# Swed & Eisenhart (1943), Table I, as reproduced in statistics texts: P(runs <= r).
# (m, n): {r: probability}
SWED_EISENHART_CUMULATIVE = {
    (2, 2): {2: 0.333333, 3: 0.666667},
    (2, 3): {2: 0.200, 3: 0.500, 4: 0.900},
    (2, 5): {2: 0.095238, 3: 0.333333, 4: 0.714286},
    (2, 10): {2: 0.030303, 3: 0.181818, 4: 0.454545},
    (2, 11): {2: 0.025641, 3: 0.166667, 4: 0.423077},
    (2, 12): {2: 0.021978, 3: 0.153846, 4: 0.395604},
    (4, 6): {2: 0.010, 3: 0.048, 4: 0.190, 5: 0.405, 6: 0.690, 7: 0.881, 8: 0.976},
    (5, 5): {2: 0.008, 3: 0.040, 4: 0.167, 5: 0.357, 6: 0.643, 7: 0.833, 8: 0.960},
    (6, 6): {2: 0.002, 3: 0.013, 4: 0.067, 5: 0.175, 6: 0.392, 7: 0.608, 8: 0.825},
    (7, 7): {2: 0.001, 3: 0.004, 4: 0.025, 5: 0.078, 6: 0.209, 7: 0.383, 8: 0.617},
}


@pytest.mark.parametrize(("sizes", "expected"), SWED_EISENHART_CUMULATIVE.items())
def test_distribution_matches_published_probabilities(
    sizes: tuple[int, int], expected: dict[int, float]
) -> None:
    runs, probability = runs_distribution(*sizes)
    cumulative = dict(zip(runs.tolist(), np.cumsum(probability).tolist(), strict=True))
    for r, p in expected.items():
        decimals = len(str(p).split(".")[1])
        assert cumulative[r] == pytest.approx(p, abs=0.6 * 10**-decimals), (sizes, r)


@given(st.integers(1, 8), st.integers(1, 8))
def test_distribution_matches_brute_force_enumeration(m: int, n: int) -> None:
    counts: dict[int, int] = {}
    for below in itertools.combinations(range(m + n), m):
        pattern = [1 if i in below else 0 for i in range(m + n)]
        number_of_runs = 1 + sum(a != b for a, b in itertools.pairwise(pattern))
        counts[number_of_runs] = counts.get(number_of_runs, 0) + 1
    total = math.comb(m + n, m)
    runs, probability = runs_distribution(m, n)
    got = {
        int(r): float(p) for r, p in zip(runs.tolist(), probability.tolist(), strict=True) if p > 0
    }
    assert got.keys() == counts.keys()
    for r, ways in counts.items():
        assert got[r] == pytest.approx(ways / total, rel=1e-12)


def test_large_distribution_is_a_distribution_with_the_textbook_mean() -> None:
    # Past 2,000 points the logged computation takes over; it must still sum to one and
    # centre on the textbook mean 2mn/(m+n) + 1.
    m, n = 1500, 1501
    runs, probability = runs_distribution(m, n)
    assert probability.sum() == pytest.approx(1.0, abs=1e-12)
    assert float(runs @ probability) == pytest.approx(2 * m * n / (m + n) + 1, rel=1e-9)


# --------------------------------------------------------------------------------------
# The computed extension (61 to 100 and beyond), by an independent recursion
# --------------------------------------------------------------------------------------


@cache
def _sequences(ones: int, zeros: int, last: int, runs: int) -> int:
    """How many 0/1 sequences with these counts, ending in ``last``, have ``runs`` runs."""
    if ones == 0 and zeros == 0:
        return 0
    if runs < 1:
        return 0
    if last == 1:
        if ones == 0:
            return 0
        if ones == 1 and zeros == 0:
            return 1 if runs == 1 else 0
        return _sequences(ones - 1, zeros, 1, runs) + _sequences(ones - 1, zeros, 0, runs - 1)
    if zeros == 0:
        return 0
    if zeros == 1 and ones == 0:
        return 1 if runs == 1 else 0
    return _sequences(ones, zeros - 1, 0, runs) + _sequences(ones, zeros - 1, 1, runs - 1)


def _limits_by_recursion(n: int) -> tuple[int, int]:
    ones, zeros = n - n // 2, n // 2
    ways = {
        r: _sequences(ones, zeros, 1, r) + _sequences(ones, zeros, 0, r) for r in range(1, n + 1)
    }
    total = sum(ways.values())
    tail = Fraction(1, 40)  # 2.5% in each tail: 5% in all
    lower = max(
        r for r in range(2, n + 2) if Fraction(sum(ways.get(k, 0) for k in range(r)), total) <= tail
    )
    upper = min(
        r
        for r in range(1, n + 1)
        if Fraction(sum(ways.get(k, 0) for k in range(r + 1, n + 1)), total) <= tail
    )
    return lower, upper


@pytest.mark.parametrize("n", [*range(10, 101, 3), 61, 100])
def test_computed_limits_agree_with_an_independent_recursion(n: int) -> None:
    assert computed_runs_range(n) == _limits_by_recursion(n)
    if n > 60:
        assert runs_range(n) == _limits_by_recursion(n)


def test_published_table_is_within_one_run_of_the_exact_five_percent_limits() -> None:
    # The published table was derived from Swed and Eisenhart's tables, not by one exact
    # rule, so it does not reproduce the exact 2.5%-per-tail limits entry for entry (see
    # docs/run-charts.md). It never strays by more than one run, and its two-sided false
    # alarm rate stays near the 5% it is meant to keep.
    for n, (lower, upper) in PUBLISHED.items():
        exact_lower, exact_upper = computed_runs_range(n)
        assert abs(lower - exact_lower) <= 1 and abs(upper - exact_upper) <= 1, n
        runs, probability = runs_distribution(n // 2, n - n // 2)
        false_alarm = probability[(runs < lower) | (runs > upper)].sum()
        assert false_alarm <= 0.065, n


def test_logged_and_exact_limits_meet_at_the_switch() -> None:
    from permanence.analysis import runs_table

    for n in (2001, 2500):
        below, above = n // 2, n - n // 2
        runs, probability = runs_table._runs_distribution_logged(below, above)
        cumulative = np.cumsum(probability)
        lower_from_logs = int(runs[np.concatenate(([0.0], cumulative[:-1])) <= 0.025].max())
        exact = runs_table._exact_runs_range(below, above, Fraction(1, 40))
        assert lower_from_logs == exact[0]


# --------------------------------------------------------------------------------------
# Anhøj limits
# --------------------------------------------------------------------------------------

# Published table of the longest-run limit round(log2(n)) + 3, n = 10 to 104 (a public
# quality improvement FAQ transcribing the qicharts2 critical values).
LONGEST_RUN_PUBLISHED = {
    **dict.fromkeys(range(10, 12), 6),
    **dict.fromkeys(range(12, 23), 7),
    **dict.fromkeys(range(23, 46), 8),
    **dict.fromkeys(range(46, 91), 9),
    **dict.fromkeys(range(91, 105), 10),
}


@pytest.mark.parametrize(("n", "limit"), LONGEST_RUN_PUBLISHED.items())
def test_longest_run_limit_matches_the_published_table(n: int, limit: int) -> None:
    assert longest_run_max(n) == limit


@given(st.integers(1, 3000))
def test_crossings_limit_is_scipys_fifth_percentile(n: int) -> None:
    assert crossings_min(n) == int(binom.ppf(0.05, n - 1, 0.5))


@pytest.mark.parametrize("n", [2_001, 2_002, 10_000, 123_457, 1_000_000])
def test_crossings_limit_for_long_series(n: int) -> None:
    assert crossings_min(n) == int(binom.ppf(0.05, n - 1, 0.5))


def test_anhoej_limits_for_24_points_as_worked_in_qicharts2() -> None:
    # qicharts2's vignette: with 24 useful points the longest run may be 8 and there
    # should be at least 8 crossings.
    assert longest_run_max(24) == 8
    assert crossings_min(24) == 8


@given(st.integers(0, 10**9))
def test_log_factorials_past_the_exact_range_agree_with_lgamma(k: int) -> None:
    from permanence.analysis import runs_table

    got = float(runs_table._log_factorial(np.array([k]))[0])
    assert got == pytest.approx(math.lgamma(k + 1.0), rel=1e-13, abs=1e-12)
