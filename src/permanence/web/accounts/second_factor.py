"""The second factor for signing in with a password: a time-based code and recovery codes.

Built on django-otp: a person's authenticator app is a confirmed ``TOTPDevice``; their
recovery codes are the tokens of one ``StaticDevice``, each deleted when it is used.
Which roles must have one is ``PERMANENCE_SECOND_FACTOR_ROLES`` (production: the
administrator and the data lead); anyone else may set one up.
"""

from __future__ import annotations

import time
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

#: How many recovery codes a person is given at a time.
RECOVERY_CODES = 10
RECOVERY_DEVICE = "Recovery codes"
APP_DEVICE = "Authenticator app"

#: A half-finished sign-in (the password was right; the code is still to come).
PENDING = "signin_pending"
#: How long a person has to type their code after their password.
PENDING_SECONDS = 5 * 60
#: The authenticator being set up (not yet confirmed by a code).
SETTING_UP = "signin_totp_setting_up"


def required_for(user: Any) -> bool:
    roles = getattr(settings, "PERMANENCE_SECOND_FACTOR_ROLES", ())
    return str(getattr(user, "role", "")) in roles


def has_second_factor(user: Any) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def recovery_codes_left(user: Any) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def start_pending(request: HttpRequest, user: Any, next_url: str) -> None:
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "next": next_url,
        "at": int(time.time()),
    }


def pending(request: HttpRequest) -> dict[str, Any] | None:
    """The half-finished sign-in of this browser, if it is recent enough."""
    data = request.session.get(PENDING)
    if not data or int(time.time()) - int(data.get("at", 0)) > PENDING_SECONDS:
        return None
    return dict(data)


def pending_user(request: HttpRequest) -> Any:
    from django.contrib.auth import get_user_model

    data = pending(request)
    if data is None:
        return None
    return get_user_model().objects.filter(pk=data["user"], is_active=True).first()


def new_authenticator(user: Any) -> TOTPDevice:
    """An unconfirmed authenticator: it counts once the person types a code from it."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


def qr_code(device: TOTPDevice) -> str:
    """The authenticator's set-up address as a QR code, an image in a data: address."""
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2))


def secret_key_text(device: TOTPDevice) -> str:
    """The key in base 32, in groups of four, for people who type it in."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[index : index + 4] for index in range(0, len(key), 4))


def confirm(user: Any, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm ``device`` with a code from it; the new recovery codes, or None if wrong."""
    if not device.verify_token(_digits(code)):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save()
        return new_recovery_codes(user)


def new_recovery_codes(user: Any) -> list[str]:
    """A fresh set of recovery codes (the old ones stop working)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(user: Any, code: str) -> Device | None:
    """The device a code belongs to (the authenticator, or one recovery code, which is
    used up), or None."""
    text = code.strip()
    if not text:
        return None
    with transaction.atomic():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(_digits(text)):
                return device
        for recovery in StaticDevice.objects.filter(user=user, confirmed=True):
            if recovery.verify_token(_recovery(text)):
                return recovery
    return None


def remove(user: Any) -> None:
    """Take away every second factor a person has (their authenticator and codes)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def _digits(code: str) -> str:
    return "".join(character for character in code if not character.isspace())


def _recovery(code: str) -> str:
    return "".join(character for character in code.lower() if character.isalnum())


def note_in_history(user: Any, what: str, by: Any = None) -> None:
    """Keep a change to a person's second factor in their history, with who made it.

    The history's author is the person signed in (``HistoryRequestMiddleware``), or ``by``.
    """
    user._change_reason = what[:100]
    if by is not None:
        user._history_user = by
    try:
        user.save(update_fields=["role"])
    finally:
        del user._change_reason
        if by is not None:
            del user._history_user
