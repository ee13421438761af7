"""The rules that read a control chart, each reporting exactly the points that form it.

The rules are those of Provost and Murray, The Health Care Data Guide (2011), chapter 5:

1. ``outside_limits``: a single point outside the control limits.
2. ``shift``: 8 or more consecutive points on one side of the centre line (a point
   exactly on the centre line neither counts nor breaks the run).
3. ``trend``: 6 or more consecutive points all going up or all going down (5 steps; a
   value repeated from the point before neither counts nor breaks it).
4. ``outer_third``: 2 out of 3 consecutive points in the outer third of the chart on the
   same side: beyond 2 sigma (a point beyond the limits counts too).
5. ``inner_third``: 15 or more consecutive points in the inner third: within 1 sigma of
   the centre line, on either side.

The zone rules (4 and 5) read standardised values ``z = (y - centre) / sigma`` on the
scale the limits were computed on, so they apply unchanged to a P chart whose limits vary
point by point and to an I chart of transformed data. Overlapping windows of rule 4 are
reported as one signal holding every point beyond 2 sigma in them.
"""

from __future__ import annotations

import numpy as np

from permanence.analysis.runchart import (
    FloatArray,
    Int64Array,
    Signal,
    run_lengths,
    runs_of_at_least,
    trends,
)

CONTROL_SHIFT_POINTS = 8
CONTROL_TREND_POINTS = 6
OUTER_THIRD_SIGMA = 2.0
OUTER_THIRD_WINDOW = 3
OUTER_THIRD_NEEDED = 2
INNER_THIRD_SIGMA = 1.0
INNER_THIRD_POINTS = 15
LIMIT_SIGMA = 3.0


def outside_limits(
    values: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    positions: Int64Array,
    phase: int,
) -> list[Signal]:
    """One signal per point above its upper limit or below its lower limit.

    A missing (NaN) limit is no limit: a comparison with NaN is false, so nothing can
    fall outside it.
    """
    high = np.flatnonzero(values > upper)
    low = np.flatnonzero(values < lower)
    signals = [Signal("outside_limits", positions[[i]], phase, "high") for i in high.tolist()]
    signals += [Signal("outside_limits", positions[[i]], phase, "low") for i in low.tolist()]
    signals.sort(key=lambda s: int(s.points[0]))
    return signals


def shift_about(
    values: FloatArray, centre: FloatArray, positions: Int64Array, phase: int
) -> list[Signal]:
    """8 or more consecutive points on one side of the centre line."""
    side = np.sign(values - centre).astype(np.int64)
    useful = side != 0
    starts, lengths = run_lengths(side[useful])
    return runs_of_at_least(
        "shift", CONTROL_SHIFT_POINTS, starts, lengths, side[useful], positions[useful], phase
    )


def trend(values: FloatArray, positions: Int64Array, phase: int) -> list[Signal]:
    """6 or more consecutive points all going up or all going down."""
    return trends(values, positions, CONTROL_TREND_POINTS, phase)


def outer_third(z: FloatArray, positions: Int64Array, phase: int) -> list[Signal]:
    """2 of 3 consecutive points beyond 2 sigma on the same side."""
    signals: list[Signal] = []
    if z.size < OUTER_THIRD_WINDOW:
        return signals
    for direction, beyond in (("high", z > OUTER_THIRD_SIGMA), ("low", z < -OUTER_THIRD_SIGMA)):
        count = beyond[:-2].astype(np.int64) + beyond[1:-1] + beyond[2:]
        windows = np.flatnonzero(count >= OUTER_THIRD_NEEDED)
        if windows.size == 0:
            continue
        # Windows that share a point are one signal.
        new_group = np.concatenate(([True], np.diff(windows) >= OUTER_THIRD_WINDOW))
        group_starts = windows[new_group].tolist()
        group_ends = (
            windows[np.concatenate((new_group[1:], [True]))] + OUTER_THIRD_WINDOW
        ).tolist()
        for first, end in zip(group_starts, group_ends, strict=True):
            span = np.arange(first, end)
            signals.append(Signal("outer_third", positions[span[beyond[span]]], phase, direction))
    signals.sort(key=lambda s: int(s.points[0]))
    return signals


def inner_third(z: FloatArray, positions: Int64Array, phase: int) -> list[Signal]:
    """15 or more consecutive points within 1 sigma of the centre line."""
    inside = (np.abs(z) < INNER_THIRD_SIGMA).astype(np.int64)
    starts, lengths = run_lengths(inside)
    chosen = np.flatnonzero((lengths >= INNER_THIRD_POINTS) & (inside[starts] == 1))
    return [
        Signal("inner_third", positions[a : a + n], phase, "inner")
        for a, n in zip(starts[chosen].tolist(), lengths[chosen].tolist(), strict=True)
    ]
