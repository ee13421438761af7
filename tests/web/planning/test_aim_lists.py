"""The aim deadlines on the due lists: today's come from the authority's cached journeys
frame, cut to the children on the list; another day's are built for that day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from permanence.web.accounts.models import LocalAuthority, Team, User
from permanence.web.accounts.roles import Role
from permanence.web.dashboards import assembly
from permanence.web.kernel import cache
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning import lists
from permanence.web.planning.lists import DueLists, due_lists, team_periods, worker_periods
from permanence.web.planning.models import PlanningSettings

from .conftest import child_tables, combine


def weeks_ago(weeks: int) -> date:
    return timezone.localdate() - timedelta(weeks=weeks)


@pytest.fixture
def waiting(
    authority_a: LocalAuthority, users_a: dict[Role, User], plan_import: Callable[..., object]
) -> User:
    """Children waiting for a recommendation (Aim 2, 26 weeks): one past the deadline and
    one approaching it in the Alpha Team, one approaching it in the Beta Team."""
    plan_import(
        authority_a,
        combine(
            child_tables("W-0001", weeks_ago(30)),
            child_tables("W-0002", weeks_ago(24)),
            child_tables("W-0003", weeks_ago(24), team="Beta Team"),
        ),
    )
    practitioner = users_a[Role.PRACTITIONER]
    with scoped_to(Scope.authority(authority_a.pk)):
        practitioner.team = Team.objects.get(name="Alpha Team")
        practitioner.save()
    return practitioner


def aims(found: DueLists) -> dict[str, list[str]]:
    return {
        "past": [row.child.child_ref for row in found.aims_past if row.aim == "aim_2"],
        "approaching": [
            row.child.child_ref for row in found.aims_approaching if row.aim == "aim_2"
        ],
    }


def refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the journeys frame should not have been built here")


def test_todays_aims_come_from_the_cached_frame_and_only_for_the_list(
    authority_a: LocalAuthority, waiting: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = timezone.localdate()
    with scoped_to(Scope.authority(authority_a.pk)):
        settings = PlanningSettings.for_authority(authority_a.pk)
        monkeypatch.setattr(lists, "journeys_frame", refuse)
        mine = due_lists(worker_periods(waiting, today), today, settings)
        beta = due_lists(team_periods(Team.objects.get(name="Beta Team")), today, settings)
    assert aims(mine) == {"past": ["W-0001"], "approaching": ["W-0002"]}
    assert aims(beta) == {"past": [], "approaching": ["W-0003"]}


def test_the_cached_frame_gives_what_building_the_childrens_frame_gives(
    authority_a: LocalAuthority, waiting: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = timezone.localdate()
    with scoped_to(Scope.authority(authority_a.pk)):
        settings = PlanningSettings.for_authority(authority_a.pk)
        from_cache = due_lists(worker_periods(waiting, today), today, settings)
        # Another "today" for the cache: the list is built from the children's records.
        monkeypatch.setattr(cache, "today", lambda: today + timedelta(days=1))
        built = due_lists(worker_periods(waiting, today), today, settings)
    assert from_cache.aims_past == built.aims_past
    assert from_cache.aims_approaching == built.aims_approaching


def test_another_days_aims_are_built_for_that_day(
    authority_a: LocalAuthority, waiting: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Seven weeks ago W-0001 (then 23 weeks in) was approaching and W-0002 not yet near.
    day = timezone.localdate() - timedelta(weeks=7)
    monkeypatch.setattr(assembly, "journeys_frame", refuse)
    with scoped_to(Scope.authority(authority_a.pk)):
        settings = PlanningSettings.for_authority(authority_a.pk)
        then = due_lists(worker_periods(waiting, day), day, settings)
    assert aims(then) == {"past": [], "approaching": ["W-0001"]}
