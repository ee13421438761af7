"""Small multiples: an aim's run chart per team, side by side, each with its own median.

Expectations come from hand-built children in two teams, whose medians are worked out
by hand, and from the published shift rule.
"""

from __future__ import annotations

import json
from datetime import date
from itertools import groupby

import numpy as np
import polars as pl

from permanence.analysis.aims import AIM_2
from permanence.analysis.aims_outcomes import evaluate_aim
from permanence.charts import aim_run_charts_by_team, render_png
from permanence.charts.runchart import PhaseStart
from permanence.charts.signals import NO_SIGNAL

from .test_render import vega_lite_validator, with_few_rows

NORTH = [40, 60, 52, 45, 70, 52, 48, 66, 38, 58, 52]  # median 52, by hand
SOUTH = [10, 30, 20, 14, 18, 26, 22]  # median 20, by hand


def two_teams(build) -> pl.DataFrame:
    north = build.kids_waiting(NORTH, start=date(2023, 1, 2))
    south = [
        build.Kid(f"SECRET-S{i}", k.accommodated, k.recommended)
        for i, k in enumerate(build.kids_waiting(SOUTH, start=date(2023, 1, 9)))
    ]
    frame = build.frame_of(north + south)
    return frame.with_columns(
        pl.when(pl.col("child_ref").str.starts_with("SECRET-S"))
        .then(pl.lit("South"))
        .otherwise(pl.lit("North"))
        .alias("team")
    )


def test_each_team_has_its_own_panel_and_its_own_median(build):
    chart = aim_run_charts_by_team(evaluate_aim(two_teams(build), AIM_2))
    assert float(np.median(NORTH)) == 52 and float(np.median(SOUTH)) == 20
    panels = chart.spec["concat"]
    assert [panel["title"]["text"] for panel in panels] == [
        "North: 11 children",
        "South: 7 children",
    ]
    for panel, expected in zip(panels, (52.0, 20.0), strict=True):
        (median,) = [
            layer for layer in panel["layer"] if layer["mark"].get("interpolate") == "step-after"
        ]
        assert {row["median"] for row in median["data"]["values"]} == {expected}
    # The data table: every child once, under its team, with its team's median.
    table = chart.data
    assert table.get_column("Team").to_list() == ["North"] * 11 + ["South"] * 7
    assert table.get_column("Median").to_list() == [52.0] * 11 + [20.0] * 7
    assert "North: 11 children, median wait 52 weeks." in chart.alt_text
    assert "South: 7 children, median wait 20 weeks." in chart.alt_text
    assert chart.spec["description"] == chart.alt_text


def test_the_panels_share_one_legend_and_one_weeks_axis(build):
    chart = aim_run_charts_by_team(evaluate_aim(two_teams(build), AIM_2))
    panels = chart.spec["concat"]
    points = [
        next(layer for layer in panel["layer"] if "shape" in layer.get("encoding", {}))
        for panel in panels
    ]
    domains = [layer["encoding"]["shape"]["scale"]["domain"] for layer in points]
    assert domains[0] == domains[1] and domains[0][0] == NO_SIGNAL
    y_domains = [layer["encoding"]["y"]["scale"] for layer in points]
    assert y_domains[0] == y_domains[1]
    assert chart.spec["resolve"]["scale"]["y"] == "shared"


def test_small_multiples_are_valid_vega_lite_and_render(build):
    chart = aim_run_charts_by_team(evaluate_aim(two_teams(build), AIM_2))
    assert json.loads(json.dumps(chart.spec, allow_nan=False)) == chart.spec
    vega_lite_validator().validate(with_few_rows(chart.spec))
    assert render_png(chart).startswith(b"\x89PNG")


def test_no_children_is_a_chart_that_says_so(build):
    empty = two_teams(build).clear()
    chart = aim_run_charts_by_team(evaluate_aim(empty, AIM_2, as_of=build.AS_OF))
    assert "No children yet" in json.dumps(chart.spec)
    assert chart.data.height == 0


def test_each_team_draws_the_accepted_phases_with_its_own_new_median(build):
    """An accepted phase from 10 April 2023: North's 8th child (recommended 2 January
    + 7 x 14 days) begins its new phase; South's last child was recommended on 3 April,
    so South has no new phase. The authority's phase rested on its first child alone
    (``baseline_n=1``); a team's new median is of all its children in the phase."""
    accepted = PhaseStart(date(2023, 4, 10), baseline_n=1)
    chart = aim_run_charts_by_team(evaluate_aim(two_teams(build), AIM_2), phase_starts=[accepted])
    north_before, north_after = NORTH[:7], NORTH[7:]
    assert float(np.median(north_before)) == 52 and float(np.median(north_after)) == 55
    expected = {
        "North": [float(np.median(north_before))] * 7 + [float(np.median(north_after))] * 4,
        "South": [float(np.median(SOUTH))] * 7,
    }
    for panel, team in zip(chart.spec["concat"], ("North", "South"), strict=True):
        (median,) = [
            layer for layer in panel["layer"] if layer["mark"].get("interpolate") == "step-after"
        ]
        drawn = [row["median"] for row in median["data"]["values"]]
        assert [step for step, _ in groupby(drawn)] == [
            step for step, _ in groupby(expected[team])
        ], team
    assert chart.data.get_column("Median").to_list() == expected["North"] + expected["South"]
    assert (
        "North: 11 children, median wait 52 weeks, then 55 weeks from April 2023 "
        "(an accepted new phase)." in chart.alt_text
    )
    assert "South: 7 children, median wait 20 weeks." in chart.alt_text
    # Without the accepted phase North keeps one median.
    plain = aim_run_charts_by_team(evaluate_aim(two_teams(build), AIM_2))
    assert plain.data.get_column("Median").to_list()[:11] == [52.0] * 11
