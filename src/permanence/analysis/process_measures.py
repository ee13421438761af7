"""Process measures: is the change happening, month by month?

PACE watched process measures beside the aims: was the 72-hour meeting held within 72
hours of accommodation, was the 2-week planning meeting held within 14 days, was each
Looked After Child review held by its due date? Each measure here reads the journeys
frame only and gives one row per calendar month with the children counted
(``denominator``), those for whom it happened in time (``numerator``) and the percentage:
the shape a run chart of percentages or a P chart takes (``permanence.analysis.control``
reads numerators and denominators).

Who is counted, and in which month:

- **72-hour and planning meetings** count each accommodated child in the month they were
  accommodated, once the meeting's time limit has passed by ``as_of`` (a child
  accommodated yesterday cannot yet have missed it). A meeting counts as in time when
  held on or before the date accommodated plus the limit (3 days for 72 hours: the
  records hold dates, not times). A child whose care period ended before the limit, with
  no meeting, is not counted: the meeting was no longer needed.
- **Reviews** count each review in the month it was due, once due by ``as_of``, and count
  it as in time when held on or before its due date. A review with no due date recorded
  cannot be judged and is not counted. ``reviews_in_time`` reads the due dates the
  records give; ``review_items_in_time`` reads a table of reviews, such as the ones the
  web app's planner set from the authority's review policy.

Months in which nobody was counted are left out, so a chart joins the months it has
(a P chart cannot use a month with no children). All polars expressions, no loop over
children: a million care periods take about a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

MEASURE_COLUMNS = ("month", "numerator", "denominator", "percentage")

PLANNING_72H_DAYS = 3
PLANNING_MEETING_DAYS = 14


def planning_72h_in_time(
    frame: pl.DataFrame,
    *,
    within_days: int = PLANNING_72H_DAYS,
    since: date | None = None,
    by: Sequence[str] = (),
) -> pl.DataFrame:
    """Per month of accommodation: 72-hour planning meetings held within 72 hours."""
    return _meeting_in_time(frame, "planning_72h_date", within_days, since, by)


def planning_meeting_in_time(
    frame: pl.DataFrame,
    *,
    within_days: int = PLANNING_MEETING_DAYS,
    since: date | None = None,
    by: Sequence[str] = (),
) -> pl.DataFrame:
    """Per month of accommodation: 2-week planning meetings held within 14 days.

    Where the local meeting is at 3 or 4 weeks, pass ``within_days=21`` or ``28``. The
    meeting is a local change idea, so ``since`` (the date it began) keeps the months
    before it, when no child could have had one, out of the series.
    """
    return _meeting_in_time(frame, "planning_2wk_date", within_days, since, by)


def reviews_in_time(
    frame: pl.DataFrame, *, since: date | None = None, by: Sequence[str] = ()
) -> pl.DataFrame:
    """Per month of due date: Looked After Child reviews held by the due dates the
    records give."""
    reviews = frame.select(*by, "as_of", "reviews").explode("reviews").unnest("reviews")
    return _reviews_per_month(reviews, since, by)


def review_items_in_time(
    reviews: pl.DataFrame, as_of: date, *, since: date | None = None, by: Sequence[str] = ()
) -> pl.DataFrame:
    """Per month of due date: reviews held by their due date, from a table of reviews
    (``due_date``, ``held_date`` and the ``by`` columns) rather than the frame; the web
    app passes the reviews its planner set from the authority's policy."""
    return _reviews_per_month(reviews.with_columns(as_of=pl.lit(as_of)), since, by)


def _reviews_per_month(
    reviews: pl.DataFrame, since: date | None, by: Sequence[str]
) -> pl.DataFrame:
    due = pl.col("due_date")
    counted = due.is_not_null() & (due <= pl.col("as_of"))
    if since is not None:
        counted = counted & (due >= since)
    in_time = pl.col("held_date").is_not_null() & (pl.col("held_date") <= due)
    return _per_month(reviews.filter(counted), due, in_time, by)


def process_measures(
    frame: pl.DataFrame,
    *,
    planning_meeting_days: int = PLANNING_MEETING_DAYS,
    planning_meeting_since: date | None = None,
) -> dict[str, pl.DataFrame]:
    """The three measures, keyed ``planning_72h``, ``planning_meeting`` and ``reviews``."""
    return {
        "planning_72h": planning_72h_in_time(frame),
        "planning_meeting": planning_meeting_in_time(
            frame, within_days=planning_meeting_days, since=planning_meeting_since
        ),
        "reviews": reviews_in_time(frame),
    }


def _meeting_in_time(
    frame: pl.DataFrame, column: str, within_days: int, since: date | None, by: Sequence[str]
) -> pl.DataFrame:
    if within_days < 0:
        raise ValueError("a meeting's time limit cannot be negative")
    accommodated = pl.col("accommodated_date")
    limit = accommodated + pl.duration(days=within_days)
    held = pl.col(column)
    in_time = held.is_not_null() & (held <= limit)
    ended_first = pl.col("period_end").is_not_null() & (pl.col("period_end") < limit)
    counted = (
        accommodated.is_not_null() & (limit <= pl.col("as_of")) & (in_time | ended_first.not_())
    )
    if since is not None:
        counted = counted & (accommodated >= since)
    # Only the columns the measure reads: filtering the whole frame would copy them all.
    needed = frame.select(*by, "accommodated_date", column, "period_end", "as_of")
    return _per_month(needed.filter(counted), accommodated, in_time, by)


def _per_month(
    rows: pl.DataFrame, when: pl.Expr, in_time: pl.Expr, by: Sequence[str]
) -> pl.DataFrame:
    # Count by day first, then fold the few thousand days into months: truncating a date
    # to its month costs more than counting, so it is done once per day, not per child.
    keys = [*by, "month"]
    by_day = (
        rows.select(*by, when.alias("day"), in_time.alias("in_time"))
        .group_by([*by, "day"])
        .agg(
            pl.col("in_time").sum().cast(pl.Int64).alias("numerator"),
            pl.len().cast(pl.Int64).alias("denominator"),
        )
    )
    return (
        by_day.with_columns(pl.col("day").dt.truncate("1mo").alias("month"))
        .group_by(keys)
        .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
        .with_columns((100.0 * pl.col("numerator") / pl.col("denominator")).alias("percentage"))
        .sort(keys)
        .select(*keys, "numerator", "denominator", "percentage")
    )
