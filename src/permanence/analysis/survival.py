"""Entry-cohort survival: how long children wait for a milestone, counting those still waiting.

A run chart by decision date shows only children who got a decision (an exit cohort):
children still waiting are invisible, and clearing a backlog of long waits looks like
getting worse. Following every child from the day their clock started, and grouping them
by when it started (an entry cohort), shows the honest picture beside it. Kaplan-Meier
does this without waiting for every child to finish: a child still waiting at ``as_of``
counts for as long as they have been waiting (censored), and so does a child who left
care without the milestone (censored on the day they left).

This module turns rows (the journeys frame, or a plain table of dates) into durations,
splits them into groups with polars, and hands each group to the numpy estimators in
``survival_estimators``. Groups are few (a handful of years or quarters); children are
many, and no Python loop ever runs over children.

The definitions, for ``docs/survival.md`` too:

- **start**: the day the clock starts (for Aim 2, the date accommodated);
- **reached**: the end milestone is recorded on or before the last day the child was
  followed; the duration is end - start in days;
- **stopped**: the child stopped being followed (left care: the period ended) without the
  end milestone; censored on that day. An end milestone dated after it does not count;
- **waiting**: neither; censored at ``as_of`` (a milestone dated after ``as_of`` is not
  yet known);
- **dates out of order**: the end milestone or the stop date falls before the start.
  These children cannot be placed on the curve; they are counted on their own, never
  silently dropped, so that the records can be put right.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Literal

import numpy as np
import polars as pl

from permanence.analysis.periods import Granularity, period_code, period_label, period_start
from permanence.analysis.survival_estimators import (
    CumulativeIncidence,
    KaplanMeier,
    Quantile,
    cumulative_incidence,
    kaplan_meier,
)
from permanence.journey.vocabulary import Route

__all__ = [
    "FollowUp",
    "KaplanMeier",
    "Quantile",
    "SurvivalResult",
    "cumulative_incidence",
    "entry_cohort_routes",
    "entry_cohort_survival",
    "follow_up",
    "frame_as_of",
    "grouped_routes",
    "grouped_survival",
    "kaplan_meier",
    "routes_by_cohort",
    "survival_by_cohort",
]

CohortKind = Literal["year", "quarter"]

DAYS = "days"
REACHED = "reached"
OUTCOME = "follow_up"
COHORT = "cohort"
COHORT_LABEL = "cohort_label"
COHORT_START = "cohort_start"  # the first day of the cohort, while grouping
NOT_RECORDED = "not_recorded"
ALL_GROUP = "group"

# (share reached, the summary's column stem) for the quartiles of the time to the milestone.
QUARTILES: tuple[tuple[float, str], ...] = (
    (0.25, "days_to_quarter"),
    (0.50, "days_to_half"),
    (0.75, "days_to_three_quarters"),
)


class FollowUp(StrEnum):
    """How each child's follow-up ended (see the module docstring)."""

    REACHED = "reached"
    STOPPED = "stopped"
    WAITING = "waiting"
    DATES_OUT_OF_ORDER = "dates_out_of_order"
    NOT_STARTED = "not_started"  # no start date, or a start after as_of: not counted


FOLLOW_UP_DTYPE = pl.Enum([member.value for member in FollowUp])
_ON_THE_CURVE = [FollowUp.REACHED.value, FollowUp.STOPPED.value, FollowUp.WAITING.value]


def _outcome(code: FollowUp) -> pl.Expr:
    return pl.lit(code.value, dtype=FOLLOW_UP_DTYPE)


@dataclass(frozen=True, slots=True)
class SurvivalResult:
    """Kaplan-Meier estimates for each group, in three tidy tables.

    ``curves``: one row per group and week (week 0 to the longest follow-up), for charts:
    survival by day 7 × week, its ``lower`` and ``upper`` limits, the children ``at_risk``
    (still waiting and followed at the start of that day), and ``percent_reached`` =
    100 (1 - survival) with its limits. Unknown values (beyond the follow-up) are null.
    ``table``: the full Kaplan-Meier table, one row per group and distinct day.
    ``summary``: one row per group: counts, quartiles of the time to the milestone with
    their limits, and the percentage reached by the target week.
    """

    groups: list[str]
    curves: pl.DataFrame
    table: pl.DataFrame
    summary: pl.DataFrame
    confidence: float
    target_weeks: int | None


def frame_as_of(frame: pl.DataFrame) -> date | None:
    """The single ``as_of`` date of a journeys frame (None for an empty frame)."""
    dates = frame.get_column("as_of").drop_nulls().unique()
    if dates.len() > 1:
        raise ValueError("the frame mixes several as_of dates; build it for one date")
    return dates.item() if dates.len() else None


def follow_up(
    data: pl.DataFrame, *, start: str, end: str, stopped: str | None, as_of: date
) -> pl.DataFrame:
    """``data`` with each child's duration in days, whether it ended in the milestone, and why.

    Adds ``days`` (Int64), ``reached`` (Boolean) and ``follow_up`` (a FollowUp code, as
    a polars Enum).
    ``stopped`` names a date column after which the child was no longer followed (for
    the journeys frame, ``period_end``); dates after ``as_of`` are treated as not yet known.
    """
    begun = pl.col(start)
    finish = pl.col(end)
    stop = pl.col(stopped) if stopped is not None else pl.lit(None, dtype=pl.Date)
    stop_known = stop.is_not_null() & (stop <= as_of)
    followed_until = pl.when(stop_known).then(stop).otherwise(pl.lit(as_of))
    end_known = finish.is_not_null() & (finish <= followed_until)
    last_day = pl.when(end_known).then(finish).otherwise(followed_until)
    days = (last_day - begun).dt.total_days().cast(pl.Int64)
    outcome = (
        pl.when(begun.is_null() | (begun > as_of))
        .then(_outcome(FollowUp.NOT_STARTED))
        .when(days < 0)
        .then(_outcome(FollowUp.DATES_OUT_OF_ORDER))
        .when(end_known)
        .then(_outcome(FollowUp.REACHED))
        .when(stop_known)
        .then(_outcome(FollowUp.STOPPED))
        .otherwise(_outcome(FollowUp.WAITING))
    )
    return data.with_columns(days.alias(DAYS), outcome.alias(OUTCOME)).with_columns(
        (pl.col(OUTCOME) == FollowUp.REACHED.value).alias(REACHED)
    )


def entry_cohort_survival(
    frame: pl.DataFrame,
    *,
    start: str,
    end: str,
    cohort: CohortKind = "year",
    target_weeks: int | None = None,
    confidence: float = 0.95,
) -> SurvivalResult:
    """Kaplan-Meier of the time from ``start`` to ``end`` for each entry cohort.

    ``frame`` is the journeys frame (or any subset of its rows, such as one team's);
    ``as_of`` comes from it. A care period that ended without the end milestone is
    censored on the day it ended; one still open is censored at ``as_of``. For Aim 2:
    ``start="accommodated_date", end="recommendation_date", target_weeks=26``.
    """
    data = _frame_follow_up(frame, start=start, end=end)
    return survival_by_cohort(
        data, start=start, cohort=cohort, target_weeks=target_weeks, confidence=confidence
    )


def entry_cohort_routes(
    frame: pl.DataFrame,
    *,
    start: str = "accommodated_date",
    end: str = "recommendation_date",
    route: str = "recommendation_route",
    cohort: CohortKind = "year",
) -> pl.DataFrame:
    """Cumulative incidence of each route to permanence per entry cohort (Aalen-Johansen).

    The routes compete: a child recommended for adoption is no longer waiting for a
    return home. One row per cohort, week and route (the five routes, and
    ``not_recorded`` where a recommendation names no known route), with ``incidence``
    (a share) and ``percent``. Across routes they add up to ``percent_reached`` of
    ``entry_cohort_survival`` with the same start and end.
    """
    data = _frame_follow_up(frame, start=start, end=end)
    routes = [member.value for member in Route]
    return routes_by_cohort(data, start=start, cohort=cohort, route=route, routes=routes)


def survival_by_cohort(
    data: pl.DataFrame,
    *,
    start: str,
    cohort: CohortKind | None,
    by: Sequence[str] = (),
    target_weeks: int | None = None,
    confidence: float = 0.95,
) -> SurvivalResult:
    """``grouped_survival`` by the columns ``by`` and then by the entry cohort of ``start``.

    ``data`` is the output of ``follow_up``. Cohorts are named by code ("2024",
    "2024-Q2") in ``cohort``, and for people in the summary's ``cohort_label``.
    """
    groups = [*by, *([COHORT_START] if cohort else [])]
    result = grouped_survival(
        _with_cohort_start(data, start, cohort),
        groups,
        target_weeks=target_weeks,
        confidence=confidence,
    )
    if cohort is None:
        return result
    return SurvivalResult(
        groups=[*by, COHORT],
        curves=_name_cohorts(result.curves, cohort),
        table=_name_cohorts(result.table, cohort),
        summary=_name_cohorts(result.summary, cohort, with_label=True),
        confidence=confidence,
        target_weeks=target_weeks,
    )


def routes_by_cohort(
    data: pl.DataFrame,
    *,
    start: str,
    cohort: CohortKind | None,
    route: str,
    routes: Sequence[str],
    by: Sequence[str] = (),
) -> pl.DataFrame:
    """``grouped_routes`` by the columns ``by`` and then by the entry cohort of ``start``."""
    groups = [*by, *([COHORT_START] if cohort else [])]
    result = grouped_routes(
        _with_cohort_start(data, start, cohort), groups, route=route, routes=routes
    )
    return result if cohort is None else _name_cohorts(result, cohort)


def grouped_survival(
    data: pl.DataFrame,
    groups: Sequence[str],
    *,
    target_weeks: int | None = None,
    confidence: float = 0.95,
) -> SurvivalResult:
    """Kaplan-Meier for each combination of ``groups`` in the output of ``follow_up``.

    With no ``groups``, every child is in one group, named "all" in a ``group`` column.
    Groups are few and children many: polars gathers each group's durations, numpy
    estimates, and the tables are assembled once at the end.
    """
    if target_weeks is not None and target_weeks < 0:
        raise ValueError("target_weeks cannot be negative")
    data, groups = _at_least_one_group(data, groups)
    counted = data.select(*groups, DAYS, REACHED, OUTCOME).filter(
        pl.col(OUTCOME) != FollowUp.NOT_STARTED.value
    )
    gathered = _gathered(counted, groups, REACHED, counts=True)
    keys = gathered.select(groups)
    estimates = [
        kaplan_meier(days, reached, confidence=confidence) for days, reached in _samples(gathered)
    ]
    summary = pl.concat(
        [gathered.drop(_DAYS_LIST, _SECOND_LIST), _estimate_rows(estimates, target_weeks)],
        how="horizontal",
    )
    return SurvivalResult(
        groups=groups,
        curves=_stacked(keys, [_weekly(estimate) for estimate in estimates], CURVE_SCHEMA),
        table=_stacked(keys, [_table(estimate) for estimate in estimates], TABLE_SCHEMA),
        summary=summary.with_columns(pl.lit(target_weeks, dtype=pl.Int32).alias("target_weeks")),
        confidence=confidence,
        target_weeks=target_weeks,
    )


def grouped_routes(
    data: pl.DataFrame, groups: Sequence[str], *, route: str, routes: Sequence[str]
) -> pl.DataFrame:
    """Aalen-Johansen cumulative incidence of each route for each group, week by week.

    ``data`` is the output of ``follow_up`` with a ``route`` column; a child who reached
    the milestone with a route outside ``routes`` (or none) counts under ``not_recorded``
    so that the routes still add up to everyone who reached it.
    """
    data, groups = _at_least_one_group(data, groups)
    named = list(routes)
    on_curve = data.select(*groups, DAYS, REACHED, OUTCOME, route).filter(
        pl.col(OUTCOME).is_in(_ON_THE_CURVE)
    )
    unnamed = pl.col(REACHED) & ~pl.col(route).is_in(named).fill_null(False)
    categories = named + ([NOT_RECORDED] if on_curve.select(unnamed.any()).item() else [])
    number = {name: index + 1 for index, name in enumerate(named)}
    coded = on_curve.with_columns(
        pl.when(pl.col(REACHED))
        .then(
            pl.col(route)
            .replace_strict(number, default=len(categories), return_dtype=pl.Int64)
            .fill_null(len(categories))
        )
        .otherwise(0)
        .alias(ROUTE_NUMBER)
    )
    gathered = _gathered(coded, groups, ROUTE_NUMBER)
    parts = [
        _weekly_routes(cumulative_incidence(days, route_number, len(categories)), categories)
        for days, route_number in _samples(gathered)
    ]
    return _stacked(gathered.select(groups), parts, ROUTE_SCHEMA)


# ---- shaping the results -------------------------------------------------------------

Columns = dict[str, np.ndarray[Any, Any] | list[Any]]
ROUTE_NUMBER = "route_number"
_DAYS_LIST = "_days"
_SECOND_LIST = "_second"

CURVE_SCHEMA: dict[str, pl.DataType] = {
    "week": pl.Int32(),
    "survival": pl.Float64(),
    "lower": pl.Float64(),
    "upper": pl.Float64(),
    "at_risk": pl.Int64(),
    "percent_reached": pl.Float64(),
    "percent_lower": pl.Float64(),
    "percent_upper": pl.Float64(),
}

TABLE_SCHEMA: dict[str, pl.DataType] = {
    "day": pl.Int64(),
    "at_risk": pl.Int64(),
    "events": pl.Int64(),
    "censored": pl.Int64(),
    "survival": pl.Float64(),
    "std_error": pl.Float64(),
    "lower": pl.Float64(),
    "upper": pl.Float64(),
}

ROUTE_SCHEMA: dict[str, pl.DataType] = {
    "week": pl.Int32(),
    "route": pl.String(),
    "incidence": pl.Float64(),
    "percent": pl.Float64(),
}

ESTIMATE_SCHEMA: dict[str, pl.DataType] = {
    "followed_days": pl.Int64(),
    **{
        f"{stem}{suffix}": pl.Int64()
        for _, stem in QUARTILES
        for suffix in ("", "_lower", "_upper")
    },
    "percent_by_target": pl.Float64(),
    "percent_by_target_lower": pl.Float64(),
    "percent_by_target_upper": pl.Float64(),
}


def _frame_follow_up(frame: pl.DataFrame, *, start: str, end: str) -> pl.DataFrame:
    as_of = frame_as_of(frame) or date.max
    return follow_up(frame, start=start, end=end, stopped="period_end", as_of=as_of)


def _with_cohort_start(data: pl.DataFrame, start: str, cohort: CohortKind | None) -> pl.DataFrame:
    if cohort is None:
        return data
    return data.with_columns(period_start(pl.col(start), Granularity(cohort)).alias(COHORT_START))


def _name_cohorts(
    frame: pl.DataFrame, cohort: CohortKind, *, with_label: bool = False
) -> pl.DataFrame:
    """Replace the cohort's first day by its code (and label): done on results, not children."""
    granularity = Granularity(cohort)
    first_days = frame.get_column(COHORT_START).drop_nulls().unique().to_list()

    def named(column: str, name_of: Callable[[date, Granularity], str]) -> pl.Expr:
        names = {day: name_of(day, granularity) for day in first_days}
        return (
            pl.col(COHORT_START)
            .replace_strict(names, default=None, return_dtype=pl.String)
            .alias(column)
        )

    names = [named(COHORT, period_code)]
    if with_label:
        names.append(named(COHORT_LABEL, period_label))
    columns = frame.columns
    at = columns.index(COHORT_START)
    added = [COHORT, *([COHORT_LABEL] if with_label else [])]
    return frame.with_columns(names).select(*columns[:at], *added, *columns[at + 1 :])


def _at_least_one_group(
    data: pl.DataFrame, groups: Sequence[str]
) -> tuple[pl.DataFrame, list[str]]:
    if groups:
        return data, list(groups)
    return data.with_columns(pl.lit("all").alias(ALL_GROUP)), [ALL_GROUP]


def _gathered(
    data: pl.DataFrame, groups: list[str], second: str, *, counts: bool = False
) -> pl.DataFrame:
    """One row per group, sorted: the durations and ``second`` values of the children on
    the curve, as lists, and with ``counts``, how every child's follow-up ended."""
    on_curve = pl.col(OUTCOME).is_in(_ON_THE_CURVE)
    aggregations = [
        pl.col(DAYS).filter(on_curve).alias(_DAYS_LIST),
        pl.col(second).filter(on_curve).alias(_SECOND_LIST),
    ]
    if counts:

        def outcome_is(code: FollowUp) -> pl.Expr:
            return (pl.col(OUTCOME) == code.value).sum().cast(pl.Int64)

        aggregations += [
            on_curve.sum().cast(pl.Int64).alias("n"),
            outcome_is(FollowUp.REACHED).alias("reached"),
            (on_curve & ~pl.col(REACHED)).sum().cast(pl.Int64).alias("censored"),
            outcome_is(FollowUp.STOPPED).alias("stopped"),
            outcome_is(FollowUp.WAITING).alias("waiting"),
            outcome_is(FollowUp.DATES_OUT_OF_ORDER).alias("dates_out_of_order"),
        ]
    return data.group_by(groups).agg(aggregations).sort(groups, nulls_last=True)


def _samples(gathered: pl.DataFrame) -> list[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
    """Each group's durations and second values as numpy arrays."""
    days, other = gathered.get_column(_DAYS_LIST), gathered.get_column(_SECOND_LIST)
    return [(days[i].to_numpy(), other[i].to_numpy()) for i in range(gathered.height)]


def _stacked(
    keys: pl.DataFrame, parts: list[Columns], schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    """One table from each group's columns, the group's key repeated on each of its rows."""
    lengths = [len(next(iter(part.values()))) for part in parts]
    index = pl.Series(np.repeat(np.arange(len(parts)), lengths), dtype=pl.Int64)
    body = pl.DataFrame(
        {name: _joined([part[name] for part in parts]) for name in schema}, schema=schema
    )
    frame = pl.concat([keys.select(pl.all().gather(index)), body], how="horizontal")
    return _nan_to_null(frame)


def _joined(pieces: list[np.ndarray[Any, Any] | list[Any]]) -> np.ndarray[Any, Any] | list[Any]:
    if pieces and isinstance(pieces[0], list):
        return [value for piece in pieces for value in piece]
    return np.concatenate([np.asarray(piece) for piece in pieces]) if pieces else []


def _nan_to_null(frame: pl.DataFrame) -> pl.DataFrame:
    """NaN means "unknown" in the estimators; tables say so with null (valid in JSON)."""
    floats = [name for name, dtype in frame.schema.items() if dtype == pl.Float64]
    return frame.with_columns(pl.col(floats).fill_nan(None))


def _weekly(estimate: KaplanMeier) -> Columns:
    last = estimate.last_day
    weeks = np.arange(0 if last is None else last // 7 + 1, dtype=np.int64)
    days = weeks * 7
    values = estimate.survival_at(days)
    return {
        "week": weeks,
        "survival": values.survival,
        "lower": values.lower,
        "upper": values.upper,
        "at_risk": estimate.at_risk_at(days),
        "percent_reached": 100.0 * (1.0 - values.survival),
        "percent_lower": 100.0 * (1.0 - values.upper),
        "percent_upper": 100.0 * (1.0 - values.lower),
    }


def _table(estimate: KaplanMeier) -> Columns:
    return {
        "day": estimate.time,
        "at_risk": estimate.at_risk,
        "events": estimate.events,
        "censored": estimate.censored,
        "survival": estimate.survival,
        "std_error": estimate.std_error,
        "lower": estimate.lower,
        "upper": estimate.upper,
    }


def _weekly_routes(estimate: CumulativeIncidence, categories: list[str]) -> Columns:
    weeks = np.arange(int(estimate.time[-1]) // 7 + 1 if estimate.time.size else 0)
    incidence = estimate.incidence_at(weeks * 7).reshape(-1)
    return {
        "week": np.repeat(weeks, len(categories)),
        "route": categories * weeks.size,
        "incidence": incidence,
        "percent": 100.0 * incidence,
    }


def _estimate_rows(estimates: list[KaplanMeier], target_weeks: int | None) -> pl.DataFrame:
    rows = [_estimates(estimate, target_weeks) for estimate in estimates]
    return pl.DataFrame(rows, schema=ESTIMATE_SCHEMA, orient="row")


def _estimates(estimate: KaplanMeier, target_weeks: int | None) -> dict[str, Any]:
    row: dict[str, Any] = {"followed_days": estimate.last_day}
    for reached, stem in QUARTILES:
        quantile = estimate.quantile(reached)
        row[stem] = quantile.days
        row[f"{stem}_lower"] = quantile.lower
        row[f"{stem}_upper"] = quantile.upper
    percent = lower = upper = None
    if target_weeks is not None:
        values = estimate.survival_at([target_weeks * 7])
        percent = _percent(1.0 - values.survival[0])
        lower = _percent(1.0 - values.upper[0])
        upper = _percent(1.0 - values.lower[0])
    row["percent_by_target"] = percent
    row["percent_by_target_lower"] = lower
    row["percent_by_target_upper"] = upper
    return row


def _percent(share: float) -> float | None:
    return None if np.isnan(share) else 100.0 * float(share)
