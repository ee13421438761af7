"""The dashboards' filter form: what each filter offers for an authority, and the form's
fields with the current choice selected."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from permanence.analysis.periods import Granularity
from permanence.journey.vocabulary import AgeBand, PlacementType, Route
from permanence.pages.filters import TEAM_COLUMN, Choice, Filters, period_choices, period_label


def filter_choices(frame: pl.DataFrame) -> dict[str, list[Choice]]:
    """What each filter offers for this authority's frame."""
    teams = sorted(frame.get_column(TEAM_COLUMN).drop_nulls().unique().to_list())
    years = (
        frame.select(pl.col("period_start").dt.year().unique().drop_nulls())
        .get_column("period_start")
        .to_list()
    )
    return {
        "period": period_choices(years),
        "per": [Choice(g.value, g.value.capitalize()) for g in Granularity],
        "team": [Choice(team, team) for team in teams],
        "age": [Choice(band.value, band.label) for band in AgeBand],
        "placement": [Choice(kind.value, kind.label) for kind in PlacementType],
        "route": [Choice(route.value, route.label) for route in Route],
    }


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    hint: str
    options: tuple[Option, ...]

    @property
    def dom_id(self) -> str:
        return f"filter-{self.name}"


_FIELDS: Final[tuple[tuple[str, str, str, str | None], ...]] = (
    # name, label, hint, the "everyone" option (None: the field has no such option)
    ("period", "Clock started in", "", None),
    ("per", "Trend charts by", "", None),
    ("team", "Team", "", "Every team"),
    ("age", "Age when accommodated", "", "Every age"),
    ("placement", "Where the child lives", "", "Every placement type"),
    ("route", "Route recommended", "", "Every route"),
)
#: What the fields mean, said once above them.
FORM_INTRO: Final = (
    "Children are counted in the period their clock started: for an aim, its own start; for "
    "where children wait, the day they were accommodated. Where the child lives is the "
    "placement now, or when care ended. Choosing a route counts only children who already "
    "have a recommendation."
)


def form_fields(choices: Mapping[str, Sequence[Choice]], filters: Filters) -> list[FormField]:
    """The filter form's fields, each with its options and the current one selected."""
    current = {
        "period": filters.period,
        "per": filters.per.value,
        "team": filters.team or "",
        "age": filters.age or "",
        "placement": filters.placement or "",
        "route": filters.route or "",
    }
    built = []
    for name, label, hint, everyone in _FIELDS:
        offered = [Choice("", everyone)] if everyone is not None else []
        offered += list(choices.get(name, ()))
        if current[name] and current[name] not in {choice.value for choice in offered}:
            offered.append(Choice(current[name], period_label(current[name])))  # a quarter
        options = tuple(
            Option(choice.value, choice.label, choice.value == current[name]) for choice in offered
        )
        built.append(FormField(name, label, hint, options))
    return built
