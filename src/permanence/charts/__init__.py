"""Vega-Lite chart specifications, made once for the page, the PDF and the PowerPoint.

Every chart function returns a ``ChartSpec``: the Vega-Lite spec (embedded on the page
with vega-embed, rendered to SVG and PNG with vl-convert by ``render``), a text
alternative worked out from the data, and the data as a table with plain-English headings.
``docs/charts.md`` describes each chart for the people who read them.
"""

from permanence.charts.aims import aim_trend_chart
from permanence.charts.annotations import Annotation, AnnotationKind, ImprovementMarks
from permanence.charts.competing import aim_competing_events_chart, competing_events_chart
from permanence.charts.control import aim_p_chart, control_chart
from permanence.charts.process import process_measure_chart, series_run_chart
from permanence.charts.render import render_png, render_svg, with_fixed_width
from permanence.charts.runchart import (
    PhaseStart,
    RunChartWords,
    aim_run_chart,
    aim_run_points,
    aim_run_sentences,
    analyse_points,
    findings,
    headline,
    run_chart,
)
from permanence.charts.small_multiples import aim_run_charts_by_team
from permanence.charts.spec import ChartSpec
from permanence.charts.stages import stages_chart
from permanence.charts.still_waiting import still_waiting_chart
from permanence.charts.survival import aim_survival_chart, survival_chart

__all__ = [
    "Annotation",
    "AnnotationKind",
    "ChartSpec",
    "ImprovementMarks",
    "PhaseStart",
    "RunChartWords",
    "aim_competing_events_chart",
    "aim_p_chart",
    "aim_run_chart",
    "aim_run_charts_by_team",
    "aim_run_points",
    "aim_run_sentences",
    "aim_survival_chart",
    "aim_trend_chart",
    "analyse_points",
    "competing_events_chart",
    "control_chart",
    "findings",
    "headline",
    "process_measure_chart",
    "render_png",
    "render_svg",
    "run_chart",
    "series_run_chart",
    "stages_chart",
    "still_waiting_chart",
    "survival_chart",
    "with_fixed_width",
]
