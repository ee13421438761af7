"""Single sign-on, end to end against a real OpenID Connect provider (django-oauth-toolkit,
started by the tests in its own process): real redirects, a real code exchanged for real
tokens, and the ID token's signature checked against the provider's published keys.

The browser's side at the provider (signing in to the council's account) is played by a
``requests`` session; permanence's side by Django's test client.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.signin import sso
from permanence.web.signin.models import (
    ExternalIdentity,
    IdentityProvider,
    SignedInSession,
    SignInPolicy,
)

from .provider import CLIENT_ID, CLIENT_SECRET, Provider

CALLBACK = "http://testserver/accounts/sso/callback/"


@pytest.fixture
def alpha_provider(oidc_provider: Provider, authority_a: LocalAuthority) -> Iterator[Provider]:
    oidc_provider.client(CALLBACK)
    oidc_provider.mode("normal")
    sso.forget_clients()
    with scoped_to(Scope.everything()):
        IdentityProvider.objects.create(
            authority=authority_a,
            name="Alpha Council account",
            issuer=oidc_provider.issuer,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            claim="email",
        )
    yield oidc_provider
    oidc_provider.mode("normal")


def _through_provider(client: Client, provider: Provider, username: str, next_url: str = "") -> Any:
    """Start at permanence, sign in at the provider, and come back: permanence's answer."""
    start = client.get(
        reverse("sso-start", args=["alpha"]) + (f"?next={next_url}" if next_url else "")
    )
    assert start.status_code == 302
    location = start["Location"]
    assert location.startswith(provider.base + "/o/authorize/")
    sent = parse_qs(urlsplit(location).query)
    assert sent["client_id"] == [CLIENT_ID]
    assert sent["code_challenge_method"] == ["S256"]
    assert sent["nonce"] and sent["state"]
    browser = requests.Session()
    response = browser.get(location, allow_redirects=False)
    # Not signed in at the provider: its sign-in form, then back to its authorize step.
    assert response.status_code == 302
    login_url = urljoin(provider.base, response.headers["Location"])
    assert browser.get(login_url).status_code == 200
    response = browser.post(
        login_url,
        data={"username": username, "password": "council-password"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text
    response = browser.get(
        urljoin(provider.base, response.headers["Location"]), allow_redirects=False
    )
    assert response.status_code == 302, response.text
    back = urlsplit(response.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    assert "code" in parse_qs(back.query)
    return client.get(f"{back.path}?{back.query}")


def _signed_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def test_a_person_the_administrator_added_signs_in_through_the_provider(
    client: Client, alpha_provider: Provider, users_a: dict[Role, User]
) -> None:
    practitioner = users_a[Role.PRACTITIONER]
    subject = alpha_provider.person("pat", practitioner.email)
    response = _through_provider(client, alpha_provider, "pat", next_url="/children/")
    assert response.status_code == 302
    assert response["Location"] == "/children/"
    assert _signed_in_as(client) == practitioner.pk
    with scoped_to(Scope.everything()):
        bound = ExternalIdentity.objects.get(user=practitioner)
    assert bound.subject == subject
    session = SignedInSession.objects.get(session_key=client.session.session_key)
    assert session.method == SignedInSession.Method.SINGLE_SIGN_ON
    assert client.get("/children/").status_code == 200


def test_later_sign_ins_are_matched_by_the_subject_not_the_email(
    client: Client, alpha_provider: Provider, users_a: dict[Role, User]
) -> None:
    practitioner, viewer = users_a[Role.PRACTITIONER], users_a[Role.VIEWER]
    alpha_provider.person("sam", practitioner.email)
    _through_provider(client, alpha_provider, "sam")
    assert _signed_in_as(client) == practitioner.pk
    # The provider now gives this account another person's address: it is still Sam.
    alpha_provider.person("sam", viewer.email)
    other = Client()
    _through_provider(other, alpha_provider, "sam")
    assert _signed_in_as(other) == practitioner.pk


def test_an_unknown_person_is_refused_and_told_to_ask_their_administrator(
    client: Client, alpha_provider: Provider, users_a: dict[Role, User]
) -> None:
    alpha_provider.person("newcomer", "newcomer@alpha.example.invalid")
    people = User.objects.count()
    response = _through_provider(client, alpha_provider, "newcomer")
    assert response.status_code == 403
    body = response.content.decode()
    assert "no account for newcomer@alpha.example.invalid" in body
    assert "Ask your authority&#x27;s administrator to add you" in body
    assert _signed_in_as(client) is None
    assert User.objects.count() == people


def test_another_authoritys_person_is_unknown_to_this_provider(
    client: Client,
    alpha_provider: Provider,
    users_a: dict[Role, User],
    users_b: dict[Role, User],
) -> None:
    alpha_provider.person("bravo-person", users_b[Role.ADMINISTRATOR].email)
    response = _through_provider(client, alpha_provider, "bravo-person")
    assert response.status_code == 403
    assert _signed_in_as(client) is None


def test_a_closed_account_is_refused(
    client: Client, alpha_provider: Provider, users_a: dict[Role, User]
) -> None:
    viewer = users_a[Role.VIEWER]
    viewer.is_active = False
    viewer.save()
    alpha_provider.person("closed", viewer.email)
    response = _through_provider(client, alpha_provider, "closed")
    assert response.status_code == 403
    assert "Your account in permanence is closed" in response.content.decode()
    assert _signed_in_as(client) is None


def test_an_email_the_provider_has_not_verified_is_refused(
    client: Client, alpha_provider: Provider, users_a: dict[Role, User]
) -> None:
    alpha_provider.person("unchecked", users_a[Role.VIEWER].email, verified=False)
    response = _through_provider(client, alpha_provider, "unchecked")
    assert response.status_code == 403
    assert "has not confirmed your email address" in response.content.decode()
    assert _signed_in_as(client) is None


def test_a_tampered_token_is_refused(
    client: Client, alpha_provider: Provider, users_a: dict[Role, User]
) -> None:
    administrator = users_a[Role.ADMINISTRATOR]
    alpha_provider.person("mallory", "mallory@alpha.example.invalid")
    # The token's claims are changed after signing, to name the administrator.
    alpha_provider.mode("tampered", email=administrator.email)
    response = _through_provider(client, alpha_provider, "mallory")
    assert response.status_code == 403
    assert "could not be checked" in response.content.decode()
    assert _signed_in_as(client) is None
    with scoped_to(Scope.everything()):
        assert not ExternalIdentity.objects.exists()


def test_an_expired_token_is_refused(
    client: Client, alpha_provider: Provider, users_a: dict[Role, User]
) -> None:
    alpha_provider.person("late", users_a[Role.PRACTITIONER].email)
    alpha_provider.mode("expired")
    response = _through_provider(client, alpha_provider, "late")
    assert response.status_code == 403
    assert _signed_in_as(client) is None
    # The same person, a token in date: signed in (so it was the expiry that refused).
    alpha_provider.mode("normal")
    _through_provider(client, alpha_provider, "late")
    assert _signed_in_as(client) == users_a[Role.PRACTITIONER].pk


def test_a_code_brought_back_to_another_browser_is_refused(
    client: Client, alpha_provider: Provider, users_a: dict[Role, User]
) -> None:
    alpha_provider.person("pat", users_a[Role.PRACTITIONER].email)
    start = client.get(reverse("sso-start", args=["alpha"]))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    stranger = Client()
    response = stranger.get(reverse("sso-callback"), {"code": "anything", "state": state})
    assert response.status_code == 403
    assert _signed_in_as(stranger) is None


def test_signing_out_ends_the_session_and_offers_the_providers_sign_out(
    client: Client, alpha_provider: Provider, users_a: dict[Role, User]
) -> None:
    alpha_provider.person("pat", users_a[Role.PRACTITIONER].email)
    _through_provider(client, alpha_provider, "pat")
    key = client.session.session_key
    response = client.post(reverse("logout"))
    assert response.status_code == 200
    assert _signed_in_as(client) is None
    assert not SignedInSession.objects.filter(session_key=key).exists()
    assert client.get("/children/").status_code == 302
    body = response.content.decode()
    assert "Sign out of your Alpha Council account" in body
    found = re.search(r'href="([^"]+)">Sign out of your', body)
    assert found
    link = html.unescape(found[1])
    assert link.startswith(alpha_provider.base + "/o/logout/")
    assert "id_token_hint=" in link
    # The provider accepts it, and sends the browser back to permanence's sign-in page.
    ended = requests.get(link, timeout=10, allow_redirects=False)
    assert ended.status_code == 302, ended.text
    assert ended.headers["Location"].startswith("http://testserver/accounts/login/")


def test_a_password_sign_out_is_as_before(client: Client, users_a: dict[Role, User]) -> None:
    client.force_login(users_a[Role.VIEWER])
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_with_passwords_off_single_sign_on_still_works(
    client: Client, alpha_provider: Provider, users_a: dict[Role, User], authority_a: Any
) -> None:
    with scoped_to(Scope.everything()):
        SignInPolicy.objects.create(authority=authority_a, password_sign_in=False)
    practitioner = users_a[Role.PRACTITIONER]
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your Alpha Council account" in page
    refused = client.post(
        reverse("login"), {"username": practitioner.username, "password": "a-long-test-password"}
    )
    assert _signed_in_as(client) is None
    assert "signs in through its own account" in refused.content.decode()
    alpha_provider.person("pat", practitioner.email)
    _through_provider(client, alpha_provider, "pat")
    assert _signed_in_as(client) == practitioner.pk


def test_an_unknown_authority_has_no_sign_in_address(client: Client, db: None) -> None:
    assert client.get(reverse("sso-start", args=["nowhere"])).status_code == 404
