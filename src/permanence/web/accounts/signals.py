"""Signing in is noted on the person (``last_login``) without a version in their history."""

from __future__ import annotations

from typing import Any

from django.utils import timezone


def note_sign_in(sender: Any, user: Any, **kwargs: Any) -> None:
    user.last_login = timezone.now()
    user.skip_history_when_saving = True
    try:
        user.save(update_fields=["last_login"])
    finally:
        del user.skip_history_when_saving
