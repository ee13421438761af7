"""Random draws and calendar arithmetic shared by the generator's steps.

Dates are held as whole days since 1970-01-01 in int64 numpy arrays while the journeys are
drawn, because numpy arithmetic on them is fast and simple; ``NEVER`` stands for "does not
happen" (or not in any history we write), and is far enough in the future that every
comparison with a real date treats it as later, even after a few years are added to it.
Tables are built from these arrays only at the end, where ``NEVER`` becomes a blank.

Every draw comes from one ``numpy.random.Generator`` seeded once, in a fixed order, so the
same arguments always give the same tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from permanence.synth import parameters as p

Days = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Indices = npt.NDArray[np.int64]

EPOCH = date(1970, 1, 1)
NEVER = np.int64(100_000_000)
# Anything from here on is NEVER give or take the arithmetic done on it.
_UNKNOWN_FROM = NEVER // 2


def to_days(day: date) -> int:
    return (day - EPOCH).days


def to_date(days: int) -> date:
    return EPOCH + timedelta(days=days)


def known(days: Days) -> Mask:
    """Where a date array holds a real date rather than ``NEVER``."""
    return days < _UNKNOWN_FROM


def anniversary(days: Days, years: int) -> Days:
    """The date ``years`` after each date (29 February falls back to 28 February)."""
    day = days.astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    day_of_month = (day - month.astype("datetime64[D]")).astype(np.int64)
    later_month = month + np.timedelta64(12 * years, "M")
    first_day = later_month.astype("datetime64[D]")
    month_length = (later_month + np.timedelta64(1, "M")).astype("datetime64[D]") - first_day
    last_day_of_month = month_length.astype(np.int64) - 1
    later: Days = first_day.astype(np.int64) + np.minimum(day_of_month, last_day_of_month)
    return later


@dataclass(frozen=True, slots=True)
class Calendar:
    """The span of the synthetic history, as days since 1970-01-01."""

    history_start: int
    improvement_start: int
    end: int

    @classmethod
    def of(cls, end: date, years: float, improvement_start: date) -> Calendar:
        span = round(years * 365.25)
        return cls(
            history_start=to_days(end) - span,
            improvement_start=to_days(improvement_start),
            end=to_days(end),
        )

    def ramp(self, days: Days) -> Floats:
        """The chance that work begun on each date follows the improved way of working."""
        since = (days - self.improvement_start).astype(np.float64)
        share = p.RAMP_FIRST + (p.RAMP_FULL - p.RAMP_FIRST) * since / p.RAMP_DAYS
        return np.where(since < 0, 0.0, np.clip(share, p.RAMP_FIRST, p.RAMP_FULL))


class Draws:
    """The random draws the model makes, named for what they mean."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def days_between(self, bounds: tuple[int, int], size: int) -> Days:
        """Whole days drawn evenly from ``bounds`` (both ends included)."""
        low, high = bounds
        return self.rng.integers(low, high + 1, size=size, dtype=np.int64)

    def fraction(self, bounds: tuple[float, float], size: int) -> Floats:
        low, high = bounds
        return self.rng.uniform(low, high, size=size)

    def lognormal_days(self, median: float | Floats, sigma: float | Floats, size: int) -> Days:
        """Skewed durations: half below ``median``, a long right tail set by ``sigma``."""
        spread = np.asarray(sigma, dtype=np.float64) * self.rng.standard_normal(size)
        values = np.asarray(median, dtype=np.float64) * np.exp(spread)
        return np.maximum(np.rint(values), 1).astype(np.int64)

    def days_within(self, low: Days, high: Days) -> Days:
        """Whole days drawn evenly between per-row bounds (both ends included)."""
        span = np.maximum(high - low + 1, 1).astype(np.float64)
        drawn: Days = low + np.floor(self.rng.random(len(low)) * span).astype(np.int64)
        return drawn

    def part_of(self, span: Days, bounds: tuple[float, float]) -> Days:
        """A share of each span, drawn evenly from ``bounds``, in whole days."""
        return np.floor(span * self.fraction(bounds, len(span))).astype(np.int64)

    def chance(self, probability: float | Floats, size: int) -> Mask:
        return self.rng.random(size) < probability

    def choice(self, shares: Sequence[float], size: int) -> Indices:
        """Indices into ``shares``, drawn with those probabilities."""
        weights = np.asarray(shares, dtype=np.float64)
        return self.rng.choice(len(weights), size=size, p=weights / weights.sum())

    def choice_by_group(self, shares: Sequence[Sequence[float]], group: Indices) -> Indices:
        """Like ``choice``, with a row of ``shares`` for each group (an age band, say)."""
        table = np.asarray(shares, dtype=np.float64)
        cumulative = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
        cumulative[:, -1] = 1.0
        drawn = self.rng.random(len(group))
        thresholds = cumulative[group]
        chosen: Indices = (drawn[:, None] >= thresholds).sum(axis=1).astype(np.int64)
        return chosen
