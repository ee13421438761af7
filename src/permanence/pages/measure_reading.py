"""A measure's series read with the run chart or control chart rules: the lines to draw,
what the rules found in words, and the span of days each signal covers.

The centre line is frozen on the points before the improvement work began, as the
dashboard's aim run chart does. A signal "begins" in the span of its first point, and the
change ideas under test then are those with a cycle open at any time in that span.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from permanence.analysis.control import (
    ControlChartResult,
    analyse_control_chart,
    describe_control_chart,
)
from permanence.analysis.direction import Better, Reading, reading
from permanence.analysis.periods import long_date
from permanence.analysis.runchart import (
    RunChartResult,
    Signal,
    analyse_run_chart,
    describe_run_chart,
)
from permanence.pages.measure_series import MeasureSeries

#: The centre line is frozen on the points before the improvement work began, as the
#: dashboard's aim run chart does; with fewer than this many of them (Perla, Provost and
#: Murray suggest 10 or more) the page says the baseline is a weak guide.
MIN_BASELINE_POINTS = 10


@dataclass(frozen=True, slots=True)
class SignalFinding:
    rule: str
    description: str
    points: tuple[int, ...]
    first: date
    """The first day of the signal's first point: when the signal began."""
    began_by: date
    """The last day of the signal's first point (the same day for a child's point)."""
    last: date
    """The last day of the signal's last point."""
    reading: Reading = Reading.NEITHER
    """An improvement or a concern, when the measure's better direction is known."""


@dataclass(frozen=True, slots=True)
class MeasureReading:
    """What the rules found, with the lines to draw per point."""

    chart: str  # "run", "p" or "i"
    result: RunChartResult | ControlChartResult
    lines: tuple[str, ...]
    centre: tuple[float | None, ...]
    lower: tuple[float | None, ...] = ()
    upper: tuple[float | None, ...] = ()
    signals: tuple[SignalFinding, ...] = ()
    baseline_points: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: which way the measure improves (None when nobody has said)
    better: Better | None = None


def baseline_size(series: MeasureSeries, improvement_start: date | None) -> int:
    """How many points come wholly before the improvement work began."""
    if improvement_start is None:
        return 0
    return sum(1 for point in series.points if point.last < improvement_start)


def read_series(
    series: MeasureSeries,
    *,
    chart: str = "run",
    rules: str = "ihi",
    improvement_start: date | None = None,
    better: Better | None = None,
) -> MeasureReading | None:
    """The run chart (or control chart) reading of ``series``; None with no points.

    The first phase's centre rests on the baseline (the points before the improvement
    work began) when there are any; otherwise on every point. With ``better`` (which
    way the measure improves) the reading says so first, and each signal made of points
    is read as an improvement or a concern (``analysis.direction.reading``).
    """
    if not series.points:
        return None
    before = baseline_size(series, improvement_start)
    baseline_end = before if before > 0 else None
    notes = _baseline_notes(before, baseline_end, improvement_start)
    labels = [point.label for point in series.points]
    if chart == "control":
        return _read_control(series, baseline_end, labels, notes, better)
    values = np.array([point.value for point in series.points], dtype=np.float64)
    result = analyse_run_chart(
        values, rules="anhoej" if rules == "anhoej" else "ihi", baseline_end=baseline_end
    )
    lines = describe_run_chart(result, labels)
    return MeasureReading(
        chart="run",
        result=result,
        lines=_said_with_direction(lines, better),
        centre=_floats(result.median),
        signals=_findings(series, result.signals, lines, better),
        baseline_points=baseline_end or 0,
        notes=notes,
        better=better,
    )


def _said_with_direction(lines: Sequence[str], better: Better | None) -> tuple[str, ...]:
    """The rules' lines, opened by which way is better when it is known."""
    return tuple(lines) if better is None else (f"{better.words}.", *lines)


def _read_control(
    series: MeasureSeries,
    baseline_end: int | None,
    labels: list[str],
    notes: tuple[str, ...],
    better: Better | None,
) -> MeasureReading:
    if series.is_proportion:
        result = analyse_control_chart(
            "p",
            numerators=[p.numerator or 0 for p in series.points],
            denominators=[p.denominator or 0 for p in series.points],
            baseline_end=baseline_end,
        )
        scale = 100.0  # the P chart works in proportions; the page shows percentages
    elif series.is_rate:
        # events over an exposure that differs month by month: a U chart (Montgomery 7.3.3),
        # its limits wider for months with less exposure
        result = analyse_control_chart(
            "u",
            numerators=[p.numerator or 0 for p in series.points],
            denominators=[p.denominator or 0 for p in series.points],
            baseline_end=baseline_end,
        )
        scale = float(series.rate_per)  # the U chart works per unit; the page per 100 units
    elif is_count(series):
        # a count of events in each month (equal areas of opportunity): a C chart
        result = analyse_control_chart(
            "c", [p.value for p in series.points], baseline_end=baseline_end
        )
        scale = 1.0
    else:
        result = analyse_control_chart(
            "i", [p.value for p in series.points], baseline_end=baseline_end
        )
        scale = 1.0
    lines = describe_control_chart(result, labels)
    return MeasureReading(
        chart=result.chart,
        result=result,
        lines=_said_with_direction(lines, better),
        centre=_floats(result.centre * scale),
        lower=_floats(result.lower * scale),
        upper=_floats(result.upper * scale),
        signals=_findings(series, result.signals, lines, better),
        baseline_points=baseline_end or 0,
        notes=notes,
        better=better,
    )


def is_count(series: MeasureSeries) -> bool:
    """A series of whole, non-negative counts, one per period: what a C chart reads."""
    return series.unit == "count" and all(
        point.value >= 0 and float(point.value).is_integer() for point in series.points
    )


def _baseline_notes(
    before: int, baseline_end: int | None, improvement_start: date | None
) -> tuple[str, ...]:
    if improvement_start is None:
        return (
            "No start date is set for the improvement work, so the centre line is the "
            "median of every point.",
        )
    began = long_date(improvement_start)
    if baseline_end is None:
        return (
            f"No point comes before the improvement work began on {began}, so the centre "
            "line rests on every point.",
        )
    notes = [
        f"The centre line rests on the {_points(before)} before the improvement work began "
        f"on {began} (the baseline) and is extended across the rest."
    ]
    if before < MIN_BASELINE_POINTS:
        notes.append(
            f"A baseline of fewer than {MIN_BASELINE_POINTS} points is a weak guide: read "
            "signals against it with care."
        )
    return tuple(notes)


def _points(count: int) -> str:
    return "1 point" if count == 1 else f"{count} points"


def _floats(values: npt.NDArray[np.float64]) -> tuple[float | None, ...]:
    return tuple(None if not np.isfinite(v) else round(float(v), 3) for v in values.tolist())


#: How a signal's sentence ends when it is read one way or the other.
_MEANING: dict[Reading, str] = {
    Reading.IMPROVEMENT: "an improvement",
    Reading.CONCERN: "a concern",
}


def _findings(
    series: MeasureSeries,
    signals: Sequence[Signal],
    lines: Sequence[str],
    better: Better | None = None,
) -> tuple[SignalFinding, ...]:
    """Each signal with its sentence (the describe functions list them, in order, after a
    "Signals:" line), what it means when the better direction is known, and the span of
    days its points cover."""
    described: list[str] = []
    if "Signals:" in lines:
        start = list(lines).index("Signals:") + 1
        described = [line[2:] for line in lines[start:] if line.startswith("- ")]
    if len(described) != len(signals):
        described = [signal.rule.replace("_", " ") for signal in signals]
    findings = []
    for signal, sentence in zip(signals, described, strict=True):
        points = tuple(int(p) for p in signal.points.tolist())
        if not points:
            continue
        first_point, last_point = series.points[min(points)], series.points[max(points)]
        meaning = reading(signal, better)
        if meaning in _MEANING:
            sentence = f"{sentence.rstrip('.')}: {_MEANING[meaning]}."
        findings.append(
            SignalFinding(
                rule=signal.rule,
                description=sentence,
                reading=meaning,
                points=points,
                first=first_point.first,
                began_by=first_point.last,
                last=last_point.last,
            )
        )
    return tuple(findings)
