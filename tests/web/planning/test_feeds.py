"""Calendar feeds: made by their owner, read back with icalendar, pseudonymous, revocable."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from icalendar import Calendar

from permanence.web.accounts.models import LocalAuthority, Team, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning.feeds import hash_token
from permanence.web.planning.lists import pseudonym_of
from permanence.web.planning.models import CalendarFeed

from ..conftest import B_MARKERS, PASSWORD
from .conftest import child_tables

ADDRESS = re.compile(r'value="(http://testserver/calendar/([A-Za-z0-9_-]+)\.ics)"')


@pytest.fixture
def practitioner(
    authority_a: LocalAuthority,
    authority_b: LocalAuthority,
    users_a: dict[Role, User],
    users_b: dict[Role, User],
    plan_import: Callable[..., object],
) -> User:
    # Ellie's second review is due 22 July 2025 (3 months from 22 April) and not held.
    plan_import(
        authority_a,
        child_tables(
            "E-0001",
            date(2025, 3, 14),
            initials="QX",
            meetings=[("review", None, date(2025, 4, 22), 1)],
        ),
    )
    plan_import(
        authority_b,
        child_tables("B-SECRET-REF", date(2025, 3, 14), team="Bravo Locality Team"),
    )
    person = users_a[Role.PRACTITIONER]
    with scoped_to(Scope.authority(authority_a.pk)):
        person.team = Team.objects.get(name="Alpha Team")
    person.save()
    return person


def make_feed(client: Client, of: str = "mine") -> tuple[str, str]:
    response = client.post("/planning/feeds/new/", {"of": of})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    found = ADDRESS.search(response.content.decode())
    assert found is not None
    return found[1], found[2]


def test_a_worker_makes_a_feed_and_a_calendar_app_reads_it(
    practitioner: User, client: Client
) -> None:
    client.login(username=practitioner.username, password=PASSWORD)
    address, token = make_feed(client)
    assert address == f"http://testserver/calendar/{token}.ics"
    client.logout()  # calendar apps cannot sign in

    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]).startswith("permanence: meetings due")
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    ellie = pseudonym_of("ALPHA", "E-0001")
    second = events[f"Looked After Child review 2 due: {ellie}"]
    assert second.decoded("DTSTART") == date(2025, 7, 22)
    assert second.decoded("DTEND") == date(2025, 7, 23)
    assert str(second["UID"]).startswith("planned-meeting-")
    assert "held on 22 April 2025" in str(second["DESCRIPTION"])
    # Only meetings still to happen: the first review was held.
    assert not any(summary.startswith("Looked After Child review 1 ") for summary in events)
    # Pseudonymous references only.
    text = response.content.decode()
    assert "E-0001" not in text
    assert "QX" not in text.replace(ellie, "")
    for marker in B_MARKERS:
        assert marker not in text
    # Only the hash of the token is kept.
    with scoped_to(Scope.everything()):
        feed = CalendarFeed.objects.get()
    assert feed.token_hash == hash_token(token)
    assert token not in feed.token_hash


def test_a_team_feed_holds_the_teams_meetings(practitioner: User, client: Client) -> None:
    client.login(username=practitioner.username, password=PASSWORD)
    _, token = make_feed(client, of="team")
    calendar = Calendar.from_ical(client.get(f"/calendar/{token}.ics").content)
    assert "Alpha Team" in str(calendar["X-WR-CALNAME"])
    assert len(calendar.walk("VEVENT")) >= 1


def test_a_revoked_or_renewed_address_stops_working(practitioner: User, client: Client) -> None:
    client.login(username=practitioner.username, password=PASSWORD)
    _, first = make_feed(client)
    with scoped_to(Scope.everything()):
        feed = CalendarFeed.objects.get()
    response = client.post(f"/planning/feeds/{feed.pk}/renew/")
    second = ADDRESS.search(response.content.decode())
    assert second is not None
    assert client.get(f"/calendar/{first}.ics").status_code == 404
    assert client.get(f"/calendar/{second[2]}.ics").status_code == 200

    with scoped_to(Scope.everything()):
        renewed = CalendarFeed.objects.get(revoked_at__isnull=True)
    client.post(f"/planning/feeds/{renewed.pk}/revoke/")
    assert client.get(f"/calendar/{second[2]}.ics").status_code == 404


@pytest.mark.parametrize("token", ["x", "not-a-real-token", "a" * 43, "a" * 500])
def test_a_wrong_token_is_not_found(practitioner: User, client: Client, token: str) -> None:
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_a_feed_stops_when_its_owner_can_no_longer_see_children(
    practitioner: User, client: Client
) -> None:
    client.login(username=practitioner.username, password=PASSWORD)
    _, token = make_feed(client)
    practitioner.role = Role.VIEWER
    practitioner.save()
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    practitioner.role = Role.PRACTITIONER
    practitioner.is_active = False
    practitioner.save()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_a_feed_stops_when_its_owner_moves_authority(
    practitioner: User, authority_b: LocalAuthority, client: Client
) -> None:
    client.login(username=practitioner.username, password=PASSWORD)
    _, token = make_feed(client)
    client.logout()
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    practitioner.authority = authority_b
    practitioner.save()
    # Neither the old authority's meetings nor the new one's: the address is dead.
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_nobody_can_revoke_someone_elses_feed(
    practitioner: User, users_a: dict[Role, User], client: Client
) -> None:
    client.login(username=practitioner.username, password=PASSWORD)
    _, token = make_feed(client)
    with scoped_to(Scope.everything()):
        feed = CalendarFeed.objects.get()
    client.logout()
    client.login(username=users_a[Role.DATA_LEAD].username, password=PASSWORD)
    assert client.post(f"/planning/feeds/{feed.pk}/revoke/").status_code == 404
    assert client.get(f"/calendar/{token}.ics").status_code == 200


def test_viewers_cannot_make_feeds(users_a: dict[Role, User], client: Client) -> None:
    client.login(username=users_a[Role.VIEWER].username, password=PASSWORD)
    assert client.get("/planning/feeds/").status_code == 403
    assert client.post("/planning/feeds/new/", {"of": "mine"}).status_code == 403
