"""Put the gathered rows together as the six canonical tables.

Rows are keyed by period number while they are drawn; here each gets its child's
reference and the date its period began (the natural key of ``journey.tables``), days
become dates, vocabulary numbers become codes, dated changes of placement and legal
status become intervals, and every table is sorted the way an extract lists it: by child,
period and date.

Sorting is the costly step at a million children, so each table is sorted once, on one
64-bit key that packs the period's place, the date and the row's own number; the row
number makes every key unique, so the order never depends on how the sort breaks ties.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from permanence.journey.tables import JourneyTables, conform
from permanence.synth import parameters as p
from permanence.synth.children import Children
from permanence.synth.draws import Days, Indices, Mask, known
from permanence.synth.events import (
    DESTINATION,
    DETAIL,
    LEGAL_STATUS,
    MEETING_KIND,
    MILESTONE,
    OUTCOME,
    PLACEMENT,
    REASON,
    Collected,
)
from permanence.synth.rows import Vocabulary

_DATE_BITS = 15  # days from the history's first day: room for 89 years


@dataclass(frozen=True, slots=True)
class _Periods:
    """Every care period, by period number."""

    child: Indices
    start: Days
    end: Days  # NEVER while open
    place: Indices  # the period's position when sorted by child and start
    first_day: int


def assemble(children: Children, collected: Collected) -> JourneyTables:
    columns = collected.periods.columns()
    order = np.argsort(columns["period"])
    period_columns = {name: values[order] for name, values in columns.items()}
    periods = _periods(period_columns)
    refs = children.refs
    return JourneyTables(
        children=children.table,
        care_periods=_care_periods(period_columns, periods, refs),
        placements=_changes(
            "placements", collected.placements.columns(), periods, refs, PLACEMENT, "placement_type"
        ),
        legal_statuses=_changes(
            "legal_statuses",
            collected.legal_statuses.columns(),
            periods,
            refs,
            LEGAL_STATUS,
            "legal_status",
        ),
        meetings=_meetings(collected.meetings.columns(), periods, refs),
        milestones=_milestones(collected.milestones.columns(), periods, refs),
    )


def _periods(columns: dict[str, np.ndarray]) -> _Periods:
    numbers = columns["period"]
    if not np.array_equal(numbers, np.arange(len(numbers))):
        raise AssertionError("care periods must be numbered 0, 1, 2, ... without gaps")
    child, start = columns["child"], columns["start"]
    by_child = np.lexsort((start, child))
    place = np.empty(len(by_child), dtype=np.int64)
    place[by_child] = np.arange(len(by_child))
    return _Periods(child, start, columns["end"], place, int(start.min(initial=0)))


def dates(name: str, days: Days) -> pl.Series:
    """Days since 1970-01-01 as dates; NEVER (and anything near it) becomes blank."""
    unknown = ~known(days)
    values = pl.Series(name, np.where(unknown, 0, days).astype(np.int32)).cast(pl.Date)
    if not unknown.any():
        return values
    blank = pl.lit(pl.Series(unknown))
    return pl.select(pl.when(blank).then(None).otherwise(pl.lit(values))).to_series().alias(name)


def _sorted(periods: _Periods, period: Indices, date: Days, *tie: tuple[Indices, int]) -> Indices:
    """The order of rows by child, period start, date, then ``tie`` columns, then row."""
    row_bits = max(1, len(period).bit_length())
    place_bits = max(1, len(periods.place).bit_length())
    tie_bits = sum(bits for _, bits in tie)
    if place_bits + _DATE_BITS + tie_bits + row_bits > 64:
        raise ValueError("too many rows to sort on one key")
    key = periods.place[period].astype(np.uint64)
    offset = np.clip(date - periods.first_day, 0, 2**_DATE_BITS - 1).astype(np.uint64)
    key = (key << np.uint64(_DATE_BITS)) | offset
    for values, bits in tie:
        key = (key << np.uint64(bits)) | values.astype(np.uint64)
    key = (key << np.uint64(row_bits)) | np.arange(len(period), dtype=np.uint64)
    ordered = pl.Series(key).sort().to_numpy()
    return (ordered & np.uint64(2**row_bits - 1)).astype(np.int64)


def _keyed(
    name: str,
    period: Indices,
    periods: _Periods,
    refs: pl.Series,
    columns: Sequence[pl.Series],
) -> pl.DataFrame:
    """A table's rows with the child's reference and the period's start put first."""
    frame = pl.DataFrame(
        [
            refs.gather(periods.child[period]).alias("child_ref"),
            dates("period_start", periods.start[period]),
            *columns,
        ]
    )
    return conform(name, frame)


def _care_periods(
    columns: dict[str, np.ndarray], periods: _Periods, refs: pl.Series
) -> pl.DataFrame:
    order = np.argsort(periods.place)
    team_names = Vocabulary(p.TEAM_NAMES)
    return _keyed(
        "care_periods",
        columns["period"][order],
        periods,
        refs,
        [
            dates("period_end", columns["end"][order]),
            DESTINATION.series("destination", columns["destination"][order]),
            team_names.series("team", columns["team"][order]),
        ],
    )


def _changes(
    name: str,
    columns: dict[str, np.ndarray],
    periods: _Periods,
    refs: pl.Series,
    vocabulary: Vocabulary,
    code_column: str,
) -> pl.DataFrame:
    """Dated changes as intervals: each lasts until the next begins, the last to the end.

    A change on the same day as a later one is superseded by it, and a change marked
    ``merges`` to what the child already has (a planned move to kinship carers the child
    already lives with, say) is no change at all.
    """
    order = _sorted(periods, columns["period"], columns["date"], (columns["seq"], 3))
    period, date = columns["period"][order], columns["date"][order]
    code, merges = columns["code"][order], columns["merges"][order].astype(np.bool_)
    superseded = np.zeros(len(period), dtype=np.bool_)
    superseded[:-1] = (period[1:] == period[:-1]) & (date[1:] == date[:-1])
    kept = ~superseded
    period, date, code, merges = period[kept], date[kept], code[kept], merges[kept]
    no_change = np.zeros(len(period), dtype=np.bool_)
    no_change[1:] = merges[1:] & (period[1:] == period[:-1]) & (code[1:] == code[:-1])
    kept = ~no_change
    period, date, code = period[kept], date[kept], code[kept]
    end = periods.end[period].copy()
    same_period_next = period[1:] == period[:-1]
    end[:-1] = np.where(same_period_next, date[1:], end[:-1])
    return _keyed(
        name,
        period,
        periods,
        refs,
        [
            vocabulary.series(code_column, code),
            dates("start_date", date),
            dates("end_date", end),
        ],
    )


def _meetings(columns: dict[str, np.ndarray], periods: _Periods, refs: pl.Series) -> pl.DataFrame:
    on = np.where(known(columns["held"]), columns["held"], columns["due"])
    order = _sorted(periods, columns["period"], on, (columns["kind"], 3))
    order = order[_first_of_the_day(columns["period"][order], columns["kind"][order], on[order])]
    number = columns["number"][order]
    return _keyed(
        "meetings",
        columns["period"][order],
        periods,
        refs,
        [
            MEETING_KIND.series("meeting_kind", columns["kind"][order]),
            pl.Series("review_number", number, dtype=pl.Int16).replace(0, None),
            dates("due_date", columns["due"][order]),
            dates("held_date", columns["held"][order]),
            OUTCOME.series("outcome", columns["outcome"][order]),
        ],
    )


def _first_of_the_day(period: Indices, kind: Indices, on: Days) -> Mask:
    """Rows to keep so that a period has one meeting of a kind a day (sorted rows).

    Two hearings drawn for the same day are one hearing: an import recognises a meeting
    (other than a numbered review) by its period, kind and date, and two would be the
    same record told two ways.
    """
    repeat = np.zeros(len(period), dtype=np.bool_)
    repeat[1:] = (period[1:] == period[:-1]) & (kind[1:] == kind[:-1]) & (on[1:] == on[:-1])
    # Reviews are told apart by their numbers, and never fall on the same day.
    keep: Mask = ~(repeat & (kind != MEETING_KIND["review"]))
    return keep


def _milestones(columns: dict[str, np.ndarray], periods: _Periods, refs: pl.Series) -> pl.DataFrame:
    order = _sorted(periods, columns["period"], columns["date"])
    return _keyed(
        "milestones",
        columns["period"][order],
        periods,
        refs,
        [
            MILESTONE.series("milestone", columns["kind"][order]),
            dates("date", columns["date"][order]),
            DETAIL.series("detail", columns["detail"][order]),
            REASON.series("reason", columns["reason"][order]),
        ],
    )
