"""The decisions that shape the plan on the due lists: a purposeful delay's date to look at
it again is listed as due (or overdue), and each child's row shows the decisions standing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from permanence.web.accounts.models import LocalAuthority, Team, User
from permanence.web.accounts.roles import Role
from permanence.web.audit.models import RecordView
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.models import PlanDecision
from permanence.web.planning.lists import due_lists, worker_periods
from permanence.web.planning.models import PlanningSettings

from .conftest import child_tables, combine, period_of


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def _long(day: date) -> str:
    return f"{day.day} {day:%b} {day.year}"


@pytest.fixture
def delays(
    authority_a: LocalAuthority, users_a: dict[Role, User], plan_import: Callable[..., object]
) -> User:
    """Four children of the Alpha Team looked after 70 days, each with a purposeful delay:
    D-0001's date to look again was 3 days ago; D-0002's is in 5 days; D-0003's in 60
    (beyond the 14 days of "due soon"); D-0004's was 10 days ago but it was looked at then
    and renewed for 90 days. D-0001 also has concurrent planning and legal advice asked."""
    plan_import(
        authority_a,
        combine(*(child_tables(f"D-000{n}", days_ago(70), initials="DD") for n in range(1, 5))),
    )
    practitioner = users_a[Role.PRACTITIONER]
    today = timezone.localdate()
    with scoped_to(Scope.authority(authority_a.pk)):
        practitioner.team = Team.objects.get(name="Alpha Team")
        practitioner.save()

        def decide(ref: str, kind: str, decided: date, again: date | None = None) -> None:
            PlanDecision.objects.create(
                authority=authority_a,
                care_period=period_of(authority_a, ref),
                kind=kind,
                decided_on=decided,
                decided_by="team leader",
                reason="the parents' assessment is nearly done" if again else "",
                look_again_on=again,
            )

        decide("D-0001", "purposeful_delay", days_ago(40), today - timedelta(days=3))
        decide("D-0001", "concurrent_planning", days_ago(60))
        decide("D-0001", "legal_advice_requested", days_ago(50))
        decide("D-0002", "purposeful_delay", days_ago(30), today + timedelta(days=5))
        decide("D-0003", "purposeful_delay", days_ago(30), today + timedelta(days=60))
        decide("D-0004", "purposeful_delay", days_ago(50), today - timedelta(days=10))
        decide("D-0004", "purposeful_delay", days_ago(10), today + timedelta(days=90))
    return practitioner


def test_a_delays_date_to_look_again_is_due_and_overdue(
    authority_a: LocalAuthority, delays: User
) -> None:
    today = timezone.localdate()
    with scoped_to(Scope.authority(authority_a.pk)):
        settings = PlanningSettings.for_authority(authority_a.pk)
        lists = due_lists(worker_periods(delays, today), today, settings)
    rows = [(row.child.child_ref, row.overdue, row.days) for row in lists.look_again]
    assert rows == [("D-0001", True, 3), ("D-0002", False, 5)]


def test_the_list_shows_the_delays_and_each_childs_standing_decisions(
    authority_a: LocalAuthority, delays: User
) -> None:
    client = Client()
    client.force_login(delays)
    response = client.get("/planning/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Purposeful delays to look at again (2)" in page
    assert "3 overdue" in page and "5 left" in page
    assert f"Concurrent planning since {_long(days_ago(60))}" in page
    assert f"Legal advice requested {_long(days_ago(50))}, not yet received" in page
    again = timezone.localdate() - timedelta(days=3)
    assert f"Purposeful delay from {_long(days_ago(40))}, to look at again on {_long(again)}" in (
        page
    )
    with scoped_to(Scope.authority(authority_a.pk)):
        logged = set(
            RecordView.objects.filter(viewer=delays, what="what's due").values_list(
                "child_ref", flat=True
            )
        )
    assert {"D-0001", "D-0002"} <= logged
