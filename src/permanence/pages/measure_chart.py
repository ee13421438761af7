"""A measure's chart: the charts module's run chart or control chart, with every PDSA
cycle and implemented change marked on it.

No Django here. The charts are ``permanence.charts.runchart.run_chart`` and
``permanence.charts.control.control_chart``, as the dashboard draws them; the annotations
(numbered markers on rules, with a key) are ``permanence.charts.annotations``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from permanence.analysis.control import ControlChartResult
from permanence.analysis.runchart import RunChartResult
from permanence.charts.annotations import Annotation, AnnotationKind
from permanence.charts.control import control_chart
from permanence.charts.runchart import RunChartWords, run_chart
from permanence.charts.spec import ChartSpec, empty_chart
from permanence.pages.measure_reading import MeasureReading
from permanence.pages.measure_series import MeasureSeries

__all__ = [
    "Annotation",
    "AnnotationKind",
    "measure_chart",
]

_WORDS = {
    "percent": RunChartWords(
        one="period",
        many="periods",
        opening="Each dot is the percentage for one period, in time order.",
        kind="percent",
    ),
    "weeks": RunChartWords(
        one="child",
        many="children",
        above="waited longer than",
        below="waited less than",
        rising="each waiting longer than the one before",
        falling="each waiting less than the one before",
        median_noun="median wait",
        opening="Each dot is one child, at the date their clock stopped; up the side, the "
        "weeks they waited.",
        kind="weeks",
    ),
    "days": RunChartWords(
        one="month",
        many="months",
        opening="Each dot is one month of children accommodated, in time order.",
    ),
    "count": RunChartWords(
        one="month", many="months", opening="Each dot is one month's count, in time order."
    ),
    "rate": RunChartWords(
        one="month",
        many="months",
        opening="Each dot is one month's rate: its count over its exposure, in time order.",
    ),
}


def points_frame(series: MeasureSeries) -> pl.DataFrame:
    """The points as the charts module reads them: ``date``, ``value``, ``label`` and the
    counts behind a percentage. Nothing here identifies a child."""
    return pl.DataFrame(
        {
            "date": [p.first for p in series.points],
            "value": [p.value for p in series.points],
            "label": [p.label for p in series.points],
            "numerator": [p.numerator for p in series.points],
            "denominator": [p.denominator for p in series.points],
        },
        schema={
            "date": pl.Date,
            "value": pl.Float64,
            "label": pl.String,
            "numerator": pl.Int64,
            "denominator": pl.Int64,
        },
    )


def measure_chart(
    *,
    name: str,
    title: str,
    series: MeasureSeries,
    reading: MeasureReading | None,
    annotations: Sequence[Annotation],
    improvement_start: date | None,
) -> ChartSpec:
    """The chart of one measure, its tests of change marked without anyone drawing them,
    its signals coloured as an improvement or a concern when the reading knows which way
    is better (``MeasureReading.better``)."""
    if reading is None or not series.points:
        return empty_chart(
            name=name,
            title=title,
            columns=[series.x_title, series.y_title],
            message="No data yet",
        )
    points = points_frame(series)
    tooltip = {
        "percent": [("numerator", "Numerator"), ("denominator", "Denominator")],
        "rate": [("numerator", "Count"), ("denominator", "Exposure")],
    }.get(series.unit, [])
    if isinstance(reading.result, RunChartResult):
        return run_chart(
            points,
            reading.result,
            name=name,
            title=title,
            y_title=series.y_title,
            x_title=series.x_title,
            words=_WORDS[series.unit],
            target=series.target,
            target_label=series.target_label or None,
            improvement_start=improvement_start,
            annotations=annotations,
            connect=not series.per_day,
            label_title="Period" if not series.per_day else "Date",
            tooltip=tooltip,
            y_domain=(0.0, 100.0) if series.unit == "percent" else None,
            note=series.note,
            better=reading.better,
        )
    assert isinstance(reading.result, ControlChartResult)
    counted = series.is_proportion or series.is_rate
    return control_chart(
        reading.result,
        [p.first for p in series.points],
        name=name,
        title=title,
        y_title=series.y_title,
        x_title=series.x_title,
        labels=[p.label for p in series.points],
        numerators=[p.numerator or 0 for p in series.points] if counted else None,
        denominators=[p.denominator or 0 for p in series.points] if counted else None,
        per=series.rate_per if series.is_rate else None,
        target=series.target,
        target_label=series.target_label or None,
        improvement_start=improvement_start,
        annotations=annotations,
        note=series.note,
        better=reading.better,
    )
