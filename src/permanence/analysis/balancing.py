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

Polars expressions and whole-array arithmetic (numpy, for the placement moves): no loop over
children.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import numpy as np
import polars as pl
from numpy.typing import NDArray

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
#: What ``with_outcome`` reads.
OUTCOME_COLUMNS: Final = (
    "accommodated_date",
    "court_order_date",
    "court_order_type",
    "supervision_ended_date",
    "period_end",
    "destination",
)


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


def _moves_within(rows: pl.DataFrame, after: str, until: str) -> pl.DataFrame:
    """``rows`` with ``moves``: how many of each row's placement moves are dated after its
    ``after`` column and on or before its ``until`` column. The moves of every row are
    laid end to end once, each compared with its row's dates repeated beside it, and
    counted back per row: no join, no loop over children."""
    moves = rows.get_column("placement_moves")
    lengths = moves.list.len().fill_null(0).to_numpy()
    flat = moves.explode(empty_as_null=False, keep_nulls=False).to_physical().to_numpy()
    owner = np.repeat(np.arange(rows.height), lengths)
    low = _days_of(rows.get_column(after))[owner]
    high = _days_of(rows.get_column(until))[owner]
    inside = (flat > low) & (flat <= high)
    counted = np.bincount(owner[inside], minlength=rows.height)
    return rows.with_columns(pl.Series("moves", counted, dtype=pl.Int64))


def _days_of(dates: pl.Series) -> NDArray[np.float64]:
    """Dates as days since 1970, a blank as NaN (so every comparison with it is false)."""
    return dates.to_physical().cast(pl.Float64).fill_null(np.nan).to_numpy()


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
        _with_outcomes(frame.select(*OUTCOME_COLUMNS, "placement_moves"), when)
        .filter(pl.col("outcome").is_in(PERMANENCE_OUTCOMES))
        .select(
            "accommodated_date",
            "outcome_date",
            "placement_moves",
            pl.col("outcome_date").dt.truncate("1mo").alias("month"),
        )
        .collect(engine=ENGINE)
    )
    counted = _moves_within(rows, "accommodated_date", "outcome_date")
    return _monthly(
        counted.lazy(),
        pl.col("moves") >= MANY_MOVES_BEFORE,
        pl.col("moves").mean().alias("mean_moves"),
    )


def moves_after_decision(frame: pl.DataFrame, *, as_of: date | None = None) -> pl.DataFrame:
    """Per month of the decision for permanence away from home, once 12 months have
    passed: children who moved placement 2 or more times in the 12 months after it."""
    when = frame_as_of(frame, as_of)
    decided = pl.col("decision_away_date")
    rows = (
        frame.lazy()
        .filter(decided.is_not_null() & (decided + timedelta(days=FOLLOW_UP_DAYS) <= when))
        .select(
            "decision_away_date",
            (decided + timedelta(days=FOLLOW_UP_DAYS)).alias("_until"),
            "placement_moves",
            decided.dt.truncate("1mo").alias("month"),
        )
        .collect(engine=ENGINE)
    )
    counted = _moves_within(rows, "decision_away_date", "_until")
    return _monthly(counted.lazy(), pl.col("moves") >= MANY_MOVES_AFTER)


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
        .select(
            "authority",
            "child_ref",
            "period_start",
            "court_order_date",
            "court_order_type",
            "placement_moves",
        )
        .with_columns(_next_period_start().alias("_next"))
        .filter(ordered.is_not_null() & pl.col("court_order_type").is_in(COURT_PERMANENCE))
        .select(
            "court_order_date",
            pl.lit(when).alias("_until"),
            "placement_moves",
            "_next",
            ordered.dt.truncate("1mo").alias("month"),
        )
        .collect(engine=ENGINE)
    )
    counted = _moves_within(rows, "court_order_date", "_until")
    ended = (pl.col("moves") > 0) | pl.col("_next").is_not_null()
    return _monthly(counted.lazy(), ended)


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
        .filter(pl.col("clock") == "accommodated_date")
        .select("child_ref", "period_start", pl.lit(value=True).alias("_delay"))
        .unique(["child_ref", "period_start"])
    )
    accommodated = pl.col("accommodated_date")
    rows = frame.lazy().select("child_ref", "period_start", "accommodated_date")
    rows = rows.filter(accommodated.is_not_null())
    # Only the few care periods with a recorded delay are joined; every one is counted.
    delayed = (
        rows.filter(pl.col("child_ref").is_in(marked.get_column("child_ref").implode()))
        .join(marked.lazy(), on=["child_ref", "period_start"], how="inner")
        .group_by(accommodated.dt.month_start().alias("month"))
        .agg(pl.len().cast(pl.Int64).alias("numerator"))
    )
    return (
        rows.group_by(accommodated.dt.month_start().alias("month"))
        .agg(pl.len().cast(pl.Int64).alias("denominator"))
        .join(delayed, on="month", how="left")
        .select(
            "month",
            pl.col("numerator").fill_null(0),
            "denominator",
            (100 * pl.col("numerator").fill_null(0) / pl.col("denominator")).alias("percentage"),
        )
        .sort("month")
        .collect(engine=ENGINE)
    )


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
