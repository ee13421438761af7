"""Two authorities with a child each, and a person of every role in each.

Authority B's records carry marker strings that must never appear in anything a person
of authority A can reach (see test_tenancy_walk.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import polars as pl
import pytest
from django.utils import timezone

from permanence.journey.tables import SCHEMAS, JourneyTables
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.loading import load_tables
from permanence.web.records.models import Child, ImportBatch, QueryAnswer

PASSWORD = "a-long-test-password"
B_MARKERS = ("B-SECRET-REF", "Bravo Council", "Bravo Locality Team", "bravo-")


def journey_tables(
    child_ref: str,
    *,
    team: str = "Alpha Team",
    initials: str = "AA",
    born: date = date(2019, 5, 17),
    looked_after: date = date(2022, 1, 10),
) -> JourneyTables:
    """One accommodated child with a recommendation, reviews and an agency decision."""

    def table(name: str, rows: list[dict[str, object]]) -> pl.DataFrame:
        return pl.DataFrame(rows, schema=dict(SCHEMAS[name]))

    period = {"child_ref": child_ref, "period_start": looked_after}
    return JourneyTables(
        children=table(
            "children",
            [
                {
                    "child_ref": child_ref,
                    "initials": initials,
                    "date_of_birth": born,
                    "sex": "female",
                }
            ],
        ),
        care_periods=table("care_periods", [{**period, "team": team}]),
        placements=table(
            "placements",
            [{**period, "placement_type": "foster_la", "start_date": looked_after}],
        ),
        legal_statuses=table(
            "legal_statuses",
            [{**period, "legal_status": "s25", "start_date": looked_after}],
        ),
        meetings=table(
            "meetings",
            [
                {
                    **period,
                    "meeting_kind": "planning_72h",
                    "due_date": date(2022, 1, 13),
                    "held_date": date(2022, 1, 13),
                },
                {
                    **period,
                    "meeting_kind": "review",
                    "review_number": 1,
                    "due_date": date(2022, 2, 21),
                    "held_date": date(2022, 2, 18),
                },
                {
                    **period,
                    "meeting_kind": "review",
                    "review_number": 2,
                    "due_date": date(2022, 5, 18),
                    "held_date": None,
                },
            ],
        ),
        milestones=table(
            "milestones",
            [
                {
                    **period,
                    "milestone": "permanence_recommendation",
                    "date": date(2022, 6, 1),
                    "detail": "adoption",
                },
                {
                    **period,
                    "milestone": "adm_decision",
                    "date": date(2022, 8, 1),
                    "detail": "agreed",
                },
            ],
        ),
    )


@pytest.fixture
def everything() -> Iterator[None]:
    """Set-up code sees every authority, as a system task would."""
    with scoped_to(Scope.everything()):
        yield


@pytest.fixture
def load() -> Callable[..., object]:
    def _load(authority: LocalAuthority, tables: JourneyTables, source: str = "test.csv") -> object:
        with scoped_to(Scope.authority(authority.pk)):
            batch = ImportBatch.objects.create(authority=authority, source=source)
        return load_tables(tables, authority=authority, batch=batch)

    return _load


@pytest.fixture
def authority_a(db: None) -> LocalAuthority:
    with scoped_to(Scope.everything()):
        return LocalAuthority.objects.create(code="ALPHA", name="Alpha Council")


@pytest.fixture
def authority_b(db: None) -> LocalAuthority:
    with scoped_to(Scope.everything()):
        return LocalAuthority.objects.create(code="BRAVO", name="Bravo Council")


def make_user(authority: LocalAuthority, role: Role, prefix: str) -> User:
    return User.objects.create_user(
        username=f"{prefix}-{role.value}",
        password=PASSWORD,
        email=f"{prefix}-{role.value}@example.invalid",
        authority=authority,
        role=role,
    )


@pytest.fixture
def users_a(authority_a: LocalAuthority) -> dict[Role, User]:
    return {role: make_user(authority_a, role, "alpha") for role in Role}


@pytest.fixture
def users_b(authority_b: LocalAuthority) -> dict[Role, User]:
    return {role: make_user(authority_b, role, "bravo") for role in Role}


@pytest.fixture
def two_authorities(
    authority_a: LocalAuthority,
    authority_b: LocalAuthority,
    users_a: dict[Role, User],
    users_b: dict[Role, User],
    load: Callable[..., object],
) -> tuple[LocalAuthority, LocalAuthority]:
    load(authority_a, journey_tables("A-0001"), "alpha.csv")
    bravo = journey_tables("B-SECRET-REF", team="Bravo Locality Team", initials="ZQ")
    load(authority_b, bravo, "bravo-extract.csv")
    # A later extract without B's agency decision: a record waiting for B's data lead.
    fewer = JourneyTables(**{**dict(bravo.items()), "milestones": bravo.milestones.head(1)})
    load(authority_b, fewer, "bravo-extract-2.csv")
    with scoped_to(Scope.authority(authority_b.pk)):
        child = Child.objects.get()
        QueryAnswer.objects.create(
            authority=authority_b,
            child=child,
            rule="OVERDUE001",
            kind=QueryAnswer.Kind.PURPOSEFUL_DELAY,
            reason="bravo-only reason",
            answered_by=users_b[Role.DATA_LEAD],
            answered_at=timezone.now(),
        )
    return authority_a, authority_b
