"""A measure's points, worked out from the journeys frame or from values entered by hand.

No Django here: the views hand in the frame (``records.journeys.journeys_frame``), the
aim definition and the entered values, and get back a ``MeasureSeries``, which
``measure_reading`` reads with the rules and ``measure_chart`` draws. The analyses are the
core's: ``aims_outcomes`` for the aims, ``process_measures`` for the process measures
(their monthly tables handed in by the views, judged by the authority's review policy as
the planning summary judges them), ``stages`` for where children wait.

Every point covers a span of days (``first`` to ``last``): one day for a child's point on
a weeks-waited chart, a month or a quarter for a percentage.

Nothing that identifies a child goes into a series: a child's point carries the date of
their decision and the weeks they waited, never their reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import polars as pl

from permanence.analysis.aims import AimDefinition
from permanence.analysis.aims_outcomes import aim_children, evaluate_aim
from permanence.analysis.balancing import BALANCING_BY_KEY, balancing_table
from permanence.analysis.periods import Granularity, long_date
from permanence.analysis.stages import STAGES, GroupBy, stage_table
from permanence.charts.runchart import aim_run_points

Unit = Literal["percent", "weeks", "days", "count", "rate"]


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
    rate_per: int = 1
    """For a rate: the value is events per this many units of exposure."""

    @property
    def is_proportion(self) -> bool:
        return self.unit == "percent" and all(p.denominator for p in self.points)

    @property
    def is_rate(self) -> bool:
        """Counts over an exposure (``numerator`` events in ``denominator`` units): what a
        U chart reads."""
        return self.unit == "rate" and all(p.denominator for p in self.points)


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


def process_series(
    key: str, rows: pl.DataFrame | None, note: str = "", *, x_title: str | None = None
) -> MeasureSeries:
    """A process measure per month from its table (``month``, ``numerator``,
    ``denominator``, ``percentage``, as ``analysis.process_measures`` gives it); ``None``
    when the authority's policy asks for no such meeting. ``x_title`` names the months
    of a measure the table above does not know (the meeting measures say their own)."""
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
        x_title=x_title or _PROCESS_X_TITLES[key],
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


def balancing_series(
    frame: pl.DataFrame, key: str, delays: pl.DataFrame | None = None, *, as_of: date
) -> MeasureSeries:
    """A stability or balancing measure per month (``analysis.balancing``): a percentage
    with its numerator and denominator, or, for the time to the order, the median days."""
    measure = BALANCING_BY_KEY[key]
    table = balancing_table(key, frame, delays, as_of=as_of)
    note = measure.definition
    if measure.unit == "days":
        points = tuple(
            MeasurePoint(
                first=month,
                last=_month_end(month),
                value=float(median),
                label=f"{month:%B %Y}",
                denominator=int(children),
            )
            for month, children, median in table.select(
                "month", "children", "median_days"
            ).iter_rows()
            if median is not None
        )
        return MeasureSeries(
            y_title="Median days", unit="days", points=points, x_title=measure.month_of, note=note
        )
    points = tuple(
        MeasurePoint(
            first=month,
            last=_month_end(month),
            value=float(percentage),
            label=f"{month:%B %Y}",
            numerator=int(numerator),
            denominator=int(denominator),
        )
        for month, numerator, denominator, percentage in table.select(
            "month", "numerator", "denominator", "percentage"
        ).iter_rows()
    )
    return MeasureSeries(
        y_title="Percentage", unit="percent", points=points, x_title=measure.month_of, note=note
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


def rate_series(
    values: Sequence[EnteredValue], *, unit: str, exposure: str, per: int
) -> MeasureSeries:
    """A count entered each month with the exposure it happened over (care days, children
    in care): the rate per ``per`` units of exposure, as a U chart reads it. The count is
    kept as the point's ``numerator`` and the exposure as its ``denominator``."""
    points = tuple(
        MeasurePoint(
            first=v.month,
            last=_month_end(v.month),
            value=per * v.count / v.denominator,
            label=f"{v.month:%B %Y}",
            numerator=v.count,
            denominator=v.denominator,
        )
        for v in sorted(values, key=lambda value: value.month)
        if v.count is not None and v.denominator
    )
    what = (unit or "Events").capitalize()
    title = f"{what} per {per:,} {exposure or 'units of exposure'}"
    return MeasureSeries(y_title=title, unit="rate", points=points, rate_per=per)


def _children(count: int) -> str:
    return "1 child" if count == 1 else f"{count} children"
