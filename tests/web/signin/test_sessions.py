"""Sessions end after the authority's idle period, and a person sees and ends their own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.signin.models import SignedInSession, SignInPolicy

from ..conftest import PASSWORD


def _sign_in(user: User, browser: str = "Firefox on a council laptop") -> Client:
    client = Client(HTTP_USER_AGENT=browser)
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 302
    return client


def _seconds_left(client: Client) -> float:
    session = Session.objects.get(session_key=client.session.session_key)
    return (session.expire_date - timezone.now()).total_seconds()


def test_a_session_lasts_the_authoritys_idle_period(
    users_a: dict[Role, User], users_b: dict[Role, User], authority_a: LocalAuthority
) -> None:
    with scoped_to(Scope.everything()):
        SignInPolicy.objects.create(authority=authority_a, idle_minutes=15)
    alpha = _sign_in(users_a[Role.PRACTITIONER])
    assert 15 * 60 - 30 < _seconds_left(alpha) <= 15 * 60
    # Authority B has set nothing: the two hours every session has.
    bravo = _sign_in(users_b[Role.PRACTITIONER])
    assert 2 * 60 * 60 - 30 < _seconds_left(bravo) <= 2 * 60 * 60
    # The cookie still ends with the browser.
    assert alpha.cookies["sessionid"]["max-age"] == ""


def test_an_idle_session_has_ended(users_a: dict[Role, User], authority_a: LocalAuthority) -> None:
    with scoped_to(Scope.everything()):
        SignInPolicy.objects.create(authority=authority_a, idle_minutes=15)
    client = _sign_in(users_a[Role.PRACTITIONER])
    assert client.get("/children/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/children/")
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_idle_clock_is_renewed_often_enough_for_a_short_period(
    users_a: dict[Role, User], authority_a: LocalAuthority, monkeypatch: Any
) -> None:
    from permanence.web.kernel import sessions

    with scoped_to(Scope.everything()):
        SignInPolicy.objects.create(authority=authority_a, idle_minutes=8)
    client = _sign_in(users_a[Role.PRACTITIONER])
    started = sessions.time.time()
    # A quarter of eight minutes is two: a page read three minutes on renews the clock.
    monkeypatch.setattr(sessions.time, "time", lambda: started + 3 * 60)
    before = Session.objects.get(session_key=client.session.session_key).expire_date
    client.get("/children/")
    after = Session.objects.get(session_key=client.session.session_key).expire_date
    assert after > before


def test_a_person_sees_their_sessions_and_ends_one(users_a: dict[Role, User]) -> None:
    practitioner = users_a[Role.PRACTITIONER]
    laptop = _sign_in(practitioner, "Firefox on a council laptop")
    phone = _sign_in(practitioner, "Safari on a phone")
    other = _sign_in(users_a[Role.VIEWER], "Edge on someone else's desk")
    page = laptop.get(reverse("signing-in")).content.decode()
    assert "Firefox on a council laptop" in page
    assert "Safari on a phone" in page
    assert "someone else" not in page
    assert "10.1.2.3" in page
    phone_row = SignedInSession.objects.get(session_key=phone.session.session_key)
    response = laptop.post(reverse("session-end", args=[phone_row.pk]))
    assert response.status_code == 302
    assert phone.get("/children/").status_code == 302  # the phone is signed out
    assert laptop.get("/children/").status_code == 200  # the laptop is not
    # Another person's session cannot be ended, whatever is posted.
    theirs = SignedInSession.objects.get(session_key=other.session.session_key)
    laptop.post(reverse("session-end", args=[theirs.pk]))
    assert other.get("/children/").status_code == 403  # still signed in (a viewer)
    assert SignedInSession.objects.filter(pk=theirs.pk).exists()


def test_signing_out_forgets_the_session(users_a: dict[Role, User]) -> None:
    client = _sign_in(users_a[Role.VIEWER])
    key = client.session.session_key
    assert SignedInSession.objects.filter(session_key=key).exists()
    client.post(reverse("logout"))
    assert not SignedInSession.objects.filter(session_key=key).exists()
