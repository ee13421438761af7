"""An authority's administrator keeps its identity provider and sign-in policy, and sees
(and may unbind) which provider account each of their own people signs in with."""

from __future__ import annotations

from django.test import Client

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.signin.models import ExternalIdentity, IdentityProvider, SignInPolicy


def _bound(authority: LocalAuthority, user: User, subject: str) -> ExternalIdentity:
    with scoped_to(Scope.everything()):
        provider, _ = IdentityProvider.objects.get_or_create(
            authority=authority,
            defaults={
                "name": f"{authority.name} account",
                "issuer": "https://idp.example.invalid",
                "client_id": "permanence",
                "client_secret": "stored-secret-value",
            },
        )
        return ExternalIdentity.objects.create(
            authority=authority, provider=provider, user=user, subject=subject
        )


def test_an_administrator_sees_and_unbinds_only_their_own_peoples_accounts(
    client: Client,
    authority_a: LocalAuthority,
    authority_b: LocalAuthority,
    users_a: dict[Role, User],
    users_b: dict[Role, User],
) -> None:
    ours = _bound(authority_a, users_a[Role.PRACTITIONER], "alpha-subject-1")
    theirs = _bound(authority_b, users_b[Role.PRACTITIONER], "bravo-subject-1")
    client.force_login(users_a[Role.ADMINISTRATOR])
    listing = client.get("/admin/signin/externalidentity/").content.decode()
    assert "alpha-subject-1" in listing
    assert "bravo-subject-1" not in listing
    assert client.get(f"/admin/signin/externalidentity/{theirs.pk}/delete/").status_code in {
        302,
        404,
    }
    client.post(f"/admin/signin/externalidentity/{theirs.pk}/delete/", {"post": "yes"})
    client.post(f"/admin/signin/externalidentity/{ours.pk}/delete/", {"post": "yes"})
    with scoped_to(Scope.everything()):
        assert not ExternalIdentity.objects.filter(pk=ours.pk).exists()
        assert ExternalIdentity.objects.filter(pk=theirs.pk).exists()


def test_the_stored_secret_is_never_shown_and_kept_when_left_empty(
    client: Client, authority_a: LocalAuthority, users_a: dict[Role, User]
) -> None:
    _bound(authority_a, users_a[Role.VIEWER], "alpha-subject-2")
    with scoped_to(Scope.everything()):
        provider = IdentityProvider.objects.get(authority=authority_a)
    client.force_login(users_a[Role.ADMINISTRATOR])
    page = client.get(f"/admin/signin/identityprovider/{provider.pk}/change/").content.decode()
    assert "stored-secret-value" not in page
    assert "/accounts/sso/callback/" in page
    response = client.post(
        f"/admin/signin/identityprovider/{provider.pk}/change/",
        {
            "name": "Alpha account",
            "issuer": "https://idp.example.invalid/v2.0",
            "client_id": "permanence",
            "client_secret": "",
            "claim": "preferred_username",
            "matched_to": "email",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    with scoped_to(Scope.everything()):
        provider.refresh_from_db()
    assert provider.client_secret == "stored-secret-value"
    assert provider.claim == "preferred_username"
    # One provider an authority: no second is offered.
    assert client.get("/admin/signin/identityprovider/add/").status_code == 403


def test_an_issuer_must_be_https(
    client: Client, authority_a: LocalAuthority, users_a: dict[Role, User]
) -> None:
    client.force_login(users_a[Role.ADMINISTRATOR])
    response = client.post(
        "/admin/signin/identityprovider/add/",
        {
            "name": "Alpha account",
            "issuer": "http://idp.example.invalid",
            "client_id": "permanence",
            "client_secret": "x",
            "claim": "email",
            "matched_to": "email",
        },
    )
    assert response.status_code == 200
    assert "must be an https:// address" in response.content.decode()
    with scoped_to(Scope.everything()):
        assert not IdentityProvider.objects.exists()


def test_the_idle_period_is_held_between_five_minutes_and_twelve_hours(
    client: Client, authority_a: LocalAuthority, users_a: dict[Role, User]
) -> None:
    client.force_login(users_a[Role.ADMINISTRATOR])
    for minutes, saved in [(2, False), (13 * 60, False), (30, True)]:
        client.post(
            "/admin/signin/signinpolicy/add/",
            {"password_sign_in": "on", "idle_minutes": str(minutes)},
        )
        with scoped_to(Scope.everything()):
            assert SignInPolicy.objects.filter(idle_minutes=minutes).exists() is saved
