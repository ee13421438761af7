"""A synthetic authority A for the dashboard tests, and authority B with its markers.

Authority A's children come from the project's generator, with every reference made
distinctive ("REF-" and the generated number) and every child's initials "XQZ", so a test
can search any page, chart spec or download for a child reference or initials and find
nothing by chance. A has an improvement project on Aim 2's clock (with a PDSA cycle and a
change implemented), so its charts carry the improvement start and tests of change.
The dashboards read "today" from ``cache.today``; the tests fix it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import polars as pl
import pytest
from django.test import Client

from permanence.journey.tables import JourneyTables
from permanence.synth import generate
from permanence.synth.generator import default_improvement_start
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import ChangeIdea, ImprovementProject, PdsaCycle
from permanence.web.kernel import cache
from permanence.web.kernel.scope import Scope, scoped_to

from ..conftest import PASSWORD, journey_tables

TODAY = date(2026, 9, 30)
IMPROVEMENT_START = default_improvement_start(TODAY)
INITIALS = "XQZ"
REF_PREFIX = "REF-"
CHILDREN = 90

__all__ = ["IMPROVEMENT_START", "INITIALS", "PASSWORD", "REF_PREFIX", "TODAY", "distinctive"]


def distinctive(tables: JourneyTables) -> JourneyTables:
    """The tables with every child reference prefixed and every child's initials XQZ."""

    def marked(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns((pl.lit(REF_PREFIX) + pl.col("child_ref")).alias("child_ref"))

    return JourneyTables(
        children=marked(tables.children).with_columns(pl.lit(INITIALS).alias("initials")),
        care_periods=marked(tables.care_periods),
        placements=marked(tables.placements),
        legal_statuses=marked(tables.legal_statuses),
        meetings=marked(tables.meetings),
        milestones=marked(tables.milestones),
    )


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every dashboard reads today's date as TODAY, and starts with an empty cache."""
    monkeypatch.setattr(cache, "today", lambda: TODAY)
    cache.STORE.clear()
    yield
    cache.STORE.clear()


@pytest.fixture
def synthetic(
    authority_a: LocalAuthority,
    authority_b: LocalAuthority,
    users_a: dict[Role, User],
    users_b: dict[Role, User],
    load: Callable[..., object],
) -> tuple[LocalAuthority, LocalAuthority]:
    load(authority_a, distinctive(generate(CHILDREN, 11, end=TODAY)), "alpha.csv")
    load(
        authority_b,
        journey_tables("B-SECRET-REF", team="Bravo Locality Team", initials="ZQ"),
        "bravo-extract.csv",
    )
    with scoped_to(Scope.authority(authority_a.pk)):
        project = ImprovementProject.objects.create(
            authority=authority_a,
            title="Permanence within 26 weeks",
            national_aim="aim_2",
            improvement_start=IMPROVEMENT_START,
        )
        idea = ChangeIdea.objects.create(
            authority=authority_a,
            project=project,
            title="2-week planning meeting",
            implemented_from=date(IMPROVEMENT_START.year + 1, 2, 1),
        )
        PdsaCycle.objects.create(
            authority=authority_a,
            change_idea=idea,
            hoped_to_achieve="Permanence is discussed with parents within 2 weeks.",
            started_on=IMPROVEMENT_START,
        )
    return authority_a, authority_b


def signed_in(client: Client, users: dict[Role, User], role: Role) -> Client:
    assert client.login(username=users[role].username, password=PASSWORD)
    return client


@pytest.fixture
def as_role(client: Client, users_a: dict[Role, User]) -> Callable[[Role], Client]:
    def _as(role: Role) -> Client:
        return signed_in(client, users_a, role)

    return _as


def a_children(authority: LocalAuthority) -> list[dict[str, Any]]:
    """A's children: reference, initials, date of birth and pk."""
    from permanence.web.records.models import Child

    with scoped_to(Scope.authority(authority.pk)):
        return list(Child.objects.values("pk", "child_ref", "initials", "date_of_birth"))
