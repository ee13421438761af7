"""Render a chart's one spec to SVG and PNG with vl-convert, for the PDF and PowerPoint.

The page and the reports share the spec. On the page the spec's ``width: "container"``
makes the chart fill its column (vega-embed measures the element). Off the page there is
no container, so ``with_fixed_width`` replaces it with a number of pixels before the spec
is rendered; nothing else changes, so what the report shows is what the page showed.

The fonts: the spec asks for Roboto, then Helvetica Neue, then Arial, then any sans-serif.
vl-convert draws PNGs with the fonts it can find; call ``register_fonts`` once with a
folder of Roboto files where they are installed (the SVG names the fonts and leaves the
choice to whatever shows it).
"""

from __future__ import annotations

import copy
import dataclasses
from html import escape
from pathlib import Path
from typing import Final

import vl_convert

from permanence.charts.spec import VEGA_LITE_VERSION, ChartSpec

#: The width charts are rendered at for a report: an A4 page's text width at 150 dpi, and
#: a 16:9 slide's content area, both take a 960 px chart without rescaling the text.
DEFAULT_RENDER_WIDTH: Final = 960
#: Small multiples: the room each panel leaves for its axis and margin labels, and the
#: narrowest a panel is drawn.
PANEL_MARGIN: Final = 190
PANEL_MIN_WIDTH: Final = 160


def with_fixed_width(chart: ChartSpec, width: int = DEFAULT_RENDER_WIDTH) -> ChartSpec:
    """The same chart with ``width: "container"`` replaced by ``width`` pixels.

    Small multiples (a ``concat`` of panels) share the width out among a row's panels.

    ``autosize`` stays ``fit-x`` with ``contains: "padding"``, so the whole chart (axes,
    labels and legend included) fits in ``width``.
    """
    if width < 200:
        raise ValueError(f"a chart needs at least 200 pixels of width, not {width}")
    spec = copy.deepcopy(chart.spec)
    if "concat" in spec:  # small multiples: the panels share the width, row by row
        columns = int(spec.get("columns", 1))
        for panel in spec["concat"]:
            panel["width"] = max(PANEL_MIN_WIDTH, width // columns - PANEL_MARGIN)
    else:
        spec["width"] = width
    return dataclasses.replace(chart, spec=spec)


def render_svg(chart: ChartSpec, *, width: int = DEFAULT_RENDER_WIDTH) -> str:
    """The chart as SVG text, ``width`` pixels wide, carrying its own text alternative.

    vl-convert's SVG labels the axes and marks but not the chart as a whole, so the
    chart's title and text alternative are added as the SVG's ``<title>`` and ``<desc>``
    (and named by ``aria-labelledby`` and ``aria-describedby``): an SVG downloaded on
    its own, or placed in a report, still says what it shows.
    """
    spec = with_fixed_width(chart, width).spec
    svg = str(vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION))
    return _with_text_alternative(svg, chart)


def _with_text_alternative(svg: str, chart: ChartSpec) -> str:
    opening = svg.find(">", svg.find("<svg")) + 1
    if opening <= 0:  # pragma: no cover - vl-convert always returns an <svg> element
        return svg
    ids = f"{chart.name}-title", f"{chart.name}-desc"
    head = svg[: opening - 1] + (
        f' aria-labelledby="{ids[0]}" aria-describedby="{ids[1]}">'
        f'<title id="{ids[0]}">{escape(chart.title)}</title>'
        f'<desc id="{ids[1]}">{escape(chart.alt_text)}</desc>'
    )
    return head + svg[opening:]


def render_png(chart: ChartSpec, scale: float = 2, *, width: int = DEFAULT_RENDER_WIDTH) -> bytes:
    """The chart as PNG bytes, ``width`` × ``scale`` pixels wide (2 for sharp slides)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    spec = with_fixed_width(chart, width).spec
    return bytes(vl_convert.vegalite_to_png(spec, vl_version=VEGA_LITE_VERSION, scale=scale))


def register_fonts(directory: Path | str) -> None:
    """Let vl-convert draw with the fonts in ``directory`` (Roboto, say)."""
    vl_convert.register_font_directory(str(directory))
