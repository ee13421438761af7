"""The filters every dashboard view takes, read from and written to the query string.

A Champions' Group shares a view by sharing its address, so every filter lives in the
query string of a GET form and nowhere else (no session state): the same address always
shows the same view. The filters:

- ``period``: when the children's clocks started (entry cohorts): ``all``, a rolling
  window (``last-1-year``, ``last-2-years``, ``last-3-years``, ``last-5-years``), a
  calendar year (``2024``) or a quarter (``2024-Q2``). For an aim it applies to the
  aim's own start milestone; for where children wait, to the date accommodated;
- ``per``: how entry periods are cut on trend charts: ``year`` (default), ``quarter`` or
  ``month``;
- ``team``: the care period's team;
- ``age``: the age band at accommodation (an AgeBand code);
- ``placement``: where the child lives now, or lived when the period ended (a
  PlacementType code);
- ``route``: the route recommended (a Route code): choosing one counts only children
  who already have a recommendation.

Anything unknown (a team the authority does not have, a made-up code, a parameter this
module does not know) is ignored, and ``parse_filters`` returns a sentence saying so for
the page to show: a mistyped address never fails.

Pure Python and polars: no Django import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from typing import Final
from urllib.parse import urlencode

import polars as pl

from permanence.analysis.periods import Granularity
from permanence.journey.vocabulary import AgeBand, PlacementType, Route

ALL_PERIODS: Final = "all"
ROLLING: Final[dict[str, tuple[int, str]]] = {
    "last-1-year": (1, "The last 12 months"),
    "last-2-years": (2, "The last 2 years"),
    "last-3-years": (3, "The last 3 years"),
    "last-5-years": (5, "The last 5 years"),
}
_YEAR = re.compile(r"^(?P<year>\d{4})$")
_QUARTER = re.compile(r"^(?P<year>\d{4})-Q(?P<quarter>[1-4])$")
_QUARTER_NAMES: Final = ("January to March", "April to June", "July to September",
                         "October to December")  # fmt: skip
EARLIEST_YEAR: Final = 1990

#: The query-string name of each filter, in the order the form shows them.
PARAMETERS: Final = ("as_of", "period", "per", "team", "age", "placement", "route")
#: The measuring date: the figures as they stood on a past day (nothing later is known).
#: It is not a filter of children, and never the day the data was taken (docs/aims.md).
MEASURING_DATE: Final = "as_of"
EARLIEST_MEASURING_DATE: Final = date(2000, 1, 1)

#: Frame columns the row filters read.
TEAM_COLUMN: Final = "team"
AGE_COLUMN: Final = "age_band_at_accommodation"
PLACEMENT_COLUMN: Final = "current_placement_type"
ROUTE_COLUMN: Final = "recommendation_route"


@dataclass(frozen=True, slots=True)
class Filters:
    """One view's filters; ``None`` (or ``all``) means everyone."""

    period: str = ALL_PERIODS
    per: Granularity = Granularity.YEAR
    team: str | None = None
    age: str | None = None
    placement: str | None = None
    route: str | None = None
    #: a past measuring date chosen by the reader; None measures today
    as_of: date | None = None

    def key(self) -> tuple[str, ...]:
        """A hashable key for caches: the filters in a fixed order."""
        return tuple(str(getattr(self, item.name) or "") for item in fields(self))

    def query(self, **changes: str | None) -> str:
        """The query string of these filters (defaults left out), with ``changes``."""
        values = {
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "period": None if self.period == ALL_PERIODS else self.period,
            "per": None if self.per is Granularity.YEAR else self.per.value,
            "team": self.team,
            "age": self.age,
            "placement": self.placement,
            "route": self.route,
        }
        values.update(changes)
        return urlencode([(name, values[name]) for name in PARAMETERS if values.get(name)])

    @property
    def narrowed(self) -> bool:
        """Whether any filter leaves children out."""
        return self != replace(Filters(), per=self.per, as_of=self.as_of)

    def describe(self) -> str:
        """The filters in words, for a heading or a chart's download: "" for everyone."""
        parts = []
        if self.period != ALL_PERIODS:
            parts.append(f"clock started in {period_label(self.period).lower()}")
        if self.team:
            parts.append(f"team {self.team}")
        if self.age:
            parts.append(f"aged {AgeBand(self.age).label.lower()} when accommodated")
        if self.placement:
            parts.append(f"living in {PlacementType(self.placement).label.lower()}")
        if self.route:
            parts.append(f"recommended for {Route(self.route).label.lower()}")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


def period_label(period: str) -> str:
    """A period choice for people: "The last 3 years", "2024", "April to June 2024"."""
    if period == ALL_PERIODS:
        return "All years"
    if period in ROLLING:
        return ROLLING[period][1]
    quarter = _QUARTER.match(period)
    if quarter:
        return f"{_QUARTER_NAMES[int(quarter['quarter']) - 1]} {quarter['year']}"
    return period


def period_choices(years: Iterable[int]) -> list[Choice]:
    """The periods a form offers: everyone, the rolling windows, then each year, latest
    first."""
    choices = [Choice(ALL_PERIODS, period_label(ALL_PERIODS))]
    choices += [Choice(value, label) for value, (_, label) in ROLLING.items()]
    choices += [Choice(str(year), str(year)) for year in sorted(set(years), reverse=True)]
    return choices


def period_window(period: str, as_of: date) -> tuple[date, date] | None:
    """The first and last day a period covers (``None`` for all years)."""
    if period in ROLLING:
        years = ROLLING[period][0]
        try:
            first = as_of.replace(year=as_of.year - years)
        except ValueError:  # 29 February, and the year before has none
            first = as_of.replace(year=as_of.year - years, day=28)
        return first + timedelta(days=1), as_of
    year = _YEAR.match(period)
    if year:
        number = int(year["year"])
        return date(number, 1, 1), date(number, 12, 31)
    quarter = _QUARTER.match(period)
    if quarter:
        number, which = int(quarter["year"]), int(quarter["quarter"])
        first = date(number, 3 * which - 2, 1)
        following = date(number + 1, 1, 1) if which == 4 else date(number, 3 * which + 1, 1)
        return first, following - timedelta(days=1)
    return None


# ---------------------------------------------------------------------------------------
# Reading the query string


def measuring_date(
    params: Mapping[str, Sequence[str]], *, today: date, problems: list[str] | None = None
) -> date | None:
    """The past measuring date asked for (``as_of=YYYY-MM-DD``), or None for today.

    A date that cannot be read, or one after today (nothing after today is known) or
    before 2000, is left out and named in ``problems``.
    """
    values = [value.strip() for value in params.get(MEASURING_DATE, ()) if value.strip()]
    if not values:
        return None
    try:
        chosen = date.fromisoformat(values[0])
    except ValueError:
        chosen = None
    if chosen is None or not EARLIEST_MEASURING_DATE <= chosen <= today:
        if problems is not None:
            problems.append(
                f"“{_shown(values[0])}” is not a measuring date we can use (a date from 2000 "
                "to today, as YYYY-MM-DD), so the figures are as of today."
            )
        return None
    return None if chosen == today else chosen


@dataclass(frozen=True, slots=True)
class Parsed:
    filters: Filters
    problems: tuple[str, ...]


def parse_filters(
    params: Mapping[str, Sequence[str]],
    *,
    teams: Iterable[str],
    as_of: date,
    today: date | None = None,
    ignore: Iterable[str] = ("page",),
) -> Parsed:
    """The filters in ``params`` (a query string as name -> values, like Django's
    ``QueryDict.lists()``), checked against what this authority has.

    ``teams`` are the authority's team names; ``as_of`` the day measured and ``today``
    the latest day that may be measured (``as_of`` unless given). Every value that cannot
    be used is left out and named in ``problems``; so is any parameter not in
    ``PARAMETERS`` or ``ignore``. Never raises for anything a person can type.
    """
    problems: list[str] = []
    known_teams = set(teams)

    def single(name: str) -> str | None:
        values = [value.strip() for value in params.get(name, ()) if value.strip()]
        if len(values) > 1:
            problems.append(f"Only one {_NOUNS[name]} can be chosen at a time; the first is used.")
        return values[0] if values else None

    period = single("period") or ALL_PERIODS
    if period != ALL_PERIODS and not _valid_period(period, as_of):
        problems.append(
            f"The period “{_shown(period)}” is not one we know, so all years are shown."
        )
        period = ALL_PERIODS

    per_text = single("per") or Granularity.YEAR.value
    try:
        per = Granularity(per_text)
    except ValueError:
        problems.append(f"Entry periods cannot be cut by “{_shown(per_text)}”; years are used.")
        per = Granularity.YEAR

    team = single("team")
    if team is not None and team not in known_teams:
        problems.append(f"There is no team called “{_shown(team)}”, so every team is shown.")
        team = None

    chosen: dict[str, str | None] = {}
    for name, vocabulary in (("age", AgeBand), ("placement", PlacementType), ("route", Route)):
        value = single(name)
        if value is not None and value not in vocabulary.codes():
            problems.append(
                f"“{_shown(value)}” is not a {_NOUNS[name]} we know, so that filter is not used."
            )
            value = None
        chosen[name] = value

    unknown = sorted(set(params) - set(PARAMETERS) - set(ignore))
    if unknown:
        names = ", ".join(f"“{_shown(name)}”" for name in unknown)
        problems.append(f"The address holds settings we do not know ({names}); they are ignored.")

    measured = measuring_date(params, today=today or as_of, problems=problems)
    filters = Filters(
        as_of=measured,
        period=period,
        per=per,
        team=team,
        age=chosen["age"],
        placement=chosen["placement"],
        route=chosen["route"],
    )
    return Parsed(filters, tuple(problems))


_NOUNS: Final[dict[str, str]] = {
    "as_of": "measuring date",
    "period": "period",
    "per": "way of cutting entry periods",
    "team": "team",
    "age": "age band",
    "placement": "placement type",
    "route": "route",
}


def _valid_period(period: str, as_of: date) -> bool:
    if period in ROLLING:
        return True
    match = _YEAR.match(period) or _QUARTER.match(period)
    return match is not None and EARLIEST_YEAR <= int(match["year"]) <= as_of.year


def _shown(text: str, limit: int = 40) -> str:
    """A typed value repeated back to the person: short, and one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------
# Applying the filters to the journeys frame


def filter_rows(frame: pl.DataFrame, filters: Filters) -> pl.DataFrame:
    """The care periods that pass the team, age band, placement type and route filters."""
    conditions: list[pl.Expr] = []
    for column, value in (
        (TEAM_COLUMN, filters.team),
        (AGE_COLUMN, filters.age),
        (PLACEMENT_COLUMN, filters.placement),
        (ROUTE_COLUMN, filters.route),
    ):
        if value is not None:
            conditions.append(pl.col(column).eq(value).fill_null(value=False))
    return frame.filter(pl.all_horizontal(conditions)) if conditions else frame


def within_period(frame: pl.DataFrame, column: str, filters: Filters, as_of: date) -> pl.DataFrame:
    """The care periods whose ``column`` (a clock's start) falls in the chosen period."""
    window = period_window(filters.period, as_of)
    if window is None:
        return frame
    first, last = window
    return frame.filter(pl.col(column).is_between(first, last).fill_null(value=False))
