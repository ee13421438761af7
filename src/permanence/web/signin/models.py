"""An authority's sign-in settings, its identity provider, and who is signed in where."""

from __future__ import annotations

import os
import re
from typing import ClassVar

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.history import ScopedHistoricalRecords
from permanence.web.kernel.scope import AuthorityScopedManager

#: How long a session may sit unused, in minutes, when the authority has not said.
DEFAULT_IDLE_MINUTES = 120


class SignInPolicy(models.Model):
    """How the authority's people sign in, and how long an unused session lasts."""

    authority = models.OneToOneField(
        LocalAuthority, on_delete=models.CASCADE, related_name="sign_in_policy"
    )
    password_sign_in = models.BooleanField(
        default=True,
        help_text=(
            "Untick once everyone signs in through the authority's identity provider: "
            "passwords are then refused for the authority's people."
        ),
    )
    idle_minutes = models.PositiveIntegerField(
        "sign out after this many minutes unused",
        default=DEFAULT_IDLE_MINUTES,
        validators=[MinValueValidator(5), MaxValueValidator(12 * 60)],
        help_text="Between 5 minutes and 12 hours. Sessions also end when the browser closes.",
    )

    objects = AuthorityScopedManager["SignInPolicy"]()
    history = ScopedHistoricalRecords()

    class Meta:
        verbose_name = "sign-in policy"
        verbose_name_plural = "sign-in policy"

    def __str__(self) -> str:
        return "How people sign in"


class IdentityProvider(models.Model):
    """The authority's OpenID Connect identity provider (Microsoft Entra ID, or another).

    The client secret is read from the environment variable ``PERMANENCE_OIDC_SECRET_<CODE>``
    (the authority's code, in capitals) when it is set, so it need never be stored here.
    """

    class Match(models.TextChoices):
        EMAIL = "email", "The person's email address"
        USERNAME = "username", "The person's username"

    authority = models.OneToOneField(
        LocalAuthority, on_delete=models.CASCADE, related_name="identity_provider"
    )
    name = models.CharField(
        max_length=100,
        help_text="Shown on the sign-in button, e.g. 'Fife Council account'.",
    )
    issuer = models.URLField(
        help_text=(
            "The provider's issuer, e.g. https://login.microsoftonline.com/TENANT-ID/v2.0: "
            "its settings are read from ISSUER/.well-known/openid-configuration."
        )
    )
    client_id = models.CharField(max_length=200)
    client_secret = models.CharField(
        max_length=500,
        blank=True,
        help_text="Leave empty when the secret is set in the server's environment.",
    )
    claim = models.CharField(
        max_length=100,
        default="email",
        help_text=(
            "The claim in the provider's token that names the person (email; "
            "preferred_username or upn for Entra ID)."
        ),
    )
    matched_to = models.CharField(max_length=20, choices=Match.choices, default=Match.EMAIL)
    require_verified_email = models.BooleanField(
        default=True,
        help_text=(
            "Refuse a token whose email_verified claim is not true. Entra ID does not send "
            "that claim: untick it there, and name the person by preferred_username."
        ),
    )
    enabled = models.BooleanField(default=True)

    objects = AuthorityScopedManager["IdentityProvider"]()
    history = ScopedHistoricalRecords(excluded_fields=["client_secret"])

    class Meta:
        verbose_name = "identity provider"

    def __str__(self) -> str:
        return self.name

    @property
    def secret_variable(self) -> str:
        code = re.sub(r"[^A-Z0-9]", "_", self.authority.code.upper())
        return f"PERMANENCE_OIDC_SECRET_{code}"

    def secret(self) -> str:
        return os.environ.get(self.secret_variable) or self.client_secret

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def clean(self) -> None:
        plain_allowed = settings.DEBUG or getattr(settings, "PERMANENCE_OIDC_ALLOW_HTTP", False)
        if not plain_allowed and not self.issuer.startswith("https://"):
            raise ValidationError({"issuer": "The issuer must be an https:// address."})


class ExternalIdentity(models.Model):
    """A person's account at the provider (its subject), bound at their first sign-in.

    Later sign-ins are matched by the subject, which the provider never reuses; so a
    name or email address given to someone else later cannot reach this person's account.
    """

    authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE)
    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    subject = models.CharField(max_length=255)
    first_used = models.DateTimeField(auto_now_add=True)

    objects = AuthorityScopedManager["ExternalIdentity"]()

    class Meta:
        verbose_name = "account at the identity provider"
        verbose_name_plural = "accounts at the identity provider"
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="one_person_a_subject"),
            models.UniqueConstraint(fields=["provider", "user"], name="one_subject_a_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.provider}"


class SignedInSession(models.Model):
    """One place a person is signed in: what they see on their sessions page."""

    class Method(models.TextChoices):
        PASSWORD = "password", "Password"
        PASSWORD_AND_CODE = "password_and_code", "Password and a code"
        SINGLE_SIGN_ON = "single_sign_on", "The authority's identity provider"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    started = models.DateTimeField(auto_now_add=True)
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.PASSWORD)
    address = models.GenericIPAddressField(null=True, blank=True)
    browser = models.CharField(max_length=300, blank=True)

    # A person's own sessions are looked up by ``user``; never listed for anyone else.
    objects: ClassVar[models.Manager[SignedInSession]] = models.Manager()

    class Meta:
        ordering = ["-started"]

    def __str__(self) -> str:
        return f"{self.user} since {self.started:%Y-%m-%d %H:%M}"

    def is_open(self) -> bool:
        from django.utils import timezone

        return Session.objects.filter(
            session_key=self.session_key, expire_date__gt=timezone.now()
        ).exists()
