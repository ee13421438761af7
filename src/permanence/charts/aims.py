"""An aim's trend: the percentage met by entry period, against the percentage aimed for.

Each bar is the children whose clock started in one period (month, quarter or year), and
its height the percentage of those whose outcome is known who met the aim. A period with
few such children can swing widely by chance, so it is drawn pale with a dashed outline
and labelled "few": the flag is a pattern and a word, never colour alone.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

import polars as pl

from permanence.analysis.aims_outcomes import AimResult
from permanence.analysis.aims_text import describe_progress, whole_percent
from permanence.analysis.periods import Granularity
from permanence.charts.layers import target_layers
from permanence.charts.spec import (
    ANNOTATION_SIZE,
    GREY,
    SG_BLUE,
    TEXT,
    ChartSpec,
    base_spec,
    empty_chart,
    records,
)
from permanence.charts.words import capitalise, cohort_title, end_words

#: Fewer children than this whose outcome is known, and a period's percentage is flagged.
FEW_CHILDREN: Final = 10
#: At most this many periods are read out one by one in the text alternative.
PERIODS_READ_OUT: Final = 8
#: With more periods than this the axis labels are slanted so they do not overlap.
SLANT_AFTER: Final = 8
#: With more periods than this only the percentage is written above each bar.
CROWDED_AFTER: Final = 12


def period_short_label(first_day: date, granularity: Granularity) -> str:
    """A period named briefly for an axis: "2024", "Apr–Jun 2024", "Apr 2024"."""
    granularity = Granularity(granularity)
    if granularity is Granularity.YEAR:
        return str(first_day.year)
    if granularity is Granularity.QUARTER:
        last_month = date(first_day.year, first_day.month + 2, 1)
        return f"{first_day:%b}–{last_month:%b} {first_day.year}"
    return f"{first_day:%b} {first_day.year}"


def aim_trend_chart(result: AimResult, *, few: int = FEW_CHILDREN) -> ChartSpec:
    """Percentage met per entry period, with the aim's percentage as a green line.

    ``few``: a period with fewer children than this whose outcome is known is flagged.
    """
    aim = result.aim
    name = f"{aim.id}-trend"
    title = f"{aim.title}: percentage who met the aim, by when the clock started"
    period_title = cohort_title(aim.start_column)
    percent_title = "Percentage who met the aim"
    if not result.periods:
        return empty_chart(name=name, title=title, columns=[period_title, percent_title])
    frame = _periods(result, few)
    table = frame.select(
        pl.col("label").alias(period_title),
        pl.col("first_day").alias("First day"),
        pl.col("counted").alias("Children counted"),
        pl.col("known").alias("Outcome known"),
        pl.col("met").alias("Met the aim"),
        pl.col("percent").round(1).alias(percent_title),
        pl.col("still_waiting").alias("Still waiting"),
        pl.when(pl.col("few")).then(pl.lit("Yes")).otherwise(pl.lit("No")).alias("Few children"),
    )
    values = records(frame)
    slanted = frame.height > SLANT_AFTER
    x = {
        "field": "short",
        "type": "ordinal",
        "sort": None,
        "title": period_title,
        "axis": {
            "labelAngle": -40 if slanted else 0,
            "labelAlign": "right" if slanted else "center",
        },
    }
    y = {
        "field": "percent",
        "type": "quantitative",
        "title": percent_title,
        "scale": {"domain": [0, 115], "nice": False},
        "axis": {"values": [0, 20, 40, 60, 80, 100], "labelExpr": "datum.value + '%'"},
    }
    tooltip = [
        {"field": "label", "title": period_title},
        {"field": "percent", "title": percent_title, "format": ".0f"},
        {"field": "met", "title": "Met the aim"},
        {"field": "known", "title": "Outcome known"},
        {"field": "still_waiting", "title": "Still waiting"},
        {"field": "few_text", "title": "Few children"},
    ]
    bar = {
        "data": {"values": values},
        "mark": {"type": "bar", "color": SG_BLUE, "stroke": SG_BLUE, "strokeWidth": 2},
        "encoding": {
            "x": x,
            "y": y,
            "fillOpacity": {
                "field": "few_text",
                "type": "nominal",
                "scale": {"type": "ordinal", "domain": ["No", "Yes"], "range": [1, 0.25]},
                "legend": None,
            },
            "strokeDash": {
                "field": "few_text",
                "type": "nominal",
                "scale": {"domain": ["No", "Yes"], "range": [[1, 0], [5, 3]]},
                "legend": None,
            },
            "tooltip": tooltip,
            "description": {"field": "aria", "type": "nominal"},
        },
    }

    def text(field: str, dy: int, colour: str, weight: str = "normal") -> dict[str, Any]:
        return {
            "data": {"values": values},
            "mark": {
                "type": "text",
                "baseline": "bottom",
                "dy": dy,
                "fontSize": ANNOTATION_SIZE,
                "fontWeight": weight,
                "color": colour,
                "aria": False,
            },
            "encoding": {
                "x": x,
                "y": {**y, "field": "label_at"},
                "text": {"field": field},
            },
        }

    target = float(aim.target_percent) if aim.target_percent is not None else None
    crowded = frame.height > CROWDED_AFTER
    labels = (
        [text("percent_text", -4, TEXT, "bold")]
        if crowded
        else [text("percent_text", -20, TEXT, "bold"), text("of_text", -4, GREY)]
    )
    layers: list[Any] = [
        bar,
        *labels,
        *target_layers(target, f"Aim: {aim.target_percent}%", y={**y, "field": "target"}),
    ]
    alt = _alt_text(result, frame, few)
    key = []
    if frame.get_column("few").any():
        key.append(
            f"Pale bars with a dashed outline: fewer than {few} children whose outcome is known."
        )
    spec = base_spec(title=title, description=alt, subtitle=key)
    spec["layer"] = layers
    return ChartSpec(name=name, title=title, spec=spec, alt_text=alt, data=table)


def _periods(result: AimResult, few: int) -> pl.DataFrame:
    rows = [
        {
            "first_day": period.first_day,
            "label": period.label,
            "short": period_short_label(period.first_day, result.granularity),
            "counted": period.figures.counted,
            "known": period.figures.known,
            "met": period.figures.met,
            "still_waiting": period.figures.still_waiting,
        }
        for period in result.periods  # one row per period: a handful, never per child
    ]
    frame = pl.DataFrame(rows)
    known = pl.col("known")
    percent = pl.when(known > 0).then(100.0 * pl.col("met") / known)
    is_few = known < few
    return frame.with_columns(
        percent.alias("percent"),
        is_few.alias("few"),
        pl.when(is_few).then(pl.lit("Yes")).otherwise(pl.lit("No")).alias("few_text"),
    ).with_columns(
        pl.coalesce(pl.col("percent"), pl.lit(0.0)).alias("label_at"),
        pl.when(known > 0)
        .then(pl.col("percent").round(0).cast(pl.Int64).cast(pl.String) + "%")
        .otherwise(pl.lit(""))
        .alias("percent_text"),
        pl.when(known == 0)
        .then(pl.lit("none known"))
        .when(is_few)
        .then(pl.lit("of ") + known.cast(pl.String) + pl.lit(", few"))
        .otherwise(pl.lit("of ") + known.cast(pl.String))
        .alias("of_text"),
        pl.when(known > 0)
        .then(
            pl.col("label")
            + pl.lit(": ")
            + pl.col("percent").round(0).cast(pl.Int64).cast(pl.String)
            + pl.lit("% of ")
            + known.cast(pl.String)
            + pl.lit(" children whose outcome is known")
        )
        .otherwise(pl.col("label") + pl.lit(": no outcome known yet"))
        .alias("aria"),
    )


def _alt_text(result: AimResult, frame: pl.DataFrame, few: int) -> str:
    aim = result.aim
    unit = result.granularity.value
    parts = [
        f"Each bar is the children whose clock started in one {unit}: the percentage of those "
        f"whose outcome is known who had {end_words(aim.end_column)} within {aim.target_text}."
    ]
    if aim.target_percent is not None:
        parts.append(f"The green line marks the aim of {aim.target_percent}%.")
    else:
        parts.append("This aim sets a timescale but no percentage to reach.")
    rows = frame.tail(PERIODS_READ_OUT).iter_rows(named=True)  # a handful of periods
    readings = []
    for row in rows:
        if row["known"]:
            reading = (
                f"{row['label']}: {whole_percent(row['met'], row['known'])}% of {row['known']}"
            )
            readings.append(reading + (" (few)" if row["few"] else ""))
        else:
            readings.append(f"{row['label']}: no outcome known yet")
    shown = "The latest periods" if frame.height > PERIODS_READ_OUT else "By period"
    parts.append(f"{shown}: " + "; ".join(readings) + ".")
    flagged = int(frame.get_column("few").sum())
    if flagged:
        parts.append(
            f"Periods with fewer than {few} children whose outcome is known are drawn pale with "
            "a dashed outline and marked few: their percentages can swing widely by chance."
        )
    if aim.target_percent is not None:
        parts.append(describe_progress(aim, result.progress))
    return capitalise(" ".join(parts))
