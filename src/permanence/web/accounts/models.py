"""Local authorities, their teams, and the people who sign in."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from permanence.web.accounts.roles import CAPABILITIES, NATIONAL_CAPABILITIES, Capability, Role
from permanence.web.kernel.history import ScopedHistoricalRecords
from permanence.web.kernel.scope import AuthorityScopedManager


class LocalAuthority(models.Model):
    """A local authority partnership: the owner of every child-level record."""

    code = models.CharField(
        max_length=16, unique=True, help_text="A short code used on the command line, e.g. FIF."
    )
    name = models.CharField(max_length=100, unique=True)

    objects = AuthorityScopedManager["LocalAuthority"](authority_lookup="pk")

    class Meta:
        verbose_name_plural = "local authorities"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=100)

    objects = AuthorityScopedManager["Team"]()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "name"], name="team_name_unique_in_authority"
            )
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Each belongs to one authority and holds one role."""

    authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True)

    # Signing in must find a user before any scope exists, so the default manager is
    # Django's own; lists of users in the app go through ``in_scope``.
    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]
    in_scope = AuthorityScopedManager["User"]()
    # Who gave whom which role, and when: every change to a person is kept (never their
    # password hash or when they last signed in).
    history = ScopedHistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def can(self, capability: Capability) -> bool:
        if not self.is_active:
            return False
        role = Role(self.role)
        if role is Role.NATIONAL:
            # The national team belongs to no authority: the national workspace, and
            # never anything at child level, whatever authority the record names.
            return capability in NATIONAL_CAPABILITIES & CAPABILITIES[role]
        if self.authority_id is None:
            return False
        return capability in CAPABILITIES.get(role, frozenset())
