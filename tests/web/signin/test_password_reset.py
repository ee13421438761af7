"""Asking for a new password sends a link only to someone who could use a password: not to
the people of an authority that signs in through its own identity provider."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.signin.models import SignInPolicy


def _ask_for_a_new_password(person: User) -> str:
    response = Client().post("/accounts/password-reset/", {"email": person.email})
    assert response.status_code == 302  # the same "sent" page whoever asks
    return str(response["Location"])


def test_a_reset_link_goes_only_where_passwords_are_used(
    users_a: dict[Role, User], users_b: dict[Role, User]
) -> None:
    in_a, in_b = users_a[Role.VIEWER], users_b[Role.VIEWER]
    for person, address in ((in_a, "viewer-a@example.invalid"), (in_b, "viewer-b@example.invalid")):
        person.email = address
        person.save(update_fields=["email"])
    with scoped_to(Scope.everything()):
        SignInPolicy.objects.create(authority=in_a.authority, password_sign_in=False)

    sent_to_a = _ask_for_a_new_password(in_a)
    assert mail.outbox == []
    sent_to_b = _ask_for_a_new_password(in_b)
    assert [message.to for message in mail.outbox] == [["viewer-b@example.invalid"]]
    # Nothing on the page tells the two apart.
    assert sent_to_a == sent_to_b == "/accounts/password-reset/sent/"
