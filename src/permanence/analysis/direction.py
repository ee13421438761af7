"""Which way is better for a measure, and so whether a signal is an improvement or a concern.

A run chart or control chart rule says only that something other than chance is at work.
Whether that is good news depends on the measure: a wait is better shorter (Aims 2, 3
and 4, the time spent at each stage), while the share of meetings held on time is better
higher, and so is Aim 1's time to a Hearing that reviews a home order (its aim is a
floor: a review held once the order has lasted two years). Making Data Count reads every
signal this way, and colours it: blue for improvement, orange for concern, grey for the
variation chance alone gives ("common cause").

Whole-series signals (too few or too many runs, too few crossings) say the series is not
random, but point no way: they are neither an improvement nor a concern.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from permanence.analysis.runchart import Signal


class Better(StrEnum):
    """Which way a measure improves."""

    LOWER = "lower"
    HIGHER = "higher"

    @property
    def words(self) -> str:
        """ "Lower is better", as a chart's title line says it."""
        return f"{self.value.capitalize()} is better"


class Reading(StrEnum):
    """What a signal means for the measure (Making Data Count's three readings)."""

    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    NEITHER = "neither"


#: Signal directions that go up (above the median, a rising trend, a high point) or down.
_UPWARD: Final = frozenset({"above", "up", "high"})
_DOWNWARD: Final = frozenset({"below", "down", "low"})
#: Rules that describe the whole series (a phase), never particular points.
SERIES_RULES: Final = frozenset({"runs", "few_crossings"})


def is_series_signal(signal: Signal) -> bool:
    """True for a signal about the whole series (a phase), not particular points."""
    return signal.rule in SERIES_RULES


def reading(signal: Signal, better: Better | None) -> Reading:
    """An improvement, a concern, or neither (no known direction, or a signal that points
    no way: the number of runs, 15 points close to the centre)."""
    if better is None or is_series_signal(signal):
        return Reading.NEITHER
    if signal.direction in _UPWARD:
        return Reading.IMPROVEMENT if better is Better.HIGHER else Reading.CONCERN
    if signal.direction in _DOWNWARD:
        return Reading.IMPROVEMENT if better is Better.LOWER else Reading.CONCERN
    return Reading.NEITHER


def meets_target(value: float, target: float, better: Better) -> bool:
    """Whether ``value`` meets an aim of ``target``: at or under it when lower is better, at
    or over it when higher is better (a floor)."""
    return value <= target if better is Better.LOWER else value >= target
