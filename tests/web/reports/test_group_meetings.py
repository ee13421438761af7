"""The Champions' Group's own meetings: recorded on their pages with who came, the pack
presented, the decisions and the actions; actions carried forward to every later meeting
until done; the next pack opens with those still open. Every change kept; scoped."""

from __future__ import annotations

import html
from datetime import date

import pytest
from django.test import Client

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import GroupAction, GroupMeeting
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.reports.assemble import group_actions

from ..conftest import make_user


def signed_in(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def data_lead(authority_a: LocalAuthority) -> User:
    return make_user(authority_a, Role.DATA_LEAD, "alpha")


@pytest.fixture
def three_meetings(authority_a: LocalAuthority) -> dict[str, GroupMeeting]:
    """1 March 2025: A (open), B (done 10 March), C (done 20 March) agreed.
    15 March: D (open) agreed. 29 March: nothing agreed."""
    with scoped_to(Scope.authority(authority_a.pk)):
        first, second, third = (
            GroupMeeting.objects.create(authority=authority_a, held_on=day)
            for day in (date(2025, 3, 1), date(2025, 3, 15), date(2025, 3, 29))
        )
        for what, meeting, due, done in (
            ("A", first, date(2025, 3, 14), None),
            ("B", first, date(2025, 3, 14), date(2025, 3, 10)),
            ("C", first, None, date(2025, 3, 20)),
            ("D", second, date(2025, 4, 30), None),
        ):
            GroupAction.objects.create(
                authority=authority_a,
                meeting=meeting,
                what=what,
                owner="Chair",
                due_on=due,
                done_on=done,
            )
    return {"first": first, "second": second, "third": third}


def test_a_meeting_is_recorded_with_who_came_the_pack_and_its_actions(
    authority_a: LocalAuthority, data_lead: User
) -> None:
    client = signed_in(data_lead)
    assert client.get("/reports/group/new/").status_code == 200
    response = client.post(
        "/reports/group/new/",
        {
            "held_on": "2025-03-01",
            "attended": ["social_work", "scra", "legal"],
            "pack_token": "",
            "pack_date": "2025-02-28",
            "decisions": "Test written legal advice in the east team\nAsk the courts to join",
            "notes": "",
        },
    )
    assert response.status_code == 302
    with scoped_to(Scope.authority(authority_a.pk)):
        meeting = GroupMeeting.objects.get()
    assert response["Location"] == f"/reports/group/{meeting.pk}/"
    response = client.post(
        f"/reports/group/{meeting.pk}/actions/new/",
        {
            "what": "Draft the legal advice template",
            "owner": "Legal services",
            "due_on": "2025-03-14",
        },
    )
    assert response.status_code == 302
    page = html.unescape(client.get(f"/reports/group/{meeting.pk}/").content.decode())
    # In the order of the list of agencies, whatever order they were ticked in.
    assert "Social work, Legal services, The Children's Reporter (SCRA)" in page
    assert "The pack of 28 February 2025" in page
    assert "<li>Ask the courts to join</li>" in page
    assert "Draft the legal advice template" in page
    with scoped_to(Scope.authority(authority_a.pk)):
        action = GroupAction.objects.get()
        assert (action.owner, action.due_on, action.done_on) == (
            "Legal services",
            date(2025, 3, 14),
            None,
        )
        # Done: said on the action's page, and kept in its history.
        response = client.post(
            f"/reports/group/actions/{action.pk}/",
            {
                "what": action.what,
                "owner": action.owner,
                "due_on": "2025-03-14",
                "done_on": "2025-03-12",
            },
        )
        assert response.status_code == 302
        assert GroupAction.history.filter(id=action.pk).count() == 2
        assert GroupMeeting.history.filter(id=meeting.pk).count() == 1


def test_actions_are_carried_forward_until_done(
    authority_a: LocalAuthority, data_lead: User, three_meetings: dict[str, GroupMeeting]
) -> None:
    with scoped_to(Scope.authority(authority_a.pk)):
        carried = {
            name: [action.what for action in meeting.carried_forward()]
            for name, meeting in three_meetings.items()
        }
    # On 15 March: A (open, due 14 March) and C (no date: last; done after, on 20 March);
    # B was done on 10 March.
    # On 29 March: A, and D from the 15 March meeting.
    assert carried == {"first": [], "second": ["A", "C"], "third": ["A", "D"]}
    page = signed_in(data_lead).get(f"/reports/group/{three_meetings['third'].pk}/")
    assert "Carried forward from earlier meetings (2)" in page.content.decode()
    listing = signed_in(data_lead).get("/reports/group/").content.decode()
    assert "Actions still open (2)" in listing


def test_the_pack_opens_with_the_actions_open_on_its_date(
    authority_a: LocalAuthority, three_meetings: dict[str, GroupMeeting]
) -> None:
    with scoped_to(Scope.authority(authority_a.pk)):
        # A pack for 25 March: A and D are open; B and C were done by then.
        on_the_25th = sorted(item.what for item in group_actions(as_of=date(2025, 3, 25)))
        # For 12 March: A and C (done later); B done on the 10th; D not yet agreed.
        on_the_12th = sorted(item.what for item in group_actions(as_of=date(2025, 3, 12)))
    assert on_the_25th == ["A", "D"]
    assert on_the_12th == ["A", "C"]


def test_the_rules_of_a_meeting_and_an_action(
    authority_a: LocalAuthority, data_lead: User, three_meetings: dict[str, GroupMeeting]
) -> None:
    client = signed_in(data_lead)
    future = client.post(
        "/reports/group/new/", {"held_on": "2999-01-01", "attended": [], "pack_token": ""}
    )
    assert "Record a meeting once it has been held." in future.content.decode()
    pack_after = client.post(
        "/reports/group/new/",
        {"held_on": "2025-03-01", "pack_date": "2025-03-02", "pack_token": ""},
    )
    assert "The pack presented cannot be dated after the meeting." in pack_after.content.decode()
    early = client.post(
        f"/reports/group/{three_meetings['second'].pk}/actions/new/",
        {"what": "Too early", "owner": "Chair", "due_on": "2025-03-14"},
    )
    assert "An action cannot be due before the meeting." in early.content.decode()
    with scoped_to(Scope.authority(authority_a.pk)):
        assert GroupMeeting.objects.count() == 3
        assert not GroupAction.objects.filter(what="Too early").exists()


def test_a_viewer_reads_the_meetings_but_cannot_record_one(
    authority_a: LocalAuthority, three_meetings: dict[str, GroupMeeting]
) -> None:
    viewer = signed_in(make_user(authority_a, Role.VIEWER, "alpha"))
    page = viewer.get("/reports/group/")
    assert page.status_code == 200
    assert "Record a meeting" not in page.content.decode()
    assert viewer.get("/reports/group/new/").status_code == 403


def test_another_authoritys_meeting_is_not_found(
    authority_b: LocalAuthority, data_lead: User
) -> None:
    with scoped_to(Scope.authority(authority_b.pk)):
        theirs = GroupMeeting.objects.create(authority=authority_b, held_on=date(2025, 3, 1))
    assert signed_in(data_lead).get(f"/reports/group/{theirs.pk}/").status_code == 404
