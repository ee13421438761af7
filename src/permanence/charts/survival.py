"""The entry-cohort survival chart: every child followed from the day the clock started.

Beside the run chart (which shows only children who got a decision), this chart follows
each entry cohort from the start and shows, week by week, the cumulative percentage who
had reached the milestone (Kaplan-Meier, children still waiting counted for as long as
they have waited), with its 95% confidence band and the aim's target week as a line.
Cohorts differ by colour *and* dash pattern, so the chart never relies on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Literal

import polars as pl

from permanence.analysis.aims import AimKind
from permanence.analysis.aims_outcomes import AimResult
from permanence.analysis.periods import Granularity
from permanence.analysis.survival import SurvivalResult, follow_up, survival_by_cohort
from permanence.analysis.survival_text import describe, group_name
from permanence.charts.layers import target_layers
from permanence.charts.spec import (
    MAX_CATEGORIES,
    ChartSpec,
    base_spec,
    categorical_scale,
    dash_scale,
    empty_chart,
    records,
)
from permanence.charts.words import cohort_title, end_words, plural, since, weeks

SERIES: Final = "series"
BANDS_UP_TO: Final = 3

WHY_TWO_VIEWS: Final = (
    "The run chart shows only the children who have had a decision, placed at the date of "
    "the decision, so children still waiting are missing from it and clearing a backlog of "
    "long waits makes it look worse. This chart follows every child from the day their clock "
    "started, counting those still waiting for as long as they have waited, so it shows "
    "whether children who started waiting more recently are getting there sooner."
)


def survival_chart(
    result: SurvivalResult,
    *,
    start: str = "accommodated_date",
    end: str = "recommendation_date",
    cohorts: Sequence[str] | None = None,
    max_weeks: int | None = None,
    bands: bool | None = None,
    name: str = "survival",
    title: str | None = None,
) -> ChartSpec:
    """Cumulative percentage reaching ``end`` by week since ``start``, per entry cohort.

    ``result`` is ``entry_cohort_survival(...)`` (or ``survival_by_cohort``); ``start`` and
    ``end`` name the frame columns it measured, for the words. ``cohorts`` chooses which
    cohorts (by code, such as "2023") to draw; by default the latest six, since more
    lines than that cannot be told apart. ``max_weeks`` cuts the x axis. ``bands`` draws
    the confidence bands; by default only for up to three cohorts, since more overlapping
    bands hide the lines (the limits are always in the tooltip and the table).
    """
    chart_title = title or f"Percentage who had {end_words(end)}, by weeks {since(start)}"
    started = cohort_title(start)
    weeks_title = f"Weeks {since(start)}"
    percent_title = f"Percentage who had {end_words(end)}"
    columns = [started, "Week", percent_title]
    names = _series_names(result)
    chosen = _chosen(result, names, cohorts)
    curves = result.curves.with_columns(_series_expr(result, names)).filter(
        pl.col(SERIES).is_in(chosen) & pl.col("percent_reached").is_not_null()
    )
    if max_weeks is not None:
        curves = curves.filter(pl.col("week") <= max_weeks)
    if curves.height == 0:
        return empty_chart(name=name, title=chart_title, columns=columns)

    table = curves.select(
        pl.col(SERIES).alias(started),
        pl.col("week").alias("Week"),
        pl.col("percent_reached").round(1).alias(percent_title),
        pl.col("percent_lower").round(1).alias("Lower 95% limit"),
        pl.col("percent_upper").round(1).alias("Upper 95% limit"),
        pl.col("at_risk").alias("Children still waiting and followed"),
    )
    values = records(
        curves.select(
            SERIES, "week", "percent_reached", "percent_lower", "percent_upper", "at_risk"
        ),
        digits=2,
    )
    colour = {
        "field": SERIES,
        "type": "nominal",
        "title": started,
        "scale": categorical_scale(chosen),
    }
    dash = {"field": SERIES, "type": "nominal", "title": started, "scale": dash_scale(chosen)}
    x = {
        "field": "week",
        "type": "quantitative",
        "title": weeks_title,
        "scale": {"domainMin": 0, "nice": False},
        "axis": {"tickMinStep": 1},
    }
    y = {
        "field": "percent_reached",
        "type": "quantitative",
        "title": percent_title,
        "scale": {"domain": [0, 100]},
        "axis": {"values": [0, 20, 40, 60, 80, 100], "labelExpr": "datum.value + '%'"},
    }
    tooltip = [
        {"field": SERIES, "title": started},
        {"field": "week", "title": "Week"},
        {"field": "percent_reached", "title": percent_title, "format": ".0f"},
        {"field": "percent_lower", "title": "Lower 95% limit", "format": ".0f"},
        {"field": "percent_upper", "title": "Upper 95% limit", "format": ".0f"},
        {"field": "at_risk", "title": "Children still waiting and followed"},
    ]
    with_bands = len(chosen) <= BANDS_UP_TO if bands is None else bands
    band_layer = {
        "data": {"values": values},
        "mark": {"type": "area", "interpolate": "step-after", "opacity": 0.15, "aria": False},
        "encoding": {
            "x": x,
            "y": {**y, "field": "percent_lower"},
            "y2": {"field": "percent_upper"},
            "color": colour,
        },
    }
    layers: list[Any] = [
        *([band_layer] if with_bands else []),
        {
            "data": {"values": values},
            "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 3},
            "encoding": {
                "x": x,
                "y": y,
                "color": colour,
                "strokeDash": dash,
                "tooltip": tooltip,
                "description": {"field": SERIES, "type": "nominal"},
            },
        },
        *target_layers(
            result.target_weeks,
            f"Aim: {weeks(result.target_weeks)}" if result.target_weeks is not None else None,
            x={"field": "target", "type": "quantitative", "title": weeks_title},
        ),
    ]
    text = _alt_text(result, names, chosen, start, end, with_bands=with_bands)
    spec = base_spec(title=chart_title, description=text)
    spec["layer"] = layers
    spec["config"]["legend"]["symbolType"] = "stroke"
    spec["config"]["legend"]["symbolSize"] = 400
    spec["config"]["legend"]["symbolStrokeWidth"] = 3
    return ChartSpec(
        name=name, title=chart_title, spec=spec, alt_text=text, data=table, caption=WHY_TWO_VIEWS
    )


def aim_survival_chart(result: AimResult) -> ChartSpec | None:
    """The entry-cohort survival curve of an aim's own children (its population, its
    clock, a reversed decision stopping it), cut by year or by quarter as the result is;
    None for an aim with no waiting time to follow (one counting orders that have already
    lasted their time). The dashboards and the report pack both draw it from here."""
    aim = result.aim
    if aim.kind is AimKind.REVIEWED_AFTER:
        return None
    followed = follow_up(
        result.children,
        start="start_date",
        end="end_date",
        stopped="stopped_date",
        as_of=result.as_of,
    )
    weeks = round(aim.target_in_weeks)
    cohort: Literal["year", "quarter"] = (
        "year" if result.granularity is Granularity.YEAR else "quarter"
    )
    estimates = survival_by_cohort(followed, start="start_date", cohort=cohort, target_weeks=weeks)
    return survival_chart(
        estimates,
        start=aim.start_column,
        end=aim.end_column,
        max_weeks=max(4 * weeks, 52),
        name=f"{aim.id}-survival",
    )


def _series_names(result: SurvivalResult) -> dict[tuple[Any, ...], str]:
    """A name for each group: the cohort's label ("2023", "April to June 2023")."""
    groups = result.groups
    names: dict[tuple[Any, ...], str] = {}
    for row in result.summary.iter_rows(named=True):  # one row per group: a handful
        key = tuple(row[g] for g in groups)
        label = row.get("cohort_label") or row.get("cohort")
        others = [str(row[g]) for g in groups if g != "cohort"]
        names[key] = ", ".join([*others, *([str(label)] if label is not None else [])])
    return names


def _series_expr(result: SurvivalResult, names: dict[tuple[Any, ...], str]) -> pl.Expr:
    """The series name of each curve row, by its group key."""
    groups = result.groups
    if len(groups) == 1:
        mapping = {key[0]: name for key, name in names.items()}
        return (
            pl.col(groups[0])
            .replace_strict(mapping, default=None, return_dtype=pl.String)
            .alias(SERIES)
        )
    key = pl.concat_str([pl.col(g).cast(pl.String) for g in groups], separator="\x1f")
    mapping = {"\x1f".join(str(v) for v in k): name for k, name in names.items()}
    return key.replace_strict(mapping, default=None, return_dtype=pl.String).alias(SERIES)


def _chosen(
    result: SurvivalResult, names: dict[tuple[Any, ...], str], cohorts: Sequence[str] | None
) -> list[str]:
    if cohorts is None:
        return list(names.values())[-MAX_CATEGORIES:]
    wanted = set(cohorts)
    chosen = [
        name
        for key, name in names.items()
        if name in wanted or any(str(value) in wanted for value in key)
    ]
    if len(chosen) > MAX_CATEGORIES:
        raise ValueError(f"choose at most {MAX_CATEGORIES} cohorts: more cannot be told apart")
    return chosen


def _alt_text(
    result: SurvivalResult,
    names: dict[tuple[Any, ...], str],
    chosen: list[str],
    start: str,
    end: str,
    *,
    with_bands: bool,
) -> str:
    band = (
        f", with a shaded {round(result.confidence * 100)}% confidence band" if with_bands else ""
    )
    parts = [
        f"Each line follows the children who started in one period, from the day the clock "
        f"started: the percentage who had {end_words(end)} by each week {since(start)}{band}. "
        "Children still waiting count for as long as they have waited."
    ]
    if result.target_weeks is not None:
        parts.append(f"The green line marks the aim of {weeks(result.target_weeks)}.")
    left_out = len(names) - len(chosen)
    if left_out:
        parts.append(
            f"{plural(left_out, 'earlier cohort')} {'is' if left_out == 1 else 'are'} not "
            "drawn; their figures are in the survival table."
        )
    for row in result.summary.iter_rows(named=True):  # one row per group: a handful
        key = tuple(row[g] for g in result.groups)
        if names.get(key) not in chosen:
            continue
        who = group_name(start, names[key])
        parts.append(
            describe(row, who=who, end=end, stopped="period_end", confidence=result.confidence)
        )
    parts.append(WHY_TWO_VIEWS)
    return " ".join(parts)
