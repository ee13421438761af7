"""Stability and balancing measures, computed from the journeys frame.

PACE watched balancing measures beside the aims: is a faster decision costing children
stability somewhere else? Each measure here reads the frame only (and, for purposeful
delays, the answers a data lead recorded) and gives one row per calendar month, in the
shape the process measures use (``month``, ``numerator``, ``denominator``,
``percentage``) so the run chart and P chart read it the same way; the time to the
legal order gives ``month``, ``children`` and ``median_days`` instead. docs/process-map.md
defines each with a worked example:

- ``moves_before_permanence``: children reaching permanence in the month (a return home,
  a kinship care order, a permanence order with or without authority to adopt, or
  adoption, as the process map reads the outcome) who moved placement 3 or more times
  between accommodation and that day. ``mean_moves`` gives the average too.
- ``moves_after_decision``: children whose decision for permanence away from home was
  made in the month, counted once 12 months have passed, who moved placement 2 or more
  times in those 12 months (one move, into the permanent home, is often the plan).
- ``reentry_after_return_home``: care periods that ended with a return home in the month,
  counted once 12 months have passed, after which the child began a new care period
  within 12 months (365 days).
- ``permanence_ended``: children granted a court order for permanence (kinship care
  order, permanence order with or without authority to adopt, adoption) in the month who,
  by the measuring date, moved placement after it or came back into care (a later
  period).
- ``time_to_order``: children granted a court order in the month: the median days from
  accommodation to it.
- ``purposeful_delays``: children accommodated in the month whose wait for a permanence
  recommendation was recorded as a purposeful delay.

All polars expressions, no loop over children.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import polars as pl

from permanence.analysis.periods import frame_as_of
from permanence.analysis.process_map import with_outcome

ENGINE: Final = "in-memory"
MEASURE_COLUMNS: Final = ("month", "numerator", "denominator", "percentage")
PERMANENCE_OUTCOMES: Final = ("return_home", "kinship_order", "po", "poa", "adoption")
COURT_PERMANENCE: Final = ("kinship_order", "po", "poa", "adoption")
MANY_MOVES_BEFORE: Final = 3
MANY_MOVES_AFTER: Final = 2
FOLLOW_UP_DAYS: Final = 365


@dataclass(frozen=True, slots=True)
class BalancingMeasure:
    key: str
    title: str
    unit: str  # "percent" or "days"
    better: str  # "lower" or "higher"
    month_of: str  # what puts a child in a month
    definition: str


BALANCING_MEASURES: Final[tuple[BalancingMeasure, ...]] = (
    BalancingMeasure(
        "moves_before_permanence",
        "Children who moved placement 3 or more times before permanence",
        "percent",
        "lower",
        "Month permanence was reached",
        "Of the children who reached permanence in the month (returned home, or granted a "
        "kinship care order, a permanence order or adoption), those whose placement changed "
        "3 or more times between the day they were accommodated and that day.",
    ),
    BalancingMeasure(
        "moves_after_decision",
        "Children who moved placement 2 or more times after the permanence decision",
        "percent",
        "lower",
        "Month of the decision",
        "Of the children whose decision for permanence away from home was made in the month, "
        "counted once 12 months have passed, those whose placement changed 2 or more times in "
        "the 12 months after it (one move, into the permanent home, is often the plan).",
    ),
    BalancingMeasure(
        "reentry_after_return_home",
        "Returns home followed by a return to care within 12 months",
        "percent",
        "lower",
        "Month the child returned home",
        "Of the care periods that ended with the child returning home in the month, counted "
        "once 12 months have passed, those after which the child became looked after again "
        "within 12 months (365 days).",
    ),
    BalancingMeasure(
        "permanence_ended",
        "Permanent placements that ended",
        "percent",
        "lower",
        "Month of the order",
        "Of the children granted a kinship care order, a permanence order or an adoption order "
        "in the month, those who by the measuring date had moved placement after it or "
        "become looked after again.",
    ),
    BalancingMeasure(
        "time_to_order",
        "Days from accommodation to the legal order",
        "days",
        "lower",
        "Month of the order",
        "Of the children granted an order by a court in the month, the median days from the "
        "day they were accommodated to the order.",
    ),
    BalancingMeasure(
        "purposeful_delays",
        "Children whose wait was a purposeful delay",
        "percent",
        "higher",
        "Month accommodated",
        "Of the children accommodated in the month, those whose wait for a permanence "
        "recommendation a data lead recorded as a purposeful delay in the child's interest "
        "(answering the query on a child waiting past 26 weeks).",
    ),
)

BALANCING_BY_KEY: Final = {measure.key: measure for measure in BALANCING_MEASURES}

DELAY_SCHEMA: Final = {
    "child_ref": pl.String,
    "period_start": pl.Date,
    "clock": pl.String,
    "reason": pl.String,
}


KEY: Final = ("authority", "child_ref", "period_number")


def _monthly(rows: pl.LazyFrame, hit: pl.Expr, *extra: pl.Expr) -> pl.DataFrame:
    """Per ``month``: the rows where ``hit`` holds, all rows, and the percentage."""
    return (
        rows.group_by("month")
        .agg(
            hit.sum().cast(pl.Int64).alias("numerator"),
            pl.len().cast(pl.Int64).alias("denominator"),
            *extra,
        )
        .with_columns((100 * pl.col("numerator") / pl.col("denominator")).alias("percentage"))
        .sort("month")
        .collect(engine=ENGINE)
    )


def _moves_within(rows: pl.LazyFrame, after: str, until: pl.Expr) -> pl.LazyFrame:
    """``rows`` with ``moves``: how many of each row's placement moves are dated after its
    ``after`` column and on or before ``until`` (an expression over the row's columns).
    Only rows with a move are exploded (a move a row), counted and joined back."""
    numbered = rows.with_row_index("_row")
    move = pl.col("placement_moves")
    counted = (
        numbered.filter(move.list.len() > 0)
        .select("_row", pl.col(after).alias("_after"), until.alias("_until"), move)
        .explode("placement_moves")
        .filter((move > pl.col("_after")) & (move <= pl.col("_until")))
        .group_by("_row")
        .agg(pl.len().cast(pl.Int64).alias("moves"))
    )
    return (
        numbered.join(counted, on="_row", how="left")
        .with_columns(pl.col("moves").fill_null(0))
        .drop("_row")
    )


def _with_outcomes(frame: pl.DataFrame, as_of: date) -> pl.LazyFrame:
    accommodated = pl.col("accommodated_date")
    return with_outcome(
        frame.lazy().filter(accommodated.is_not_null() & (accommodated <= as_of)), as_of
    )


def moves_before_permanence(frame: pl.DataFrame, *, as_of: date | None = None) -> pl.DataFrame:
    """Per month permanence was reached: children who moved placement 3 or more times
    between accommodation and that day, with their ``mean_moves``."""
    when = frame_as_of(frame, as_of)
    rows = (
        _with_outcomes(frame, when)
        .filter(pl.col("outcome").is_in(PERMANENCE_OUTCOMES))
        .with_columns(pl.col("outcome_date").dt.truncate("1mo").alias("month"))
    )
    counted = _moves_within(rows, "accommodated_date", pl.col("outcome_date"))
    return _monthly(
        counted, pl.col("moves") >= MANY_MOVES_BEFORE, pl.col("moves").mean().alias("mean_moves")
    )


def moves_after_decision(frame: pl.DataFrame, *, as_of: date | None = None) -> pl.DataFrame:
    """Per month of the decision for permanence away from home, once 12 months have
    passed: children who moved placement 2 or more times in the 12 months after it."""
    when = frame_as_of(frame, as_of)
    decided = pl.col("decision_away_date")
    rows = (
        frame.lazy()
        .filter(decided.is_not_null() & (decided + timedelta(days=FOLLOW_UP_DAYS) <= when))
        .with_columns(decided.dt.truncate("1mo").alias("month"))
    )
    counted = _moves_within(
        rows, "decision_away_date", pl.col("decision_away_date") + timedelta(days=FOLLOW_UP_DAYS)
    )
    return _monthly(counted, pl.col("moves") >= MANY_MOVES_AFTER)


def _next_period_start() -> pl.Expr:
    """The start of the same child's next care period: the journeys frame comes sorted by
    authority, child and period start (docs/frame.md), and filtering keeps that order."""
    same_child = (pl.col("authority").shift(-1) == pl.col("authority")) & (
        pl.col("child_ref").shift(-1) == pl.col("child_ref")
    )
    return pl.when(same_child).then(pl.col("period_start").shift(-1))


def reentry_after_return_home(frame: pl.DataFrame, *, as_of: date | None = None) -> pl.DataFrame:
    """Per month a care period ended with a return home, once 12 months have passed:
    those after which the child became looked after again within 12 months."""
    when = frame_as_of(frame, as_of)
    ended = pl.col("period_end")
    rows = (
        frame.lazy()
        .with_columns(_next_period_start().alias("_next"))
        .filter(
            (pl.col("destination") == "home")
            & ended.is_not_null()
            & (ended + timedelta(days=FOLLOW_UP_DAYS) <= when)
        )
        .with_columns(ended.dt.truncate("1mo").alias("month"))
    )
    back = (pl.col("_next") - ended).dt.total_days() <= FOLLOW_UP_DAYS
    return _monthly(rows, back.fill_null(value=False))


def permanence_ended(frame: pl.DataFrame, *, as_of: date | None = None) -> pl.DataFrame:
    """Per month of a court order for permanence: children who, by the measuring date,
    moved placement after it or became looked after again."""
    when = frame_as_of(frame, as_of)
    ordered = pl.col("court_order_date")
    rows = (
        frame.lazy()
        .with_columns(_next_period_start().alias("_next"))
        .filter(ordered.is_not_null() & pl.col("court_order_type").is_in(COURT_PERMANENCE))
        .with_columns(ordered.dt.truncate("1mo").alias("month"))
    )
    counted = _moves_within(rows, "court_order_date", pl.lit(when))
    ended = (pl.col("moves") > 0) | pl.col("_next").is_not_null()
    return _monthly(counted, ended)


def time_to_order(frame: pl.DataFrame, *, as_of: date | None = None) -> pl.DataFrame:
    """Per month of a court order: the children granted one and the median days from
    accommodation to it."""
    frame_as_of(frame, as_of)
    ordered = pl.col("court_order_date")
    days = (ordered - pl.col("accommodated_date")).dt.total_days()
    return (
        frame.lazy()
        .filter(ordered.is_not_null() & pl.col("accommodated_date").is_not_null())
        .group_by(ordered.dt.truncate("1mo").alias("month"))
        .agg(pl.len().cast(pl.Int64).alias("children"), days.median().alias("median_days"))
        .sort("month")
        .collect(engine=ENGINE)
    )


def purposeful_delays(
    frame: pl.DataFrame, delays: pl.DataFrame | None = None, *, as_of: date | None = None
) -> pl.DataFrame:
    """Per month accommodated: children whose wait for a recommendation was recorded as a
    purposeful delay (``delays``: ``child_ref``, ``period_start``, ``clock``, as the
    records app gives them; only those on the ``accommodated_date`` clock count)."""
    frame_as_of(frame, as_of)
    marked = (
        (delays if delays is not None else pl.DataFrame(schema=DELAY_SCHEMA))
        .lazy()
        .filter(pl.col("clock") == "accommodated_date")
        .select("child_ref", "period_start", pl.lit(value=True).alias("_delay"))
        .unique(["child_ref", "period_start"])
    )
    rows = (
        frame.lazy()
        .filter(pl.col("accommodated_date").is_not_null())
        .join(marked, on=["child_ref", "period_start"], how="left")
        .with_columns(pl.col("accommodated_date").dt.truncate("1mo").alias("month"))
    )
    return _monthly(rows, pl.col("_delay").fill_null(value=False))


def balancing_table(
    key: str, frame: pl.DataFrame, delays: pl.DataFrame | None = None, *, as_of: date | None = None
) -> pl.DataFrame:
    """One balancing measure's monthly table, by its key."""
    if key == "purposeful_delays":
        return purposeful_delays(frame, delays, as_of=as_of)
    functions = {
        "moves_before_permanence": moves_before_permanence,
        "moves_after_decision": moves_after_decision,
        "reentry_after_return_home": reentry_after_return_home,
        "permanence_ended": permanence_ended,
        "time_to_order": time_to_order,
    }
    return functions[key](frame, as_of=as_of)


@dataclass(frozen=True, slots=True)
class BalancingFigure:
    """A measure over a span of months: the counts and the percentage (or the median
    days, for the time to the order)."""

    measure: BalancingMeasure
    numerator: int
    denominator: int
    value: float | None  # percent, or median days over the months' children


def balancing_figures(
    frame: pl.DataFrame,
    delays: pl.DataFrame | None = None,
    *,
    as_of: date | None = None,
    since: date | None = None,
) -> tuple[BalancingFigure, ...]:
    """Every balancing measure over the months from ``since`` (all months by default):
    what an aim's page and the process map show beside the aims."""
    when = frame_as_of(frame, as_of)
    figures = []
    for measure in BALANCING_MEASURES:
        if measure.key == "time_to_order":
            ordered = pl.col("court_order_date")
            kept = frame.filter(ordered.is_not_null() & pl.col("accommodated_date").is_not_null())
            if since is not None:
                kept = kept.filter(ordered >= since)
            days = (ordered - pl.col("accommodated_date")).dt.total_days()
            median = kept.select(days.median()).item() if kept.height else None
            figures.append(BalancingFigure(measure, kept.height, kept.height, _float(median)))
            continue
        table = balancing_table(measure.key, frame, delays, as_of=when)
        if since is not None:
            table = table.filter(pl.col("month") >= since.replace(day=1))
        numerator = int(table.get_column("numerator").sum())
        denominator = int(table.get_column("denominator").sum())
        value = 100 * numerator / denominator if denominator else None
        figures.append(BalancingFigure(measure, numerator, denominator, value))
    return tuple(figures)


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
