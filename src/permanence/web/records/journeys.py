"""Records in the current authority scope, as the canonical tables and the journeys frame.

This is the web layer's only way into the analyses: it turns the scoped records into the
same six tables an import file gives, and hands them to ``build_journeys_frame``.

Apps above the records that hold what people type in beside the extract (the planning
meetings entered in the app) add it to the tables through ``add_to_the_tables_with``, so
every frame (the dashboards', the due lists', the national snapshot's) is built the one
way, with the same precedence rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import polars as pl
from django.db.models import Model, QuerySet

from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import AUTHORITY_COLUMN, SCHEMAS, JourneyTables
from permanence.web.records.entered_milestones import counted_milestones
from permanence.web.records.models import (
    CarePeriod,
    Child,
    LegalStatus,
    Meeting,
    Milestone,
    Placement,
)

_PERIOD = {
    "child_ref": "care_period__child__child_ref",
    "period_start": "care_period__period_start",
}

# Canonical column -> ORM lookup, per table; the canonical order comes from SCHEMAS.
_LOOKUPS: dict[str, tuple[type[Model], dict[str, str]]] = {
    "children": (Child, {}),
    "care_periods": (CarePeriod, {"child_ref": "child__child_ref", "team": "team__name"}),
    "placements": (Placement, _PERIOD),
    "legal_statuses": (LegalStatus, _PERIOD),
    "meetings": (Meeting, _PERIOD),
    "milestones": (Milestone, _PERIOD),
}


TablesAddition = Callable[[JourneyTables, Iterable[int] | None], JourneyTables]
"""Adds what an app holds to the records' tables (of the care periods given, or of every
period in scope), without writing to the records."""

_additions: list[TablesAddition] = []


def add_to_the_tables_with(addition: TablesAddition) -> None:
    """Say what an app adds to the records' tables before a frame is built (the meetings
    app, which sits above the records, hands its addition over when it is ready)."""
    if addition not in _additions:
        _additions.append(addition)


def journey_tables(children: QuerySet[Child] | None = None) -> JourneyTables:
    """The canonical tables of every record in scope, or of ``children`` only. (The
    agenda checklists and actions are the meetings app's: those tables are left empty.)"""
    return JourneyTables(**{name: _table(name, children) for name in _LOOKUPS})


def journeys_frame(as_of: date, children: QuerySet[Child] | None = None) -> pl.DataFrame:
    """The journeys frame of the records in scope (or of ``children``) as of ``as_of``, with
    what the apps above add to them (``add_to_the_tables_with``)."""
    tables = journey_tables(children)
    period_ids = (
        None
        if children is None
        else list(CarePeriod.objects.filter(child__in=children).values_list("pk", flat=True))
    )
    for addition in _additions:
        tables = addition(tables, period_ids)
    return build_journeys_frame(tables, as_of)


def _table(name: str, children: QuerySet[Child] | None) -> pl.DataFrame:
    model, lookups = _LOOKUPS[name]
    schema = SCHEMAS[name]
    columns = list(schema)
    queryset: QuerySet[Any] = model._default_manager.all()
    if model is Milestone:
        queryset = counted_milestones(queryset)  # the import's date wins (its module)
    if children is not None:
        child_lookup = "pk" if model is Child else lookups["child_ref"].removesuffix("__child_ref")
        queryset = queryset.filter(**{f"{child_lookup}__in": children.values("pk")})
    rows = queryset.values_list(
        "authority__code", *(lookups.get(column, column) for column in columns)
    )
    frame = pl.DataFrame(
        list(rows),
        schema={AUTHORITY_COLUMN: pl.String, **dict(schema)},
        orient="row",
    )
    # Django stores blank text as ""; the tables say "not recorded" with null.
    text = [column for column, dtype in schema.items() if dtype == pl.String]
    return frame.with_columns(
        [pl.when(pl.col(column) != "").then(pl.col(column)).alias(column) for column in text]
    )
