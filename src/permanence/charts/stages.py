"""Where children wait: each stage's median days, its middle half, and its share of waiting.

One row per stage of the journey, ranked by the stage's share of all the days children
have waited (children waiting in a stage now included), so a group can see where delay
lies rather than argue about it. The dot is the median days to complete the stage; the
bar is the interquartile range (the middle half of children); the words at the right
give the share. By period or by team, each group is a colour and a shape, side by side
within each stage's row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import polars as pl

from permanence.analysis.stages import GroupBy, StageGroup, StageResult
from permanence.charts.spec import (
    ANNOTATION_SIZE,
    MAX_CATEGORIES,
    SG_BLUE,
    SG_DARK_BLUE,
    TEXT,
    ChartSpec,
    base_spec,
    categorical_scale,
    empty_chart,
    records,
)
from permanence.charts.words import cohort_title, day_text, number, plural
from permanence.journey.vocabulary import plural_expr

GROUP_SHAPES: Final = ("circle", "square", "diamond", "triangle-up", "triangle-down", "cross")
ROW_STEP: Final = 34  # pixels per stage row; more when groups share a row
GROUP_STEP: Final = 22
#: How far the days axis reaches past the longest bar, for the words beside it.
ROOM: Final = 1.45
GROUPED_ROOM: Final = 2.2


def stages_chart(
    result: StageResult,
    *,
    by_group: bool = False,
    groups: Sequence[str] | None = None,
    name: str = "where-children-wait",
    title: str = "Where children wait: days in each stage of the journey",
) -> ChartSpec:
    """The stage chart for all children, or per group (``result`` made with ``by=PERIOD``
    or ``by=TEAM``) when ``by_group``. ``groups`` picks the groups by key; by default the
    last six (the latest periods), since more cannot be told apart."""
    chosen = _chosen_groups(result, by_group, groups)
    ranked = result.overall.ranked()
    order = [stage.label for stage in ranked]
    frame = _rows(chosen, order, named=by_group and bool(result.groups))
    columns = ["Stage", "Share of all waiting (%)", "Median days"]
    drawn = frame.filter(pl.col("share") > 0)
    grouped = by_group and bool(result.groups)
    if drawn.height == 0:
        return empty_chart(name=name, title=title, columns=columns)
    group_title = "Team" if result.by is GroupBy.TEAM else cohort_title("accommodated_date")
    table = drawn.select(
        *([pl.col("group").alias(group_title)] if grouped else []),
        pl.col("stage").alias("Stage"),
        pl.col("rank").alias("Rank"),
        pl.col("share").round(1).alias("Share of all waiting (%)"),
        pl.col("median").alias("Median days"),
        pl.col("lower").alias("Lower quartile (days)"),
        pl.col("upper").alias("Upper quartile (days)"),
        pl.col("p90").alias("90th percentile (days)"),
        pl.col("reached").alias("Children who completed it"),
        pl.col("in_now").alias("Children in it now"),
    )
    values = records(drawn)
    stage_order = [label for label in order if label in set(drawn.get_column("stage").to_list())]
    y: dict[str, Any] = {
        "field": "stage",
        "type": "nominal",
        "sort": stage_order,
        "title": None,
        "axis": {"labelLimit": 320, "labelFontSize": 14},
    }
    top = float(drawn.select(pl.max_horizontal("upper", "median").max()).item() or 1.0)
    x: dict[str, Any] = {
        "field": "median",
        "type": "quantitative",
        "title": "Days in the stage (dot: median; bar: middle half of children)",
        # Room at the right for the words beside each bar, longer when they name a group.
        "scale": {"domain": [0, top * (GROUPED_ROOM if grouped else ROOM) + 1], "nice": False},
    }
    group_names = [group.label for group in chosen]
    extra: dict[str, Any] = {}
    if grouped:
        extra = {
            "yOffset": {"field": "group", "type": "nominal", "sort": group_names},
            "color": {
                "field": "group",
                "type": "nominal",
                "title": group_title,
                "scale": categorical_scale(group_names),
                "legend": {"columns": 2},
            },
        }
    tooltip = [
        *([{"field": "group", "title": group_title}] if grouped else []),
        {"field": "stage", "title": "Stage"},
        {"field": "rank", "title": "Rank"},
        {"field": "share", "title": "Share of all waiting (%)", "format": ".1f"},
        {"field": "median", "title": "Median days", "format": ".0f"},
        {"field": "lower", "title": "Lower quartile (days)", "format": ".0f"},
        {"field": "upper", "title": "Upper quartile (days)", "format": ".0f"},
        {"field": "p90", "title": "90th percentile (days)", "format": ".0f"},
        {"field": "reached", "title": "Children who completed it"},
        {"field": "in_now", "title": "Children in it now"},
    ]
    shape: dict[str, Any] = (
        {
            "shape": {
                "field": "group",
                "type": "nominal",
                "title": group_title,
                "scale": {
                    "domain": group_names,
                    "range": list(GROUP_SHAPES[: len(group_names)]),
                },
                "legend": {"columns": 2},
            }
        }
        if grouped
        else {}
    )
    layers: list[Any] = [
        {
            "data": {"values": values},
            "transform": [{"filter": "isValid(datum.lower)"}],
            "mark": {
                "type": "bar",
                "height": {"band": 0.55 if not grouped else 0.8},
                "opacity": 0.35,
                **({} if grouped else {"color": SG_BLUE}),
            },
            "encoding": {"y": y, "x": {**x, "field": "lower"}, "x2": {"field": "upper"}, **extra},
        },
        {
            "data": {"values": values},
            "transform": [{"filter": "isValid(datum.median)"}],
            "mark": {
                "type": "point",
                "filled": True,
                "size": 150,
                **({} if grouped else {"color": SG_DARK_BLUE, "shape": "circle"}),
            },
            "encoding": {
                "y": y,
                "x": x,
                **extra,
                **shape,
                "tooltip": tooltip,
                "description": {"field": "aria", "type": "nominal"},
            },
        },
        {
            "data": {"values": values},
            "mark": {
                "type": "text",
                "align": "left",
                "baseline": "middle",
                "dx": 8,
                "fontSize": ANNOTATION_SIZE,
                "color": TEXT,
                "aria": False,
            },
            "encoding": {
                "y": y,
                "x": {**x, "field": "text_at"},
                **({"yOffset": extra["yOffset"]} if grouped else {}),
                "text": {"field": "text"},
            },
        },
    ]
    alt = _alt_text(result, chosen, drawn, grouped)
    # Grouped, the step is each group's slot within a stage's row (Vega-Lite's "offset").
    height = {"step": GROUP_STEP, "for": "offset"} if grouped else {"step": ROW_STEP}
    spec = base_spec(title=title, description=alt, height=height)
    spec["layer"] = layers
    return ChartSpec(name=name, title=title, spec=spec, alt_text=alt, data=table)


def _chosen_groups(
    result: StageResult, by_group: bool, groups: Sequence[str] | None
) -> list[StageGroup]:
    if not by_group or not result.groups:
        return [result.overall]
    if groups is None:
        return list(result.groups[-MAX_CATEGORIES:])
    wanted = set(groups)
    chosen = [group for group in result.groups if group.key in wanted]
    if len(chosen) > MAX_CATEGORIES:
        raise ValueError(f"choose at most {MAX_CATEGORIES} groups: more cannot be told apart")
    return chosen


def _rows(groups: list[StageGroup], order: list[str], *, named: bool = False) -> pl.DataFrame:
    """One row per group and stage: a few dozen rows from the analysis's figures.

    ``named``: the groups share each stage's row, so the words beside each bar, and its
    spoken label, begin with the group they belong to ("2023: median 40 days ...").
    """
    rows = [
        {
            "group": group.label,
            "stage": stage.label,
            "rank": stage.rank,
            "share": stage.share,
            "median": stage.median,
            "lower": stage.lower_quartile,
            "upper": stage.upper_quartile,
            "p90": stage.p90,
            "reached": stage.reached,
            "in_now": stage.in_now,
        }
        for group in groups
        for stage in group.stages
    ]
    frame = pl.DataFrame(
        rows,
        schema={
            "group": pl.String,
            "stage": pl.String,
            "rank": pl.Int64,
            "share": pl.Float64,
            "median": pl.Float64,
            "lower": pl.Float64,
            "upper": pl.Float64,
            "p90": pl.Float64,
            "reached": pl.Int64,
            "in_now": pl.Int64,
        },
    )
    position = {label: index for index, label in enumerate(order)}
    median_days = pl.col("median").round(0).cast(pl.Int64)
    median_text = plural_expr(median_days, "day")
    whose = pl.col("group") + pl.lit(": ") if named else pl.lit("")
    share_text = (
        pl.when((pl.col("share") > 0) & (pl.col("share") < 0.5))
        .then(pl.lit("<1"))
        .otherwise(pl.col("share").round(0).cast(pl.Int64).cast(pl.String))
    )
    return (
        frame.with_columns(
            pl.max_horizontal(pl.col("upper").fill_null(0), pl.col("median").fill_null(0)).alias(
                "text_at"
            ),
            (
                whose
                + pl.when(pl.col("median").is_not_null())
                .then(pl.lit("median ") + median_text + pl.lit(" · ") + share_text)
                .otherwise(pl.lit("none completed yet · ") + share_text)
                + pl.lit("% of waiting")
            ).alias("text"),
            (
                whose
                + pl.when(pl.col("median").is_not_null())
                .then(
                    pl.col("stage")
                    + pl.lit(": median ")
                    + median_text
                    + pl.lit(", ")
                    + share_text
                    + pl.lit("% of all waiting")
                )
                .otherwise(pl.col("stage") + pl.lit(": no child has completed it yet"))
            ).alias("aria"),
            pl.col("stage").replace_strict(position, return_dtype=pl.Int64).alias("_order"),
        )
        .sort(["_order", "group"])
        .drop("_order")
    )


def _alt_text(
    result: StageResult, chosen: list[StageGroup], drawn: pl.DataFrame, grouped: bool
) -> str:
    overall = result.overall
    parts = [
        "Where children wait: each row is a stage of the journey, ranked by its share of all "
        "the days children have waited, counting the children waiting in it now. The dot is "
        "the median days children took to complete the stage and the bar the middle half of "
        f"them. As of {day_text(result.as_of)}, {plural(overall.children, 'child', 'children')} "
        "accommodated are counted."
    ]
    readings = []
    for stage in overall.ranked():  # eleven stages at most
        if stage.share <= 0:
            continue
        share = "under 1" if stage.share < 0.5 else number(stage.share, digits=0)
        reading = f"{stage.rank}. {stage.label}, {share}% of all waiting"
        if stage.median is not None:
            reading += f" (median {plural(round(stage.median), 'day')}"
            if stage.lower_quartile is not None and stage.upper_quartile is not None:
                reading += (
                    f", middle half {number(stage.lower_quartile, digits=0)} to "
                    f"{number(stage.upper_quartile, digits=0)}"
                )
            reading += ")"
        if stage.in_now:
            reading += f", {stage.in_now} waiting in it now"
        readings.append(reading)
    parts.append("Stages by share of waiting: " + "; ".join(readings) + ".")
    if grouped:
        parts.append(
            "The chart compares "
            + ", ".join(group.label for group in chosen)
            + "; each group's figures are in the data table."
        )
    return " ".join(parts)
