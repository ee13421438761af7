"""Critical values for the run chart rules: the published runs table and the Anhøj limits.

Two rule sets read a run chart (see ``docs/run-charts.md``). Both need a limit that
depends only on the number of *useful observations*: the points not on the median.

``ihi`` (Perla, Provost and Murray 2011) judges the number of runs against a table: fewer
runs than the lower limit are "too few", more than the upper limit "too many". The table
in their paper covers 10 to 60 useful observations and is reproduced here as printed.
Past 60 we compute the same kind of limit from the exact distribution of the number of
runs (Swed and Eisenhart 1943) at the 5% level, 2.5% in each tail. The published table is
not itself one exact rule (it is a little more cautious than the exact 2.5% tails at some
n and a little less at others), so the computation reproduces it to within one run, not
entry for entry; ``docs/run-charts.md`` sets out where and why.

``anhoej`` (Anhøj and Olesen 2014, as the R package qicharts2 computes it) flags a longest
run longer than ``round(log2(n)) + 3`` and fewer crossings than the 5th percentile of
Binomial(n - 1, 0.5), qicharts2's ``qbinom(0.05, n - 1, 0.5)``.

Everything here is exact for up to 2,000 useful observations (integer arithmetic, so a
tail probability that sits right on 2.5% or 5% is never misjudged by rounding) and uses
log-space numpy past that, where no tail comes near a boundary that finely.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

import numpy as np
import numpy.typing as npt

#: Fewest useful observations the runs table covers; below this the runs rule is not applied.
RUNS_TABLE_MIN_USEFUL = 10

#: Most useful observations the published table covers; past this the limits are computed.
RUNS_TABLE_MAX_PUBLISHED = 60

#: Two-sided level of the computed extension: 2.5% of random charts are "too few", 2.5%
#: "too many".
RUNS_TABLE_ALPHA = 0.05

#: Perla RJ, Provost LP, Murray SK. The run chart: a simple analytical tool for learning
#: from variation in healthcare processes. BMJ Qual Saf 2011;20:46-51, Table 1 (derived
#: from Swed FS, Eisenhart C. Tables for testing randomness of grouping in a sequence of
#: alternatives. Ann Math Stat 1943;14:66-87). Keyed by the number of useful observations
#: (points not on the median): (lower, upper). Fewer runs than ``lower`` are too few; more
#: than ``upper`` are too many.
PERLA_RUNS_TABLE: dict[int, tuple[int, int]] = {
    10: (3, 9),
    11: (3, 10),
    12: (3, 11),
    13: (4, 11),
    14: (4, 12),
    15: (5, 12),
    16: (5, 13),
    17: (5, 13),
    18: (6, 14),
    19: (6, 15),
    20: (6, 16),
    21: (7, 16),
    22: (7, 17),
    23: (7, 17),
    24: (8, 18),
    25: (8, 18),
    26: (9, 19),
    27: (10, 19),
    28: (10, 20),
    29: (10, 20),
    30: (11, 21),
    31: (11, 22),
    32: (11, 23),
    33: (11, 23),
    34: (12, 24),
    35: (13, 24),
    36: (13, 25),
    37: (13, 25),
    38: (14, 26),
    39: (14, 26),
    40: (15, 27),
    41: (16, 27),
    42: (16, 28),
    43: (17, 28),
    44: (17, 29),
    45: (17, 30),
    46: (17, 31),
    47: (18, 31),
    48: (18, 32),
    49: (19, 32),
    50: (19, 33),
    51: (20, 33),
    52: (20, 34),
    53: (21, 34),
    54: (21, 35),
    55: (22, 35),
    56: (22, 36),
    57: (23, 36),
    58: (23, 37),
    59: (24, 38),
    60: (24, 38),
}

#: Entries of ``PERLA_RUNS_TABLE`` that agree with a second, independent public
#: transcription (which covers 10 to 40). The others rest on our transcription alone and
#: are listed in ``docs/run-charts.md`` for checking against the printed paper.
PERLA_RUNS_TABLE_CROSS_CHECKED: frozenset[int] = frozenset(
    [*range(10, 27), 28, 31, 32, 34, 36, 38, 40]
)

_EXACT_UP_TO = 2000


def runs_range(n_useful: int) -> tuple[int, int] | None:
    """The (lower, upper) limits for the number of runs, or None below 10 useful points.

    From the published table for 10 to 60 useful observations, computed past that.
    """
    if n_useful < RUNS_TABLE_MIN_USEFUL:
        return None
    if n_useful <= RUNS_TABLE_MAX_PUBLISHED:
        return PERLA_RUNS_TABLE[n_useful]
    return computed_runs_range(n_useful)


@lru_cache(maxsize=256)
def computed_runs_range(n_useful: int, alpha: float = RUNS_TABLE_ALPHA) -> tuple[int, int]:
    """Runs limits from the exact distribution, ``alpha / 2`` in each tail.

    The useful points split as evenly as the median allows: ``n // 2`` on one side and
    the rest on the other. ``lower`` is the largest count with P(runs < lower) <= alpha/2;
    ``upper`` the smallest with P(runs > upper) <= alpha/2, so that "fewer than lower" and
    "more than upper" read exactly as the published table does.
    """
    if n_useful < 2:
        raise ValueError("the number of runs needs at least two useful observations")
    below = n_useful // 2
    above = n_useful - below
    if n_useful <= _EXACT_UP_TO:
        return _exact_runs_range(below, above, Fraction(str(alpha)) / 2)
    runs, probability = _runs_distribution_logged(below, above)
    cumulative = np.cumsum(probability)  # P(R <= runs[i])
    tail = alpha / 2 + 1e-12  # a hair of allowance for the logged arithmetic
    below_r = np.concatenate(([0.0], cumulative[:-1]))  # P(R < runs[i])
    above_r = 1.0 - cumulative  # P(R > runs[i])
    return int(runs[below_r <= tail].max()), int(runs[above_r <= tail].min())


def _exact_runs_range(below: int, above: int, tail: Fraction) -> tuple[int, int]:
    """The same limits in whole numbers: counts of arrangements against tail * total."""
    total = math.comb(below + above, below)
    allowed = tail * total
    all_runs = range(2, below + above + 1)
    ways = [_arrangements_with_runs(r, below, above) for r in all_runs]
    lower = 2
    fewer = 0  # arrangements with fewer runs than r
    for r, w in zip(all_runs, ways, strict=True):
        if fewer <= allowed:
            lower = r
        fewer += w
    upper = below + above
    more = 0  # arrangements with more runs than r
    for r, w in zip(reversed(all_runs), reversed(ways), strict=True):
        if more <= allowed:
            upper = r
        more += w
    return lower, upper


def runs_distribution(
    n_below: int, n_above: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The exact distribution of the number of runs in a random arrangement.

    ``n_below`` points of one kind and ``n_above`` of the other, every order equally
    likely (Swed and Eisenhart 1943). Returns the possible numbers of runs and their
    probabilities; the probabilities sum to one.
    """
    if n_below < 1 or n_above < 1:
        raise ValueError("both sides of the median need at least one point")
    if n_below + n_above <= _EXACT_UP_TO:
        return _runs_distribution_exact(n_below, n_above)
    return _runs_distribution_logged(n_below, n_above)


def _runs_distribution_exact(
    n_below: int, n_above: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    total = math.comb(n_below + n_above, n_below)
    runs = np.arange(2, n_below + n_above + 1, dtype=np.int64)
    ways = [_arrangements_with_runs(int(r), n_below, n_above) for r in runs]
    # Dividing Python integers keeps every probability correctly rounded.
    probability = np.array([w / total for w in ways], dtype=np.float64)
    return runs, probability


def _arrangements_with_runs(runs: int, m: int, n: int) -> int:
    """How many of the C(m+n, m) arrangements have exactly ``runs`` runs."""
    if runs % 2 == 0:
        k = runs // 2
        return 2 * math.comb(m - 1, k - 1) * math.comb(n - 1, k - 1)
    k = (runs - 1) // 2
    return math.comb(m - 1, k) * math.comb(n - 1, k - 1) + math.comb(m - 1, k - 1) * math.comb(
        n - 1, k
    )


_SMALL_LOG_FACTORIALS = np.array([math.lgamma(k + 1.0) for k in range(64)])


def _log_factorial(k: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """ln(k!) for each k >= 0: a table below 64, Stirling's series (error < 1e-15) above."""
    big = np.maximum(k, 64).astype(np.float64)
    stirling = (
        big * np.log(big)
        - big
        + 0.5 * np.log(2 * math.pi * big)
        + 1 / (12 * big)
        - 1 / (360 * big**3)
        + 1 / (1260 * big**5)
    )
    return np.where(k < 64, _SMALL_LOG_FACTORIALS[np.minimum(k, 63)], stirling)


def _log_comb(n: int, k: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """ln C(n, k), minus infinity where k is out of range."""
    valid = (k >= 0) & (k <= n)
    safe = np.clip(k, 0, n)
    out = math.lgamma(n + 1.0) - _log_factorial(safe) - _log_factorial(n - safe)
    return np.where(valid, out, -np.inf)


def _runs_distribution_logged(
    n_below: int, n_above: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Log-space probabilities over the counts that carry any weight.

    Counts more than 12 standard deviations from the mean have probabilities far below
    1e-30 and are left out, which keeps a million-point chart to a few thousand terms.
    """
    total = n_below + n_above
    product = 2 * n_below * n_above
    mean = product / total + 1
    sd = math.sqrt(product * (product - total) / (total * total * (total - 1)))
    low = max(2, math.floor(mean - 12 * sd) - 2)
    high = min(total, math.ceil(mean + 12 * sd) + 2)
    runs = np.arange(low, high + 1, dtype=np.int64)
    even = runs % 2 == 0
    k_even = runs // 2
    k_odd = (runs - 1) // 2
    log_even = math.log(2) + _log_comb(n_below - 1, k_even - 1) + _log_comb(n_above - 1, k_even - 1)
    log_odd = np.logaddexp(
        _log_comb(n_below - 1, k_odd) + _log_comb(n_above - 1, k_odd - 1),
        _log_comb(n_below - 1, k_odd - 1) + _log_comb(n_above - 1, k_odd),
    )
    log_ways = np.where(even, log_even, log_odd)
    log_total = math.lgamma(total + 1.0) - math.lgamma(n_below + 1.0) - math.lgamma(n_above + 1.0)
    probability = np.exp(log_ways - log_total)
    return runs, probability / probability.sum()


def longest_run_max(n_useful: int) -> int:
    """Anhøj's upper limit for the longest run: ``round(log2(n)) + 3`` (Schilling 2012).

    A longest run *longer* than this is unusual. ``log2(n)`` is never exactly half way
    between two integers for a whole number ``n``, so the rounding convention cannot matter.
    """
    if n_useful < 1:
        raise ValueError("the longest run limit needs at least one useful observation")
    return round(math.log2(n_useful)) + 3


@lru_cache(maxsize=256)
def crossings_min(n_useful: int) -> int:
    """Anhøj's lower limit for crossings: the 5th percentile of Binomial(n - 1, 0.5).

    As R's ``qbinom(0.05, n - 1, 0.5)``: the smallest k with P(X <= k) >= 0.05. Fewer
    crossings than this are unusual.
    """
    if n_useful < 1:
        raise ValueError("the crossings limit needs at least one useful observation")
    trials = n_useful - 1
    if trials <= _EXACT_UP_TO:
        # 20 * P(X <= k) >= 1, all in integers: sum of C(trials, j) * 20 >= 2**trials.
        target = 2**trials
        cumulative = 0
        for k in range(trials + 1):
            cumulative += math.comb(trials, k)
            if 20 * cumulative >= target:
                return k
        return trials  # pragma: no cover - the loop always returns by k = trials
    # Only the central +-12 standard deviations carry weight; below them P is < 1e-30.
    sd = math.sqrt(trials) / 2
    low = max(0, math.floor(trials / 2 - 12 * sd))
    high = min(trials, math.ceil(trials / 2 + 12 * sd))
    successes = np.arange(low, high + 1, dtype=np.int64)
    log_pmf = _log_comb(trials, successes) - trials * math.log(2)
    cumulative_p = np.cumsum(np.exp(log_pmf))
    return low + int(np.argmax(cumulative_p >= 0.05 - 1e-12))
