"""The forms of signing in: a code from an authenticator app, or a recovery code; and
asking for a new password."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms

from permanence.web.signin.sessions import policy_for


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text=(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
        error_messages={"required": "Enter the code from your authenticator app"},
    )


class ConfirmAppForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=10,
        help_text="The 6-digit code the app shows for permanence.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": "Enter the 6-digit code the app shows"},
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, sending no link to a person whose authority has turned passwords off: a
    password set from it could never be used, and the mail would say otherwise. The page
    says the same either way, so it tells nobody whose address is known."""

    def get_users(self, email: str) -> Iterator[Any]:
        for user in super().get_users(email):
            if policy_for(user.authority_id).password_sign_in:
                yield user
