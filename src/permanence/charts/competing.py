"""The competing events chart: what became of every child an aim follows, week by week.

Beside the Kaplan-Meier curve, this chart draws the cumulative incidence (Aalen-Johansen)
of each outcome: the percentage of children who, by each week since the clock started,
had reached the milestone, had left care, had gone home to their parents, or whose plan
had been reversed, and the percentage still waiting. A dotted grey line gives the
Kaplan-Meier percentage reached, which treats leaving care as if the child might still
reach the milestone and so runs above the line of children who really did. Outcomes
differ by colour *and* dash pattern, so the chart never relies on colour alone.
"""

from __future__ import annotations

from typing import Any, Final

import polars as pl

from permanence.analysis.aims import AimDefinition, AimKind
from permanence.analysis.aims_outcomes import AimResult
from permanence.analysis.competing_events import (
    ALL_CHILDREN,
    OUTCOMES,
    STILL_WAITING,
    CompetingEvents,
    CompetingOutcome,
    competing_events_of,
)
from permanence.charts.layers import target_layers
from permanence.charts.spec import (
    GREY,
    ChartSpec,
    base_spec,
    categorical_scale,
    dash_scale,
    empty_chart,
    records,
)
from permanence.charts.words import end_words, plural, since

KAPLAN_MEIER: Final = "Kaplan-Meier (if nobody could leave)"

WHICH_TO_READ: Final = (
    "Read the coloured lines for what happened to the children: each child is in exactly "
    "one of them at every week, so they add up to 100%. The dotted grey Kaplan-Meier line "
    "answers a different question, how many would have had the milestone had nobody left "
    "care, gone home or had their plan reversed; it runs above the line of children who "
    "really did whenever some left first."
)


def outcome_words(outcome: str, aim: AimDefinition) -> str:
    """An outcome in the chart's legend and table: "Had a permanence recommendation"."""
    if outcome == CompetingOutcome.REACHED.value:
        return f"Had {end_words(aim.end_column)}"
    if outcome == STILL_WAITING:
        return "Still waiting"
    return CompetingOutcome(outcome).label


def aim_competing_events_chart(result: AimResult) -> ChartSpec | None:
    """The competing events of an aim's own children (all of them together); None for
    an aim with no waiting time to follow (Aim 1, whose orders have already lasted)."""
    aim = result.aim
    if aim.kind is AimKind.REVIEWED_AFTER:
        return None
    weeks = round(aim.target_in_weeks)
    events = competing_events_of(
        result.children, aim, granularity=result.granularity, max_weeks=max(4 * weeks, 52)
    )
    return competing_events_chart(events, aim, name=f"{aim.id}-competing")


def competing_events_chart(
    events: CompetingEvents, aim: AimDefinition, *, cohort: str = ALL_CHILDREN, name: str
) -> ChartSpec:
    """Cumulative incidence of each outcome by week since the clock started, with the
    Kaplan-Meier percentage reached beside it, for one cohort (all children by default)."""
    title = f"What became of the children, by weeks {since(aim.start_column)}"
    present = _outcomes_present(events, cohort)
    names = [outcome_words(outcome, aim) for outcome in present]
    columns = ["Week", *names, KAPLAN_MEIER]
    curves = events.curves.filter(
        (pl.col("cohort") == cohort)
        & pl.col("outcome").is_in(present)
        & pl.col("percent").is_not_null()
    ).with_columns(
        pl.col("outcome")
        .replace_strict(dict(zip(present, names, strict=True)), return_dtype=pl.String)
        .alias("series")
    )
    if curves.height == 0:
        return empty_chart(name=name, title=title, columns=columns)
    km = events.km_curves.filter(
        (pl.col("cohort") == cohort) & pl.col("km_percent_reached").is_not_null()
    )
    table = (
        curves.pivot(on="series", index="week", values="percent")
        .join(km.select("week", pl.col("km_percent_reached").alias(KAPLAN_MEIER)), on="week")
        .sort("week")
        .select("week", *[n for n in names if n in curves["series"].unique()], KAPLAN_MEIER)
        .rename({"week": "Week"})
        .with_columns(pl.exclude("Week").round(1))
    )
    km_series = km.select(
        pl.lit(KAPLAN_MEIER).alias("series"),
        "week",
        pl.col("km_percent_reached").alias("percent"),
    )
    drawn = pl.concat([curves.select("series", "week", "percent"), km_series])
    series = [*names, KAPLAN_MEIER]
    colours = categorical_scale(names)
    colours = {"domain": series, "range": [*colours["range"], GREY]}
    dashes = dash_scale(names)
    dashes = {"domain": series, "range": [*dashes["range"], [2, 3]]}
    x = {
        "field": "week",
        "type": "quantitative",
        "title": f"Weeks {since(aim.start_column)}",
        "scale": {"domainMin": 0, "nice": False},
        "axis": {"tickMinStep": 1},
    }
    y_axis = {"values": [0, 20, 40, 60, 80, 100], "labelExpr": "datum.value + '%'"}
    layers: list[Any] = [
        {
            "data": {"values": records(drawn, digits=2)},
            "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 3},
            "encoding": {
                "x": x,
                "y": {
                    "field": "percent",
                    "type": "quantitative",
                    "title": "Percentage of the children",
                    "scale": {"domain": [0, 100]},
                    "axis": y_axis,
                },
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": "Outcome",
                    "scale": colours,
                    "sort": series,
                },
                "strokeDash": {
                    "field": "series",
                    "type": "nominal",
                    "title": "Outcome",
                    "scale": dashes,
                    "sort": series,
                },
                "tooltip": [
                    {"field": "series", "title": "Outcome"},
                    {"field": "week", "title": "Week"},
                    {"field": "percent", "title": "Percentage", "format": ".0f"},
                ],
                "description": {"field": "series", "type": "nominal"},
            },
        },
        *target_layers(
            events.target_weeks,
            f"Aim: {aim.target_text}",
            x={"field": "target", "type": "quantitative", "title": x["title"]},
        ),
    ]
    text = _alt_text(events, aim, cohort, present)
    spec = base_spec(title=title, description=text)
    spec["layer"] = layers
    spec["config"]["legend"]["symbolType"] = "stroke"
    spec["config"]["legend"]["symbolSize"] = 400
    spec["config"]["legend"]["symbolStrokeWidth"] = 3
    return ChartSpec(
        name=name, title=title, spec=spec, alt_text=text, data=table, caption=WHICH_TO_READ
    )


def _outcomes_present(events: CompetingEvents, cohort: str) -> list[str]:
    """The outcomes to draw: every one that happened to somebody, and still waiting."""
    row = events.summary.filter(pl.col("cohort") == cohort)
    happened = [
        outcome.value
        for outcome in OUTCOMES
        if outcome is CompetingOutcome.REACHED or (row.height and row[outcome.value].item())
    ]
    return [*happened, STILL_WAITING]


def _alt_text(events: CompetingEvents, aim: AimDefinition, cohort: str, present: list[str]) -> str:
    row = events.summary.filter(pl.col("cohort") == cohort).row(0, named=True)
    weeks = events.target_weeks
    parts = [
        f"Each line follows the {row['counted']} children counted by {aim.title} from the day "
        f"their clock started: the percentage who, by each week {since(aim.start_column)}, "
        "had each outcome (the Aalen-Johansen cumulative incidence), and the percentage still "
        "waiting."
    ]
    shares = []
    for outcome in present:
        if outcome == STILL_WAITING:
            continue
        value = row.get(f"percent_{outcome}_by_target")
        if value is not None:
            shares.append(f"{outcome_words(outcome, aim).lower()} {value:.0f}%")
    if shares:
        parts.append(f"By {plural(weeks, 'week')}: " + ", ".join(shares) + ".")
    km = row.get("km_percent_reached_by_target")
    if km is not None:
        parts.append(
            f"Kaplan-Meier, which treats the children who left as if they might still have "
            f"{end_words(aim.end_column)}, gives {km:.0f}% by {plural(weeks, 'week')}."
        )
    parts.append(WHICH_TO_READ)
    return " ".join(parts)
