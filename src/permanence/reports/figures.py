"""The pack's charts as pictures: SVG for the PDF, PNG for the slides.

Every chart is the dashboard's own spec (``permanence.charts``), drawn by vl-convert at a
fixed width for the page it goes on. The only change made for a report is to the title:
Vega draws a title on one line however long it is, and a chart drawn narrower than the
960 pixels the charts are designed at (the PDF's) would clip a long title, such as a
local aim's. ``fitted`` breaks the title into lines that fit the width instead.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable
from typing import Final

from permanence.charts import ChartSpec, render_png, render_svg
from permanence.charts.spec import TITLE_SIZE
from permanence.charts.words import wrap

#: The PDF draws charts this many pixels wide: the A4 text column is about 660 CSS
#: pixels, so the charts' 14 px labels print at about 9 points, legible on paper.
PDF_CHART_WIDTH: Final = 760
#: The slides draw charts at the charts' own design width, at twice the pixels.
SLIDE_CHART_WIDTH: Final = 960
SLIDE_CHART_SCALE: Final = 2.0
#: An average character of a bold title is a little over half its size wide; the chart's
#: padding and a margin for wide letters take the rest.
_TITLE_CHARACTER: Final = 0.6 * TITLE_SIZE
_TITLE_MARGIN: Final = 40


def fitted(chart: ChartSpec, width: int) -> ChartSpec:
    """``chart`` with its title broken into lines that fit ``width`` pixels."""
    title = chart.spec.get("title")
    if not isinstance(title, dict) or not isinstance(title.get("text"), str):
        return chart
    characters = max(int((width - _TITLE_MARGIN) / _TITLE_CHARACTER), 20)
    lines = wrap(title["text"], characters)
    if len(lines) <= 1:
        return chart
    spec = copy.deepcopy(chart.spec)
    spec["title"]["text"] = lines
    return dataclasses.replace(chart, spec=spec)


def svgs(charts: Iterable[ChartSpec], width: int = PDF_CHART_WIDTH) -> dict[str, str]:
    """Each chart as SVG text ``width`` pixels wide, by chart name."""
    return {chart.name: render_svg(fitted(chart, width), width=width) for chart in charts}


def pngs(
    charts: Iterable[ChartSpec],
    width: int = SLIDE_CHART_WIDTH,
    scale: float = SLIDE_CHART_SCALE,
) -> dict[str, bytes]:
    """Each chart as PNG bytes, ``width`` × ``scale`` pixels wide, by chart name."""
    return {chart.name: render_png(fitted(chart, width), scale, width=width) for chart in charts}
