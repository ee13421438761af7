"""Layers and axes shared by the charts drawn against time or weeks.

``Axes`` gives every layer of a time-series chart the same x (dates) and y encodings, so
Vega-Lite draws one axis of each. ``target_layers`` draws an aim's target as the green
dashed line PACE used, labelled in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from permanence.charts.spec import AIM_GREEN, ANNOTATION_SIZE, DEFAULT_HEIGHT
from permanence.charts.words import AXIS_DATE_FORMAT, number

#: Pixels between the plot's left and right edges and the first and last points.
X_PADDING = 14


@dataclass(frozen=True, slots=True)
class Axes:
    """The x (dates) and y encodings every layer of a time-series chart shares.

    Every layer names the same titles and scale so Vega-Lite draws one axis each. The y
    scale reaches ``band_pixels`` above the highest value, keeping the band at the top of
    the plot, where the markers for tests of change sit, clear of data.
    """

    x_title: str
    y_title: str
    y_top: float
    y_bottom: float = 0.0
    band_pixels: int = 0
    percent: bool = False
    height: int = DEFAULT_HEIGHT
    date_format: str = AXIS_DATE_FORMAT

    def x(self) -> dict[str, Any]:
        return {
            "field": "date",
            "type": "temporal",
            "title": self.x_title,
            # Padding keeps the first and last points off the plot's edges.
            "scale": {"type": "utc", "padding": X_PADDING},
            "axis": {"format": self.date_format, "grid": False, "labelFlush": True},
        }

    def y(self, field: str) -> dict[str, Any]:
        share = min(self.band_pixels / self.height, 0.5)
        reach = max(self.y_top - self.y_bottom, 1.0)
        top = self.y_bottom + reach / (1 - share) if share else self.y_top
        axis: dict[str, Any] = {"tickMinStep": 1}
        scale: dict[str, Any] = {"domain": [self.y_bottom, top], "nice": False, "zero": False}
        if self.percent:
            axis["values"] = [v for v in range(0, 101, 20) if self.y_bottom <= v <= self.y_top]
            axis["labelExpr"] = "datum.value + '%'"
        elif not share:
            scale = {"domainMin": self.y_bottom, "nice": True}
        return {
            "field": field,
            "type": "quantitative",
            "title": self.y_title,
            "scale": scale,
            "axis": axis,
        }


#: The line height of the labels in the right margin, in pixels.
SIDE_LABEL_LINE_HEIGHT = 16


def side_label(
    value: float, lines: list[str], colour: str, y: dict[str, Any], *, above: bool
) -> dict[str, Any]:
    """A label in the margin to the right of the plot, level with ``value`` on ``y``.

    Labels in the margin never cover data; Vega-Lite's ``fit`` sizing narrows the plot to
    make room. ``above`` sets the label just above its line, otherwise just below, so two
    lines with close values (an aim and a median) keep their labels apart.
    """
    # Vega sets the baseline of a label's first line only, and the other lines follow it
    # down: a label above its line is lifted by the lines after its first.
    lifted = -1 - SIDE_LABEL_LINE_HEIGHT * (len(lines) - 1)
    return {
        "data": {"values": [{"at": value, "lines": lines}]},
        "mark": {
            "type": "text",
            "align": "left",
            "baseline": "bottom" if above else "top",
            "dx": 8,
            "dy": lifted if above else 1,
            "fontSize": ANNOTATION_SIZE,
            "fontWeight": "bold",
            "lineHeight": SIDE_LABEL_LINE_HEIGHT,
            "color": colour,
            "aria": False,
        },
        "encoding": {
            "y": {**y, "field": "at"},
            "x": {"value": "width"},
            "text": {"field": "lines"},
        },
    }


#: A series spanning fewer days than this is labelled by day ("14 Mar") rather than month.
SHORT_SPAN_DAYS = 92


def axis_date_format(first: date, last: date) -> str:
    """ "Mar 2023" for a series over months and years; "14 Mar" for one within a season."""
    return "%-d %b" if (last - first).days < SHORT_SPAN_DAYS else AXIS_DATE_FORMAT


def target_layers(
    target: float | None,
    label: str | None,
    *,
    y: dict[str, Any] | None = None,
    x: dict[str, Any] | None = None,
    above: bool = True,
) -> list[Any]:
    """The aim's target as a green dashed line across the plot, labelled at its end.

    Give ``y`` (an encoding on the field ``target``) for a horizontal line, as on a run
    chart, labelled in the right margin (``above`` or below the line); or ``x`` for a
    vertical one, as on a survival curve or a bar chart of weeks, labelled just above the
    plot, clear of bars.
    """
    if target is None:
        return []
    text = label or f"Aim: {number(target)}"
    values = [{"target": target, "text": text}]
    if y is not None:
        line = {"y": y}
        words = text.split(": ", 1)
        lines = [f"{words[0]}:", words[1]] if len(words) == 2 else [text]
        label_layer = side_label(target, lines, AIM_GREEN, y, above=above)
    elif x is not None:
        line = {"x": x}
        label_layer = {
            "data": {"values": values},
            "mark": {
                "type": "text",
                "align": "left",
                "baseline": "bottom",
                "dx": 5,
                "fontSize": ANNOTATION_SIZE,
                "fontWeight": "bold",
                "color": AIM_GREEN,
                "aria": False,
            },
            "encoding": {"x": x, "y": {"value": -4}, "text": {"field": "text"}},
        }
    else:
        raise ValueError("a target line needs an x or a y encoding")
    return [
        {
            "data": {"values": values},
            "mark": {"type": "rule", "color": AIM_GREEN, "strokeDash": [10, 5], "strokeWidth": 2.5},
            "encoding": {**line, "description": {"field": "text", "type": "nominal"}},
        },
        label_layer,
    ]
