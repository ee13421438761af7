"""Loading canonical tables into the records: one transaction, matched by record identity.

A load applies fully or not at all. Each row of the extract is matched to a record
already held (``journey.identity.match_records``): by the system's own record id where the
extract gives one, else by its natural key, else as a correction of a record the extract
no longer holds (the same child, care period and kind, its dates corrected). A matched
row with different values updates its record field by field; one with the same values
writes nothing, so loading the same extract twice changes nothing; a row that matches
nothing adds a record.

A record loaded from an earlier extract that this one no longer holds is never dropped
silently and never kept silently: it stays in the figures, is listed for a data lead to
keep or remove (``AbsentRecord``) and queried on this import (RECORD001). An extract
that replaces the records of the children it holds (``ImportBatch.replaces_children``)
removes such records of its children instead, each noted as replaced. Records typed in
by hand are never taken for missing. Every record written keeps the batch that wrote it,
and every write and removal is kept in the records' history with the batch named as the
reason.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

import polars as pl
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from permanence.ingest.describe import describe_record
from permanence.ingest.rules import all_rules
from permanence.ingest.rules.load import RECORD_GONE
from permanence.journey.identity import Candidate, candidate, match_records
from permanence.journey.tables import IDENTITIES, JourneyTables
from permanence.journey.vocabulary import Sex
from permanence.web.accounts.models import LocalAuthority, Team, User
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.entered_milestones import TYPED_IN
from permanence.web.records.meeting_details import load_meeting_details
from permanence.web.records.models import (
    AbsentRecord,
    CarePeriod,
    Child,
    ChildRecord,
    ImportBatch,
    ImportIssue,
    LegalStatus,
    Meeting,
    Milestone,
    Placement,
)
from permanence.web.records.signals import records_loaded

Key = tuple[Any, ...]
#: Told, as the load goes, how many of the extract's rows it has been through so far.
LoadProgress = Callable[[int], None]
BATCH_SIZE = 2000
# The summary lists this many changed fields and missing records per table in full;
# the counts are always complete.
DETAIL_LIMIT = 500
# Text columns the models store as "" when blank (Django's convention for CharField).
_BLANKABLE_TEXT = frozenset(
    {
        "initials",
        "ethnicity",
        "disability",
        "sibling_group",
        "destination",
        "outcome",
        "detail",
        "reason",
        "record_id",
        "attended",
        "decided_by",
    }
)


@dataclass
class TableLoad:
    """What one table's load did. ``changed`` counts every record updated; ``corrected``
    those of them found as corrections (their identifying dates or kind changed)."""

    added: int = 0
    changed: int = 0
    corrected: int = 0
    unchanged: int = 0
    missing_count: int = 0
    removed: int = 0
    left_alone: int = 0
    field_changes: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "changed": self.changed,
            "corrected": self.corrected,
            "unchanged": self.unchanged,
            "no_longer_in_extract": self.missing_count,
            "removed": self.removed,
            "children_not_in_extract": self.left_alone,
            "field_changes": self.field_changes,
            "missing": self.missing,
        }


@dataclass
class LoadSummary:
    tables: dict[str, TableLoad] = field(default_factory=dict)
    details: dict[str, dict[str, Any]] = field(default_factory=dict)
    """What the load did with the agenda checklists and actions (``meeting_details``), by
    table: the meetings app's own counts."""

    @property
    def wrote_anything(self) -> bool:
        return any(
            table.added or table.changed or table.removed for table in self.tables.values()
        ) or any(detail.get("added") or detail.get("changed") for detail in self.details.values())

    def as_dict(self) -> dict[str, Any]:
        return {name: table.as_dict() for name, table in self.tables.items()} | self.details


@dataclass(frozen=True)
class _TableSpec:
    """How one canonical table maps onto one model."""

    model: type[ChildRecord]
    # The canonical columns the model stores in its own fields (``team`` as ``team_id``);
    # a difference in any of them is an update.
    fields: tuple[str, ...]
    # The model's link to the record it belongs to (None for a child).
    parent_field: str | None
    # The lookup of the child's reference from the model.
    child_lookup: str
    # The lookup of the care period's start, for the records of a care period.
    period_lookup: str | None


_IN_PERIOD = ("care_period_id", "care_period__child__child_ref", "care_period__period_start")

_SPECS: dict[str, _TableSpec] = {
    "children": _TableSpec(
        Child,
        (
            "child_ref",
            "initials",
            "date_of_birth",
            "sex",
            "ethnicity",
            "disability",
            "sibling_group",
        ),
        None,
        "child_ref",
        None,
    ),
    "care_periods": _TableSpec(
        CarePeriod,
        ("period_start", "period_end", "destination", "team_id", "record_id"),
        "child_id",
        "child__child_ref",
        "period_start",
    ),
    "placements": _TableSpec(
        Placement, ("placement_type", "start_date", "end_date", "record_id"), *_IN_PERIOD
    ),
    "legal_statuses": _TableSpec(
        LegalStatus, ("legal_status", "start_date", "end_date", "record_id"), *_IN_PERIOD
    ),
    "meetings": _TableSpec(
        Meeting,
        (
            "meeting_kind",
            "review_number",
            "due_date",
            "held_date",
            "outcome",
            "record_id",
            "attended",
        ),
        *_IN_PERIOD,
    ),
    "milestones": _TableSpec(
        Milestone,
        ("milestone", "date", "detail", "reason", "record_id", "look_again_on", "decided_by"),
        *_IN_PERIOD,
    ),
}


class _Held(NamedTuple):
    """A record already held, as the matching and the report need it."""

    pk: int
    child_ref: str
    period_start: date | None
    parent: int | None
    from_extract: bool
    values: dict[str, Any]


@dataclass(frozen=True)
class _Gone:
    """A record held, loaded from an extract, that this extract no longer holds."""

    table: str
    record: _Held


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
        # The agenda checklists and actions, in the same transaction (meeting_details).
        summary.details = load_meeting_details(tables, batch)
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
        self.gone: list[_Gone] = []
        self.matched: dict[str, set[int]] = {}

    def load(self, tables: JourneyTables) -> LoadSummary:
        team_ids = self._ensure_teams(tables.care_periods)
        child_ids = self._sync("children", tables.children, lambda row: None)
        periods = tables.care_periods.with_columns(
            pl.col("team")
            .replace_strict(team_ids, default=None, return_dtype=pl.Int64)
            .alias("team_id")
        )
        period_ids = self._sync("care_periods", periods, lambda row: child_ids[(row["child_ref"],)])

        def period_of(row: dict[str, Any]) -> int:
            return period_ids[(row["child_ref"], row["period_start"])]

        for name in ("placements", "legal_statuses", "meetings", "milestones"):
            self._sync(name, getattr(tables, name), period_of)
        held = frozenset(tables.children.get_column("child_ref").to_list())
        _Absences(self, held).settle()
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
        parent: Callable[[dict[str, Any]], int | None],
    ) -> dict[Key, int]:
        """Add and update one table's records; returns each row's key -> primary key, the
        key being how the extract names the record to the tables below it."""
        spec = _SPECS[name]
        held = _held_records(spec)
        held_as = [_candidate(name, r.values, r.child_ref, r.parent) for r in held]
        rows, rows_as = _unique_rows(name, table, parent)
        matching = match_records(held_as, rows_as)
        report = TableLoad()
        changes: dict[int, dict[str, Any]] = {}
        for row_index, held_index, _ in matching.pairs:
            record, row = held[held_index], rows[row_index]
            different = _differences(spec, record, row)
            if not different:
                report.unchanged += 1
                continue
            changes[record.pk] = different
            # A correction: what identified the record (a date, a kind, its period) changed.
            was, now = held_as[held_index], rows_as[row_index]
            report.corrected += (was.exact, was.parent) != (now.exact, now.parent)
            self._note_changes(report, name, row, record, different)
        new_rows = [rows[index] for index in matching.new_rows]
        created = self._create(spec, [self._new_record(spec, row) for row in new_rows])
        updated = self._update(spec, changes)
        self._note_touched_periods([*created, *updated])
        report.added = len(created)
        report.changed = len(changes)
        self.summary.tables[name] = report
        self.rows_before += table.height
        self.progress(self.rows_before)

        self.matched[name] = {held[index].pk for _, index, _ in matching.pairs}
        if self.present is None or name in self.present:
            self.gone += [
                _Gone(name, held[index])
                for index in matching.gone_records
                if held[index].from_extract
            ]
        if name not in ("children", "care_periods"):
            return {}  # nothing below them names these records
        ids = {_row_key(name, rows[row]): held[record].pk for row, record, _ in matching.pairs}
        for row, new in zip(new_rows, created, strict=True):
            ids[_row_key(name, row)] = new.pk
        return ids

    def _new_record(self, spec: _TableSpec, row: dict[str, Any]) -> ChildRecord:
        own = {column: _model_value(column, row) for column in spec.fields}
        if spec.parent_field is not None:
            own[spec.parent_field] = row["_parent"]
        return spec.model(authority=self.authority, source_batch=self.batch, **own)

    def _note_changes(
        self,
        report: TableLoad,
        name: str,
        row: dict[str, Any],
        record: _Held,
        different: dict[str, Any],
    ) -> None:
        for column, new_value in different.items():
            if len(report.field_changes) >= DETAIL_LIMIT:
                return
            old_value = (
                record.values.get(column) if column != "care_period_id" else record.period_start
            )
            if column == "care_period_id":
                new_value = row["period_start"]
            report.field_changes.append(
                {
                    "key": _jsonable(_row_key(name, row)),
                    "record": describe_record(
                        name, {**record.values, "child_ref": record.child_ref}
                    ),
                    "field": column.removesuffix("_id") if column != "record_id" else column,
                    "old": _jsonable_value(old_value),
                    "new": _jsonable_value(new_value),
                }
            )

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
        changed_fields: set[str] = set()
        for pk, different in changes.items():
            record = records[pk]
            if spec.parent_field is not None and spec.parent_field in different:
                # A record moved to another care period: the old one is touched too.
                self.touched_periods.add(getattr(record, spec.parent_field))
            for column, value in different.items():
                setattr(record, column, value)
                changed_fields.add(column)
            record.source_batch = self.batch
            record.updated_at = now
        bulk_update_with_history(
            list(records.values()),
            spec.model,
            fields=[*sorted(changed_fields), "source_batch", "updated_at"],
            batch_size=BATCH_SIZE,
            default_user=self.user,
            default_change_reason=self.reason,
        )
        return list(records.values())


class _Absences:
    """What becomes of the records this extract no longer holds (see the module docstring),
    and of those that come back."""

    def __init__(self, loader: _Loader, held_children: frozenset[str]) -> None:
        self.loader = loader
        self.batch = loader.batch
        self.held_children = held_children
        self.now = timezone.now()
        periods = {
            item.record.parent
            for item in loader.gone
            if item.table not in ("children", "care_periods") and item.record.parent is not None
        }
        # Each care period's child, for the records of those periods (one query).
        self.period_children: dict[int | None, int] = dict(
            CarePeriod.objects.filter(pk__in=periods).values_list("pk", "child_id")
        )

    def settle(self) -> None:
        open_absences = {
            (absence.table, absence.record_pk): absence
            for absence in AbsentRecord.objects.filter(status__in=AbsentRecord.OPEN)
        }
        self._returned(open_absences)
        replaced = [gone for gone in self.loader.gone if self._replaced(gone)]
        remaining = [gone for gone in self.loader.gone if not self._replaced(gone)]
        if self.batch.replaces_children:
            self._count_left_alone(remaining)
            remaining = []
        self._remove_replaced(replaced, open_absences)
        awaiting = self._listed(remaining, open_absences)
        self._query(awaiting)

    def _replaced(self, gone: _Gone) -> bool:
        return self.batch.replaces_children and gone.record.child_ref in self.held_children

    def _returned(self, open_absences: dict[tuple[str, int], AbsentRecord]) -> None:
        back = [
            absence
            for (table, pk), absence in open_absences.items()
            if pk in self.loader.matched.get(table, set())
        ]
        for absence in back:
            absence.status = AbsentRecord.Status.RETURNED
            absence.decided_in = self.batch
            absence.decided_at = self.now
        self._save(back, ["status", "decided_in", "decided_at"])

    def _count_left_alone(self, gone: list[_Gone]) -> None:
        for item in gone:
            self.loader.summary.tables[item.table].left_alone += 1

    def _remove_replaced(
        self, replaced: list[_Gone], open_absences: dict[tuple[str, int], AbsentRecord]
    ) -> None:
        """Remove the held children's records the extract no longer holds, the records of
        a care period before the period, each with the batch named in its history."""
        notes: list[AbsentRecord] = []
        for table in reversed(list(_SPECS)):
            gone = [item for item in replaced if item.table == table]
            if not gone:
                continue
            spec = _SPECS[table]
            for record in spec.model._default_manager.filter(pk__in=[g.record.pk for g in gone]):
                remove_with_history(
                    record,
                    self.loader.user,
                    f"{self.loader.reason}: not in the extract, which replaces the child's records",
                )
            for item in gone:
                absence = open_absences.get((table, item.record.pk))
                if absence is not None:
                    absence.status = AbsentRecord.Status.REPLACED
                    absence.decided_in = self.batch
                    absence.decided_at = self.now
                    absence.decided_by = self.loader.user
                    notes.append(absence)
                else:
                    notes.append(self._absence(item, AbsentRecord.Status.REPLACED))
            report = self.loader.summary.tables[table]
            report.removed += len(gone)
            room = max(DETAIL_LIMIT - len(report.missing), 0)
            report.missing += [item_text(item) for item in gone[:room]]
            if table not in ("children", "care_periods"):
                self.loader.touched_periods.update(
                    item.record.parent for item in gone if item.record.parent is not None
                )
        self._save([n for n in notes if n.pk], ["status", "decided_in", "decided_at", "decided_by"])
        self._create([n for n in notes if not n.pk])

    def _listed(
        self, remaining: list[_Gone], open_absences: dict[tuple[str, int], AbsentRecord]
    ) -> list[AbsentRecord]:
        """Note each record no longer held (once: an earlier note stands), and return those
        still waiting for a decision."""
        new: list[AbsentRecord] = []
        awaiting: list[AbsentRecord] = []
        for item in remaining:
            report = self.loader.summary.tables[item.table]
            report.missing_count += 1
            if len(report.missing) < DETAIL_LIMIT:
                report.missing.append(item_text(item))
            absence = open_absences.get((item.table, item.record.pk))
            if absence is None:
                absence = self._absence(item, AbsentRecord.Status.AWAITING)
                new.append(absence)
            if absence.status == AbsentRecord.Status.AWAITING:
                awaiting.append(absence)
        self._create(new)
        return awaiting

    def _child_of(self, item: _Gone) -> int | None:
        """The child (key) a record no longer in the extract belongs to."""
        record = item.record
        if item.table == "children":
            return record.pk
        if item.table == "care_periods" or record.parent is None:
            return record.parent
        return self.period_children.get(record.parent)

    def _absence(self, item: _Gone, status: str) -> AbsentRecord:
        record = item.record
        decided = status != AbsentRecord.Status.AWAITING
        return AbsentRecord(
            authority=self.loader.authority,
            table=item.table,
            record_pk=record.pk,
            child_id=self._child_of(item),
            child_ref=record.child_ref,
            period_start=record.period_start,
            description=item_text(item),
            missing_from=self.batch,
            status=status,
            decided_by=self.loader.user if decided else None,
            decided_at=self.now if decided else None,
            decided_in=self.batch if decided else None,
        )

    def _query(self, awaiting: list[AbsentRecord]) -> None:
        """Raise RECORD001 on this import for every record still waiting for a decision."""
        if not awaiting:
            return
        rule = all_rules()[RECORD_GONE]
        ImportIssue.objects.bulk_create(
            (
                ImportIssue(
                    authority=self.loader.authority,
                    batch=self.batch,
                    rule=rule.code,
                    severity=rule.severity,
                    table=absence.table,
                    child_ref=absence.child_ref,
                    period_start=absence.period_start,
                    message=rule.message,
                    fix=rule.fix,
                    value=_missing_since(absence, self.batch),
                )
                for absence in awaiting
            ),
            batch_size=BATCH_SIZE,
        )
        _count_queries(self.batch, RECORD_GONE, len(awaiting))

    def _save(self, absences: list[AbsentRecord], fields: list[str]) -> None:
        if absences:
            bulk_update_with_history(
                absences,
                AbsentRecord,
                fields=fields,
                batch_size=BATCH_SIZE,
                default_user=self.loader.user,
                default_change_reason=self.loader.reason,
            )

    def _create(self, absences: list[AbsentRecord]) -> None:
        if absences:
            bulk_create_with_history(
                absences,
                AbsentRecord,
                batch_size=BATCH_SIZE,
                default_user=self.loader.user,
                default_change_reason=self.loader.reason,
            )


def remove_with_history(record: Any, user: User | None, reason: str) -> None:
    """Delete ``record``, its history naming who removed it and why."""
    record._change_reason = reason
    if user is not None:
        record._history_user = user
    record.delete()


def item_text(item: _Gone) -> str:
    record = item.record
    values = {**record.values, "child_ref": record.child_ref}
    text = describe_record(item.table, values)
    if item.table not in ("children", "care_periods") and record.period_start is not None:
        text += f", care period from {record.period_start:%d/%m/%Y}"
    return f"Child {record.child_ref}: {text}" if item.table != "children" else text


def _missing_since(absence: AbsentRecord, batch: ImportBatch) -> str:
    if absence.missing_from_id == batch.pk:
        return absence.description
    first = absence.missing_from
    return f"{absence.description}; not in any extract since import {first.pk}"


def _count_queries(batch: ImportBatch, rule: str, count: int) -> None:
    """Add the load's queries to the batch's figures, so its page and trend count them."""
    figures = batch.summary.setdefault("validation", {})
    figures["queries"] = figures.get("queries", 0) + count
    by_rule = [entry for entry in figures.get("by_rule", []) if entry.get("rule") != rule]
    figures["by_rule"] = [*by_rule, {"rule": rule, "severity": "query", "count": count}]
    figures["children_with_queries"] = (
        ImportIssue.objects.filter(batch=batch, severity="query")
        .exclude(child_ref="")
        .values("child_ref")
        .distinct()
        .count()
    )


def _held_records(spec: _TableSpec) -> list[_Held]:
    """Every record of the scoped authority, with what matching and reporting need."""
    lookups = [spec.child_lookup, spec.period_lookup or "pk", spec.parent_field or "pk"]
    records: QuerySet[Any] = spec.model._default_manager.all()
    if spec.model is Milestone:
        # A milestone typed in is never matched, changed or missed by an import: both
        # are kept, and the import's counts (``entered_milestones``).
        records = records.exclude(TYPED_IN)
    rows = records.values_list("pk", *lookups, "source_batch_id", *spec.fields).order_by("pk")
    held = []
    for pk, child_ref, period_start, parent, source_batch, *values in rows.iterator(
        chunk_size=BATCH_SIZE
    ):
        held.append(
            _Held(
                pk=pk,
                child_ref=child_ref,
                period_start=period_start if spec.period_lookup else None,
                parent=parent if spec.parent_field else None,
                from_extract=source_batch is not None,
                values=dict(zip(spec.fields, values, strict=True)),
            )
        )
    return held


def _unique_rows(
    name: str, table: pl.DataFrame, parent: Callable[[dict[str, Any]], int | None]
) -> tuple[list[dict[str, Any]], list[Candidate]]:
    """The table's rows with their parent's primary key, and each row's candidate; a row
    repeating the identity of an earlier one is left out (validation refuses such rows;
    the first would win)."""
    rows: list[dict[str, Any]] = []
    candidates: list[Candidate] = []
    seen: set[Hashable] = set()
    for row in table.iter_rows(named=True):
        row["_parent"] = parent(row)
        found = _candidate(name, row, row["child_ref"], row["_parent"])
        if found.record_id is not None:
            mark: Hashable = ("id", found.child, found.record_id)
        else:
            mark = ("key", found.parent, found.exact)
        if mark not in seen:
            seen.add(mark)
            rows.append(row)
            candidates.append(found)
    return rows, candidates


def _candidate(name: str, values: dict[str, Any], child: str, parent: int | None) -> Candidate:
    return candidate(name, values, child=child, parent=parent)


def _differences(spec: _TableSpec, record: _Held, row: dict[str, Any]) -> dict[str, Any]:
    """The model fields whose value the row changes."""
    different = {}
    for column in spec.fields:
        new = _model_value(column, row)
        if column == "record_id" and not new:
            continue  # an extract without record ids leaves the ids an earlier one gave
        if record.values[column] != new:
            different[column] = new
    if spec.parent_field == "care_period_id" and record.parent != row["_parent"]:
        different["care_period_id"] = row["_parent"]
    return different


def _row_key(name: str, row: dict[str, Any]) -> Key:
    """How the extract names a record to the tables below it (children and periods)."""
    if name == "children":
        return (row["child_ref"],)
    if name == "care_periods":
        return (row["child_ref"], row["period_start"])
    return tuple(row.get(column) for column in IDENTITIES[name].natural_key)


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
