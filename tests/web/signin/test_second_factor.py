"""The second factor for password sign-in: required where it must be, recovery codes used
once, wrong codes counted by the sign-in throttling, and reset only by an administrator
of the person's own authority, on the record."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from permanence.web.accounts import second_factor
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.signin.models import SignInPolicy

from ..conftest import PASSWORD
from .totp import code

ACCOUNT_LIMIT = settings.PERMANENCE_SIGN_IN_ACCOUNT_LIMIT


@pytest.fixture(autouse=True)
def production_roles(settings: Any) -> None:
    settings.PERMANENCE_SECOND_FACTOR_ROLES = ("administrator", "data_lead")


def test_the_rfc_6238_example() -> None:
    # RFC 6238, appendix B: SHA-1, the ASCII key "12345678901234567890".
    assert code(b"12345678901234567890", at=59, digits=8) == "94287082"
    assert code(b"12345678901234567890", at=1111111109, digits=8) == "07081804"


def _password(client: Client, user: User, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(reverse("login"), {"username": user.username, "password": password}, **extra)


def _signed_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def _app(user: User) -> bytes:
    """Give ``user`` a confirmed authenticator; its key, for working out codes here."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return bytes.fromhex(device.key)


def test_an_administrator_must_set_up_an_app_before_being_signed_in(
    client: Client, users_a: dict[Role, User]
) -> None:
    administrator = users_a[Role.ADMINISTRATOR]
    response = _password(client, administrator)
    assert response.status_code == 302
    assert response["Location"] == reverse("second-factor-set-up")
    assert _signed_in_as(client) is None
    # Nothing else is reached with the half-finished sign-in.
    assert client.get("/children/").status_code == 302

    page = client.get(reverse("second-factor-set-up"))
    assert page.status_code == 200
    assert "data:image/svg+xml" in page.content.decode()
    device = TOTPDevice.objects.get(user=administrator, confirmed=False)
    wrong = str((int(code(bytes.fromhex(device.key))) + 1) % 1_000_000).zfill(6)
    assert client.post(reverse("second-factor-set-up"), {"code": wrong}).status_code == 200
    assert _signed_in_as(client) is None

    shown = client.post(reverse("second-factor-set-up"), {"code": code(bytes.fromhex(device.key))})
    assert shown.status_code == 200
    assert _signed_in_as(client) == administrator.pk
    stored = set(
        StaticToken.objects.filter(device__user=administrator).values_list("token", flat=True)
    )
    assert len(stored) == second_factor.RECOVERY_CODES
    assert all(token in shown.content.decode() for token in stored)
    with scoped_to(Scope.everything()):
        latest = administrator.history.latest()
    assert latest.history_change_reason == "set up a second factor (an authenticator app)"


def test_a_data_lead_must_too_but_a_practitioner_may_sign_in_with_a_password(
    client: Client, users_a: dict[Role, User]
) -> None:
    assert _password(client, users_a[Role.DATA_LEAD])["Location"] == reverse("second-factor-set-up")
    other = Client()
    response = _password(other, users_a[Role.PRACTITIONER])
    assert response["Location"] == reverse("home")
    assert _signed_in_as(other) == users_a[Role.PRACTITIONER].pk


def test_outside_production_nobody_is_made_to(
    client: Client, users_a: dict[Role, User], settings: Any
) -> None:
    settings.PERMANENCE_SECOND_FACTOR_ROLES = ()
    _password(client, users_a[Role.ADMINISTRATOR])
    assert _signed_in_as(client) == users_a[Role.ADMINISTRATOR].pk


def test_a_practitioner_who_set_one_up_is_asked_for_a_code(
    client: Client, users_a: dict[Role, User]
) -> None:
    practitioner = users_a[Role.PRACTITIONER]
    key = _app(practitioner)
    response = _password(client, practitioner)
    assert response["Location"] == reverse("second-factor")
    assert _signed_in_as(client) is None
    wrong = str((int(code(key)) + 1) % 1_000_000).zfill(6)
    assert client.post(reverse("second-factor"), {"code": wrong}).status_code == 200
    assert _signed_in_as(client) is None
    response = client.post(reverse("second-factor"), {"code": code(key)})
    assert response.status_code == 302
    assert _signed_in_as(client) == practitioner.pk


def test_the_code_step_keeps_where_the_person_was_going(
    client: Client, users_a: dict[Role, User]
) -> None:
    practitioner = users_a[Role.PRACTITIONER]
    key = _app(practitioner)
    client.post(
        reverse("login"),
        {"username": practitioner.username, "password": PASSWORD, "next": "/children/"},
    )
    assert client.post(reverse("second-factor"), {"code": code(key)})["Location"] == "/children/"


def test_a_recovery_code_works_once(client: Client, users_a: dict[Role, User]) -> None:
    data_lead = users_a[Role.DATA_LEAD]
    _app(data_lead)
    codes = second_factor.new_recovery_codes(data_lead)
    _password(client, data_lead)
    # Typed as people copy them: capitals, a space in the middle.
    typed = codes[3].upper()[:4] + " " + codes[3].upper()[4:]
    assert client.post(reverse("second-factor"), {"code": typed}).status_code == 302
    assert _signed_in_as(client) == data_lead.pk
    assert second_factor.recovery_codes_left(data_lead) == len(codes) - 1

    again = Client()
    _password(again, data_lead)
    assert again.post(reverse("second-factor"), {"code": codes[3]}).status_code == 200
    assert _signed_in_as(again) is None
    assert again.post(reverse("second-factor"), {"code": codes[4]}).status_code == 302
    assert _signed_in_as(again) == data_lead.pk


def test_new_recovery_codes_replace_the_old(client: Client, users_a: dict[Role, User]) -> None:
    practitioner = users_a[Role.PRACTITIONER]
    _app(practitioner)
    old = second_factor.new_recovery_codes(practitioner)
    client.force_login(practitioner)
    page = client.post(reverse("second-factor-recovery-codes")).content.decode()
    new = list(
        StaticToken.objects.filter(device__user=practitioner).values_list("token", flat=True)
    )
    assert all(token in page for token in new)
    assert not set(old) & set(new)
    assert second_factor.verify(practitioner, old[0]) is None


def test_wrong_codes_are_counted_by_the_sign_in_throttling(
    client: Client, users_a: dict[Role, User], settings: Any
) -> None:
    settings.AXES_ENABLED = True
    practitioner = users_a[Role.PRACTITIONER]
    key = _app(practitioner)
    wrong = str((int(code(key)) + 1) % 1_000_000).zfill(6)
    _password(client, practitioner, REMOTE_ADDR="10.0.0.5")
    for _ in range(ACCOUNT_LIMIT - 1):
        response = client.post(reverse("second-factor"), {"code": wrong}, REMOTE_ADDR="10.0.0.5")
        assert response.status_code == 200
    locked = client.post(reverse("second-factor"), {"code": wrong}, REMOTE_ADDR="10.0.0.5")
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()
    # The account is locked now: the right password and the right code both are refused.
    assert _password(client, practitioner, REMOTE_ADDR="10.0.0.6").status_code == 429
    assert _signed_in_as(client) is None


def test_the_right_code_clears_the_failures(
    client: Client, users_a: dict[Role, User], settings: Any
) -> None:
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    practitioner = users_a[Role.PRACTITIONER]
    key = _app(practitioner)
    wrong = str((int(code(key)) + 1) % 1_000_000).zfill(6)
    _password(client, practitioner)
    client.post(reverse("second-factor"), {"code": wrong})
    assert AccessAttempt.objects.filter(username=practitioner.username).exists()
    client.post(reverse("second-factor"), {"code": code(key)})
    assert _signed_in_as(client) == practitioner.pk
    assert not AccessAttempt.objects.filter(username=practitioner.username).exists()


def test_a_person_may_not_remove_a_second_factor_their_role_needs(
    client: Client, users_a: dict[Role, User]
) -> None:
    data_lead, practitioner = users_a[Role.DATA_LEAD], users_a[Role.PRACTITIONER]
    _app(data_lead)
    _app(practitioner)
    client.force_login(data_lead)
    client.post(reverse("second-factor-remove"))
    assert second_factor.has_second_factor(data_lead)
    client.force_login(practitioner)
    client.post(reverse("second-factor-remove"))
    assert not second_factor.has_second_factor(practitioner)


def test_an_administrator_resets_their_own_peoples_second_factor_on_the_record(
    client: Client, users_a: dict[Role, User], users_b: dict[Role, User]
) -> None:
    administrator = users_a[Role.ADMINISTRATOR]
    ours, theirs = users_a[Role.PRACTITIONER], users_b[Role.PRACTITIONER]
    for person in (ours, theirs):
        _app(person)
        second_factor.new_recovery_codes(person)
    client.force_login(administrator)
    response = client.post(
        "/admin/accounts/user/",
        {
            "action": "reset_second_factor",
            "_selected_action": [str(ours.pk), str(theirs.pk)],
            "index": "0",
        },
    )
    assert response.status_code == 302
    assert not second_factor.has_second_factor(ours)
    assert second_factor.recovery_codes_left(ours) == 0
    # Another authority's person is out of reach, whatever is posted.
    assert second_factor.has_second_factor(theirs)
    assert second_factor.recovery_codes_left(theirs) == second_factor.RECOVERY_CODES
    with scoped_to(Scope.everything()):
        latest = ours.history.latest()
        assert latest.history_change_reason == "second factor reset by an administrator"
        assert latest.history_user == administrator
        assert theirs.history.filter(history_change_reason__contains="reset").count() == 0


def test_password_sign_in_can_be_turned_off_for_an_authority(
    client: Client, users_a: dict[Role, User], users_b: dict[Role, User]
) -> None:
    with scoped_to(Scope.everything()):
        SignInPolicy.objects.create(
            authority=users_a[Role.VIEWER].authority, password_sign_in=False
        )
    response = _password(client, users_a[Role.VIEWER])
    assert response.status_code == 200
    assert "signs in through its own account" in response.content.decode()
    assert _signed_in_as(client) is None
    _password(client, users_b[Role.VIEWER])
    assert _signed_in_as(client) == users_b[Role.VIEWER].pk


def test_a_password_alone_cannot_replace_the_app_half_way_through_signing_in(
    client: Client, users_a: dict[Role, User]
) -> None:
    practitioner = users_a[Role.PRACTITIONER]
    _app(practitioner)
    _password(client, practitioner)
    response = client.get(reverse("second-factor-set-up"))
    assert response.status_code == 302
    assert response["Location"] == reverse("second-factor")
    assert not TOTPDevice.objects.filter(user=practitioner, confirmed=False).exists()
    response = client.post(reverse("second-factor-set-up"), {"code": "123456"})
    assert response["Location"] == reverse("second-factor")
    assert _signed_in_as(client) is None


def test_a_half_finished_sign_in_lasts_five_minutes(
    client: Client, users_a: dict[Role, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    practitioner = users_a[Role.PRACTITIONER]
    key = _app(practitioner)
    _password(client, practitioner)
    started = time.time()
    monkeypatch.setattr(second_factor.time, "time", lambda: started + 5 * 60 + 1)
    response = client.post(reverse("second-factor"), {"code": code(key)})
    assert response["Location"] == reverse("login")
    assert _signed_in_as(client) is None
