"""Server-side enforcement of roles: every view declares the capability it needs.

``requires`` is the way a view says who may use it (``requires_one_of`` for a page two
roles may use). It refuses people who are not signed in (to the login page) and people
whose role lacks the capability (403). The test
suite walks every URL pattern and fails if any view is missing a declaration, so a new
page cannot be added without saying who may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from permanence.web.accounts.roles import Capability

View = TypeVar("View", bound=Callable[..., HttpResponseBase])

# Marks views open to everyone (the sign-in pages); the URL walk test reads it.
PUBLIC = "public"
# Marks views for anyone signed in, whatever their role: their own account (how they
# sign in, their sessions). They never show anything of anyone else's.
SIGNED_IN = "signed_in"


def requires(capability: Capability) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.can(capability):
                raise PermissionDenied(f"Your role does not allow: {capability.value}")
            return view(request, *args, **kwargs)

        guarded.required_capability = capability  # type: ignore[attr-defined]
        return cast(View, guarded)

    return decorator


def requires_one_of(*capabilities: Capability) -> Callable[[View], View]:
    """Like ``requires``, for a page two roles may use: any one of the capabilities admits.

    The URL walk reads ``required_capabilities`` (all of them) and ``required_capability``
    (the first) as it does for ``requires``.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(user.can(capability) for capability in capabilities):
                raise PermissionDenied("Your role does not allow this page")
            return view(request, *args, **kwargs)

        guarded.required_capability = capabilities[0]  # type: ignore[attr-defined]
        guarded.required_capabilities = capabilities  # type: ignore[attr-defined]
        return cast(View, guarded)

    return decorator


def public(view: View) -> View:
    view.required_capability = PUBLIC  # type: ignore[attr-defined]
    return view


def signed_in(view: View) -> View:
    """For every person signed in (an account closed since is signed out first)."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    guarded.required_capability = SIGNED_IN  # type: ignore[attr-defined]
    return cast(View, guarded)
