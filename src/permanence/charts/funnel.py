"""The funnel plot: each authority's percentage met against how many children it rests on.

A league table ranks small authorities on noise: 3 of 5 children is 60%, 4 of 5 is 80%.
A funnel plot does not rank. Each point is an authority, placed at the number of
children whose outcome is known (across) and the percentage of them who met the aim (up).
The lines are the national percentage and its control limits: an authority of that size
would fall inside the inner (95%) limits 19 times in 20 by chance alone, and inside the
outer (99.8%) limits 998 times in 1000. The limits narrow as the number grows, so a small
authority has to be far from the national figure before it stands out.

Points outside the limits differ by shape as well as colour (triangles up for above,
down for below), so the chart never relies on colour alone, and are named beside the
point, as is the authority the reader asked to see (``highlight``). The lines are named
at their ends, so the one legend is the authorities'. The sizes run on a log scale:
authorities range from a handful of children to thousands; the scales reach a little
beyond the largest and smallest authority so no point is cut off at the edge.

Takes the published (disclosure-controlled) rows from ``analysis.benchmarking``: an
authority whose figures are withheld is not drawn, and the text says how many are not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import polars as pl

from permanence.analysis.benchmarking import FUNNEL_POSITION_LABELS, FunnelPosition
from permanence.charts.spec import (
    ANNOTATION_SIZE,
    GREY,
    IMPROVEMENT_RED,
    SG_BLUE,
    SG_DARK_BLUE,
    TEXT,
    ChartSpec,
    base_spec,
    empty_chart,
    records,
)
from permanence.charts.words import join_words, number, plural

POSITION_SHAPES: Final[dict[str, str]] = {
    FunnelPosition.WITHIN.value: "circle",
    FunnelPosition.ABOVE_95.value: "triangle-up",
    FunnelPosition.ABOVE_998.value: "triangle-up",
    FunnelPosition.BELOW_95.value: "triangle-down",
    FunnelPosition.BELOW_998.value: "triangle-down",
}
POSITION_COLOURS: Final[dict[str, str]] = {
    FunnelPosition.WITHIN.value: SG_BLUE,
    FunnelPosition.ABOVE_95.value: SG_DARK_BLUE,
    FunnelPosition.ABOVE_998.value: SG_DARK_BLUE,
    FunnelPosition.BELOW_95.value: IMPROVEMENT_RED,
    FunnelPosition.BELOW_998.value: IMPROVEMENT_RED,
}

AUTHORITY = "Authority"
KNOWN = "Children whose outcome is known"
PERCENT = "Percentage who met the aim"
WHERE = "Where it falls"


def funnel_chart(
    rows: pl.DataFrame,
    limits: pl.DataFrame,
    *,
    aim_title: str,
    names: Mapping[str, str] | None = None,
    name: str | None = None,
    highlight: str | None = None,
) -> ChartSpec:
    """The funnel plot of one aim.

    ``rows``: one per authority, with ``authority``, ``known``, ``percent`` and ``funnel``
    (null where withheld); ``limits``: the aim's limit lines (``n``, ``centre``,
    ``lower_95``, ``upper_95``, ``lower_998``, ``upper_998``); ``names`` the authorities'
    names by code; ``highlight`` the code of an authority to ring and name.
    """
    names = names or {}
    slug = name or "funnel-" + aim_title.lower().replace(" ", "-")
    title = f"{aim_title}: percentage who met the aim, against the number of children"
    columns = [AUTHORITY, KNOWN, PERCENT, WHERE]
    drawn = rows.filter(pl.col("percent").is_not_null() & pl.col("known").is_not_null())
    withheld = rows.height - drawn.height
    if drawn.height == 0 or limits.height == 0:
        return empty_chart(
            name=slug,
            title=title,
            columns=columns,
            message="No authority's figures can be shown yet",
        )
    points = drawn.select(
        (pl.col("authority") == (highlight or "")).alias("highlighted"),
        pl.col("authority")
        .replace_strict(dict(names), default=pl.col("authority"), return_dtype=pl.String)
        .alias("name"),
        pl.col("known").alias("n"),
        pl.col("percent"),
        pl.col("funnel").alias("position"),
        pl.col("funnel")
        .replace_strict(
            {k.value: v for k, v in FUNNEL_POSITION_LABELS.items()},
            default="",
            return_dtype=pl.String,
        )
        .alias("where"),
    ).sort("name")
    centre = float(limits.get_column("centre").item(0))
    description = _alt_text(points, centre, withheld, aim_title)
    spec = base_spec(
        title=title,
        description=description,
        subtitle=[
            f"Lines: the national percentage ({number(centre)}%) and its 95% and 99.8% "
            "control limits. Triangles fall outside the 95% limits and are named."
        ],
    )
    x = _x_encoding(points)
    spec["layer"] = [
        *_limit_layers(limits, x),
        *_ring_layer(points, x),
        _label_layer(points, x),
        _point_layer(points, x),
    ]
    spec["resolve"] = {"scale": {"color": "independent", "shape": "independent"}}
    table = points.select(
        pl.col("name").alias(AUTHORITY),
        pl.col("n").alias(KNOWN),
        pl.col("percent").alias(PERCENT),
        pl.col("where").alias(WHERE),
    )
    return ChartSpec(name=slug, title=title, spec=spec, alt_text=description, data=table)


#: How far the log scale reaches beyond the smallest and largest authority (a factor), so
#: neither sits on the plot's edge, half cut off.
X_MARGIN: Final = 1.4
#: The lines are named this many times the left edge of the (log) scale along.
LABEL_AT: Final = 1.6
_Y: Final[dict[str, Any]] = {
    "type": "quantitative",
    "title": PERCENT,
    # A little beyond 0 and 100%, so a point at either is drawn whole.
    "scale": {"domain": [-4, 104], "nice": False},
    "axis": {"values": [0, 20, 40, 60, 80, 100], "format": "d"},
}


def _x_encoding(points: pl.DataFrame) -> dict[str, Any]:
    sizes = points.get_column("n")
    low = max(float(sizes.min()) / X_MARGIN, 1.0)  # type: ignore[arg-type]
    high = float(sizes.max()) * X_MARGIN  # type: ignore[arg-type]
    return {
        "field": "n",
        "type": "quantitative",
        "title": KNOWN + " (log scale)",
        "scale": {"type": "log", "nice": False, "domain": [round(low, 2), round(high, 2)]},
        "axis": {"format": ",d", "tickCount": 6},
    }


def _limit_layers(limits: pl.DataFrame, x: dict[str, Any]) -> list[dict[str, Any]]:
    long = pl.concat(
        [
            limits.select(
                "n",
                pl.col(column).alias("percent"),
                pl.lit(label).alias("line"),
                pl.lit(side).alias("side"),
            )
            for column, label, side in (
                ("lower_998", "99.8% limits", "lower"),
                ("upper_998", "99.8% limits", "upper"),
                ("lower_95", "95% limits", "lower"),
                ("upper_95", "95% limits", "upper"),
                ("centre", "National percentage", "centre"),
            )
        ]
    )
    domain = ["National percentage", "95% limits", "99.8% limits"]
    colours = [SG_DARK_BLUE, GREY, GREY]
    # Each line named near the left of the plot, where the funnel is widest and the lines
    # are far apart, instead of in a second legend.
    ends = (
        long.filter(pl.col("side") != "lower")
        .filter(pl.col("n") >= float(x["scale"]["domain"][0]) * LABEL_AT)
        .sort("n")
        .group_by("line", maintain_order=True)
        .first()
        .with_columns(pl.col("line").replace({"National percentage": "National"}).alias("text"))
    )
    return [
        {
            "data": {"values": records(long, digits=2)},
            "mark": {"type": "line", "strokeWidth": 2, "clip": True},
            "encoding": {
                "x": x,
                "y": {**_Y, "field": "percent"},
                "detail": {"field": "side"},
                "color": {
                    "field": "line",
                    "type": "nominal",
                    "scale": {"domain": domain, "range": colours},
                    "legend": None,
                },
                "strokeDash": {
                    "field": "line",
                    "type": "nominal",
                    "scale": {"domain": domain, "range": [[1, 0], [6, 3], [2, 3]]},
                    "legend": None,
                },
            },
        },
        {
            "data": {"values": records(ends, digits=2)},
            "mark": {
                "type": "text",
                "align": "left",
                "baseline": "bottom",
                "dy": -3,
                "fontSize": ANNOTATION_SIZE,
                "color": GREY,
                "aria": False,
            },
            "encoding": {
                "x": x,
                "y": {**_Y, "field": "percent"},
                "text": {"field": "text"},
            },
        },
    ]


def _named(points: pl.DataFrame) -> pl.DataFrame:
    """The points named on the chart: those outside the 95% limits, and the highlighted."""
    within = FunnelPosition.WITHIN.value
    return points.filter(
        pl.col("highlighted") | (pl.col("position").is_not_null() & (pl.col("position") != within))
    )


def _label_layer(points: pl.DataFrame, x: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": {"values": records(_named(points))},
        "mark": {
            "type": "text",
            "align": "left",
            "baseline": "middle",
            "dx": 14,
            "fontSize": ANNOTATION_SIZE,
            "fontWeight": "bold",
            "color": TEXT,
            "aria": False,
        },
        "encoding": {"x": x, "y": {**_Y, "field": "percent"}, "text": {"field": "name"}},
    }


def _ring_layer(points: pl.DataFrame, x: dict[str, Any]) -> list[dict[str, Any]]:
    """A ring around the highlighted authority, so it is found at a glance."""
    chosen = points.filter(pl.col("highlighted"))
    if chosen.height == 0:
        return []
    return [
        {
            "data": {"values": records(chosen)},
            "mark": {
                "type": "point",
                "filled": False,
                "shape": "circle",
                "size": 480,
                "strokeWidth": 2.5,
                "color": TEXT,
                "aria": False,
            },
            "encoding": {"x": x, "y": {**_Y, "field": "percent"}},
        }
    ]


def _point_layer(points: pl.DataFrame, x: dict[str, Any]) -> dict[str, Any]:
    labels = {k.value: v for k, v in FUNNEL_POSITION_LABELS.items()}
    present = [p.value for p in FunnelPosition if p.value in set(points.get_column("position"))]
    domain = [labels[p] for p in present]
    return {
        "data": {"values": records(points)},
        "mark": {"type": "point", "filled": True, "size": 140, "opacity": 0.9},
        "encoding": {
            "x": x,
            "y": {**_Y, "field": "percent"},
            "shape": {
                "field": "where",
                "type": "nominal",
                "title": "Authorities",
                "scale": {"domain": domain, "range": [POSITION_SHAPES[p] for p in present]},
            },
            "color": {
                "field": "where",
                "type": "nominal",
                "title": "Authorities",
                "scale": {"domain": domain, "range": [POSITION_COLOURS[p] for p in present]},
            },
            "tooltip": [
                {"field": "name", "title": AUTHORITY},
                {"field": "n", "title": KNOWN, "format": ",d"},
                {"field": "percent", "title": PERCENT},
                {"field": "where", "title": WHERE},
            ],
        },
    }


def _alt_text(points: pl.DataFrame, centre: float, withheld: int, aim_title: str) -> str:
    def named(positions: tuple[FunnelPosition, ...]) -> list[str]:
        wanted = [p.value for p in positions]
        return points.filter(pl.col("position").is_in(wanted)).get_column("name").to_list()

    above = named((FunnelPosition.ABOVE_95, FunnelPosition.ABOVE_998))
    below = named((FunnelPosition.BELOW_95, FunnelPosition.BELOW_998))
    far_above = named((FunnelPosition.ABOVE_998,))
    far_below = named((FunnelPosition.BELOW_998,))
    chosen = points.filter(pl.col("highlighted")).to_dicts()
    within = points.height - len(above) - len(below)
    parts = [
        f"Funnel plot for {aim_title}. Each point is an authority: the number of children "
        "whose outcome is known, against the percentage of them who met the aim. The "
        f"national percentage is {number(centre)}%.",
        f"{plural(within, 'authority', 'authorities')} fall within the 95% limits, no "
        "different from the national figure beyond what chance would give.",
    ]
    if above:
        parts.append(f"Above the 95% limit: {join_words(above)}.")
    if below:
        parts.append(f"Below the 95% limit: {join_words(below)}.")
    if far_above or far_below:
        parts.append(
            "Beyond the 99.8% limits, where chance is an unlikely explanation: "
            f"{join_words(far_above + far_below)}."
        )
    for row in chosen:
        parts.append(
            f"{row['name']}, ringed, rests on {plural(row['n'], 'child', 'children')} and "
            f"{number(row['percent'])}% met the aim: {row['where'].lower()}."
        )
    if withheld:
        parts.append(
            f"{plural(withheld, 'authority', 'authorities')} not shown: their figures are "
            "withheld to protect children's confidentiality."
        )
    return " ".join(parts)
