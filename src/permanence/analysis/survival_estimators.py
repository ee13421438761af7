"""Kaplan-Meier and Aalen-Johansen estimators for waiting times counted in whole days.

These are the numerical core of entry-cohort survival (``survival.py`` feeds them from
the journeys frame). They take plain numpy arrays, one entry per child, and do all the
work with sorting and cumulative sums, so a million children take a fraction of a second.

Conventions, chosen to match the standard references and statsmodels' ``SurvfuncRight``:

- A duration is the number of days from the start of the clock to the end milestone
  (an *event*) or to the last day the child was followed without it (*censored*).
- The survival function S(t) is the estimated share of children still waiting *after*
  day t, so the events of day t are counted by day t (the estimate is right-continuous),
  and a child censored on day t was still waiting at the end of day t. The share who had
  reached the milestone by day t is 1 - S(t).
- The standard error is Greenwood's: se(S(t)) = S(t) * sqrt(V(t)), where
  V(t) = sum over event days t_j <= t of d_j / (n_j * (n_j - d_j)).
- Pointwise confidence limits use the log-log transform (Kalbfleisch and Prentice 1980):
  S(t) ** exp(+-z * sqrt(V(t)) / |log S(t)|). Unlike the plain S +- z * se interval,
  these limits always lie inside [0, 1].
- Quantiles (the day by which a given share had reached the milestone) and their
  confidence limits follow Brookmeyer and Crowley (1982) with the same log-log
  transform, as statsmodels' ``SurvfuncRight.quantile_ci`` does by default
  (its ``method="cloglog"``, g(x) = log(-log(x))).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

Days = NDArray[np.int64]
Floats = NDArray[np.float64]

# Survival values this close to a quantile's threshold count as reaching it, so that
# rounding in a product of fractions (0.49999999999999994 for one half) cannot move a
# median to a later day.
_QUANTILE_TOLERANCE = 1e-12


def z_value(confidence: float) -> float:
    """The two-sided standard normal critical value: 1.959964 for 95%."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


@dataclass(frozen=True, slots=True)
class Quantile:
    """The day by which a share of children had reached the milestone, with its interval.

    ``reached`` is the share (0.5 for the median). ``days`` is None when fewer than that
    share have reached it so far; ``lower`` is None when no day is compatible with the
    data (too few events); ``upper`` is None when the data do not yet bound it from
    above (follow-up is too short: the honest answer is "not yet known").
    """

    reached: float
    days: int | None
    lower: int | None
    upper: int | None


class StepValues(NamedTuple):
    """The estimate and its confidence limits read off the step function at chosen days."""

    survival: Floats
    lower: Floats
    upper: Floats


@dataclass(frozen=True, slots=True, eq=False)
class KaplanMeier:
    """The Kaplan-Meier estimate, one entry per distinct duration (event or censored).

    ``at_risk`` counts the children still waiting and followed at the start of that day;
    ``survival``, ``std_error``, ``lower`` and ``upper`` hold just after it.
    ``std_error``, ``lower`` and ``upper`` are NaN where the survival estimate is 0
    (Greenwood's variance is undefined once everyone left has reached the milestone);
    where the estimate is still 1 (nobody has reached it yet) both limits are 1.
    """

    time: Days
    at_risk: Days
    events: Days
    censored: Days
    survival: Floats
    std_error: Floats
    lower: Floats
    upper: Floats
    log_variance: Floats  # Greenwood's V(t), the estimated variance of log S(t)
    confidence: float

    @property
    def n(self) -> int:
        """How many children the estimate rests on."""
        return int(self.at_risk[0]) if self.at_risk.size else 0

    @property
    def total_events(self) -> int:
        return int(self.events.sum())

    @property
    def last_day(self) -> int | None:
        """The longest duration observed: the estimate is known up to this day."""
        return int(self.time[-1]) if self.time.size else None

    def survival_at(self, days: ArrayLike) -> StepValues:
        """S(t) and its limits at each day in ``days``.

        Beyond the longest duration the estimate is unknown (NaN), unless it had already
        fallen to 0: a child censored on the last day might have reached the milestone
        at any time afterwards.
        """
        query = np.asarray(days, dtype=np.int64)
        index = np.searchsorted(self.time, query, side="right") - 1
        before_first = index < 0
        safe = np.clip(index, 0, None)

        def read(values: Floats, before: float) -> Floats:
            if not values.size:
                return np.full(query.shape, np.nan)
            out = np.where(before_first, before, values[safe]).astype(np.float64)
            return self._unknown_beyond_follow_up(query, out)

        return StepValues(read(self.survival, 1.0), read(self.lower, 1.0), read(self.upper, 1.0))

    def at_risk_at(self, days: ArrayLike) -> Days:
        """How many children were still waiting and followed at the start of each day."""
        query = np.asarray(days, dtype=np.int64)
        leaving = self.events + self.censored
        left_before = np.concatenate(([0], np.cumsum(leaving)))
        return (self.n - left_before[np.searchsorted(self.time, query, side="left")]).astype(
            np.int64
        )

    def quantile(self, reached: float) -> Quantile:
        """The first day by which ``reached`` of the children had reached the milestone.

        The estimate is the first day with S(t) <= 1 - reached ("half had a
        recommendation by day t" is then literally true). SAS and statsmodels use a strict
        inequality, which differs only when S(t) equals 1 - reached exactly on a plateau.

        The confidence interval inverts the log-log test of Brookmeyer and Crowley: the
        event days t whose |g(S(t)) - g(1 - reached)| / (|g'(S(t))| se(t)) <= z, with
        g(x) = log(-log(x)). The lower limit is the first such day; the upper limit is the
        event day after the last such day, unknown (None) when that was the last event
        day. This is statsmodels' ``quantile_ci(method="cloglog")``, its default.
        """
        if not 0.0 < reached < 1.0:
            raise ValueError(f"reached must be a share between 0 and 1, not {reached}")
        threshold = 1.0 - reached
        has_event = self.events > 0
        days = self.time[has_event]
        survival = self.survival[has_event]

        estimate = np.flatnonzero(survival <= threshold + _QUANTILE_TOLERANCE)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_survival = np.log(survival)
            statistic = (
                np.abs(np.log(-log_survival) - np.log(-np.log(threshold)))
                * np.abs(log_survival)
                / np.sqrt(self.log_variance[has_event])
            )
        compatible = np.flatnonzero(statistic <= z_value(self.confidence))

        lower = upper = None
        if compatible.size:
            lower = int(days[compatible[0]])
            after_last = compatible[-1] + 1
            upper = int(days[after_last]) if after_last < days.size else None
        return Quantile(
            reached=reached,
            days=int(days[estimate[0]]) if estimate.size else None,
            lower=lower,
            upper=upper,
        )

    def _unknown_beyond_follow_up(self, query: Days, values: Floats) -> Floats:
        if not self.time.size or self.survival[-1] == 0.0:
            return values
        return np.where(query > self.time[-1], np.nan, values)


def kaplan_meier(
    durations: ArrayLike, reached: ArrayLike, *, confidence: float = 0.95
) -> KaplanMeier:
    """Kaplan-Meier estimate of the time to a milestone.

    ``durations`` are whole days (non-negative integers), one per child; ``reached`` is
    True where the child reached the milestone after that many days and False where the
    child was censored then (still waiting when last followed).
    """
    days, event = _checked(durations, reached)
    time, at_risk, leaving, events = _risk_table(days, event)
    censored = leaving - events
    survival = _product_limit(events, at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Greenwood: the sum of d / (n (n - d)); infinite once n == d (S falls to 0).
        log_variance = np.cumsum(events / (at_risk * (at_risk - events).astype(np.float64)))
        std_error = np.where(survival > 0.0, survival * np.sqrt(log_variance), np.nan)
    lower, upper = _log_log_limits(survival, log_variance, z_value(confidence))
    return KaplanMeier(
        time=time,
        at_risk=at_risk,
        events=events,
        censored=censored,
        survival=survival,
        std_error=std_error,
        lower=lower,
        upper=upper,
        log_variance=log_variance,
        confidence=confidence,
    )


def _product_limit(events: Days, at_risk: Days) -> Floats:
    """S(t): the product over days up to t of the share of those at risk who kept waiting."""
    return np.cumprod(1.0 - events / at_risk.astype(np.float64)).astype(np.float64)


def _log_log_limits(survival: Floats, log_variance: Floats, z: float) -> tuple[Floats, Floats]:
    """Pointwise limits S ** exp(+-z sqrt(V) / |log S|), which stay inside [0, 1]."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_survival = np.log(survival)
        spread = z * np.sqrt(log_variance) / np.abs(log_survival)
        lower = survival ** np.exp(spread)
        upper = survival ** np.exp(-spread)
    nobody_yet = survival == 1.0
    everyone = survival == 0.0
    lower = np.where(nobody_yet, 1.0, np.where(everyone, np.nan, lower))
    upper = np.where(nobody_yet, 1.0, np.where(everyone, np.nan, upper))
    return lower, upper


@dataclass(frozen=True, slots=True, eq=False)
class CumulativeIncidence:
    """The Aalen-Johansen estimate of reaching the milestone by each of several routes.

    ``incidence[j, k]`` is the estimated share of children who had reached the milestone
    by route k + 1 by day ``time[j]``; the other routes compete (a child who took one
    route cannot take another). Across routes the shares add up to 1 - S(t), where S is
    the Kaplan-Meier estimate of waiting for any route.
    """

    time: Days
    at_risk: Days
    events: Days  # shape (distinct days, routes)
    incidence: Floats  # shape (distinct days, routes)
    survival: Floats  # Kaplan-Meier of reaching the milestone by any route

    def incidence_at(self, days: ArrayLike) -> Floats:
        """Shares by each route at each day in ``days``: shape (len(days), routes).

        Unknown (NaN) beyond the longest duration unless everyone had reached it.
        """
        query = np.asarray(days, dtype=np.int64)
        routes = self.incidence.shape[1]
        if not self.time.size:
            return np.full((query.size, routes), np.nan)
        index = np.searchsorted(self.time, query, side="right") - 1
        values = np.where(
            (index < 0)[:, None], 0.0, self.incidence[np.clip(index, 0, None)]
        ).astype(np.float64)
        if self.survival[-1] != 0.0:
            values[query > self.time[-1]] = np.nan
        return values


def cumulative_incidence(
    durations: ArrayLike, routes: ArrayLike, n_routes: int
) -> CumulativeIncidence:
    """Aalen-Johansen cumulative incidence of each of ``n_routes`` competing routes.

    ``routes`` holds 0 for a censored child and 1 to ``n_routes`` for the route by which
    the child reached the milestone after ``durations`` days. The share by route k to day
    t is the sum over days t_j <= t of S(t_j-) * d_kj / n_j: the chance of still waiting
    just before t_j times the chance of leaving by route k on t_j.
    """
    route = np.asarray(routes, dtype=np.int64)
    if route.size and (route.min() < 0 or route.max() > n_routes):
        raise ValueError(f"routes must be 0 (censored) or 1 to {n_routes}")
    days, event = _checked(durations, route > 0)
    time, at_risk, _, events = _risk_table(days, event)
    by_route = np.column_stack(
        [_counts_at(time, days[route == k]) for k in range(1, n_routes + 1)]
    ).reshape(time.size, n_routes)
    survival = _product_limit(events, at_risk)
    waiting_before = np.concatenate(([1.0], survival[:-1]))
    incidence = np.cumsum(waiting_before[:, None] * by_route / at_risk[:, None], axis=0)
    return CumulativeIncidence(
        time=time, at_risk=at_risk, events=by_route, incidence=incidence, survival=survival
    )


def _checked(durations: ArrayLike, reached: ArrayLike) -> tuple[Days, NDArray[np.bool_]]:
    days = np.asarray(durations)
    event = np.asarray(reached)
    if days.ndim != 1 or event.shape != days.shape:
        raise ValueError("durations and reached must be one-dimensional and the same length")
    if days.size and not np.issubdtype(days.dtype, np.integer):
        raise ValueError("durations must be whole days (an integer array)")
    if days.size and days.min() < 0:
        raise ValueError("durations cannot be negative")
    return days.astype(np.int64, copy=False), event.astype(bool, copy=False)


def _risk_table(days: Days, event: NDArray[np.bool_]) -> tuple[Days, Days, Days, Days]:
    """Distinct days; children at risk at the start of each, leaving on each, reaching on each."""
    time, leaving = np.unique(days, return_counts=True)
    time = time.astype(np.int64)
    leaving = leaving.astype(np.int64)
    # Everyone with a duration of t or more is at risk on day t.
    at_risk = np.cumsum(leaving[::-1])[::-1]
    return time, at_risk, leaving, _counts_at(time, days[event])


def _counts_at(time: Days, days: Days) -> Days:
    """How many of ``days`` fall on each of the sorted distinct days ``time``."""
    values, counts = np.unique(days, return_counts=True)
    out = np.zeros(time.size, dtype=np.int64)
    out[np.searchsorted(time, values)] = counts
    return out
