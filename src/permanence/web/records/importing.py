"""Bringing an extract in: read and validate it (the core's ``ingest``), keep every issue
for the data-quality report, and load the clean rows in one transaction.

Two ways in share this module: ``permanence import`` (``import_extract``) and the web
upload, where a data lead first sees a preview of every issue (``preview_upload``) and
then confirms it, which queues the load for the worker (``records.tasks``, which runs
``confirm_upload``), or discards it.

One load at a time for each authority: both ways hold the authority's load lock
(``tasks.locks``) while they check and write the extract. The command line is refused at
once if another load holds it; the worker waits its turn.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from django.db import transaction
from django.utils import timezone

from permanence.ingest import Extract, TableCounts, Validation, read_extract, validate
from permanence.ingest.headings import heading_report
from permanence.ingest.quality_report import summarise
from permanence.ingest.readers import DEFAULT_MAX_BYTES
from permanence.ingest.validation import ISSUE_SCHEMA
from permanence.journey.tables import JourneyTables
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.loading import LoadProgress, LoadSummary, load_tables
from permanence.web.records.meeting_details import agenda_keys
from permanence.web.records.models import ImportBatch, ImportIssue
from permanence.web.tasks.locks import authority_load_lock


class AlreadyLoaded(Exception):  # noqa: N818 - a state of the batch, said to a person
    """The batch was loaded already (by an earlier try, or a second click)."""


class Stages:
    """Where a load has got to, for the person watching it (no-op unless told)."""

    def checking(self, rows: int) -> None:
        """Reading and checking ``rows`` rows again is starting."""

    def checked(self) -> None:
        """Every row has been checked."""

    def loading(self, rows: int) -> LoadProgress | None:
        """Writing ``rows`` rows is starting; returns what to tell as they go in."""
        return None


@dataclass(frozen=True)
class ImportOutcome:
    validation: Validation
    batch: ImportBatch | None  # None for a dry run
    load: LoadSummary | None


def check_extract(
    paths: Sequence[Path | str],
    *,
    profile: str | None,
    extract_date: date,
    max_bytes: int = DEFAULT_MAX_BYTES,
    authority: LocalAuthority | None = None,
) -> tuple[Extract, Validation]:
    """Read and validate an extract. Raises ``IngestError`` when it cannot be read at all.

    With ``authority``, an agenda checklist may use the item keys of its own agendas."""
    extract = read_extract(list(paths), profile, extract_date=extract_date, max_bytes=max_bytes)
    own_keys: dict[str, frozenset[str]] = {}
    if authority is not None:
        with scoped_to(Scope.authority(authority.pk)):
            own_keys = agenda_keys()
    return extract, validate(extract, agenda_keys=own_keys)


def import_extract(
    paths: Sequence[Path | str],
    *,
    authority: LocalAuthority,
    profile: str | None = None,
    extract_date: date,
    user: User | None = None,
    dry_run: bool = False,
    replaces_children: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    wait: bool = True,
) -> ImportOutcome:
    """Validate an extract and, unless ``dry_run``, load its clean rows for ``authority``.

    ``replaces_children``: the extract is the whole truth for the children it holds (see
    ``ImportBatch.replaces_children``). The load holds the authority's load lock: while
    another load holds it, this one waits (``wait``) or raises ``AuthorityBusy`` at once.
    """
    if dry_run:
        _, validation = check_extract(
            paths,
            profile=profile,
            extract_date=extract_date,
            max_bytes=max_bytes,
            authority=authority,
        )
        return ImportOutcome(validation, None, None)
    with authority_load_lock(authority, wait=wait):
        extract, validation = check_extract(
            paths,
            profile=profile,
            extract_date=extract_date,
            max_bytes=max_bytes,
            authority=authority,
        )
        with scoped_to(Scope.authority(authority.pk)), transaction.atomic():
            batch = _new_batch(
                authority,
                user,
                extract,
                validation,
                extract_date,
                replaces_children=replaces_children,
            )
            load = _load(batch, extract, validation, user)
    return ImportOutcome(validation, batch, load)


def preview_upload(
    upload_dir: Path,
    *,
    authority: LocalAuthority,
    profile: str | None,
    extract_date: date,
    user: User,
    replaces_children: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportBatch:
    """Validate uploaded files and keep the result as a batch waiting to be confirmed.

    Nothing is loaded: the batch holds the validation figures and every issue, so the data
    lead sees exactly what loading would do before choosing to. If the files cannot be
    read (or anything else fails) they are removed at once: they hold children's records,
    and with no batch to point at them nothing would ever remove them later.
    """
    try:
        extract, validation = check_extract(
            sorted(upload_dir.iterdir()),
            profile=profile,
            extract_date=extract_date,
            max_bytes=max_bytes,
            authority=authority,
        )
        with scoped_to(Scope.authority(authority.pk)), transaction.atomic():
            batch = _new_batch(
                authority,
                user,
                extract,
                validation,
                extract_date,
                upload_dir,
                replaces_children=replaces_children,
            )
            _store_issues(batch, validation.issues)
    except BaseException:
        shutil.rmtree(upload_dir, ignore_errors=True)
        raise
    return batch


def confirm_upload(
    batch: ImportBatch,
    user: User | None,
    *,
    wait: bool = True,
    stages: Stages | None = None,
) -> LoadSummary:
    """Load a previewed upload: validated again from its files, in one transaction.

    Holds the authority's load lock (waiting for it, or ``AuthorityBusy`` at once, as
    ``wait`` says) and, under it, the batch: a batch loaded meanwhile (a second click, an
    earlier try) raises ``AlreadyLoaded`` and is not loaded twice.
    """
    stages = stages or Stages()
    with authority_load_lock(batch.authority, wait=wait):
        _check_still_waiting(batch)
        upload_dir = Path(batch.upload_dir)
        stages.checking(_rows_read(batch))
        extract, validation = check_extract(
            sorted(upload_dir.iterdir()),
            profile=batch.profile or None,
            extract_date=batch.extract_date or timezone.localdate(),
            authority=batch.authority,
        )
        stages.checked()
        progress = stages.loading(sum(table.height for _, table in validation.tables.items()))
        with scoped_to(Scope.authority(batch.authority_id)), transaction.atomic():
            _check_still_waiting(batch, lock=True)
            batch.issues.all().delete()
            batch.summary = _summary(extract, validation)
            load = _load(batch, extract, validation, user, progress)
    shutil.rmtree(upload_dir, ignore_errors=True)
    return load


def _check_still_waiting(batch: ImportBatch, *, lock: bool = False) -> None:
    """The batch as it is now in the database (row-locked when asked): still previewed?"""
    with scoped_to(Scope.authority(batch.authority_id)):
        rows = ImportBatch.objects.filter(pk=batch.pk)
        if lock:
            rows = rows.select_for_update()
        status, upload_dir = rows.values_list("status", "upload_dir").get()
    batch.status, batch.upload_dir = status, upload_dir
    if status == ImportBatch.Status.LOADED:
        raise AlreadyLoaded(f"import {batch.pk} is loaded already")
    if status != ImportBatch.Status.PREVIEWED:
        raise ValueError("only an extract waiting to be loaded can be loaded")


def _rows_read(batch: ImportBatch) -> int:
    counts = batch.summary.get("validation", {}).get("counts", {})
    return sum(int(figures.get("read", 0)) for figures in counts.values())


def discard_upload(batch: ImportBatch) -> None:
    """Drop a previewed upload: its files go; the batch stays, marked discarded."""
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ValueError("only an extract waiting to be loaded can be discarded")
    shutil.rmtree(batch.upload_dir, ignore_errors=True)
    batch.status = ImportBatch.Status.DISCARDED
    batch.upload_dir = ""
    batch.save(update_fields=["status", "upload_dir"])


def _summary(extract: Extract, validation: Validation) -> dict[str, object]:
    """What a batch keeps of its check: the figures, and the headings of any file that
    lacks a column (beside those expected), so its page can say what to fix."""
    return {"validation": summarise(validation), "headings": heading_report(extract)}


def _new_batch(
    authority: LocalAuthority,
    user: User | None,
    extract: Extract,
    validation: Validation,
    extract_date: date,
    upload_dir: Path | None = None,
    *,
    replaces_children: bool = False,
) -> ImportBatch:
    """The record of one extract checked, waiting to be loaded (or loaded at once)."""
    return ImportBatch.objects.create(
        authority=authority,
        created_by=user,
        source=_source_names(validation),
        profile=validation.profile,
        extract_date=extract_date,
        status=ImportBatch.Status.PREVIEWED,
        upload_dir=str(upload_dir) if upload_dir is not None else "",
        replaces_children=replaces_children,
        summary=_summary(extract, validation),
    )


def _load(
    batch: ImportBatch,
    extract: Extract,
    validation: Validation,
    user: User | None,
    progress: LoadProgress | None = None,
) -> LoadSummary:
    if not batch.issues.exists():
        _store_issues(batch, validation.issues)
    load = load_tables(
        validation.tables,
        authority=batch.authority,
        batch=batch,
        user=user,
        present=extract.present,
        progress=progress,
    )
    batch.status = ImportBatch.Status.LOADED
    batch.loaded_at = timezone.now()
    batch.upload_dir = ""
    batch.save(update_fields=["status", "loaded_at", "upload_dir"])
    return load


def _store_issues(batch: ImportBatch, issues: pl.DataFrame) -> None:
    ImportIssue.objects.bulk_create(
        (
            ImportIssue(
                authority_id=batch.authority_id,
                batch=batch,
                rule=issue["rule"],
                severity=issue["severity"],
                table=issue["table"] or "",
                row=issue["row"],
                source=(issue["source"] or "")[:300],
                child_ref=issue["child_ref"] or "",
                period_start=issue["period_start"],
                fields=", ".join(issue["fields"] or [])[:200],
                message=issue["message"],
                fix=issue["fix"] or "",
                value=issue["value"] or "",
            )
            for issue in issues.iter_rows(named=True)
        ),
        batch_size=2000,
    )


def _source_names(validation: Validation) -> str:
    return ", ".join(Path(name).name for name in validation.files)[:500]


def stored_validation(batch: ImportBatch) -> Validation:
    """A batch's validation rebuilt from what was kept (its figures and its issues).

    The extract's files are not kept once loaded; the data-quality report is written from
    the stored issues, which are all it needs.
    """
    figures = batch.summary.get("validation", {})
    rows = list(
        batch.issues.values(
            "rule",
            "severity",
            "table",
            "row",
            "source",
            "child_ref",
            "period_start",
            "fields",
            "message",
            "fix",
            "value",
        )
    )
    issues = pl.DataFrame(
        [
            {
                **row,
                "table": row["table"] or None,
                "source": row["source"] or None,
                "child_ref": row["child_ref"] or None,
                "fields": [f for f in row["fields"].split(", ") if f],
                "fix": row["fix"] or None,
                "value": row["value"] or None,
            }
            for row in rows
        ],
        schema=ISSUE_SCHEMA,
        orient="row",
    )
    return Validation(
        tables=JourneyTables.empty(),
        source_rows={},
        issues=issues,
        counts={
            table: TableCounts(**counts) for table, counts in figures.get("counts", {}).items()
        },
        extract_date=batch.extract_date or batch.created_at.date(),
        profile=batch.profile,
        files=tuple(figures.get("files", [])),
    )
