"""Flows per quarter: children who came into care, who left it, and who were in care at
each quarter's end, as three lines told apart by colour, dash and a label at the end of
each (never by colour alone). The table beside it holds the exits by route.
"""

from __future__ import annotations

from typing import Any, Final

import polars as pl

from permanence.analysis.flows import DESTINATIONS, EXIT_COLUMNS
from permanence.charts.spec import (
    AIM_GREEN,
    SG_BLUE,
    SG_DARK_BLUE,
    ChartSpec,
    base_spec,
    empty_chart,
)
from permanence.charts.words import plural
from permanence.journey.vocabulary import Destination

NAME: Final = "flows"
TITLE: Final = "Children coming into care, leaving it, and in care, each quarter"
SERIES: Final[tuple[tuple[str, str, str, list[int]], ...]] = (
    ("entries", "Came into care", SG_BLUE, []),
    ("exits", "Left care", AIM_GREEN, [6, 3]),
    ("in_care", "In care at the quarter's end", SG_DARK_BLUE, [2, 2]),
)
QUARTER_HEADING: Final = "Quarter"
ROUTE_HEADINGS: Final[dict[str, str]] = {
    column: f"Left care: {Destination(code).label.lower()}"
    for code, column in zip(DESTINATIONS, EXIT_COLUMNS, strict=True)
}


def quarter_name(start: Any) -> str:
    """ "January to March 2025" for the quarter beginning on 1 January 2025."""
    end_month = {1: "March", 4: "June", 7: "September", 10: "December"}[start.month]
    return f"{start:%B} to {end_month} {start.year}"


def flows_table(flows: pl.DataFrame) -> pl.DataFrame:
    """The flows with plain-English headings, the exits by route among them."""
    return flows.select(
        pl.col("quarter").map_elements(quarter_name, return_dtype=pl.String).alias(QUARTER_HEADING),
        pl.col("entries").alias("Came into care"),
        pl.col("exits").alias("Left care"),
        *[pl.col(column).alias(heading) for column, heading in ROUTE_HEADINGS.items()],
        pl.col("in_care").alias("In care at the quarter's end"),
    )


def flows_text(flows: pl.DataFrame) -> str:
    """The chart in words: the span, the latest quarter, and the change over the span."""
    if flows.height == 0:
        return "No whole quarter has passed since the first child came into care."
    first, last = flows.row(0, named=True), flows.row(-1, named=True)
    return (
        f"{plural(flows.height, 'quarter', 'quarters')}, from {quarter_name(first['quarter'])} "
        f"to {quarter_name(last['quarter'])}. In the latest, "
        f"{plural(last['entries'], 'child', 'children')} came into care and "
        f"{last['exits']:,} left it; {last['in_care']:,} were in care at its end "
        f"({first['in_care']:,} at the end of the first)."
    )


def flows_chart(flows: pl.DataFrame) -> ChartSpec:
    """Entries, exits and children in care per quarter (``quarterly_flows``' rows)."""
    table = flows_table(flows)
    if flows.height == 0:
        return empty_chart(name=NAME, title=TITLE, columns=table.columns)
    values = [
        {
            "quarter": row["quarter"].isoformat(),
            "name": quarter_name(row["quarter"]),
            "series": label,
            "children": row[column],
        }
        for row in flows.iter_rows(named=True)
        for column, label, _, _ in SERIES
    ]
    last = flows.row(-1, named=True)
    ends = [
        {"quarter": last["quarter"].isoformat(), "series": label, "children": last[column]}
        for column, label, _, _ in SERIES
    ]
    labels = [label for _, label, _, _ in SERIES]
    colour = {
        "field": "series",
        "type": "nominal",
        "scale": {"domain": labels, "range": [colour for _, _, colour, _ in SERIES]},
        "legend": {"title": None, "orient": "top"},
    }
    x = {"field": "quarter", "type": "temporal", "title": "Quarter", "timeUnit": "yearquarter"}
    y = {"field": "children", "type": "quantitative", "title": "Children"}
    description = flows_text(flows)
    spec = base_spec(title=TITLE, description=description)
    spec["layer"] = [
        {
            "data": {"values": values},
            "mark": {"type": "line", "point": True, "strokeWidth": 2},
            "encoding": {
                "x": x,
                "y": y,
                "color": colour,
                "strokeDash": {
                    "field": "series",
                    "type": "nominal",
                    "scale": {"domain": labels, "range": [dash for *_, dash in SERIES]},
                    "legend": None,
                },
                "tooltip": [
                    {"field": "name", "type": "nominal", "title": "Quarter"},
                    {"field": "series", "type": "nominal", "title": "What"},
                    {"field": "children", "type": "quantitative", "title": "Children"},
                ],
            },
        },
        {
            "data": {"values": ends},
            "mark": {"type": "text", "align": "left", "dx": 6, "fontSize": 11},
            "encoding": {
                "x": x,
                "y": y,
                "color": {**colour, "legend": None},
                "text": {"field": "children", "type": "quantitative", "format": ","},
            },
        },
    ]
    return ChartSpec(name=NAME, title=TITLE, spec=spec, alt_text=description, data=table)
