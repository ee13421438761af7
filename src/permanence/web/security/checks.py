"""The product's own deployment checks, run by ``permanence manage check --deploy``.

Django's deployment checks look at Django's settings; these look at ours: the
pseudonym key, the sign-in throttle, where alert emails come from, and which host
names the app answers to.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from permanence.journey.pseudonym import key_weaknesses

MAKE_A_KEY = 'make one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
LOCAL_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register(Tags.security, deploy=True)
def pseudonym_key_is_strong(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    key = getattr(settings, "PSEUDONYM_KEY", "")
    problems = key_weaknesses(key)
    if key and key == settings.SECRET_KEY:
        problems.append("it is the same as the secret key")
    if not problems:
        return []
    return [
        Error(
            "PERMANENCE_PSEUDONYM_KEY is weak: " + "; ".join(problems) + ".",
            hint="Anyone could work pseudonyms back to children's references; " + MAKE_A_KEY,
            id="permanence.E101",
        )
    ]


@register(Tags.security, deploy=True)
def sign_in_is_throttled(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if getattr(settings, "AXES_ENABLED", False):
        return []
    return [
        Error(
            "Sign-in throttling is off (AXES_ENABLED is False).",
            hint="Passwords could be guessed without limit; remove the setting.",
            id="permanence.E102",
        )
    ]


@register(Tags.security, deploy=True)
def email_is_sent_from_a_real_address(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    if settings.EMAIL_BACKEND in LOCAL_EMAIL_BACKENDS:
        found.append(
            Warning(
                "Alert emails are not sent: the email backend keeps them on this machine.",
                hint="Production sends by SMTP: set the PERMANENCE_EMAIL_* settings.",
                id="permanence.W103",
            )
        )
    if settings.DEFAULT_FROM_EMAIL.endswith("@localhost"):
        found.append(
            Warning(
                f"Alert emails would come from {settings.DEFAULT_FROM_EMAIL}, which "
                "people's mail servers reject or file as junk.",
                hint="Set PERMANENCE_FROM_EMAIL to an address of the authority's domain.",
                id="permanence.W104",
            )
        )
    if getattr(settings, "EMAIL_HOST_PASSWORD", "") and not getattr(
        settings, "EMAIL_USE_TLS", False
    ):
        found.append(
            Warning(
                "The mail server's password would be sent without encryption.",
                hint="Set PERMANENCE_EMAIL_TLS=true.",
                id="permanence.W105",
            )
        )
    return found


@register(Tags.security, deploy=True)
def hosts_are_named(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    hosts = [host.strip() for host in settings.ALLOWED_HOSTS]
    if not hosts or any(host in {"*", ""} for host in hosts):
        return [
            Error(
                "PERMANENCE_ALLOWED_HOSTS must name the host names the app answers to.",
                hint="A wildcard lets any host name reach the app (and its password "
                "reset emails carry that name).",
                id="permanence.E106",
            )
        ]
    if all(host in {"localhost", "127.0.0.1", "[::1]"} for host in hosts):
        return [
            Warning(
                "The app answers only to this machine's own names.",
                hint="Set PERMANENCE_ALLOWED_HOSTS to the address people will use.",
                id="permanence.W107",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def second_factor_is_required(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    needed = {"administrator", "data_lead"}
    missing = needed - set(getattr(settings, "PERMANENCE_SECOND_FACTOR_ROLES", ()))
    if not missing:
        return []
    return [
        Warning(
            "Signing in with a password needs no second factor for: "
            + ", ".join(sorted(missing))
            + ".",
            hint=(
                "These roles manage people or import children's records; leave "
                "PERMANENCE_SECOND_FACTOR_ROLES unset (or name them in it)."
            ),
            id="permanence.W108",
        )
    ]
