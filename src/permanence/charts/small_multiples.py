"""Small multiples: an aim's run chart for each team, side by side, on one chart.

What qicharts2's facets and Making Data Count's summary give their users: every team's
children read by the same rules, each panel with its own median (a team is compared with
itself, not with the authority), on one shared weeks axis so the panels can be compared
by eye. Each panel is the run chart ``run_chart`` draws for that team alone; the legend
is one for all, and the text alternative says each team's median and latest signal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Final

import numpy as np
import polars as pl

from permanence.analysis.aims_outcomes import AimResult
from permanence.analysis.direction import Better
from permanence.analysis.runchart import RuleSet, RunChartResult
from permanence.charts.runchart import (
    AIM_WORDS,
    PhaseStart,
    aim_label,
    aim_run_points,
    analyse_points,
    headline,
    run_chart,
)
from permanence.charts.signals import point_signals, shape_and_colour
from permanence.charts.spec import ChartSpec, base_spec, empty_chart
from permanence.charts.words import children, end_words, month_year, since, the

#: What a child with no team recorded is shown under.
NO_TEAM: Final = "Team not recorded"
#: Each panel's size in pixels, and how many panels to a row.
PANEL_WIDTH: Final = 300
PANEL_HEIGHT: Final = 220
COLUMNS: Final = 2
TEAM_HEADING: Final = "Team"
#: A team's panel: its name, its points, their analysis and its run chart.
Panel = tuple[str, pl.DataFrame, RunChartResult, ChartSpec]


def aim_run_charts_by_team(
    result: AimResult,
    *,
    team_column: str = "team",
    improvement_start: date | None = None,
    improvement_name: str = "the improvement work",
    rules: RuleSet = "ihi",
    columns: int = COLUMNS,
    phase_starts: Sequence[date | PhaseStart] = (),
) -> ChartSpec:
    """An aim's run chart for each team, side by side: one median per panel.

    ``result.children`` must hold ``team_column``; children with none recorded form a
    panel of their own. Every panel shares the weeks axis (0 to the longest wait or the
    aim, whichever is higher) and one legend; each team's points are analysed on their
    own, with the baseline before ``improvement_start`` as on the aim's own chart.

    ``phase_starts``: the new phases the authority accepted on the aim's own chart. Each
    team's panel begins a new phase at its first child on or after each one's date, as
    the aim's chart does. The team's new median is of all its children in that phase:
    how many children an accepted phase's median rests on was counted over the whole
    authority, and says nothing about one team's children.
    """
    aim = result.aim
    name = f"{aim.id}-run-chart-by-team"
    title = f"{aim.title} by team: weeks waited for {the(end_words(aim.end_column))}"
    x_title = f"Date of {the(end_words(aim.end_column))}"
    y_title = f"Weeks waited {since(aim.start_column)}"
    rows = result.children.with_columns(
        pl.col(team_column).cast(pl.String).fill_null(NO_TEAM).alias(TEAM_HEADING)
    )
    teams = _teams(rows)
    if not teams:
        return empty_chart(name=name, title=title, columns=[TEAM_HEADING, x_title, y_title])
    every = aim_run_points(rows)
    longest = float(np.nanmax(every.get_column("value").to_numpy()))
    top = max(longest, aim.target_in_weeks) * 1.05
    starts = [start.on if isinstance(start, PhaseStart) else start for start in phase_starts]
    panels: list[Panel] = []
    for team in teams:
        points = aim_run_points(rows.filter(pl.col(TEAM_HEADING) == team))
        analysis = analyse_points(
            points, rules=rules, improvement_start=improvement_start, phase_starts=starts
        )
        assert analysis is not None  # ``_teams`` keeps only teams with a child on the chart
        chart = run_chart(
            points,
            analysis,
            name=f"{name}-{team}",
            title=team,
            y_title=y_title,
            x_title=x_title,
            words=AIM_WORDS,
            target=aim.target_in_weeks,
            target_label=aim_label(aim),
            improvement_start=improvement_start,
            improvement_name=improvement_name,
            y_domain=(0.0, top),
            better=aim.better,
        )
        panels.append((team, points, analysis, chart))
    domain = _shared_domain(panels, aim.better)
    text = _alt_text(aim.title, panels, improvement_start, improvement_name, aim.better)
    spec = base_spec(
        title=title,
        description=text,
        subtitle=[
            f"{aim.better.words}. One run chart per team, each with its own median; "
            "the weeks axis is the same for every team."
        ],
    )
    for key in ("width", "height", "autosize"):
        spec.pop(key)
    spec["columns"] = columns
    spec["concat"] = [
        _panel(team, points, chart, domain, aim.better) for team, points, _, chart in panels
    ]
    # One legend, and the same dates and weeks on every panel so they compare by eye.
    spec["resolve"] = {"scale": dict.fromkeys(("x", "y", "color", "shape", "size"), "shared")}
    table = pl.concat(
        [
            chart.data.select(pl.lit(team).alias(TEAM_HEADING), pl.all())
            for team, _, _, chart in panels
        ],
        how="diagonal_relaxed",
    )
    return ChartSpec(name=name, title=title, spec=spec, alt_text=text, data=table)


def _teams(rows: pl.DataFrame) -> list[str]:
    """Teams with at least one child on the chart, alphabetically, "not recorded" last."""
    placed = aim_run_points(rows, label=TEAM_HEADING)
    names = sorted(set(placed.get_column("label").to_list()))
    return sorted(names, key=lambda team: (team == NO_TEAM, team))


def _shared_domain(panels: list[Panel], better: Better) -> list[str]:
    """Every signal drawn on any panel, in legend order, so one legend serves them all."""
    names: list[str] = []
    for _, points, analysis, _ in panels:
        marked = point_signals(points.height, analysis.signals, analysis.excluded, better)
        names += [name for name in marked.scale_domain() if name not in names]
    return names


def _panel(
    team: str, points: pl.DataFrame, chart: ChartSpec, domain: list[str], better: Better
) -> dict[str, Any]:
    """One team's run chart, sized for a panel, its points on the shared legend."""
    layers = []
    for layer in chart.spec["layer"]:
        encoding = layer.get("encoding", {})
        if "shape" in encoding:  # the points: the same scales on every panel
            layer = {
                **layer,
                "encoding": {**encoding, **shape_and_colour(domain, better=better)},
            }
        layers.append(layer)
    return {
        "title": {"text": f"{team}: {children(points.height)}", "anchor": "start"},
        "width": PANEL_WIDTH,
        "height": PANEL_HEIGHT,
        "layer": layers,
    }


def _alt_text(
    aim_title: str,
    panels: list[Panel],
    improvement_start: date | None,
    improvement_name: str,
    better: Better,
) -> str:
    parts = [
        f"{aim_title} for each team: a run chart per team, each dot a child at the date the "
        "clock stopped and the weeks they had waited, each team with its own median. "
        f"{better.words}."
    ]
    for team, points, analysis, _ in panels:
        median = analysis.phases[0].median
        said = headline(
            analysis,
            points.get_column("date").to_list(),
            words=AIM_WORDS,
            improvement_start=improvement_start,
            improvement_name=improvement_name,
            better=better,
        )
        median_words = "" if np.isnan(median) else f", median wait {AIM_WORDS.value(median)}"
        dates = points.get_column("date").to_list()
        for phase in analysis.phases[1:]:
            if not np.isnan(phase.median):
                median_words += (
                    f", then {AIM_WORDS.value(phase.median)} from "
                    f"{month_year(dates[phase.start])} (an accepted new phase)"
                )
        parts.append(f"{team}: {children(points.height)}{median_words}. {said}")
    return " ".join(parts)
