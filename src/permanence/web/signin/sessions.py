"""Where a person is signed in: noted at each sign-in, forgotten at sign-out.

At sign-in the session is given its authority's idle period (``kernel.sessions``), and a
``SignedInSession`` row names it, so the person can see the places they are signed in
and end any of them (the "Signing in" page).
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.http import HttpRequest

from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.kernel.sessions import IDLE_SECONDS
from permanence.web.signin.models import DEFAULT_IDLE_MINUTES, SignedInSession, SignInPolicy

#: What the sign-in views set on the request before ``login`` so the row says how.
METHOD = "permanence_signin_method"


def policy_for(authority_id: int | None) -> SignInPolicy:
    """The authority's sign-in policy, or the defaults when it has not set one."""
    if authority_id is None:
        return SignInPolicy(idle_minutes=DEFAULT_IDLE_MINUTES)
    with scoped_to(Scope.authority(authority_id)):
        found = SignInPolicy.objects.filter(authority_id=authority_id).first()
    return found or SignInPolicy(authority_id=authority_id, idle_minutes=DEFAULT_IDLE_MINUTES)


def note_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    policy = policy_for(getattr(user, "authority_id", None))
    request.session[IDLE_SECONDS] = policy.idle_minutes * 60
    if request.session.session_key is None:
        request.session.save()
    SignedInSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "method": getattr(request, METHOD, SignedInSession.Method.PASSWORD),
            "address": request.META.get("REMOTE_ADDR") or None,
            "browser": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


def forget_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        SignedInSession.objects.filter(session_key=key).delete()


def open_sessions(user: Any) -> list[SignedInSession]:
    """The person's sessions that have not ended (rows of ended ones are tidied away)."""
    from django.utils import timezone

    rows = list(SignedInSession.objects.filter(user=user))
    live = set(
        Session.objects.filter(
            session_key__in=[row.session_key for row in rows], expire_date__gt=timezone.now()
        ).values_list("session_key", flat=True)
    )
    ended = [row.pk for row in rows if row.session_key not in live]
    if ended:
        SignedInSession.objects.filter(pk__in=ended).delete()
    return [row for row in rows if row.session_key in live]


def end_session(user: Any, pk: int) -> bool:
    """End one of the person's own sessions; False if it is not theirs."""
    row = SignedInSession.objects.filter(user=user, pk=pk).first()
    if row is None:
        return False
    Session.objects.filter(session_key=row.session_key).delete()
    row.delete()
    return True
