"""Recording a planning meeting, its checklist, actions and decisions on a child's pages:
the rules, the history kept, and the scope."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date

import pytest
from django.test import Client

from permanence.analysis.meetings import AGENDA_2WK, ItemState
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.models import (
    AgendaItemRecord,
    MeetingAction,
    PlanDecision,
    PlanningMeeting,
)
from permanence.web.records.models import Child

from ...core.conftest import journey_tables
from ..conftest import make_user


@pytest.fixture
def alpha(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> tuple[LocalAuthority, Child, Client, User]:
    load(authority_a, journey_tables("A-0001"))
    person = make_user(authority_a, Role.PRACTITIONER, "alpha")
    client = Client()
    client.force_login(person)
    with scoped_to(Scope.authority(authority_a.pk)):
        child = Child.objects.get()
    return authority_a, child, client, person


def _in(authority: LocalAuthority) -> AbstractContextManager[Scope]:
    return scoped_to(Scope.authority(authority.pk))


def test_a_two_week_meeting_is_recorded_with_the_shipped_agenda_as_its_checklist(
    alpha: tuple[LocalAuthority, Child, Client, User],
) -> None:
    authority, child, client, person = alpha
    page = client.get(f"/children/{child.pk}/meetings/new/")
    assert page.status_code == 200
    assert "Two-week planning meeting" in page.content.decode()
    with _in(authority):
        period_pk = child.care_periods.get().pk
    response = client.post(
        f"/children/{child.pk}/meetings/new/",
        {
            "care_period": period_pk,
            "kind_choice": "planning_2wk",
            "held_date": "2022-01-24",
            "attended": ["parents", "team_leader"],
        },
    )
    assert response.status_code == 302
    with _in(authority):
        meeting = PlanningMeeting.objects.get()
        assert response["Location"] == f"/meetings/{meeting.pk}/"
        assert meeting.entered_by == person
        assert meeting.attended == ["parents", "team_leader"]
        assert [i.key for i in meeting.items.all()] == [i.key for i in AGENDA_2WK.items]
        assert meeting.history.count() >= 1
        assert AgendaItemRecord.history.count() == len(AGENDA_2WK.items)


@pytest.mark.parametrize(
    ("held", "message"),
    [
        ("2022-01-09", "before the date looked after"),
        ("2099-01-01", "in the future"),
    ],
)
def test_a_meeting_date_is_checked_as_an_import_checks_it(
    alpha: tuple[LocalAuthority, Child, Client, User], held: str, message: str
) -> None:
    authority, child, client, _ = alpha
    with _in(authority):
        period_pk = child.care_periods.get().pk
    response = client.post(
        f"/children/{child.pk}/meetings/new/",
        {"care_period": period_pk, "kind_choice": "planning_2wk", "held_date": held},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    with _in(authority):
        assert not PlanningMeeting.objects.exists()


def _meeting(authority: LocalAuthority, child: Child, person: User) -> PlanningMeeting:
    with _in(authority):
        meeting = PlanningMeeting(
            authority=authority,
            care_period=child.care_periods.get(),
            kind="planning_2wk",
            held_date=date(2022, 1, 24),
            entered_by=person,
        )
        meeting.start_agenda()
        return meeting


def test_the_checklist_is_saved_item_by_item_and_not_applicable_needs_its_reason(
    alpha: tuple[LocalAuthority, Child, Client, User],
) -> None:
    authority, child, client, person = alpha
    meeting = _meeting(authority, child, person)
    with _in(authority):
        items = {item.key: item for item in meeting.items.all()}
    first, dates = items["permanence_discussed"], items["review_dates_set"]
    views = items["childs_views"]
    refused = client.post(
        f"/meetings/{meeting.pk}/",
        {f"item_{first.pk}": "done", f"item_{views.pk}": "not_applicable"},
    )
    assert refused.status_code == 200
    assert "Say why this item does not apply." in refused.content.decode()
    with _in(authority):
        first.refresh_from_db()
        assert first.state == ""  # nothing saved from a form with an error
    saved = client.post(
        f"/meetings/{meeting.pk}/",
        {
            f"item_{first.pk}": "done",
            f"item_{dates.pk}": "not_done",
            f"item_{views.pk}": "not_applicable",
            f"reason_{views.pk}": "a baby of three weeks",
        },
    )
    assert saved.status_code == 302
    with _in(authority):
        states = {i.key: (i.state, i.reason) for i in AgendaItemRecord.objects.all()}
        assert states["permanence_discussed"] == (ItemState.DONE, "")
        assert states["review_dates_set"] == (ItemState.NOT_DONE, "")
        assert states["childs_views"] == (ItemState.NOT_APPLICABLE, "a baby of three weeks")
        assert states["care_plan_agreed"] == ("", "")
        # Each change is in the item's history, with who made it.
        history = AgendaItemRecord.history.filter(id=views.pk).order_by("history_date")
        assert [h.state for h in history] == ["", "not_applicable"]


def test_an_action_is_logged_and_done_and_a_decision_follows_its_rules(
    alpha: tuple[LocalAuthority, Child, Client, User],
) -> None:
    authority, child, client, person = alpha
    meeting = _meeting(authority, child, person)
    logged = client.post(
        f"/meetings/{meeting.pk}/actions/new/",
        {
            "what": "Book the parenting assessment",
            "owner": "social worker",
            "due_date": "2022-02-07",
        },
    )
    assert logged.status_code == 302
    with _in(authority):
        action = MeetingAction.objects.get()
    done = client.post(
        f"/meetings/actions/{action.pk}/",
        {
            "what": action.what,
            "owner": action.owner,
            "due_date": "2022-02-07",
            "done_on": "2022-02-04",
        },
    )
    assert done.status_code == 302
    with _in(authority):
        period_pk = child.care_periods.get().pk
    no_reason = client.post(
        f"/children/{child.pk}/decisions/new/",
        {
            "care_period": period_pk,
            "kind": "purposeful_delay",
            "decided_on": "2022-01-24",
            "decided_by": "team leader",
        },
    )
    body = no_reason.content.decode()
    assert "Say why the delay is in the child" in body
    assert "Give the date the delay will be looked at again." in body
    recorded = client.post(
        f"/children/{child.pk}/decisions/new/",
        {
            "care_period": period_pk,
            "kind": "purposeful_delay",
            "decided_on": "2022-01-24",
            "decided_by": "team leader",
            "reason": "waiting for a sibling assessment",
            "look_again_on": "2022-03-01",
        },
    )
    assert recorded.status_code == 302
    page = client.get(f"/children/{child.pk}/meetings/").content.decode()
    assert "waiting for a sibling assessment" in page
    assert "Book the parenting assessment" not in page  # done: no longer open
    journey = client.get(f"/children/{child.pk}/").content.decode()
    assert "purposeful delay, in the child&#x27;s interest, decided by team leader" in journey
    assert "to be looked at again on 1 March 2022" in journey
    assert f"/children/{child.pk}/meetings/" in journey
    with _in(authority):
        assert PlanDecision.objects.get().entered_by == person


def test_a_viewer_may_not_open_a_childs_meetings(
    alpha: tuple[LocalAuthority, Child, Client, User],
) -> None:
    authority, child, _, person = alpha
    meeting = _meeting(authority, child, person)
    viewer = Client()
    viewer.force_login(make_user(authority, Role.VIEWER, "alpha"))
    for url in (f"/children/{child.pk}/meetings/", f"/meetings/{meeting.pk}/"):
        assert viewer.get(url).status_code == 403
