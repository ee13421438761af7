"""Roles are granted only by someone allowed to grant them; every password is checked.

An authority's administrator gives the roles of their own authority. The national
improvement team's role sees every sharing authority's figures, so only a system
administrator gives it, on the command line, and the grant is kept in the person's
history. Every way a password is set (the administration site, both commands) goes
through Django's validators and ours.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from permanence.cli.main import main
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to

from .conftest import PASSWORD

STRONG = "kettle-harbour-violet-27"


@pytest.fixture
def admin_of_a(client: Client, users_a: dict[Role, User]) -> Client:
    assert client.login(username=users_a[Role.ADMINISTRATOR].username, password=PASSWORD)
    return client


def _add_user(client: Client, **fields: str) -> Any:
    form = {
        "username": "newcomer",
        "email": "newcomer@example.invalid",
        "role": Role.VIEWER.value,
        "team": "",
        "password1": STRONG,
        "password2": STRONG,
        "usable_password": "true",
        **fields,
    }
    return client.post(reverse("admin:accounts_user_add"), form)


def test_an_authority_administrator_is_not_offered_the_national_role(
    admin_of_a: Client,
) -> None:
    page = admin_of_a.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'value="data_lead"' in page
    assert 'value="national"' not in page


def test_an_authority_administrator_cannot_give_the_national_role(admin_of_a: Client) -> None:
    response = _add_user(admin_of_a, role=Role.NATIONAL.value)
    assert response.status_code == 200  # the form again, with the error
    assert not User.objects.filter(username="newcomer").exists()


def test_nor_turn_one_of_their_people_into_the_national_team(
    admin_of_a: Client, users_a: dict[Role, User]
) -> None:
    viewer = users_a[Role.VIEWER]
    admin_of_a.post(
        reverse("admin:accounts_user_change", args=[viewer.pk]),
        {
            "username": viewer.username,
            "email": viewer.email,
            "role": Role.NATIONAL.value,
            "is_active": "on",
        },
    )
    viewer.refresh_from_db()
    assert viewer.role == Role.VIEWER


def test_an_authority_administrator_gives_their_own_authoritys_roles(
    admin_of_a: Client, users_a: dict[Role, User]
) -> None:
    response = _add_user(admin_of_a, role=Role.DATA_LEAD.value)
    assert response.status_code == 302, response.content.decode()[:3000]
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.role == Role.DATA_LEAD
    assert newcomer.authority == users_a[Role.ADMINISTRATOR].authority
    with scoped_to(Scope.authority(newcomer.authority_id or 0)):
        granted = newcomer.history.get()
    assert granted.history_user == users_a[Role.ADMINISTRATOR]
    assert granted.role == Role.DATA_LEAD


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "password1234", "123456789012", "abcabcabcabc"])
def test_the_administration_site_refuses_a_weak_password(admin_of_a: Client, weak: str) -> None:
    response = _add_user(admin_of_a, password1=weak, password2=weak)
    assert response.status_code == 200
    assert not User.objects.filter(username="newcomer").exists()


def _typed(monkeypatch: pytest.MonkeyPatch, password: str) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt="": password)


@pytest.mark.parametrize("weak", ["password1234", "aaaaaaaaaaaa", "fife-admin-2026"])
def test_the_authority_command_refuses_a_weak_password(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], weak: str
) -> None:
    _typed(monkeypatch, weak)
    code = main(["authority", "--code", "FIF", "--name", "Fife Council", "--admin", "fife-admin"])
    assert code == 2
    assert "password" in capsys.readouterr().err
    with scoped_to(Scope.everything()):
        assert not LocalAuthority.objects.filter(code="FIF").exists()
    assert not User.objects.filter(username="fife-admin").exists()


def test_the_authority_command_accepts_a_strong_password(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _typed(monkeypatch, STRONG)
    assert (
        main(["authority", "--code", "FIF", "--name", "Fife Council", "--admin", "fife-admin"]) == 0
    )
    assert User.objects.get(username="fife-admin").check_password(STRONG)


def test_a_system_administrator_gives_the_national_role_on_the_command_line(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _typed(monkeypatch, STRONG)
    assert main(["national-team", "--add", "nadia", "--email", "nadia@example.invalid"]) == 0
    nadia = User.objects.get(username="nadia")
    assert (nadia.role, nadia.authority_id) == (Role.NATIONAL, None)
    with scoped_to(Scope.everything()):
        granted = nadia.history.get()
    assert granted.role == Role.NATIONAL
    assert "national role" in (granted.history_change_reason or "")
    assert "nadia" in capsys.readouterr().out


def test_the_national_role_command_refuses_a_weak_password(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _typed(monkeypatch, "password1234")
    assert main(["national-team", "--add", "nadia"]) == 2
    assert not User.objects.filter(username="nadia").exists()


def test_the_national_role_is_taken_away_on_the_command_line(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _typed(monkeypatch, STRONG)
    main(["national-team", "--add", "nadia"])
    assert main(["national-team", "--remove", "nadia"]) == 0
    nadia = User.objects.get(username="nadia")
    assert not nadia.is_active
    with scoped_to(Scope.everything()):
        assert nadia.history.count() == 2


def test_signing_in_adds_nothing_to_a_persons_history(
    client: Client, users_a: dict[Role, User]
) -> None:
    viewer = users_a[Role.VIEWER]
    with scoped_to(Scope.everything()):
        before = viewer.history.count()
    assert client.login(username=viewer.username, password=PASSWORD)
    viewer.refresh_from_db()
    assert viewer.last_login is not None
    with scoped_to(Scope.everything()):
        assert viewer.history.count() == before


def test_the_administration_sites_password_page_refuses_a_weak_password(
    admin_of_a: Client, users_a: dict[Role, User]
) -> None:
    viewer = users_a[Role.VIEWER]
    url = reverse("admin:auth_user_password_change", args=[viewer.pk])
    for weak in ("aaaaaaaaaaaa", "password1234", viewer.username + "1"):
        admin_of_a.post(url, {"password1": weak, "password2": weak, "usable_password": "true"})
        viewer.refresh_from_db()
        assert viewer.check_password(PASSWORD), weak
    response = admin_of_a.post(
        url, {"password1": STRONG, "password2": STRONG, "usable_password": "true"}
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.check_password(STRONG)


def test_an_administrator_cannot_set_another_authoritys_persons_password(
    admin_of_a: Client, users_b: dict[Role, User]
) -> None:
    person = users_b[Role.DATA_LEAD]
    response = admin_of_a.post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {"password1": STRONG, "password2": STRONG, "usable_password": "true"},
    )
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
