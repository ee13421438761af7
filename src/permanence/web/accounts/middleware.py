"""Sets the authority scope for each request from the signed-in user."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to


def scope_for_user(user: object) -> Scope:
    """A person reaches their own authority's records, and nobody else's."""
    authority_id = getattr(user, "authority_id", None)
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Scope.nothing()
    if authority_id is None:
        return Scope.nothing()
    if getattr(user, "role", None) == Role.NATIONAL:
        # National figures come from the national app's own disclosure-controlled
        # computation, never from a person's scope: no child-level record, ever.
        return Scope.nothing()
    return Scope.authority(authority_id)


class AuthorityScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with scoped_to(scope_for_user(request.user)):
            return self.get_response(request)
