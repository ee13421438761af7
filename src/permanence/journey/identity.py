"""Which record a row of a later extract is: matching rows to the records already held.

Case recording systems correct dates. A later extract then carries the corrected date and
no longer the old one; a loader that matched only on a key holding the date would keep
both, and the earliest would win every measure (issue 13, finding 1). ``match_records``
matches a table's rows to its records in three steps (``tables.RecordIdentity``): by the
system's own record id, then by the natural key, then, among the records and rows still
unmatched, as corrections by a key holding no date a system corrects.

It is pure (no database, no polars), so the loader and the tests use the same rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from operator import itemgetter
from typing import Any, NamedTuple

from permanence.journey.tables import IDENTITIES, RecordIdentity, occasion_of


class MatchedBy(StrEnum):
    """How a row was found to be a record already held."""

    RECORD_ID = "record_id"
    """The system's own identifier of the record."""
    KEY = "key"
    """The natural key: nothing identifying in the record changed."""
    CORRECTION = "correction"
    """The record's dates (or, for a placement or legal status, its kind) were corrected."""


class Candidate(NamedTuple):
    """A record held, or a row of the extract, as the matching sees it (a named tuple:
    a load makes one for every record and every row)."""

    child: Hashable
    """The child: record ids are unique among one child's records of a table."""
    parent: Hashable
    """The record this one belongs to (the child, or the care period); None for a child."""
    record_id: str | None
    exact: tuple[Any, ...]
    stable: tuple[Any, ...]
    order: tuple[Any, ...]
    span: tuple[date | None, date | None] | None = None


@dataclass(frozen=True, slots=True)
class Matching:
    """The outcome: ``pairs`` of (row index, record index, how), the rows that are new
    records, and the records no row matched (no longer in the extract)."""

    pairs: tuple[tuple[int, int, MatchedBy], ...]
    new_rows: tuple[int, ...]
    gone_records: tuple[int, ...]


def candidate(
    table: str, values: Mapping[str, Any], *, child: Hashable, parent: Hashable
) -> Candidate:
    """The candidate of a record or row of ``table`` from its canonical column values
    (a column ``values`` lacks counts as blank).

    ``parent`` is whatever names the record it belongs to on both sides (the loader uses
    the database's key of the care period, so a period whose start was corrected keeps
    its records).
    """
    read = _READERS[table]
    exact = read.exact(values)
    if table == "meetings":
        kind, number, due, held = exact
        exact = (kind, number, occasion_of(kind, number, due, held))
    span = (values.get(read.span[0]), values.get(read.span[1])) if read.span else None
    return Candidate(
        child,
        parent,
        values.get("record_id") or None,
        exact,
        read.stable(values),
        read.order(values),
        span,
    )


class _Reader:
    """Reads one table's identity columns from a record's values, quickly: a load reads
    every record and every row of the extract."""

    def __init__(self, identity: RecordIdentity, exact: tuple[str, ...]) -> None:
        self.exact = _columns(exact)
        self.stable = _columns(identity.stable)
        self.order = _columns(identity.order)
        self.span = identity.span


def _columns(names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """A function giving ``names``' values as a tuple; blank where a column is missing."""
    if not names:
        return lambda values: ()
    getter = itemgetter(*names)
    single = len(names) == 1

    def read(values: Mapping[str, Any]) -> tuple[Any, ...]:
        try:
            found = getter(values)
        except KeyError:
            return tuple(values.get(name) for name in names)
        return (found,) if single else found

    return read


# A meeting's exact key holds its occasion, worked out from these four.
_MEETING_EXACT = ("meeting_kind", "review_number", "due_date", "held_date")
_READERS = {
    table: _Reader(identity, _MEETING_EXACT if table == "meetings" else identity.exact)
    for table, identity in IDENTITIES.items()
}


def match_records(records: Sequence[Candidate], rows: Sequence[Candidate]) -> Matching:
    """Match ``rows`` (an extract's, one table) to ``records`` (held, the same table).

    Every row and every record is used at most once. Ties are broken by position, so the
    outcome never depends on anything but the order of the two lists.
    """
    matcher = _Matcher(records, rows)
    left = matcher.by_record_id(range(len(rows)))
    left = matcher.by_natural_key(left)
    left = matcher.as_corrections(left)
    return Matching(
        pairs=tuple(sorted(matcher.pairs)),
        new_rows=tuple(left),
        gone_records=tuple(sorted(matcher.free_records)),
    )


class _Matcher:
    def __init__(self, records: Sequence[Candidate], rows: Sequence[Candidate]) -> None:
        self.records = records
        self.rows = rows
        self.pairs: list[tuple[int, int, MatchedBy]] = []
        self.free_records = set(range(len(records)))

    def claim(self, row: int, record: int, how: MatchedBy) -> None:
        self.pairs.append((row, record, how))
        self.free_records.discard(record)

    def by_record_id(self, rows: Iterable[int]) -> list[int]:
        """Step 1: the system's own record id, within the child."""
        by_id: dict[tuple[Hashable, str], int] = {}
        for index, held in enumerate(self.records):
            if held.record_id is not None:
                by_id.setdefault((held.child, held.record_id), index)
        left = []
        for row in rows:
            given = self.rows[row].record_id
            found = by_id.get((self.rows[row].child, given)) if given is not None else None
            if found is not None and found in self.free_records:
                self.claim(row, found, MatchedBy.RECORD_ID)
            else:
                left.append(row)
        return left

    def by_natural_key(self, rows: list[int]) -> list[int]:
        """Step 2: the parent and every identifying column, dates included."""
        by_key: dict[tuple[Hashable, tuple[Any, ...]], list[int]] = defaultdict(list)
        for index in sorted(self.free_records):
            by_key[(self.records[index].parent, self.records[index].exact)].append(index)
        left = []
        free = self.free_records
        for row in rows:
            offered = self.rows[row]
            found = None
            for index in by_key.get((offered.parent, offered.exact), ()):
                if index in free and _ids_agree(self.records[index], offered):
                    found = index
                    break
            if found is not None:
                self.claim(row, found, MatchedBy.KEY)
            else:
                left.append(row)
        return left

    def as_corrections(self, rows: list[int]) -> list[int]:
        """Step 3: what the extract no longer holds, paired with what it newly holds, by
        parent and stable key, each side in the order of its dates."""
        if not self.free_records or not rows:
            return rows  # the usual load: nothing left on one side to pair
        held = _grouped(self.records, self.free_records)
        offered = _grouped(self.rows, (row for row in rows if _group(self.rows[row]) in held))
        paired: set[int] = set()
        for group, group_rows in offered.items():
            for index in held[group]:
                found = next(
                    (
                        row
                        for row in group_rows
                        if row not in paired
                        and _may_be_corrected(self.records[index], self.rows[row])
                    ),
                    None,
                )
                if found is not None:
                    paired.add(found)
                    self.claim(found, index, MatchedBy.CORRECTION)
        return [row for row in rows if row not in paired]


def _group(candidate: Candidate) -> tuple[Hashable, tuple[Any, ...]]:
    return (candidate.parent, candidate.stable)


def _grouped(
    candidates: Sequence[Candidate], indexes: Iterable[int]
) -> dict[tuple[Hashable, tuple[Any, ...]], list[int]]:
    """``indexes`` by parent and stable key, each group in the order of its dates."""
    groups: dict[tuple[Hashable, tuple[Any, ...]], list[int]] = defaultdict(list)
    for index in sorted(indexes, key=lambda i: (_order_key(candidates[i].order), i)):
        groups[_group(candidates[index])].append(index)
    return groups


def _ids_agree(record: Candidate, row: Candidate) -> bool:
    """False when both carry a record id and the ids differ: two different records."""
    return record.record_id is None or row.record_id is None or record.record_id == row.record_id


def _may_be_corrected(record: Candidate, row: Candidate) -> bool:
    if not _ids_agree(record, row):
        return False
    if record.span is None or row.span is None:
        return True
    return _overlap(record.span, row.span)


def _overlap(
    first: tuple[date | None, date | None], second: tuple[date | None, date | None]
) -> bool:
    """Whether two spans share a day; a blank end is still open, a blank start unknown."""
    start_1, end_1 = first
    start_2, end_2 = second
    starts_before_second_ends = start_1 is None or end_2 is None or start_1 <= end_2
    starts_before_first_ends = start_2 is None or end_1 is None or start_2 <= end_1
    return starts_before_second_ends and starts_before_first_ends


def _order_key(values: tuple[Any, ...]) -> tuple[tuple[bool, Any], ...]:
    """Blank values sort last; equal values compare equal without comparing blanks."""
    return tuple((value is None, value) for value in values)
