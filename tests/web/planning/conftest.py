"""Journeys for the planning tests, loaded through the real import and planned by it.

An import announces the care periods it touched after its transaction commits; inside a
test the transaction never commits, so ``plan_import`` runs the commit callbacks as a
real commit would (pytest-django's ``django_capture_on_commit_callbacks``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import polars as pl
import pytest

from permanence.journey.tables import SCHEMAS, JourneyTables
from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import CarePeriod

Meeting = tuple[str, date | None, date | None, int | None]  # kind, due, held, number
Milestone = tuple[str, date, str | None]  # kind, date, detail


def child_tables(
    ref: str,
    accommodated: date,
    *,
    team: str = "Alpha Team",
    initials: str = "AB",
    born: date = date(2019, 5, 17),
    meetings: list[Meeting] | None = None,
    milestones: list[Milestone] | None = None,
    placements: list[tuple[str, date]] | None = None,
    period_end: date | None = None,
) -> JourneyTables:
    """One child, looked after and accommodated on ``accommodated`` in foster care."""

    def table(name: str, rows: list[dict[str, object]]) -> pl.DataFrame:
        return pl.DataFrame(rows, schema=dict(SCHEMAS[name]))

    period = {"child_ref": ref, "period_start": accommodated}
    return JourneyTables(
        children=table(
            "children",
            [{"child_ref": ref, "initials": initials, "date_of_birth": born, "sex": "female"}],
        ),
        care_periods=table(
            "care_periods",
            [
                {
                    **period,
                    "team": team,
                    "period_end": period_end,
                    "destination": "home" if period_end else None,
                }
            ],
        ),
        placements=table(
            "placements",
            [
                {**period, "placement_type": kind, "start_date": start}
                for kind, start in (placements or [("foster_la", accommodated)])
            ],
        ),
        legal_statuses=table(
            "legal_statuses", [{**period, "legal_status": "s25", "start_date": accommodated}]
        ),
        meetings=table(
            "meetings",
            [
                {
                    **period,
                    "meeting_kind": kind,
                    "due_date": due,
                    "held_date": held,
                    "review_number": number,
                }
                for kind, due, held, number in (meetings or [])
            ],
        ),
        milestones=table(
            "milestones",
            [
                {**period, "milestone": kind, "date": day, "detail": detail}
                for kind, day, detail in (milestones or [])
            ],
        ),
    )


def combine(*parts: JourneyTables) -> JourneyTables:
    return JourneyTables(
        **{
            name: pl.concat([dict(part.items())[name] for part in parts])
            for name, _ in parts[0].items()
        }
    )


@pytest.fixture
def plan_import(
    load: Callable[..., object], django_capture_on_commit_callbacks: Any
) -> Callable[..., object]:
    """Load tables for an authority and run what a real commit runs: the planning."""

    def _plan_import(authority: LocalAuthority, tables: JourneyTables) -> object:
        with django_capture_on_commit_callbacks(execute=True):
            return load(authority, tables)

    return _plan_import


@pytest.fixture
def committing(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """``with committing():`` runs on-commit callbacks at the end, as a commit would."""

    @contextmanager
    def _committing() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return _committing


def period_of(authority: LocalAuthority, ref: str) -> CarePeriod:
    with scoped_to(Scope.authority(authority.pk)):
        return CarePeriod.objects.select_related("child").get(child__child_ref=ref)
