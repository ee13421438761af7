"""The canonical tables: the shape every source of records is turned into.

An import file, the synthetic generator and the database all produce these six tables;
the journeys frame is built from them and from nothing else. ``docs/data-format.md``
describes each column for the people who prepare extracts.

Every child-level table names its care period by the child's reference and the date the
period began (``period_start``, the date looked after): what a case recording system can
always give. Each table after children may also carry the system's own identifier of the
row (``record_id``); ``IDENTITIES`` says how a row is recognised in a later extract.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path

import polars as pl

from permanence.journey.vocabulary import MeetingKind

TableSchema = Mapping[str, type[pl.DataType] | pl.DataType]

RECORD_ID = "record_id"
"""The case recording system's own identifier of a row (an episode, placement or event
id), where the extract gives one: the surest way to know a record again."""

CHILDREN: TableSchema = {
    "child_ref": pl.String,
    "initials": pl.String,
    "date_of_birth": pl.Date,
    "sex": pl.String,
    "ethnicity": pl.String,
    "disability": pl.String,
    "sibling_group": pl.String,
}

CARE_PERIODS: TableSchema = {
    "child_ref": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "destination": pl.String,
    "team": pl.String,
    RECORD_ID: pl.String,
}

PLACEMENTS: TableSchema = {
    "child_ref": pl.String,
    "period_start": pl.Date,
    "placement_type": pl.String,
    "start_date": pl.Date,
    "end_date": pl.Date,
    RECORD_ID: pl.String,
}

LEGAL_STATUSES: TableSchema = {
    "child_ref": pl.String,
    "period_start": pl.Date,
    "legal_status": pl.String,
    "start_date": pl.Date,
    "end_date": pl.Date,
    RECORD_ID: pl.String,
}

MEETINGS: TableSchema = {
    "child_ref": pl.String,
    "period_start": pl.Date,
    "meeting_kind": pl.String,
    "review_number": pl.Int16,
    "due_date": pl.Date,
    "held_date": pl.Date,
    "outcome": pl.String,
    RECORD_ID: pl.String,
    "attended": pl.String,
}

MILESTONES: TableSchema = {
    "child_ref": pl.String,
    "period_start": pl.Date,
    "milestone": pl.String,
    "date": pl.Date,
    "detail": pl.String,
    "reason": pl.String,
    RECORD_ID: pl.String,
    "look_again_on": pl.Date,
    "decided_by": pl.String,
}

# What a planning meeting achieved (docs/meetings.md): optional tables, each row naming
# its meeting as the meetings table does (the care period, the kind, the date held).
_MEETING_OF_ROW: TableSchema = {
    "child_ref": pl.String,
    "period_start": pl.Date,
    "meeting_kind": pl.String,
    "held_date": pl.Date,
}

AGENDA_ITEMS: TableSchema = {
    **_MEETING_OF_ROW,
    "item": pl.String,
    "answer": pl.String,
    "reason": pl.String,
}

MEETING_ACTIONS: TableSchema = {
    **_MEETING_OF_ROW,
    "action": pl.String,
    "owner": pl.String,
    "due_date": pl.Date,
    "done_date": pl.Date,
}

SCHEMAS: dict[str, TableSchema] = {
    "children": CHILDREN,
    "care_periods": CARE_PERIODS,
    "placements": PLACEMENTS,
    "legal_statuses": LEGAL_STATUSES,
    "meetings": MEETINGS,
    "milestones": MILESTONES,
    "agenda_items": AGENDA_ITEMS,
    "meeting_actions": MEETING_ACTIONS,
}

MEETING_DETAIL_TABLES: tuple[str, ...] = ("agenda_items", "meeting_actions")
"""The tables whose rows belong to a planning meeting of the meetings table."""

OPTIONAL_TABLES: frozenset[str] = frozenset(MEETING_DETAIL_TABLES)
"""Tables an extract (or a folder of canonical files) may leave out without a word: most
case recording systems hold no agenda checklist or actions of a planning meeting."""

MEETING_OF_ROW: tuple[str, ...] = tuple(_MEETING_OF_ROW)
"""The columns by which a row of an optional meeting table names its meeting."""

# Columns a row cannot be without; the rest may be blank.
REQUIRED_COLUMNS: dict[str, frozenset[str]] = {
    "children": frozenset({"child_ref", "date_of_birth"}),
    "care_periods": frozenset({"child_ref", "period_start"}),
    "placements": frozenset({"child_ref", "period_start", "placement_type", "start_date"}),
    "legal_statuses": frozenset({"child_ref", "period_start", "legal_status", "start_date"}),
    "meetings": frozenset({"child_ref", "period_start", "meeting_kind"}),
    "milestones": frozenset({"child_ref", "period_start", "milestone", "date"}),
    "agenda_items": frozenset({*MEETING_OF_ROW, "item", "answer"}),
    "meeting_actions": frozenset({*MEETING_OF_ROW, "action", "due_date"}),
}

# An optional first column naming the local authority, so one set of tables can hold
# several authorities (the national view). Single-authority files leave it out.
AUTHORITY_COLUMN = "authority"


@dataclass(frozen=True, slots=True)
class JourneyTables:
    """The canonical tables for one or more local authorities: the six a journey is built
    from, and the two optional tables of what planning meetings achieved (empty where an
    extract has none)."""

    children: pl.DataFrame
    care_periods: pl.DataFrame
    placements: pl.DataFrame
    legal_statuses: pl.DataFrame
    meetings: pl.DataFrame
    milestones: pl.DataFrame
    agenda_items: pl.DataFrame = field(default_factory=lambda: empty_table("agenda_items"))
    meeting_actions: pl.DataFrame = field(default_factory=lambda: empty_table("meeting_actions"))

    def items(self) -> Iterator[tuple[str, pl.DataFrame]]:
        for table in fields(self):
            yield table.name, getattr(self, table.name)

    def with_authority(self, code: str) -> JourneyTables:
        """The same tables with an ``authority`` column set to ``code`` where it is missing."""
        return JourneyTables(**{name: _with_authority(frame, code) for name, frame in self.items()})

    @classmethod
    def empty(cls) -> JourneyTables:
        return cls(**{name: empty_table(name) for name in SCHEMAS})


def _with_authority(frame: pl.DataFrame, code: str) -> pl.DataFrame:
    if AUTHORITY_COLUMN in frame.columns:
        return frame
    return frame.select(pl.lit(code, dtype=pl.String).alias(AUTHORITY_COLUMN), pl.all())


def empty_table(name: str) -> pl.DataFrame:
    return pl.DataFrame(schema=dict(SCHEMAS[name]))


def conform(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Put ``frame`` in the canonical column order and types, adding missing optional columns.

    Raises ``ValueError`` naming the table when a required column is missing, so a caller
    never builds a frame from tables that silently lack a milestone.
    """
    schema = SCHEMAS[name]
    missing = sorted(REQUIRED_COLUMNS[name] - set(frame.columns))
    if missing:
        raise ValueError(f"the {name} table has no {', '.join(missing)} column")
    columns = [AUTHORITY_COLUMN] if AUTHORITY_COLUMN in frame.columns else []
    expressions = [pl.col(AUTHORITY_COLUMN).cast(pl.String)] if columns else []
    for column, dtype in schema.items():
        if column in frame.columns:
            expressions.append(pl.col(column).cast(dtype))
        else:
            expressions.append(pl.lit(None, dtype=dtype).alias(column))
    return frame.select(expressions)


def table_path(directory: Path, name: str) -> Path:
    return directory / f"{name}.csv"


def read_canonical_csv(directory: Path) -> JourneyTables:
    """Read the canonical CSV files, ISO dates, from ``directory`` (an optional table's
    file may be absent: the table is empty).

    This is the fast path for files the project wrote itself (``permanence synth``) or that
    an import has already validated: columns are read with their declared types and no
    inference, so "007" stays "007". Extracts from case recording systems go through
    ``permanence.ingest``, which reports problems row by row instead of failing.
    """
    tables: dict[str, pl.DataFrame] = {}
    for name, schema in SCHEMAS.items():
        path = table_path(directory, name)
        if name in OPTIONAL_TABLES and not path.exists():
            tables[name] = empty_table(name)
            continue
        header = pl.read_csv(path, n_rows=0, infer_schema=False).columns
        dtypes = {column: schema.get(column, pl.String) for column in header}
        frame = pl.read_csv(path, schema=dtypes, try_parse_dates=False)
        tables[name] = conform(name, frame)
    return JourneyTables(**tables)


def write_canonical_csv(tables: JourneyTables, directory: Path) -> list[Path]:
    """Write the tables as UTF-8 CSV with ISO dates; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = table_path(directory, name)
        frame.write_csv(path, date_format="%Y-%m-%d")
        written.append(path)
    return written


@dataclass(frozen=True, slots=True)
class RecordIdentity:
    """How a row of one table is recognised in a later extract, as a record already held.

    A row is matched, in this order (``journey.identity.match_records``):

    1. by ``record_id`` within the child, where both the row and the record carry one;
    2. by its natural key: ``parent`` and ``exact`` (every identifying column, dates
       included), which finds every record the system has not changed;
    3. as a correction: a record the extract no longer holds and a row that matched
       nothing, with the same ``parent`` and ``stable`` columns (none of them a date a
       system corrects), are the same record with its dates corrected. Several such
       records and rows are paired in the order of their ``order`` dates; where a table
       has a ``span`` (a start and an end), only records whose spans overlap are paired.

    So a corrected date replaces the old one, while events that genuinely repeat (a
    second review, a plan not agreed and then agreed) are still held in the extract and
    match themselves in step 2. ``docs/data-format.md`` ("Record identity") explains the
    rule to the people who prepare extracts, with a worked example.
    """

    parent: tuple[str, ...]
    """The columns naming the record this one belongs to: the child, or the care period."""
    exact: tuple[str, ...]
    """With ``parent``: the natural key, the record as long as nothing in it is corrected."""
    stable: tuple[str, ...]
    """With ``parent``: what a correction never changes (no dates)."""
    order: tuple[str, ...]
    """The dates (and numbers) that order leftover records and rows for pairing."""
    span: tuple[str, str] | None = None
    """A start and an end column: pair only records whose spans overlap."""

    @property
    def natural_key(self) -> tuple[str, ...]:
        return (*self.parent, *self.exact)


_CHILD = ("child_ref",)
_PERIOD = ("child_ref", "period_start")

IDENTITIES: dict[str, RecordIdentity] = {
    "children": RecordIdentity(parent=(), exact=_CHILD, stable=_CHILD, order=()),
    "care_periods": RecordIdentity(
        parent=_CHILD,
        exact=("period_start",),
        stable=(),
        order=("period_start",),
        span=("period_start", "period_end"),
    ),
    "placements": RecordIdentity(
        parent=_PERIOD,
        exact=("start_date", "placement_type"),
        stable=(),
        order=("start_date",),
        span=("start_date", "end_date"),
    ),
    "legal_statuses": RecordIdentity(
        parent=_PERIOD,
        exact=("legal_status", "start_date"),
        stable=(),
        order=("start_date",),
        span=("start_date", "end_date"),
    ),
    "meetings": RecordIdentity(
        parent=_PERIOD,
        exact=("meeting_kind", "review_number", "occasion"),
        stable=("meeting_kind",),
        order=("review_number", "due_date", "held_date"),
    ),
    "milestones": RecordIdentity(
        parent=_PERIOD,
        exact=("milestone", "date"),
        stable=("milestone",),
        order=("date",),
    ),
    # A checklist answer is known by its meeting and item, an action by its meeting and
    # words: a later extract's answer, owner or dates for them replace the earlier ones.
    "agenda_items": RecordIdentity(
        parent=_PERIOD,
        exact=("meeting_kind", "held_date", "item"),
        stable=("meeting_kind", "item"),
        order=("held_date",),
    ),
    "meeting_actions": RecordIdentity(
        parent=_PERIOD,
        exact=("meeting_kind", "held_date", "action"),
        stable=("meeting_kind", "action"),
        order=("held_date",),
    ),
}
"""Each table's record identity (see ``RecordIdentity``).

The children table is its own: a child is known by ``child_ref``, the system's reference,
and a different reference is a different child. A placement or a legal status may be
corrected in its kind as well as its dates (a foster placement recorded as kinship care),
so its stable key is the care period alone; a meeting or a milestone keeps its kind (a
recommendation corrected is still a recommendation).

A meeting's natural key is built from what survives an export: a Looked After Child
review is known by its number (its due date may be moved and it is still the same
review); any other meeting, or a review without a number, by its kind and its
``occasion``: the due date where one is given, else the date held. Filling in the date a
planned meeting was held therefore updates the same meeting.
"""

NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    table: identity.natural_key for table, identity in IDENTITIES.items()
}
"""Each table's natural key: two rows of one extract with the same key (and no record ids
to tell them apart) are two versions of one record."""


def meeting_occasion() -> pl.Expr:
    """The date that identifies a meeting in its natural key (see ``NATURAL_KEYS``)."""
    numbered_review = (pl.col("meeting_kind") == MeetingKind.REVIEW.value) & pl.col(
        "review_number"
    ).is_not_null()
    return (
        pl.when(numbered_review)
        .then(pl.lit(None, dtype=pl.Date))
        .otherwise(pl.coalesce("due_date", "held_date"))
        .alias("occasion")
    )


_REVIEW = MeetingKind.REVIEW.value  # read once: a load asks for every meeting


def occasion_of(kind: str, number: int | None, due: date | None, held: date | None) -> date | None:
    """``meeting_occasion`` for one meeting's values (the loader's and the matcher's)."""
    if kind == _REVIEW and number is not None:
        return None
    return due if due is not None else held


def with_natural_key(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (typed canonical columns) with the columns its natural key needs added."""
    if table == "meetings":
        return frame.with_columns(meeting_occasion())
    return frame
