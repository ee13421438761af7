"""Passwords: Django's validators, one of ours, and one function every command uses.

Django's validators refuse short, common, all-digit passwords and ones like the
person's name. ``VarietyValidator`` adds what they let through: a password of one
character repeated (``aaaaaaaaaaaa``) or a short run repeated (``abcabcabcabc``), which
are long but guessed at once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class VarietyValidator:
    """Refuse a password of too few different characters, or a short run repeated."""

    def __init__(self, min_distinct: int = 5) -> None:
        self.min_distinct = min_distinct

    def validate(self, password: str, user: Any = None) -> None:
        if len(set(password)) < self.min_distinct or _is_repeated(password):
            raise ValidationError(
                "This password repeats a few characters over and over, so it is guessed "
                "at once. Try three or more random words.",
                code="password_too_repetitive",
            )

    def get_help_text(self) -> str:
        return (
            f"Your password must use at least {self.min_distinct} different characters "
            "and must not repeat a short run of them."
        )


def _is_repeated(password: str) -> bool:
    """Whether the password is one run of up to a third of its length, repeated."""
    length = len(password)
    return any(
        length % size == 0 and password == password[:size] * (length // size)
        for size in range(1, length // 3 + 1)
    )


def password_problems(password: str, user: Any = None) -> list[str]:
    """What is wrong with ``password`` for ``user`` (empty when it may be used)."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []
