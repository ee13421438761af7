"""Authorities side by side: each one's figure with its 95% interval, never a ranking.

Two charts for the national workspace, from the published (disclosure-controlled) rows of
``analysis.benchmarking``:

- ``percent_met_chart``: each authority's percentage met for an aim, as a dot on a line
  spanning its Wilson 95% interval, with the national percentage as a vertical rule. An
  authority whose interval crosses the rule is no different from the nation beyond chance.
- ``median_wait_chart``: each authority's Kaplan-Meier median time to the aim's end
  milestone, in weeks, with its 95% interval, and the aim's timescale as a green rule.

Authorities are listed alphabetically by name, not sorted by their figure: the interval
is the comparison, and an order by figure invites a league table that small numbers
cannot support. Withheld authorities are not drawn; the text alternative counts them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import polars as pl

from permanence.charts.spec import (
    AIM_GREEN,
    GREY,
    SG_BLUE,
    SG_DARK_BLUE,
    ChartSpec,
    base_spec,
    empty_chart,
    records,
)
from permanence.charts.words import number, plural

ROW_STEP: Final = 30
AUTHORITY = "Authority"


def percent_met_chart(
    rows: pl.DataFrame,
    *,
    aim_title: str,
    national_percent: float | None,
    names: Mapping[str, str] | None = None,
    name: str | None = None,
) -> ChartSpec:
    """Percentage met with its 95% interval, one row per authority.

    ``rows`` hold ``authority``, ``percent``, ``percent_lower`` and ``percent_upper``
    (null where withheld).
    """
    slug = name or "percent-met-" + aim_title.lower().replace(" ", "-")
    title = f"{aim_title}: percentage who met the aim, with 95% intervals"
    figure = "Percentage who met the aim"
    columns = [AUTHORITY, figure, "Lower limit (95%)", "Upper limit (95%)"]
    drawn, withheld = _drawn(rows, "percent", names)
    if drawn.height == 0:
        return empty_chart(
            name=slug,
            title=title,
            columns=columns,
            message="No authority's figures can be shown yet",
        )
    reference = None if national_percent is None else float(national_percent)
    description = _alt_text(
        drawn,
        withheld,
        what=f"the percentage of children who met {aim_title}",
        unit="%",
        reference=reference,
        reference_words="the national percentage",
    )
    spec = _interval_spec(
        drawn,
        title=title,
        description=description,
        figure=figure,
        lower="percent_lower",
        upper="percent_upper",
        value="percent",
        domain=[0, 100],
        reference=reference,
        reference_label="National percentage",
        reference_colour=SG_DARK_BLUE,
        unit="%",
    )
    table = drawn.select(
        pl.col("name").alias(AUTHORITY),
        pl.col("percent").alias(figure),
        pl.col("percent_lower").alias("Lower limit (95%)"),
        pl.col("percent_upper").alias("Upper limit (95%)"),
    )
    return ChartSpec(name=slug, title=title, spec=spec, alt_text=description, data=table)


def median_wait_chart(
    rows: pl.DataFrame,
    *,
    aim_title: str,
    target_weeks: int | None,
    names: Mapping[str, str] | None = None,
    name: str | None = None,
) -> ChartSpec:
    """Kaplan-Meier median weeks with its 95% interval, one row per authority.

    ``rows`` hold ``authority``, ``median_weeks``, ``lower_weeks`` and ``upper_weeks``
    (null where withheld or, for an upper limit, not yet known).
    """
    slug = name or "median-wait-" + aim_title.lower().replace(" ", "-")
    title = f"{aim_title}: median weeks to the milestone, with 95% intervals"
    figure = "Median weeks"
    columns = [AUTHORITY, figure, "Lower limit (weeks)", "Upper limit (weeks)"]
    drawn, withheld = _drawn(rows, "median_weeks", names)
    if drawn.height == 0:
        return empty_chart(
            name=slug,
            title=title,
            columns=columns,
            message="No authority's figures can be shown yet",
        )
    top = float(drawn.select(pl.max_horizontal("median_weeks", "upper_weeks").max()).item() or 1.0)
    if target_weeks is not None:
        top = max(top, float(target_weeks))
    # An upper limit not yet known is drawn to the edge, and said so in the table.
    drawn = drawn.with_columns(
        pl.col("upper_weeks").is_null().alias("open_upper"),
        pl.col("upper_weeks").fill_null(round(top * 1.1)).alias("upper_drawn"),
    )
    description = _alt_text(
        drawn,
        withheld,
        what=f"the median time to the end of {aim_title}'s clock, counting children still waiting",
        unit=" weeks",
        reference=None if target_weeks is None else float(target_weeks),
        reference_words="the aim's timescale",
    )
    spec = _interval_spec(
        drawn,
        title=title,
        description=description,
        figure=figure,
        lower="lower_weeks",
        upper="upper_drawn",
        value="median_weeks",
        domain=[0, round(top * 1.1)],
        reference=None if target_weeks is None else float(target_weeks),
        reference_label="The aim's timescale",
        reference_colour=AIM_GREEN,
        unit=" weeks",
    )
    table = drawn.select(
        pl.col("name").alias(AUTHORITY),
        pl.col("median_weeks").alias(figure),
        pl.col("lower_weeks").alias("Lower limit (weeks)"),
        pl.when(pl.col("open_upper"))
        .then(pl.lit("not yet known"))
        .otherwise(pl.col("upper_weeks").cast(pl.String))
        .alias("Upper limit (weeks)"),
    )
    return ChartSpec(name=slug, title=title, spec=spec, alt_text=description, data=table)


def _drawn(
    rows: pl.DataFrame, value: str, names: Mapping[str, str] | None
) -> tuple[pl.DataFrame, int]:
    named = rows.with_columns(
        pl.col("authority")
        .replace_strict(dict(names or {}), default=pl.col("authority"), return_dtype=pl.String)
        .alias("name")
    )
    drawn = named.filter(pl.col(value).is_not_null()).sort("name")
    return drawn, rows.height - drawn.height


def _interval_spec(
    drawn: pl.DataFrame,
    *,
    title: str,
    description: str,
    figure: str,
    lower: str,
    upper: str,
    value: str,
    domain: list[float],
    reference: float | None,
    reference_label: str,
    reference_colour: str,
    unit: str,
) -> dict[str, Any]:
    order = drawn.get_column("name").to_list()
    y = {
        "field": "name",
        "type": "nominal",
        "sort": order,
        "title": None,
        "axis": {"labelLimit": 260},
    }
    x_axis = {
        "type": "quantitative",
        "title": figure,
        "scale": {"domain": domain, "nice": False},
        "axis": {"tickCount": 6},
    }
    subtitle = "Each line is an authority's 95% interval; the dot is its figure."
    if reference is not None:
        subtitle += f" Dashed line: {reference_label.lower()} ({number(reference)}{unit})."
    spec = base_spec(
        title=title, description=description, height={"step": ROW_STEP}, subtitle=[subtitle]
    )
    values = records(drawn)
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": values},
            "mark": {"type": "rule", "color": GREY, "strokeWidth": 3},
            "encoding": {"y": y, "x": {**x_axis, "field": lower}, "x2": {"field": upper}},
        },
        {
            "data": {"values": values},
            "mark": {"type": "point", "filled": True, "size": 130, "color": SG_BLUE},
            "encoding": {
                "y": y,
                "x": {**x_axis, "field": value},
                "tooltip": [
                    {"field": "name", "title": AUTHORITY},
                    {"field": value, "title": figure},
                    {"field": lower, "title": "Lower limit"},
                    {"field": upper, "title": "Upper limit"},
                ],
            },
        },
    ]
    if reference is not None:
        layers.append(
            {
                "data": {"values": [{"reference": reference, "label": reference_label}]},
                "mark": {"type": "rule", "color": reference_colour, "strokeDash": [6, 3]},
                "encoding": {
                    "x": {**x_axis, "field": "reference"},
                    "tooltip": [{"field": "label"}, {"field": "reference"}],
                },
            }
        )
    spec["layer"] = layers
    return spec


def _alt_text(
    drawn: pl.DataFrame,
    withheld: int,
    *,
    what: str,
    unit: str,
    reference: float | None,
    reference_words: str,
) -> str:
    value = "percent" if "percent" in drawn.columns else "median_weeks"
    lower = "percent_lower" if value == "percent" else "lower_weeks"
    upper = "percent_upper" if value == "percent" else "upper_weeks"
    parts = [
        f"Each row is an authority, listed by name: {what}, with its 95% interval. "
        f"{plural(drawn.height, 'authority', 'authorities')} shown."
    ]
    if reference is not None:
        clear_above = drawn.filter(pl.col(lower) > reference).get_column("name").to_list()
        clear_below = drawn.filter(pl.col(upper) < reference).get_column("name").to_list()
        parts.append(f"The dashed line is {reference_words}, {number(reference)}{unit}.")
        if clear_above:
            parts.append(f"Wholly above it: {', '.join(clear_above)}.")
        if clear_below:
            parts.append(f"Wholly below it: {', '.join(clear_below)}.")
        if not clear_above and not clear_below:
            parts.append("Every interval crosses it.")
    if withheld:
        parts.append(
            f"{plural(withheld, 'authority', 'authorities')} not shown: figures withheld to "
            "protect children's confidentiality, or too few children."
        )
    return " ".join(parts)
