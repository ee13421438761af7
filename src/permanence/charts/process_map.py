"""The process map: the local journey as a flowchart, each box a step or an outcome.

Boxes are laid out on a fixed grid (the main line across the middle, permanence away
from home above it, the return home below, the outcomes in the last column); arrows run
from each step to the places children went next, as thick as the number of children who
went that way. A step where most of the waiting happens has a thick red border and says
so in words, so it never stands out by colour alone. The routes back (plans for
permanence away from home reversed, returns home that broke down) are dashed arrows going
back along the top and the bottom of the map, with their counts in words: they are not
steps, so they have no box. The chart has a fixed width: on a narrow screen the page
scrolls it inside its own labelled region.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any, Final

import polars as pl

from permanence.analysis.process_map import ProcessMapFigures
from permanence.charts.spec import (
    AIM_GREEN,
    GREY,
    IMPROVEMENT_RED,
    SG_BLUE,
    TEXT,
    ChartSpec,
    base_spec,
    empty_chart,
)
from permanence.charts.words import plural

WIDTH: Final = 1240
HEIGHT: Final = 700
BOX_WIDTH: Final = 0.9
BOX_HEIGHT: Final = 0.86

#: (column, row) of each place: the main line on row 2, away from home above, home below.
POSITIONS: Final[dict[str, tuple[float, float]]] = {
    "accommodated": (0, 2),
    "planning_72h": (1, 2),
    "first_review": (2, 2),
    "recommendation": (3, 2),
    "panel": (4, 1),
    "agency_decision": (5, 1),
    "lodged": (6, 1),
    "returned_home": (5, 3),
    "kinship_order": (7.2, 0),
    "po": (7.2, 1),
    "poa": (7.2, 2),
    "adoption": (7.2, 3),
    "return_home": (7.2, 4),
    "left_care": (1.5, 4),
}

SHORT_LABELS: Final[dict[str, str]] = {
    "accommodated": "Accommodated",
    "planning_72h": "72-hour meeting",
    "first_review": "First review",
    "recommendation": "Recommendation",
    "panel": "Permanence panel",
    "agency_decision": "Agency decision",
    "lodged": "Lodged in court",
    "plan_reversed": "Plan reversed",
    "returned_home": "Back home",
    "kinship_order": "Kinship care order",
    "po": "Permanence order",
    "poa": "Order, authority to adopt",
    "adoption": "Adopted",
    "return_home": "Returned home",
    "left_care": "Left care (other)",
}

COLUMNS: Final = (
    "Step",
    "Children who passed through",
    "Median days there",
    "90th percentile days",
    "Waiting there now",
    "Share of all waiting (%)",
)


def _days(value: float | None) -> str:
    return "none yet" if value is None else f"{round(value):,} days"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{round(value):,}"


#: Arrows carrying fewer than this share of the children are left off the drawing (they
#: would hide the main routes); the table of routes lists every one.
SMALLEST_ARROW: Final = 0.01
PIXELS_PER_COLUMN: Final = WIDTH / 8.3
PIXELS_PER_ROW: Final = HEIGHT / 5.45
#: The steps the flowchart draws as boxes: the route back (a plan reversed) is an arrow.
BOXED: Final = frozenset(POSITIONS)
#: Where the routes back run: above the away-from-home row, and below the bottom row.
TOP_LANE: Final = 0.08
BOTTOM_LANE: Final = 4.62


def process_map_chart(
    figures: ProcessMapFigures, *, name: str = "process-map", width: int = WIDTH
) -> ChartSpec:
    """The process map as a flowchart ``width`` pixels wide (its height and words in
    proportion), its text alternative and its table."""
    title = "The journey to permanence, as the records show it"
    if figures.children == 0:
        return empty_chart(name=name, title=title, columns=COLUMNS)
    boxes: list[dict[str, Any]] = []
    for step in figures.steps:
        if step.key not in BOXED:
            continue
        x, y = POSITIONS[step.key]
        lines = [
            SHORT_LABELS[step.key],
            f"{step.entered:,} passed through",
            f"median {_number(step.median_days)} days",
            f"90% within {_number(step.p90_days)} days",
            f"{step.waiting_now:,} waiting now",
        ]
        if step.most_waiting:
            lines.append("▲ most waiting")
        boxes.append(_box(step.key, x, y, lines, kind="most" if step.most_waiting else "step"))
    for outcome in figures.outcomes:
        x, y = POSITIONS[outcome.key]
        lines = [
            SHORT_LABELS[outcome.key],
            plural(outcome.children, "child", "children"),
            f"median {_days(outcome.median_days)} in all",
        ]
        boxes.append(_box(outcome.key, x, y, lines, kind="outcome"))
    smallest = SMALLEST_ARROW * figures.children
    arrows = [
        _arrow(flow.source, flow.target, flow.children)
        for flow in figures.flows
        if flow.children >= smallest and {flow.source, flow.target} <= BOXED
    ]
    back_lines, back_heads, back_words = routes_back_drawing(figures)
    widest = max((arrow["children"] for arrow in arrows), default=1)
    description = map_text(figures)
    spec = base_spec(
        title=title,
        description=description,
        subtitle=[
            f"{plural(figures.children, 'child', 'children')} accommodated, as at "
            f"{figures.as_of:%-d %B %Y}.",
            "Arrows are as thick as the children who went that way",
            "(routes taken by fewer than 1 in 100 are in the table, not drawn);",
            "dashed arrows are the routes back.",
        ],
        height=round(HEIGHT * width / WIDTH),
    )
    scale_x = {"domain": [-0.55, 7.75], "nice": False, "zero": False}
    scale_y = {"domain": [4.9, -0.55], "nice": False, "zero": False}
    no_axis = {"axis": None}
    spec.update(
        {
            "width": width,
            "autosize": {"type": "pad"},
            "layer": [
                *_routes_back_layers(back_lines, back_heads, back_words, scale_x, scale_y),
                {
                    "data": {"values": arrows},
                    "mark": {"type": "rule", "color": GREY, "strokeCap": "round", "opacity": 0.8},
                    "encoding": {
                        "x": {"field": "x", "type": "quantitative", "scale": scale_x, **no_axis},
                        "y": {"field": "y", "type": "quantitative", "scale": scale_y, **no_axis},
                        "x2": {"field": "x2"},
                        "y2": {"field": "y2"},
                        "size": {
                            "field": "children",
                            "type": "quantitative",
                            "scale": {"type": "linear", "domain": [0, widest], "range": [1, 14]},
                            "legend": None,
                        },
                        "tooltip": [
                            {"field": "route", "type": "nominal", "title": "Route"},
                            {"field": "children", "type": "quantitative", "title": "Children"},
                        ],
                    },
                },
                {
                    "data": {"values": arrows},
                    "mark": {
                        "type": "point",
                        "shape": "triangle-right",
                        "filled": True,
                        "color": GREY,
                        "size": 90,
                    },
                    "encoding": {
                        "x": {"field": "x2", "type": "quantitative", "scale": scale_x, **no_axis},
                        "y": {"field": "y2", "type": "quantitative", "scale": scale_y, **no_axis},
                    },
                },
                {
                    "data": {"values": boxes},
                    "mark": {"type": "rect", "cornerRadius": 4},
                    "encoding": {
                        "x": {"field": "left", "type": "quantitative", "scale": scale_x, **no_axis},
                        "x2": {"field": "right"},
                        "y": {"field": "top", "type": "quantitative", "scale": scale_y, **no_axis},
                        "y2": {"field": "bottom"},
                        "fill": {"value": "white"},
                        "stroke": {
                            "field": "kind",
                            "type": "nominal",
                            "scale": {
                                "domain": ["step", "most", "outcome"],
                                "range": [SG_BLUE, IMPROVEMENT_RED, AIM_GREEN],
                            },
                            "legend": None,
                        },
                        "strokeWidth": {
                            "field": "kind",
                            "type": "nominal",
                            "scale": {"domain": ["step", "most", "outcome"], "range": [1.5, 4, 2]},
                            "legend": None,
                        },
                        "tooltip": {"field": "text", "type": "nominal"},
                    },
                },
                {
                    "data": {"values": boxes},
                    "mark": {
                        "type": "text",
                        "lineBreak": "\n",
                        # The words grow and shrink with the chart, so a narrower
                        # rendering (the pack's column) keeps them inside their boxes.
                        "fontSize": {"expr": f"11.5 * width / {WIDTH}"},
                        "lineHeight": {"expr": f"13.5 * width / {WIDTH}"},
                        "color": TEXT,
                        "align": "center",
                        "baseline": "top",
                    },
                    "encoding": {
                        "x": {"field": "x", "type": "quantitative", "scale": scale_x, **no_axis},
                        "y": {
                            "field": "text_top",
                            "type": "quantitative",
                            "scale": scale_y,
                            **no_axis,
                        },
                        "text": {"field": "text", "type": "nominal"},
                    },
                },
            ],
        }
    )
    return ChartSpec(
        name=name, title=title, spec=spec, alt_text=description, data=map_table(figures)
    )


def routes_back_drawing(
    figures: ProcessMapFigures,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The routes back as dashed lines (segments), arrowheads and words: plans reversed
    from the away-from-home row back over the top to the recommendation, and returns home
    that broke down from the return home back along the bottom to accommodation."""
    back = figures.routes_back
    lines: list[dict[str, Any]] = []
    heads: list[dict[str, Any]] = []
    words: list[dict[str, Any]] = []
    top = BOX_HEIGHT / 2
    if back.reversals:
        (ax, ay), (rx, ry) = POSITIONS["agency_decision"], POSITIONS["recommendation"]
        route = "Plans for permanence away from home reversed"
        points = [(ax, ay - top), (ax, TOP_LANE), (rx, TOP_LANE), (rx, ry - top)]
        lines += _segments(points, route, back.reversals)
        heads.append({"x": rx, "y": ry - top, "shape": "triangle-down"})
        waiting = figures.step("plan_reversed").waiting_now
        text = (
            f"Route back: {plural(back.reversals, 'plan', 'plans')} reversed "
            f"({plural(back.reversed_children, 'child', 'children')})"
        )
        if waiting:
            text += f"; {waiting:,} waiting for a new plan"
        words.append({"x": (ax + rx) / 2, "y": TOP_LANE - 0.05, "text": text})
    if back.broken_down_returns:
        (hx, hy), (sx, sy) = POSITIONS["return_home"], POSITIONS["accommodated"]
        route = "Returns home that broke down"
        points = [(hx, hy + top), (hx, BOTTOM_LANE), (sx, BOTTOM_LANE), (sx, sy + top)]
        lines += _segments(points, route, back.broken_down_returns)
        heads.append({"x": sx, "y": sy + top, "shape": "triangle-up"})
        words.append(
            {
                "x": (hx + sx) / 2,
                "y": BOTTOM_LANE - 0.05,
                "text": (
                    "Route back: "
                    f"{plural(back.broken_down_returns, 'return home', 'returns home')} broke down"
                    f" ({plural(back.broken_down_children, 'child', 'children')} "
                    "looked after again)"
                ),
            }
        )
    return lines, heads, words


def _segments(points: list[tuple[float, float]], route: str, count: int) -> list[dict[str, Any]]:
    return [
        {"x": x1, "y": y1, "x2": x2, "y2": y2, "route": route, "count": count}
        for (x1, y1), (x2, y2) in pairwise(points)
    ]


def _routes_back_layers(
    lines: list[dict[str, Any]],
    heads: list[dict[str, Any]],
    words: list[dict[str, Any]],
    scale_x: dict[str, Any],
    scale_y: dict[str, Any],
) -> list[dict[str, Any]]:
    if not lines:
        return []
    no_axis = {"axis": None}
    x = {"field": "x", "type": "quantitative", "scale": scale_x, **no_axis}
    y = {"field": "y", "type": "quantitative", "scale": scale_y, **no_axis}
    return [
        {
            "data": {"values": lines},
            "mark": {"type": "rule", "color": TEXT, "strokeDash": [6, 4], "strokeWidth": 1.5},
            "encoding": {
                "x": x,
                "y": y,
                "x2": {"field": "x2"},
                "y2": {"field": "y2"},
                "tooltip": [
                    {"field": "route", "type": "nominal", "title": "Route back"},
                    {"field": "count", "type": "quantitative", "title": "How many"},
                ],
            },
        },
        {
            "data": {"values": heads},
            "mark": {"type": "point", "filled": True, "color": TEXT, "size": 80},
            "encoding": {
                "x": x,
                "y": y,
                "shape": {"field": "shape", "type": "nominal", "scale": None, "legend": None},
            },
        },
        {
            "data": {"values": words},
            "mark": {
                "type": "text",
                "fontSize": {"expr": f"11.5 * width / {WIDTH}"},
                "color": TEXT,
                "align": "center",
                "baseline": "bottom",
            },
            "encoding": {"x": x, "y": y, "text": {"field": "text", "type": "nominal"}},
        },
    ]


def _box(key: str, x: float, y: float, lines: list[str], *, kind: str) -> dict[str, Any]:
    return {
        "key": key,
        "x": x,
        "y": y,
        "left": x - BOX_WIDTH / 2,
        "right": x + BOX_WIDTH / 2,
        "top": y - BOX_HEIGHT / 2,
        "bottom": y + BOX_HEIGHT / 2,
        "text_top": y - BOX_HEIGHT / 2 + 0.08,
        "text": "\n".join(lines),
        "kind": kind,
    }


def _arrow(source: str, target: str, children: int) -> dict[str, Any]:
    (x1, y1), (x2, y2) = POSITIONS[source], POSITIONS[target]
    # from the side of the source box facing the target, to the side of the target's
    if abs(x2 - x1) >= 0.5:
        direction = 1 if x2 > x1 else -1
        start = (x1 + direction * BOX_WIDTH / 2, y1)
        end = (x2 - direction * BOX_WIDTH / 2, y2)
    else:
        direction = 1 if y2 > y1 else -1
        start = (x1, y1 + direction * BOX_HEIGHT / 2)
        end = (x2, y2 - direction * BOX_HEIGHT / 2)
    pixels_across = (end[0] - start[0]) * PIXELS_PER_COLUMN
    pixels_down = (end[1] - start[1]) * PIXELS_PER_ROW
    return {
        "angle": round(90 + math.degrees(math.atan2(pixels_down, pixels_across)), 1),
        "x": start[0],
        "y": start[1],
        "x2": end[0],
        "y2": end[1],
        "children": children,
        "route": f"{SHORT_LABELS[source]} to {SHORT_LABELS[target]}",
    }


def map_table(figures: ProcessMapFigures) -> pl.DataFrame:
    """The map's steps as a table with plain-English headings (in journey order)."""
    return pl.DataFrame(
        [
            {
                COLUMNS[0]: step.label,
                COLUMNS[1]: step.entered,
                COLUMNS[2]: None if step.median_days is None else round(step.median_days, 1),
                COLUMNS[3]: None if step.p90_days is None else round(step.p90_days, 1),
                COLUMNS[4]: step.waiting_now,
                COLUMNS[5]: round(100 * step.share, 1),
            }
            for step in figures.steps
        ],
        schema={
            COLUMNS[0]: pl.String,
            COLUMNS[1]: pl.Int64,
            COLUMNS[2]: pl.Float64,
            COLUMNS[3]: pl.Float64,
            COLUMNS[4]: pl.Int64,
            COLUMNS[5]: pl.Float64,
        },
    )


def map_text(figures: ProcessMapFigures) -> str:
    """The map in words: who is counted, where most waiting happens, the outcomes and the
    routes back."""
    if figures.children == 0:
        return "No children have been accommodated yet, so there is no map to draw."
    most = [step for step in figures.ranked if step.most_waiting]
    parts = [
        f"The journey of {plural(figures.children, 'child', 'children')} accommodated, "
        f"as at {figures.as_of:%-d %B %Y}."
    ]
    if most:
        named = "; ".join(
            f"{lower_first(step.label)} ({round(100 * step.share)}% of all the days, "
            f"{step.waiting_now:,} waiting there now)"
            for step in most
        )
        parts.append(f"Most of the waiting happens after: {named}.")
    parts.append(f"{plural(figures.waiting_now, 'child is', 'children are')} still on the way.")
    reached = [o for o in figures.outcomes if o.children]
    if reached:
        parts.append(
            "Where journeys ended: "
            + ", ".join(f"{lower_first(o.label)} {o.children:,}" for o in reached)
            + "."
        )
    back = figures.routes_back
    parts.append(
        f"Routes back: {plural(back.reversals, 'plan', 'plans')} reversed "
        f"({plural(back.reversed_children, 'child', 'children')}), and "
        f"{plural(back.broken_down_returns, 'return home', 'returns home')} that broke down "
        f"({plural(back.broken_down_children, 'child', 'children')})."
    )
    return " ".join(parts)


def lower_first(label: str) -> str:
    """A label inside a sentence: its first letter in lower case, the rest as written, so
    a formal name ("Looked After Child review") keeps its capitals."""
    return label[:1].lower() + label[1:]
