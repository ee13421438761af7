"""Loading canonical tables into the records: one transaction, matched by natural keys.

A load applies fully or not at all. Each row of the extract is matched to a record by
its natural key (``NATURAL_KEYS`` in ``permanence.journey.tables``): a new key adds a
record, a known key with different values updates it field by field, and a known key
with the same values writes nothing, so loading the same extract twice changes nothing.
A record the extract no longer holds is listed in the summary and left alone: nothing
is deleted silently. Every record written keeps the batch that wrote it, and every
write is kept in the records' history with the batch named as the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from permanence.journey.tables import NATURAL_KEYS, JourneyTables, with_natural_key
from permanence.journey.vocabulary import MeetingKind, Sex
from permanence.web.accounts.models import LocalAuthority, Team, User
from permanence.web.records.models import (
    CarePeriod,
    Child,
    ChildRecord,
    ImportBatch,
    LegalStatus,
    Meeting,
    Milestone,
    Placement,
)
from permanence.web.records.signals import records_loaded
from permanence.web.tenancy.scope import Scope, scoped_to

Key = tuple[Any, ...]
#: Told, as the load goes, how many of the extract's rows it has been through so far.
LoadProgress = Callable[[int], None]
BATCH_SIZE = 2000
# The summary lists this many changed fields and missing records per table in full;
# the counts are always complete.
DETAIL_LIMIT = 500
# Text columns the models store as "" when blank (Django's convention for CharField).
_BLANKABLE_TEXT = frozenset(
    {"initials", "ethnicity", "disability", "destination", "outcome", "detail", "reason"}
)


@dataclass
class TableLoad:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    missing_count: int = 0
    field_changes: list[dict[str, Any]] = field(default_factory=list)
    missing: list[list[Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "no_longer_in_extract": self.missing_count,
            "field_changes": self.field_changes,
            "missing": self.missing,
        }


@dataclass
class LoadSummary:
    tables: dict[str, TableLoad] = field(default_factory=dict)

    @property
    def wrote_anything(self) -> bool:
        return any(table.added or table.changed for table in self.tables.values())

    def as_dict(self) -> dict[str, Any]:
        return {name: table.as_dict() for name, table in self.tables.items()}


@dataclass(frozen=True)
class _TableSpec:
    """How one canonical table maps onto one model."""

    model: type[ChildRecord]
    # Natural-key columns the model stores in its own fields (the rest it reaches by link).
    own_key_fields: tuple[str, ...]
    # Other columns the model stores; a difference in any of them is an update.
    value_fields: tuple[str, ...]
    # ``values_list`` lookups giving an existing record's natural key, in NATURAL_KEYS order.
    key_lookups: tuple[str, ...]


_PERIOD = ("care_period__child__child_ref", "care_period__period_start")

_SPECS: dict[str, _TableSpec] = {
    "children": _TableSpec(
        Child,
        ("child_ref",),
        ("initials", "date_of_birth", "sex", "ethnicity", "disability"),
        ("child_ref",),
    ),
    "care_periods": _TableSpec(
        CarePeriod,
        ("period_start",),
        ("period_end", "destination", "team_id"),
        ("child__child_ref", "period_start"),
    ),
    "placements": _TableSpec(
        Placement,
        ("placement_type", "start_date"),
        ("end_date",),
        (*_PERIOD, "start_date", "placement_type"),
    ),
    "legal_statuses": _TableSpec(
        LegalStatus,
        ("legal_status", "start_date"),
        ("end_date",),
        (*_PERIOD, "legal_status", "start_date"),
    ),
    "meetings": _TableSpec(
        Meeting,
        ("meeting_kind", "review_number"),
        ("due_date", "held_date", "outcome"),
        # The last two fold into the meeting's occasion (see journey.tables.NATURAL_KEYS).
        (*_PERIOD, "meeting_kind", "review_number", "due_date", "held_date"),
    ),
    "milestones": _TableSpec(
        Milestone,
        ("milestone", "date"),
        ("detail", "reason"),
        (*_PERIOD, "milestone", "date"),
    ),
}


def load_tables(
    tables: JourneyTables,
    *,
    authority: LocalAuthority,
    batch: ImportBatch,
    user: User | None = None,
    present: frozenset[str] | None = None,
    progress: LoadProgress | None = None,
) -> LoadSummary:
    """Bring ``authority``'s records in line with ``tables``; see the module docstring.

    ``present`` names the tables the extract actually held (all six when not given): a
    table the extract did not include is not reported as "no longer in the extract".
    ``progress`` hears how many rows have been loaded, as the load goes (the total is the
    six tables' rows together).
    """
    loader = _Loader(authority, batch, user, present, progress)
    with scoped_to(Scope.authority(authority.pk)), transaction.atomic():
        summary = loader.load(tables)
        batch.summary = {**batch.summary, "load": summary.as_dict()}
        batch.save(update_fields=["summary"])
        touched = loader.touched_periods
        transaction.on_commit(lambda: _announce(authority, batch, touched), robust=False)
        # Only an optimisation: if it fails, the load and its announcement stand.
        transaction.on_commit(refresh_planner_statistics, robust=True)
    return summary


def refresh_planner_statistics() -> None:
    """Let the database's query planner see the tables as they now are.

    Every query is scoped by authority, and without statistics SQLite's planner reads an
    authority's rows by the authority index rather than a care period's: a child's
    journey page then reads every placement, status and meeting of the authority
    (measured at 5,000 children: 43 ms of work per view before, 22 ms after). A load can
    change a table's size a hundredfold, so the statistics are refreshed after each.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")  # sampled: milliseconds
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            for spec in _SPECS.values():
                cursor.execute(f'ANALYZE "{spec.model._meta.db_table}"')


def _announce(authority: LocalAuthority, batch: ImportBatch, care_period_ids: set[int]) -> None:
    with scoped_to(Scope.authority(authority.pk)):
        records_loaded.send(
            sender=ImportBatch, authority=authority, batch=batch, care_period_ids=care_period_ids
        )


class _Loader:
    def __init__(
        self,
        authority: LocalAuthority,
        batch: ImportBatch,
        user: User | None,
        present: frozenset[str] | None,
        progress: LoadProgress | None = None,
    ) -> None:
        self.present = present
        self.progress: LoadProgress = progress or (lambda rows: None)
        # Rows of the tables already synchronised, for the progress.
        self.rows_before = 0
        self.authority = authority
        self.batch = batch
        self.user = user
        self.reason = f"Import batch {batch.pk}"
        self.summary = LoadSummary()
        # Care periods this load added or changed, or whose records it added or changed.
        self.touched_periods: set[int] = set()

    def load(self, tables: JourneyTables) -> LoadSummary:
        team_ids = self._ensure_teams(tables.care_periods)
        child_ids = self._sync("children", tables.children, lambda row: {})
        periods = tables.care_periods.with_columns(
            pl.col("team")
            .replace_strict(team_ids, default=None, return_dtype=pl.Int64)
            .alias("team_id")
        )
        period_ids = self._sync(
            "care_periods", periods, lambda row: {"child_id": child_ids[(row["child_ref"],)]}
        )

        def period_of(row: dict[str, Any]) -> dict[str, Any]:
            return {"care_period_id": period_ids[(row["child_ref"], row["period_start"])]}

        for name in ("placements", "legal_statuses", "meetings", "milestones"):
            self._sync(name, getattr(tables, name), period_of)
        return self.summary

    def _ensure_teams(self, care_periods: pl.DataFrame) -> dict[str, int]:
        names = set(care_periods.get_column("team").drop_nulls().unique().to_list())
        teams = dict(Team.objects.filter(name__in=names).values_list("name", "pk"))
        for name in sorted(names - teams.keys()):
            teams[name] = Team.objects.create(authority=self.authority, name=name).pk
        return teams

    def _sync(
        self,
        name: str,
        table: pl.DataFrame,
        parent: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> dict[Key, int]:
        """Add and update one table's records; returns natural key -> primary key."""
        spec = _SPECS[name]
        key_columns = NATURAL_KEYS[name]
        existing = _existing_records(name, spec)
        report = TableLoad()
        new_records: list[ChildRecord] = []
        new_keys: list[Key] = []
        changes: dict[int, dict[str, Any]] = {}
        seen: set[Key] = set()

        for row in with_natural_key(name, table).iter_rows(named=True):
            key = tuple(row[column] for column in key_columns)
            if key in seen:
                continue  # validation reports repeated keys; the first row wins
            seen.add(key)
            values = {column: _model_value(column, row) for column in spec.value_fields}
            if key not in existing:
                own = {column: _model_value(column, row) for column in spec.own_key_fields}
                new_records.append(
                    spec.model(
                        authority=self.authority,
                        source_batch=self.batch,
                        **own,
                        **values,
                        **parent(row),
                    )
                )
                new_keys.append(key)
                continue
            pk, stored = existing[key]
            different = {column: v for column, v in values.items() if stored[column] != v}
            if not different:
                report.unchanged += 1
                continue
            changes[pk] = different
            for column, new_value in different.items():
                if len(report.field_changes) < DETAIL_LIMIT:
                    report.field_changes.append(
                        {
                            "key": _jsonable(key),
                            "field": column.removesuffix("_id"),
                            "old": _jsonable_value(stored[column]),
                            "new": _jsonable_value(new_value),
                        }
                    )

        ids = {key: pk for key, (pk, _) in existing.items()}
        created = self._create(spec, new_records)
        for key, record in zip(new_keys, created, strict=True):
            ids[key] = record.pk
        updated = self._update(spec, changes)
        self._note_touched_periods([*created, *updated])

        held_in_extract = self.present is None or name in self.present
        missing = (
            sorted((key for key in existing if key not in seen), key=_sort_key)
            if held_in_extract
            else []
        )
        report.added = len(new_records)
        report.changed = len(changes)
        report.missing_count = len(missing)
        report.missing = [_jsonable(key) for key in missing[:DETAIL_LIMIT]]
        self.summary.tables[name] = report
        self.rows_before += table.height
        self.progress(self.rows_before)
        return ids

    def _create(self, spec: _TableSpec, records: list[ChildRecord]) -> list[ChildRecord]:
        created: list[ChildRecord] = []
        # A batch at a time, so the progress moves as the rows go in.
        for start in range(0, len(records), BATCH_SIZE):
            created += bulk_create_with_history(
                records[start : start + BATCH_SIZE],
                spec.model,
                batch_size=BATCH_SIZE,
                default_user=self.user,
                default_change_reason=self.reason,
            )
            self.progress(self.rows_before + len(created))
        return created

    def _note_touched_periods(self, records: list[ChildRecord]) -> None:
        for record in records:
            if isinstance(record, CarePeriod):
                self.touched_periods.add(record.pk)
            elif hasattr(record, "care_period_id"):
                self.touched_periods.add(record.care_period_id)

    def _update(self, spec: _TableSpec, changes: dict[int, dict[str, Any]]) -> list[ChildRecord]:
        if not changes:
            return []
        # History copies whole records, so update complete instances, not bare rows.
        records = spec.model._default_manager.in_bulk(list(changes))
        now = timezone.now()
        for pk, different in changes.items():
            record = records[pk]
            for column, value in different.items():
                setattr(record, column, value)
            record.source_batch = self.batch
            record.updated_at = now
        bulk_update_with_history(
            list(records.values()),
            spec.model,
            fields=[*spec.value_fields, "source_batch", "updated_at"],
            batch_size=BATCH_SIZE,
            default_user=self.user,
            default_change_reason=self.reason,
        )
        return list(records.values())


def _existing_records(name: str, spec: _TableSpec) -> dict[Key, tuple[int, dict[str, Any]]]:
    """Every record of the scoped authority: natural key -> (pk, stored values)."""
    rows = spec.model._default_manager.values_list("pk", *spec.key_lookups, *spec.value_fields)
    width = len(spec.key_lookups)
    existing: dict[Key, tuple[int, dict[str, Any]]] = {}
    for pk, *rest in rows.iterator(chunk_size=BATCH_SIZE):
        key = tuple(rest[:width])
        if name == "meetings":
            key = _meeting_key(key)
        existing[key] = (pk, dict(zip(spec.value_fields, rest[width:], strict=True)))
    return existing


def _meeting_key(stored: Key) -> Key:
    """A stored meeting's natural key: (child, period, kind, number, due, held) -> occasion.

    The same rule as ``journey.tables.meeting_occasion``: a numbered review is known by its
    number alone; any other meeting by its due date, or the date held when it has none.
    """
    child_ref, period_start, kind, number, due, held = stored
    numbered_review = kind == MeetingKind.REVIEW.value and number is not None
    occasion = None if numbered_review else (due if due is not None else held)
    return (child_ref, period_start, kind, number, occasion)


def _model_value(column: str, row: dict[str, Any]) -> Any:
    value = row.get(column)
    if value is None and column in _BLANKABLE_TEXT:
        return ""
    if value is None and column == "sex":
        return Sex.NOT_KNOWN.value  # validation blanks a sex it does not recognise
    return value


def _jsonable_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _jsonable(key: Key) -> list[Any]:
    return [_jsonable_value(part) for part in key]


def _sort_key(key: Key) -> tuple[str, ...]:
    return tuple("" if part is None else str(part) for part in key)
