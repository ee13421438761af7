"""A measure's points, worked out from the journeys frame or from values entered by hand,
and read with the run chart or control chart rules.

No Django here: the views hand in the frame (``records.journeys.journeys_frame``), the
aim definition and the entered values, and get back a ``MeasureSeries`` and a
``MeasureReading``. The analyses are the core's: ``aims_outcomes`` for the aims,
``process_measures`` for the process measures (their monthly tables handed in by the
views, judged by the authority's review policy as the planning summary judges them),
``stages`` for where children wait, ``runchart`` and ``control`` for the rules.

Every point covers a span of days (``first`` to ``last``): one day for a child's point on
a weeks-waited chart, a month or a quarter for a percentage. A signal "begins" in the span
of its first point, and the change ideas under test then are those with a cycle open at
any time in that span.

Nothing that identifies a child goes into a series: a child's point carries the date of
their decision and the weeks they waited, never their reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from permanence.analysis.aims import AimDefinition
from permanence.analysis.aims_outcomes import aim_children, evaluate_aim
from permanence.analysis.control import (
    ControlChartResult,
    analyse_control_chart,
    describe_control_chart,
)
from permanence.analysis.periods import Granularity, long_date
from permanence.analysis.runchart import (
    RunChartResult,
    Signal,
    analyse_run_chart,
    describe_run_chart,
)
from permanence.analysis.stages import STAGES, GroupBy, stage_table
from permanence.charts.runchart import aim_run_points

#: The centre line is frozen on the points before the improvement work began, as the
#: dashboard's aim run chart does; with fewer than this many of them (Perla, Provost and
#: Murray suggest 10 or more) the page says the baseline is a weak guide.
MIN_BASELINE_POINTS = 10

Unit = Literal["percent", "weeks", "days", "count"]


@dataclass(frozen=True, slots=True)
class MeasurePoint:
    first: date
    last: date
    value: float
    label: str
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True, slots=True)
class MeasureSeries:
    """A measure's points in time order, with how to draw and read them."""

    y_title: str
    unit: Unit
    points: tuple[MeasurePoint, ...]
    x_title: str = "Month"
    per_day: bool = False
    """One point per child (dated by a day), not one per period."""
    target: float | None = None
    target_label: str = ""
    note: str = ""

    @property
    def is_proportion(self) -> bool:
        return self.unit == "percent" and all(p.denominator for p in self.points)


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


# ---------------------------------------------------------------------------------------
# Series from the data


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _quarter_end(first: date) -> date:
    month = first.month + 2
    return _month_end(date(first.year, month, 1))


def aim_weeks_series(frame: pl.DataFrame, aim: AimDefinition) -> MeasureSeries:
    """One point per child whose clock stopped: the weeks they waited, at the date it
    stopped (PACE's run chart). Children still waiting are not points; the page says so."""
    children = aim_children(frame, aim)
    # The dashboard's points, in its order: the same chart reads the same way everywhere.
    ordered = aim_run_points(children)
    points = tuple(
        MeasurePoint(first=day, last=day, value=float(weeks), label=long_date(day))
        for day, weeks in ordered.select("date", "value").iter_rows()
    )
    # Drawn where the dashboard draws it (a target in months at its average length).
    target = aim.target_in_weeks
    waiting = children.filter(pl.col("still_waiting")).height
    return MeasureSeries(
        y_title="Weeks waited",
        unit="weeks",
        points=points,
        x_title="Date of the decision",
        per_day=True,
        target=target,
        target_label=f"Aim: within {aim.target_text}",
        note=(
            f"One point per child, at the date their clock stopped. {_children(waiting)} "
            "still waiting are not on this chart: they join it when they have their decision, "
            "which may make it look worse for a while. That is honest."
        ),
    )


def aim_percent_series(
    frame: pl.DataFrame, aim: AimDefinition, granularity: Granularity
) -> MeasureSeries:
    """The percentage of children meeting the aim, per entry period, among those whose
    outcome is known (met or not met)."""
    result = evaluate_aim(frame, aim, granularity=granularity)
    last_day = _quarter_end if granularity is Granularity.QUARTER else _month_end
    points = tuple(
        MeasurePoint(
            first=period.first_day,
            last=last_day(period.first_day),
            value=100 * period.figures.met / period.figures.known,
            label=period.label,
            numerator=period.figures.met,
            denominator=period.figures.known,
        )
        for period in result.periods
        if period.figures.known
    )
    return MeasureSeries(
        y_title=f"Percentage within {aim.target_text}",
        unit="percent",
        points=points,
        x_title="Month the clock started"
        if granularity is Granularity.MONTH
        else "Quarter the clock started",
        target=float(aim.target_percent) if aim.target_percent is not None else None,
        target_label=f"Aim: {aim.target_percent}%" if aim.target_percent is not None else "",
        note=(
            "Each point counts the children whose clock started in that period and whose "
            "outcome is known. Recent periods hold few known outcomes yet, and children still "
            "waiting past the target already count as not met."
        ),
    )


_PROCESS_X_TITLES = {
    "planning_72h": "Month accommodated",
    "planning_meeting": "Month accommodated",
    "reviews": "Month the review was due",
}


def process_series(key: str, rows: pl.DataFrame | None, note: str = "") -> MeasureSeries:
    """A process measure per month from its table (``month``, ``numerator``,
    ``denominator``, ``percentage``, as ``analysis.process_measures`` gives it); ``None``
    when the authority's policy asks for no such meeting."""
    if rows is None:
        note = "The review policy has never asked for this meeting, so nobody is counted."
    points = tuple(
        MeasurePoint(
            first=month,
            last=_month_end(month),
            value=float(percentage),
            label=f"{month:%B %Y}",
            numerator=int(numerator),
            denominator=int(denominator),
        )
        for month, numerator, denominator, percentage in (
            rows.select("month", "numerator", "denominator", "percentage").iter_rows()
            if rows is not None
            else ()
        )
    )
    return MeasureSeries(
        y_title="Percentage in time",
        unit="percent",
        points=points,
        x_title=_PROCESS_X_TITLES[key],
        note=note,
    )


def stage_series(frame: pl.DataFrame, key: str) -> MeasureSeries:
    """The median days children spent in one stage, by month accommodated
    (``analysis.stages``), among the children who completed the stage."""
    stage = next(stage for stage in STAGES if stage.key == key)
    result = stage_table(frame, by=GroupBy.PERIOD, granularity=Granularity.MONTH)
    points = []
    for group in result.groups:
        figures = next(s for s in group.stages if s.key == key)
        if figures.reached == 0 or figures.median is None:
            continue
        first = date.fromisoformat(f"{group.key}-01") if len(group.key) == 7 else None
        if first is None:
            continue
        points.append(
            MeasurePoint(
                first=first,
                last=_month_end(first),
                value=float(figures.median),
                label=group.label,
                denominator=figures.reached,
            )
        )
    return MeasureSeries(
        y_title=f"Median days to {stage.label.lower()}",
        unit="days",
        points=tuple(points),
        x_title="Month accommodated",
        note="Each point is the median of the days the children accommodated that month "
        "spent in this stage, among those who have completed it.",
    )


@dataclass(frozen=True, slots=True)
class EnteredValue:
    month: date
    numerator: int | None = None
    denominator: int | None = None
    count: int | None = None


def entered_series(values: Sequence[EnteredValue], *, ratio: bool, unit: str) -> MeasureSeries:
    """Values entered by hand each month: percentages from numerators and denominators, or
    counts."""
    ordered = sorted(values, key=lambda value: value.month)
    if ratio:
        points = tuple(
            MeasurePoint(
                first=v.month,
                last=_month_end(v.month),
                value=100 * (v.numerator or 0) / v.denominator,
                label=f"{v.month:%B %Y}",
                numerator=v.numerator,
                denominator=v.denominator,
            )
            for v in ordered
            if v.denominator
        )
        return MeasureSeries(y_title=f"Percentage {unit}".strip(), unit="percent", points=points)
    points = tuple(
        MeasurePoint(
            first=v.month, last=_month_end(v.month), value=float(v.count), label=f"{v.month:%B %Y}"
        )
        for v in ordered
        if v.count is not None
    )
    return MeasureSeries(y_title=(unit or "Count").capitalize(), unit="count", points=points)


def _children(count: int) -> str:
    return "1 child" if count == 1 else f"{count} children"


# ---------------------------------------------------------------------------------------
# Reading the series


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
) -> MeasureReading | None:
    """The run chart (or control chart) reading of ``series``; None with no points.

    The first phase's centre rests on the baseline (the points before the improvement
    work began) when there are any; otherwise on every point.
    """
    if not series.points:
        return None
    before = baseline_size(series, improvement_start)
    baseline_end = before if before > 0 else None
    notes = _baseline_notes(before, baseline_end, improvement_start)
    labels = [point.label for point in series.points]
    if chart == "control":
        return _read_control(series, baseline_end, labels, notes)
    values = np.array([point.value for point in series.points], dtype=np.float64)
    result = analyse_run_chart(
        values, rules="anhoej" if rules == "anhoej" else "ihi", baseline_end=baseline_end
    )
    lines = describe_run_chart(result, labels)
    return MeasureReading(
        chart="run",
        result=result,
        lines=tuple(lines),
        centre=_floats(result.median),
        signals=_findings(series, result.signals, lines),
        baseline_points=baseline_end or 0,
        notes=notes,
    )


def _read_control(
    series: MeasureSeries, baseline_end: int | None, labels: list[str], notes: tuple[str, ...]
) -> MeasureReading:
    if series.is_proportion:
        result = analyse_control_chart(
            "p",
            numerators=[p.numerator or 0 for p in series.points],
            denominators=[p.denominator or 0 for p in series.points],
            baseline_end=baseline_end,
        )
        scale = 100.0  # the P chart works in proportions; the page shows percentages
    else:
        result = analyse_control_chart(
            "i", [p.value for p in series.points], baseline_end=baseline_end
        )
        scale = 1.0
    lines = describe_control_chart(result, labels)
    return MeasureReading(
        chart=result.chart,
        result=result,
        lines=tuple(lines),
        centre=_floats(result.centre * scale),
        lower=_floats(result.lower * scale),
        upper=_floats(result.upper * scale),
        signals=_findings(series, result.signals, lines),
        baseline_points=baseline_end or 0,
        notes=notes,
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


def _findings(
    series: MeasureSeries, signals: Sequence[Signal], lines: Sequence[str]
) -> tuple[SignalFinding, ...]:
    """Each signal with its sentence (the describe functions list them, in order, after a
    "Signals:" line) and the span of days its points cover."""
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
        findings.append(
            SignalFinding(
                rule=signal.rule,
                description=sentence,
                points=points,
                first=first_point.first,
                began_by=first_point.last,
                last=last_point.last,
            )
        )
    return tuple(findings)
