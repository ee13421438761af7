"""Process measures and other monthly series as run charts.

Is the change happening? A process measure (``permanence.analysis.process_measures``:
was the 72-hour meeting held within 72 hours, the 2-week planning meeting within 14
days, each review by its due date) gives one row per month with a numerator, a
denominator and the percentage. It is drawn as a run chart of the percentage, reusing
the run chart: one point per month joined by a line, the median, the target, the start
of the improvement work and every test of change. ``series_run_chart`` does the same for
any monthly series, such as counts a group enters by hand (issue 7).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

import polars as pl

from permanence.analysis.direction import Better
from permanence.analysis.runchart import PhaseBreak, RuleSet
from permanence.charts.annotations import Annotation
from permanence.charts.runchart import (
    PhaseStart,
    RunChartWords,
    ValueKind,
    analyse_points,
    run_chart,
)
from permanence.charts.spec import ChartSpec, empty_chart

MONTH_WORDS: Final = RunChartWords(
    one="month",
    many="months",
    above="were above",
    below="were below",
    rising="each higher than the one before",
    falling="each lower than the one before",
    median_noun="median",
    opening="Each point is one month of the measure, joined in time order.",
    kind="percent",
)


def series_run_chart(
    points: pl.DataFrame,
    *,
    name: str,
    title: str,
    y_title: str,
    x_title: str = "Month",
    kind: ValueKind = "number",
    opening: str | None = None,
    target: float | None = None,
    target_label: str | None = None,
    rules: RuleSet = "ihi",
    improvement_start: date | None = None,
    improvement_name: str = "the improvement work",
    baseline_until: date | None = None,
    phase_starts: Sequence[date | PhaseStart | PhaseBreak] = (),
    annotations: Sequence[Annotation] = (),
    tooltip: Sequence[tuple[str, str]] = (),
    better: Better | None = None,
) -> ChartSpec:
    """A run chart of a series: ``points`` has ``date`` and ``value`` (and optionally
    ``label``, ``href`` and the ``tooltip`` columns), one row per point, in any order.

    The points are put in date order, read by ``analyse_points`` (the baseline before
    ``improvement_start`` frozen and extended) and drawn joined by a line. ``better``
    is the measure's direction, when known: a signal then reads as an improvement or a
    concern.
    """
    if points.height == 0:
        return empty_chart(
            name=name, title=title, columns=[x_title, y_title], message="No data yet"
        )
    ordered = points.sort("date", maintain_order=True)
    analysis = analyse_points(
        ordered,
        rules=rules,
        improvement_start=improvement_start,
        baseline_until=baseline_until,
        phase_starts=phase_starts,
    )
    assert analysis is not None  # there are points
    words = RunChartWords(
        one=MONTH_WORDS.one,
        many=MONTH_WORDS.many,
        above=MONTH_WORDS.above,
        below=MONTH_WORDS.below,
        rising=MONTH_WORDS.rising,
        falling=MONTH_WORDS.falling,
        median_noun=MONTH_WORDS.median_noun,
        opening=opening or MONTH_WORDS.opening,
        kind=kind,
    )
    return run_chart(
        ordered,
        analysis,
        name=name,
        title=title,
        y_title=y_title,
        x_title=x_title,
        words=words,
        target=target,
        target_label=target_label,
        improvement_start=improvement_start,
        improvement_name=improvement_name,
        annotations=annotations,
        connect=True,
        tooltip=tooltip,
        y_domain=(0.0, 100.0) if kind == "percent" else None,
        date_format="%B %Y",
        better=better,
    )


def process_measure_chart(
    measure: pl.DataFrame,
    *,
    name: str,
    title: str,
    what: str,
    target_percent: float | None = None,
    rules: RuleSet = "ihi",
    improvement_start: date | None = None,
    improvement_name: str = "the improvement work",
    baseline_until: date | None = None,
    phase_starts: Sequence[date | PhaseStart | PhaseBreak] = (),
    annotations: Sequence[Annotation] = (),
) -> ChartSpec:
    """A monthly process measure (``month``, ``numerator``, ``denominator``,
    ``percentage``) as a run chart of the percentage.

    ``what`` says in words what the percentage counts, to complete "Each point is one
    month: the percentage of ...", for example "children accommodated that month whose
    72-hour planning meeting was held within 72 hours".
    """
    points = measure.select(
        pl.col("month").cast(pl.Date).alias("date"),
        pl.col("percentage").cast(pl.Float64).alias("value"),
        pl.col("numerator").alias("numerator"),
        pl.col("denominator").alias("denominator"),
    )
    target_label = f"Aim: {target_percent:g}%" if target_percent is not None else None
    return series_run_chart(
        points,
        name=name,
        title=title,
        y_title="Percentage",
        kind="percent",
        opening=f"Each point is one month: the percentage of {what}.",
        target=target_percent,
        target_label=target_label,
        rules=rules,
        improvement_start=improvement_start,
        improvement_name=improvement_name,
        baseline_until=baseline_until,
        phase_starts=phase_starts,
        annotations=annotations,
        tooltip=[("numerator", "In time"), ("denominator", "Counted")],
        # A percentage held in time is better higher.
        better=Better.HIGHER,
    )
