"""Sign-in throttling, with django-axes: per account, per address, and a clear message.

An account is locked after ``PERMANENCE_SIGN_IN_ACCOUNT_LIMIT`` failures in the cool-off
period, wherever they come from (guessing one person's password); an address after
``PERMANENCE_SIGN_IN_ADDRESS_LIMIT`` failures across any accounts (trying one password
on many people). The address limit is higher because a council's offices reach the
server through a few shared addresses, and a handful of people mistyping must not lock
everyone out. A locked attempt is refused before any password is hashed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Max, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class AccountOrAddressHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Axes' database handler with a limit per account and a higher one per address.

    Axes compares one number with one limit (``AXES_FAILURE_LIMIT``, the account limit);
    the address's failures are scaled so that it reaches that number at the address
    limit. ``AXES_LOCKOUT_PARAMETERS`` is ``["username", "ip_address"]``, in that order.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        by_account, by_address = (
            _failures(attempts) for attempts in self.get_user_attempts(request, credentials)
        )
        account_limit = settings.PERMANENCE_SIGN_IN_ACCOUNT_LIMIT
        address_limit = settings.PERMANENCE_SIGN_IN_ADDRESS_LIMIT
        return max(by_account, by_address * account_limit // address_limit)


def _failures(attempts: QuerySet[Any]) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The page a locked sign-in gets: what happened, and when to try again."""
    from axes.models import AccessAttempt

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    address = getattr(request, "axes_ip_address", None)
    latest: datetime | None = AccessAttempt.objects.filter(
        Q(username=username) | Q(ip_address=address)
    ).aggregate(latest=Max("attempt_time"))["latest"]
    cool_off = get_cool_off(request)
    until = latest + cool_off if latest and cool_off else None
    return render(
        request,
        "registration/locked_out.html",
        {"until": until, "cool_off_minutes": int(cool_off.total_seconds() // 60)},
        status=429,
    )
