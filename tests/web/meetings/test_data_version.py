"""Saving a meeting, a checklist answer, an action or a decision moves the authority's
data version on, so every cached page reading the meetings (the journeys frame, the
measures, the overview's aims on them) is worked out afresh (web/kernel/versions.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from django.test import Client

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import LocalAim
from permanence.web.kernel import cache
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.kernel.versions import data_version
from permanence.web.meetings.models import MeetingAction, PlanDecision, PlanningMeeting
from permanence.web.records.models import Child

from ...core.conftest import journey_tables
from ..conftest import make_user


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.STORE.clear()
    yield
    cache.STORE.clear()


def test_each_record_saved_moves_the_data_version_on(
    authority_a: LocalAuthority, authority_b: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, journey_tables("A-0001"))
    with scoped_to(Scope.authority(authority_a.pk)):
        period = Child.objects.get().care_periods.get()
        other = data_version(authority_b.pk)
        seen = [data_version(authority_a.pk)]

        def moved() -> bool:
            seen.append(data_version(authority_a.pk))
            return seen[-1] != seen[-2]

        meeting = PlanningMeeting(
            authority=authority_a,
            care_period=period,
            kind="planning_2wk",
            held_date=date(2022, 1, 21),
        )
        meeting.start_agenda()
        assert moved()
        item = meeting.items.get(key="review_dates_set")
        item.state = "done"
        item.save()
        assert moved()
        action = MeetingAction.objects.create(
            authority=authority_a,
            meeting=meeting,
            what="Book",
            owner="SW",
            due_date=date(2022, 2, 1),
        )
        assert moved()
        action.done_on = date(2022, 1, 30)
        action.save()
        assert moved()
        PlanDecision.objects.create(
            authority=authority_a,
            care_period=period,
            kind="concurrent_planning",
            decided_on=date(2022, 1, 21),
        )
        assert moved()
        action.delete()
        assert moved()
        # Another authority's pages are untouched.
        assert data_version(authority_b.pk) == other


def test_the_overviews_aim_on_a_measure_follows_a_checklist_saved_on_its_page(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    """One two-week meeting in January 2022: the review dates not yet recorded (0 of 1),
    then ticked done on the meeting's page: 1 of 1, with nothing cleared by hand."""
    load(authority_a, journey_tables("A-0001"))
    with scoped_to(Scope.authority(authority_a.pk)):
        meeting = PlanningMeeting(
            authority=authority_a,
            care_period=Child.objects.get().care_periods.get(),
            kind="planning_2wk",
            held_date=date(2022, 1, 21),
        )
        meeting.start_agenda()
        LocalAim.objects.create(
            authority=authority_a,
            title="Review dates at two weeks",
            template="measure",
            measure="mtg_review_dates",
            target_percent=90,
            start_on_or_after=date(2022, 1, 1),
            by_date=date(2022, 3, 31),
            statement="By March 2022, 90% of two-week meetings will set all review dates.",
        )
        item = meeting.items.get(key="review_dates_set")
    client = Client()
    client.force_login(make_user(authority_a, Role.DATA_LEAD, "alpha"))
    assert "January 2022: 0 of 1 (0%)" in client.get("/").content.decode()
    saved = client.post(f"/meetings/{meeting.pk}/", {f"item_{item.pk}": "done"})
    assert saved.status_code == 302
    assert "January 2022: 1 of 1 (100%)" in client.get("/").content.decode()
