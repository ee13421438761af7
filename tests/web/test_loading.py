"""Loading canonical tables: all or nothing, repeatable, updates by natural key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from permanence.journey.tables import JourneyTables
from permanence.web.accounts.models import LocalAuthority, Team
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records import loading
from permanence.web.records.loading import LoadSummary
from permanence.web.records.models import (
    AbsentRecord,
    CarePeriod,
    Child,
    ImportBatch,
    LegalStatus,
    Meeting,
    Milestone,
    Placement,
)
from permanence.web.records.signals import records_loaded

from .conftest import journey_tables

RECORD_MODELS = (Child, CarePeriod, Placement, LegalStatus, Meeting, Milestone)


def _counts() -> dict[str, int]:
    with scoped_to(Scope.everything()):
        counts = {model.__name__: model.objects.count() for model in RECORD_MODELS}
        counts.update({f"history of {m.__name__}": m.history.count() for m in RECORD_MODELS})
        counts["teams"] = Team.objects.count()
    return counts


def test_a_first_load_adds_every_record_and_keeps_references_as_given(
    authority_a: LocalAuthority, load: Callable[..., LoadSummary]
) -> None:
    summary = load(authority_a, journey_tables("007"))
    assert {name: t.added for name, t in summary.tables.items()} == {
        "children": 1,
        "care_periods": 1,
        "placements": 1,
        "legal_statuses": 1,
        "meetings": 3,
        "milestones": 2,
    }
    with scoped_to(Scope.authority(authority_a.pk)):
        child = Child.objects.get()
        assert child.child_ref == "007"
        assert child.source_batch is not None
        period = CarePeriod.objects.get()
        assert period.team is not None and period.team.name == "Alpha Team"
        assert Meeting.objects.filter(source_batch=child.source_batch).count() == 3


def test_loading_the_same_extract_twice_changes_nothing(
    authority_a: LocalAuthority, load: Callable[..., LoadSummary]
) -> None:
    load(authority_a, journey_tables("007"))
    before = _counts()
    summary = load(authority_a, journey_tables("007"))
    assert not summary.wrote_anything
    assert summary.tables["meetings"].unchanged == 3
    assert _counts() == before


def test_a_later_extract_updates_records_field_by_field(
    authority_a: LocalAuthority, load: Callable[..., LoadSummary]
) -> None:
    load(authority_a, journey_tables("007"))
    later = journey_tables("007")
    later = JourneyTables(
        **{
            **dict(later.items()),
            "care_periods": later.care_periods.with_columns(
                pl.lit(date(2023, 3, 1)).alias("period_end"),
                pl.lit("adoption").alias("destination"),
            ),
            # The second review has now been held: same review, now with a date held.
            "meetings": later.meetings.with_columns(
                pl.when(pl.col("review_number") == 2)
                .then(pl.lit(date(2022, 5, 20)))
                .otherwise(pl.col("held_date"))
                .alias("held_date")
            ),
        }
    )
    summary = load(authority_a, later, "later.csv")
    periods = summary.tables["care_periods"]
    assert periods.changed == 1 and periods.added == 0
    changed_fields = {change["field"]: change for change in periods.field_changes}
    assert changed_fields["period_end"]["old"] is None
    assert changed_fields["period_end"]["new"] == "2023-03-01"
    assert changed_fields["destination"]["new"] == "adoption"
    assert summary.tables["meetings"].changed == 1
    assert summary.tables["meetings"].added == 0
    with scoped_to(Scope.authority(authority_a.pk)):
        period = CarePeriod.objects.get()
        assert period.period_end == date(2023, 3, 1)
        assert period.source_batch is not None and period.source_batch.source == "later.csv"
        latest = period.history.first()
        assert latest is not None and latest.history_type == "~"
        assert latest.history_change_reason.startswith("Import batch")


def test_records_missing_from_a_later_extract_are_reported_not_deleted(
    authority_a: LocalAuthority, load: Callable[..., LoadSummary]
) -> None:
    load(authority_a, journey_tables("007"))
    tables = journey_tables("007")
    fewer = JourneyTables(**{**dict(tables.items()), "milestones": tables.milestones.head(1)})
    summary = load(authority_a, fewer)
    assert summary.tables["milestones"].missing_count == 1
    assert summary.tables["milestones"].missing == [
        "Child 007: Agency decision maker decision on 01/08/2022 (Plan agreed), "
        "care period from 10/01/2022"
    ]
    with scoped_to(Scope.authority(authority_a.pk)):
        # Still counted, and listed for a data lead to keep or remove.
        assert Milestone.objects.count() == 2
        absent = AbsentRecord.objects.get()
        assert absent.status == AbsentRecord.Status.AWAITING
        assert absent.table == "milestones" and absent.child_ref == "007"
        assert absent.description.startswith("Child 007: Agency decision maker decision")


def test_a_load_that_fails_half_way_leaves_the_database_as_it_was(
    authority_a: LocalAuthority, load: Callable[..., LoadSummary], monkeypatch: pytest.MonkeyPatch
) -> None:
    load(authority_a, journey_tables("007"))
    before = _counts()
    real_create = loading._Loader._create

    def fail_on_meetings(self: loading._Loader, spec: object, records: list[object]) -> object:
        if records and isinstance(records[0], Meeting):
            raise RuntimeError("the disk is full")
        return real_create(self, spec, records)  # type: ignore[arg-type]

    monkeypatch.setattr(loading._Loader, "_create", fail_on_meetings)
    with pytest.raises(RuntimeError, match="disk is full"):
        load(authority_a, journey_tables("0099", team="A new team"))
    assert _counts() == before


def test_loading_one_authority_never_touches_another(
    authority_a: LocalAuthority, authority_b: LocalAuthority, load: Callable[..., LoadSummary]
) -> None:
    load(authority_a, journey_tables("007"))
    summary = load(authority_b, journey_tables("007"))
    # The same reference in another authority is another child.
    assert summary.tables["children"].added == 1
    with scoped_to(Scope.everything()):
        assert Child.objects.count() == 2
        assert ImportBatch.objects.filter(authority=authority_b).count() == 1


@pytest.mark.django_db(transaction=True)
def test_listeners_hear_which_care_periods_a_load_touched(
    authority_a: LocalAuthority, load: Callable[..., LoadSummary]
) -> None:
    heard: list[set[int]] = []

    def listener(sender: object, care_period_ids: set[int], **kwargs: object) -> None:
        heard.append(care_period_ids)

    records_loaded.connect(listener)
    try:
        load(authority_a, journey_tables("007"))
        load(authority_a, journey_tables("007"))  # nothing changes the second time
    finally:
        records_loaded.disconnect(listener)
    with scoped_to(Scope.authority(authority_a.pk)):
        period = CarePeriod.objects.get()
    assert heard == [{period.pk}, set()]


def _sqlite_planner_knows_placements() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return False
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'records_placement'")
        return bool(cursor.fetchone()[0])


def test_a_load_refreshes_the_query_planners_statistics(
    authority_a: LocalAuthority,
    load: Callable[..., LoadSummary],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # Without them SQLite reads a child's journey through the whole authority's rows.
    if connection.vendor == "sqlite":
        assert not _sqlite_planner_knows_placements()
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        load(authority_a, journey_tables("007"))
    analysed = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]
    assert analysed, "no ANALYZE after the load"
    if connection.vendor == "sqlite":
        assert _sqlite_planner_knows_placements()
    else:  # PostgreSQL analyses each records table by name
        assert any("records_placement" in sql for sql in analysed)
