"""Single sign-on through an authority's OpenID Connect identity provider, with Authlib.

The flow is the authorization code flow with PKCE. Authlib reads the provider's settings
from its discovery document, and checks the ID token it returns: the signature against the
provider's published keys, the issuer, the audience (our client id), the expiry (with two
minutes' allowance for clocks) and the nonce this browser was given. Any failure refuses.

Who the token names is then matched to a person the authority's administrator has already
added (``match_person``): by the provider's subject when that account has signed in here
before, otherwise by the claim the authority chose (a verified email address, or a
username), once, binding the subject for next time. Nobody gets an account or a role by
signing in.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.db import IntegrityError, transaction

from permanence.web.accounts.models import User
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.signin.models import ExternalIdentity, IdentityProvider

logger = logging.getLogger(__name__)

SCOPES = "openid email profile"
#: How long a provider's discovery document and keys are kept before being read again.
METADATA_SECONDS = 10 * 60
_clients: dict[tuple[Any, ...], tuple[float, DjangoOAuth2App]] = {}


def client_for(provider: IdentityProvider) -> DjangoOAuth2App:
    """Authlib's client for the provider (its discovery document kept a few minutes)."""
    key = (provider.pk, provider.issuer, provider.client_id, provider.secret())
    now = time.monotonic()
    cached = _clients.get(key)
    if cached and now - cached[0] < METADATA_SECONDS:
        return cached[1]
    client = OAuth().register(
        name=f"authority-{provider.authority_id}",
        client_id=provider.client_id,
        client_secret=provider.secret(),
        server_metadata_url=provider.metadata_url,
        client_kwargs={"scope": SCOPES, "code_challenge_method": "S256", "timeout": 10},
    )
    _clients[key] = (now, client)
    return client


def forget_clients() -> None:
    _clients.clear()


class RefusedError(Exception):
    """Why a sign-in through the provider was refused: ``message`` in words for the person,
    ``logged`` for the log."""

    def __init__(self, message: str, logged: str) -> None:
        super().__init__(logged)
        self.message = message
        self.logged = logged


def match_person(provider: IdentityProvider, claims: dict[str, Any]) -> User:
    """The person an administrator added whom the provider's token names, or ``RefusedError``."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise RefusedError("The sign-in could not be checked.", "the token names no subject")
    with scoped_to(Scope.authority(provider.authority_id)):
        bound = (
            ExternalIdentity.objects.filter(provider=provider, subject=subject)
            .select_related("user")
            .first()
        )
        if bound is not None:
            return _usable(bound.user, provider, f"subject {subject}")
        value = str(claims.get(provider.claim) or "").strip()
        if not value:
            raise RefusedError(
                "Your authority's account did not say who you are. Ask your authority's "
                "administrator to check how permanence is set up with it.",
                f"the token has no {provider.claim} claim",
            )
        if (
            provider.matched_to == IdentityProvider.Match.EMAIL
            and provider.require_verified_email
            and claims.get("email_verified") is not True
        ):
            raise RefusedError(
                "Your authority's account has not confirmed your email address, so "
                "permanence cannot tell who you are. Ask your authority's administrator.",
                f"{value}: email_verified is not true",
            )
        people = User.objects.filter(authority_id=provider.authority_id)
        if provider.matched_to == IdentityProvider.Match.EMAIL:
            found = list(people.filter(email__iexact=value)[:2])
        else:
            found = list(people.filter(username__iexact=value)[:2])
        if len(found) != 1:
            raise RefusedError(
                f"permanence has no account for {value} at {provider.authority.name}. "
                "Ask your authority's administrator to add you: signing in does not "
                "make an account.",
                f"{value}: {'several people' if found else 'nobody'} of the authority match",
            )
        user = _usable(found[0], provider, value)
        try:
            with transaction.atomic():
                ExternalIdentity.objects.create(
                    authority_id=provider.authority_id,
                    provider=provider,
                    user=user,
                    subject=subject,
                )
        except IntegrityError:
            # This person is already bound to another account at the provider.
            raise RefusedError(
                f"The account for {value} here already signs in with another account at "
                f"{provider.name}. Ask your authority's administrator.",
                f"{value}: already bound to another subject",
            ) from None
        return user


def _usable(user: User, provider: IdentityProvider, who: str) -> User:
    if not user.is_active:
        raise RefusedError(
            "Your account in permanence is closed. Ask your authority's administrator "
            "if you need it again.",
            f"{who}: the account is closed",
        )
    if user.authority_id != provider.authority_id:
        raise RefusedError("The sign-in could not be checked.", f"{who}: another authority")
    return user
