"""The aim deadlines on the due lists: today's come from the authority's cached journeys
frame, cut to the children on the list; another day's are built for that day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest
from django.utils import timezone

from permanence.journey.tables import SCHEMAS, JourneyTables
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


@pytest.fixture
def routes_and_orders(
    authority_a: LocalAuthority, users_a: dict[Role, User], plan_import: Callable[..., object]
) -> User:
    """Issue 13 on the due lists: a kinship care order plan agreed 15 weeks ago and not
    yet lodged; a permanence order plan agreed 20 weeks ago with only a kinship care order
    application lodged; and a child at home on a Compulsory Supervision Order for 108
    weeks (past its two-year point) with no Children's Hearing since."""
    agreed_kinship = child_tables(
        "K-0001",
        weeks_ago(40),
        milestones=[
            ("permanence_recommendation", weeks_ago(40), "kinship_order"),
            ("adm_decision", weeks_ago(15), "agreed"),
        ],
    )
    kinship_application = child_tables(
        "P-0001",
        weeks_ago(40),
        milestones=[
            ("permanence_recommendation", weeks_ago(40), "po"),
            ("adm_decision", weeks_ago(20), "agreed"),
            ("application_lodged", weeks_ago(18), "kinship_order"),
        ],
    )
    at_home = child_tables(
        "H-0001",
        weeks_ago(120),
        placements=[("foster_la", weeks_ago(120)), ("home", weeks_ago(108))],
    )
    period = {"child_ref": "H-0001", "period_start": weeks_ago(120)}
    at_home = JourneyTables(
        **{
            **dict(at_home.items()),
            "legal_statuses": pl.DataFrame(
                [
                    {
                        **period,
                        "legal_status": "s25",
                        "start_date": weeks_ago(120),
                        "end_date": weeks_ago(108),
                    },
                    {
                        **period,
                        "legal_status": "cso_home",
                        "start_date": weeks_ago(108),
                        "end_date": None,
                    },
                ],
                schema=dict(SCHEMAS["legal_statuses"]),
            ),
        }
    )
    plan_import(authority_a, combine(agreed_kinship, kinship_application, at_home))
    practitioner = users_a[Role.PRACTITIONER]
    with scoped_to(Scope.authority(authority_a.pk)):
        practitioner.team = Team.objects.get(name="Alpha Team")
        practitioner.save()
    return practitioner


def listed(found: DueLists) -> set[tuple[str, str, str]]:
    """(child, aim, past or approaching) for every aim row of the lists."""
    return {(row.child.child_ref, row.aim, "past") for row in found.aims_past} | {
        (row.child.child_ref, row.aim, "approaching") for row in found.aims_approaching
    }


def test_the_due_lists_follow_the_routes_the_authority_chose_for_aim_4(
    authority_a: LocalAuthority, routes_and_orders: User
) -> None:
    today = timezone.localdate()
    with scoped_to(Scope.authority(authority_a.pk)):
        settings = PlanningSettings.for_authority(authority_a.pk)
        default = listed(due_lists(worker_periods(routes_and_orders, today), today, settings))
        settings.aim_4_kinship_order = True
        settings.save()
        chosen = listed(due_lists(worker_periods(routes_and_orders, today), today, settings))
    # By default Aim 4 follows permanence orders and adoption: a kinship care order plan is
    # not counted, and a kinship care order application does not stop a permanence order
    # plan's clock (16 weeks from the agreement: past).
    assert {row for row in default if row[1] == "aim_4"} == {("P-0001", "aim_4", "past")}
    # Following kinship care orders too: the kinship plan approaches its deadline (a week
    # away) and the kinship application has stopped the other plan's clock.
    assert {row for row in chosen if row[1] == "aim_4"} == {("K-0001", "aim_4", "approaching")}


def test_the_due_lists_ask_for_the_hearings_review_of_an_order_at_home_at_two_years(
    authority_a: LocalAuthority, routes_and_orders: User
) -> None:
    today = timezone.localdate()
    with scoped_to(Scope.authority(authority_a.pk)):
        settings = PlanningSettings.for_authority(authority_a.pk)
        found = listed(due_lists(worker_periods(routes_and_orders, today), today, settings))
    # Aim 1: two years on the order at home passed four weeks ago with no Hearing since.
    assert {row for row in found if row[1] == "aim_1"} == {("H-0001", "aim_1", "past")}
    # Home without a recommendation: Aim 2's clock stopped, so it is not on the list.
    assert ("H-0001", "aim_2", "past") not in found
