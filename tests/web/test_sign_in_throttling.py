"""Signing in is throttled per account and per address (OWASP ASVS 2.2.1).

Found: thirty wrong passwords in a row, then the right one, signed in at once, and every
attempt cost a password hash. Now an account is locked after a few failures and an
address after many (a council's whole office may share one), for a cool-off period the
message states; a locked attempt is refused before any password is checked; an
administrator can let their own people in again; every attempt is logged.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Role

from .conftest import PASSWORD

ACCOUNT_LIMIT = settings.PERMANENCE_SIGN_IN_ACCOUNT_LIMIT
ADDRESS_LIMIT = settings.PERMANENCE_SIGN_IN_ADDRESS_LIMIT


@pytest.fixture(autouse=True)
def throttling_on(settings: Any) -> None:
    # The rest of the suite signs in with the test client's shortcut, which has no
    # request for the throttle to count; here it is on, as in production.
    settings.AXES_ENABLED = True


def _sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_an_account_is_locked_after_a_few_wrong_passwords(
    client: Client, users_a: dict[Role, User]
) -> None:
    username = users_a[Role.DATA_LEAD].username
    for _ in range(ACCOUNT_LIMIT - 1):
        assert _sign_in(client, username, "wrong-password-here").status_code == 200
    assert _sign_in(client, username, "wrong-password-here").status_code == 429
    response = _sign_in(client, username, PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)
    body = response.content.decode()
    assert "Too many attempts to sign in" in body
    assert "Try again after" in body


def test_the_lock_holds_from_another_address(client: Client, users_a: dict[Role, User]) -> None:
    username = users_a[Role.DATA_LEAD].username
    for number in range(ACCOUNT_LIMIT):
        _sign_in(client, username, "wrong-password-here", address=f"10.0.1.{number}")
    assert _sign_in(client, username, PASSWORD, address="10.9.9.9").status_code == 429


def test_an_address_is_locked_after_many_failures_across_accounts(
    client: Client, users_a: dict[Role, User]
) -> None:
    for number in range(ADDRESS_LIMIT):
        _sign_in(client, f"guess-{number}", "wrong-password-here", address="10.0.0.66")
    viewer = users_a[Role.VIEWER].username
    assert _sign_in(client, viewer, PASSWORD, address="10.0.0.66").status_code == 429
    # Everyone else on another address is not affected.
    assert _sign_in(client, viewer, PASSWORD, address="10.0.0.67").status_code == 302


def test_a_few_mistakes_do_not_lock_an_office_out(
    client: Client, users_a: dict[Role, User]
) -> None:
    # Several people behind one address each mistype once: nobody is locked.
    for role in (Role.DATA_LEAD, Role.PRACTITIONER, Role.VIEWER):
        _sign_in(client, users_a[role].username, "wrong-password-here", address="10.0.0.5")
    assert _sign_in(client, users_a[Role.VIEWER].username, PASSWORD, "10.0.0.5").status_code == 302


def test_a_locked_attempt_checks_no_password(
    client: Client, users_a: dict[Role, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    username = users_a[Role.DATA_LEAD].username
    for _ in range(ACCOUNT_LIMIT):
        _sign_in(client, username, "wrong-password-here")

    def no_hashing(*args: Any, **kwargs: Any) -> bool:
        raise AssertionError("a locked-out attempt computed a password hash")

    monkeypatch.setattr("django.contrib.auth.hashers.check_password", no_hashing)
    monkeypatch.setattr(User, "check_password", no_hashing)
    assert _sign_in(client, username, PASSWORD).status_code == 429


def test_an_administrator_lets_one_of_their_people_in_again(
    client: Client, users_a: dict[Role, User]
) -> None:
    locked = users_a[Role.DATA_LEAD]
    for _ in range(ACCOUNT_LIMIT):
        _sign_in(client, locked.username, "wrong-password-here")
    admin = Client()
    admin.force_login(users_a[Role.ADMINISTRATOR])
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "let_sign_in_again", "_selected_action": [locked.pk]},
    )
    assert response.status_code == 302
    assert _sign_in(client, locked.username, PASSWORD).status_code == 302


def test_attempts_are_logged_and_administrators_see_only_their_own_peoples(
    client: Client, users_a: dict[Role, User], users_b: dict[Role, User]
) -> None:
    _sign_in(client, users_a[Role.DATA_LEAD].username, "wrong-password-here")
    _sign_in(client, users_b[Role.DATA_LEAD].username, "wrong-password-here")
    _sign_in(client, users_a[Role.VIEWER].username, PASSWORD)
    admin = Client()
    admin.force_login(users_a[Role.ADMINISTRATOR])
    failures = admin.get(reverse("admin:axes_accessfailurelog_changelist")).content.decode()
    assert users_a[Role.DATA_LEAD].username in failures
    assert users_b[Role.DATA_LEAD].username not in failures
    assert "wrong-password-here" not in failures
    successes = admin.get(reverse("admin:axes_accesslog_changelist")).content.decode()
    assert users_a[Role.VIEWER].username in successes


def test_an_administrator_cannot_let_another_authoritys_person_in_again(
    client: Client, users_a: dict[Role, User], users_b: dict[Role, User]
) -> None:
    locked = users_b[Role.DATA_LEAD]
    for _ in range(ACCOUNT_LIMIT):
        _sign_in(client, locked.username, "wrong-password-here")
    admin = Client()
    admin.force_login(users_a[Role.ADMINISTRATOR])
    admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "let_sign_in_again", "_selected_action": [locked.pk], "post": "yes"},
    )
    assert _sign_in(client, locked.username, PASSWORD).status_code == 429


def test_letting_someone_in_again_is_kept_in_the_sites_log(
    client: Client, users_a: dict[Role, User]
) -> None:
    locked = users_a[Role.DATA_LEAD]
    for _ in range(ACCOUNT_LIMIT):
        _sign_in(client, locked.username, "wrong-password-here")
    admin = Client()
    admin.force_login(users_a[Role.ADMINISTRATOR])
    admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "let_sign_in_again", "_selected_action": [locked.pk]},
    )
    entry = LogEntry.objects.get(object_id=str(locked.pk))
    assert entry.user == users_a[Role.ADMINISTRATOR]
    assert "sign in again" in entry.get_change_message()
