"""The funnel plot and the side-by-side charts: valid Vega-Lite, honest text, no child.

Each chart is rendered with vl-convert (so its spec is valid for the Vega-Lite the pages
serve); its data table holds exactly the authorities drawn; withheld authorities are not
drawn and the text alternative says how many; an empty input gives a chart that says so.
"""

from __future__ import annotations

import polars as pl
import pytest

from permanence.analysis.benchmarking import funnel_limits, funnel_sizes
from permanence.charts.benchmark import median_wait_chart, percent_met_chart
from permanence.charts.funnel import funnel_chart
from permanence.charts.render import render_svg

ROWS = pl.DataFrame(
    {
        "authority": ["AAA", "BBB", "CCC", "DDD", "EEE"],
        "known": [400, 60, 25, None, 900],
        "percent": [52, 70, 30, None, 45],
        "percent_lower": [47, 58, 14, None, 42],
        "percent_upper": [57, 80, 50, None, 48],
        "funnel": ["within", "above_95", "within", None, "below_998"],
    },
    schema_overrides={"known": pl.Int64, "percent": pl.Int64},
)
NAMES = {"AAA": "Alpha", "BBB": "Bravo", "CCC": "Charlie", "DDD": "Delta", "EEE": "Echo"}
LIMITS = funnel_limits(0.5, funnel_sizes(900))


def test_the_funnel_plot_draws_every_authority_not_withheld() -> None:
    chart = funnel_chart(ROWS, LIMITS, aim_title="Aim 2", names=NAMES)
    assert chart.data.get_column("Authority").to_list() == ["Alpha", "Bravo", "Charlie", "Echo"]
    assert "<svg" in render_svg(chart)
    assert "1 authority not shown" in chart.alt_text
    assert "Above the 95% limit: Bravo." in chart.alt_text
    assert "Echo" in chart.alt_text.split("99.8%")[-1]
    points = chart.spec["layer"][-1]["data"]["values"]
    assert {p["name"] for p in points} == {"Alpha", "Bravo", "Charlie", "Echo"}
    assert "AAA" not in chart.to_json()  # names, not codes, when names are given


def test_outside_the_limits_differs_by_shape_not_colour_alone() -> None:
    chart = funnel_chart(ROWS, LIMITS, aim_title="Aim 2", names=NAMES)
    shape = chart.spec["layer"][-1]["encoding"]["shape"]["scale"]
    shapes = dict(zip(shape["domain"], shape["range"], strict=True))
    assert shapes["Within the 95% limits"] == "circle"
    assert shapes["Above the 95% limit"] == "triangle-up"
    assert shapes["Below the 99.8% limit"] == "triangle-down"


def test_percent_met_side_by_side() -> None:
    chart = percent_met_chart(ROWS, aim_title="Aim 2", national_percent=50, names=NAMES)
    assert chart.data.height == 4
    assert "<svg" in render_svg(chart)
    # Listed by name, never ranked by the figure.
    assert chart.data.get_column("Authority").to_list() == ["Alpha", "Bravo", "Charlie", "Echo"]
    assert "Wholly above it: Bravo." in chart.alt_text
    assert "Wholly below it: Echo." in chart.alt_text


def test_median_waits_with_an_upper_limit_not_yet_known() -> None:
    rows = pl.DataFrame(
        {
            "authority": ["AAA", "BBB", "CCC"],
            "median_weeks": [30, 22, None],
            "lower_weeks": [27, 18, None],
            "upper_weeks": [34, None, None],
        },
        schema_overrides={
            "median_weeks": pl.Int64,
            "lower_weeks": pl.Int64,
            "upper_weeks": pl.Int64,
        },
    )
    chart = median_wait_chart(rows, aim_title="Aim 2", target_weeks=26, names=NAMES)
    assert "<svg" in render_svg(chart)
    table = {row["Authority"]: row for row in chart.data.iter_rows(named=True)}
    assert table["Bravo"]["Upper limit (weeks)"] == "not yet known"
    assert "Wholly above it: Alpha." in chart.alt_text


@pytest.mark.parametrize(
    "withheld", [ROWS.head(0), ROWS.with_columns(pl.lit(None).alias("percent"))]
)
def test_nothing_to_draw_gives_a_chart_that_says_so(withheld: pl.DataFrame) -> None:
    chart = funnel_chart(withheld, LIMITS, aim_title="Aim 2")
    assert "<svg" in render_svg(chart)
    assert "nothing to draw" in chart.alt_text
    assert percent_met_chart(withheld, aim_title="Aim 2", national_percent=None).data.height == 0


def test_the_funnel_has_one_legend_room_for_its_largest_authority_and_names_its_points():
    chart = funnel_chart(ROWS, LIMITS, aim_title="Aim 2", names=NAMES, highlight="AAA")
    layers = chart.spec["layer"]
    # One legend: the authorities'. The lines are named in the plot instead.
    legends = [
        channel
        for layer in layers
        for name, channel in layer.get("encoding", {}).items()
        if name in ("color", "shape", "strokeDash") and channel.get("legend", {}) is not None
    ]
    assert {channel["title"] for channel in legends} == {"Authorities"}
    line_names = {
        row["text"] for layer in layers for row in layer["data"]["values"] if "text" in row
    }
    assert line_names == {"National", "95% limits", "99.8% limits"}
    # The largest authority (Echo, 900 children) and the smallest (Charlie, 25) sit inside
    # the scale, not on its edge.
    low, high = layers[-1]["encoding"]["x"]["scale"]["domain"]
    assert low < 25 and high > 900
    # Named: the authorities outside the 95% limits (Bravo, Echo) and the highlighted one.
    (labels,) = [
        layer
        for layer in layers
        if layer["mark"]["type"] == "text" and layer["encoding"]["text"]["field"] == "name"
    ]
    assert {row["name"] for row in labels["data"]["values"]} == {"Alpha", "Bravo", "Echo"}
    assert "Alpha, ringed, rests on 400 children and 52% met the aim" in chart.alt_text
    assert "<svg" in render_svg(chart)
