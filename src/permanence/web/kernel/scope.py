"""The one mechanism that keeps each authority's children to itself.

Every model holding child-level data uses ``AuthorityScopedManager`` as its default
manager. The manager filters every query by the *current scope*, a context variable
that ``AuthorityScopeMiddleware`` sets from the signed-in user for the length of a
request. Views never filter by authority themselves, so a view cannot forget to.

Code that runs outside a request (commands, imports, the tests' set-up) must say which
scope it works in with ``scoped_to``; a query made with no scope at all raises
``MissingScopeError`` rather than quietly returning every authority's children.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.db import models

if TYPE_CHECKING:
    from django.db.models import QuerySet

_M = TypeVar("_M", bound=models.Model)


class MissingScopeError(RuntimeError):
    """Child-level data was queried with no authority scope in force."""


@dataclass(frozen=True, slots=True)
class Scope:
    """Which authorities' records the current code may reach.

    ``authority_ids`` of ``None`` means every authority; it is for system tasks
    (the daily alerts run, migrations of data) and never for a person's request.
    """

    authority_ids: frozenset[int] | None

    @classmethod
    def authority(cls, authority_id: int) -> Scope:
        return cls(frozenset({authority_id}))

    @classmethod
    def nothing(cls) -> Scope:
        return cls(frozenset())

    @classmethod
    def everything(cls) -> Scope:
        return cls(None)

    def allows(self, authority_id: int | None) -> bool:
        return self.authority_ids is None or authority_id in self.authority_ids


_current_scope: ContextVar[Scope | None] = ContextVar("permanence_authority_scope", default=None)


def current_scope() -> Scope:
    scope = _current_scope.get()
    if scope is None:
        raise MissingScopeError(
            "child-level data was queried outside any authority scope; "
            "wrap the code in permanence.web.kernel.scope.scoped_to(...)"
        )
    return scope


@contextmanager
def scoped_to(scope: Scope) -> Iterator[Scope]:
    token = _current_scope.set(scope)
    try:
        yield scope
    finally:
        _current_scope.reset(token)


def scope_queryset(queryset: QuerySet[_M], authority_lookup: str = "authority") -> QuerySet[_M]:
    """``queryset`` restricted to the current scope, by the field that names the authority."""
    scope = current_scope()
    if scope.authority_ids is None:
        return queryset
    if not scope.authority_ids:
        return queryset.none()
    field = f"{authority_lookup}_id__in" if authority_lookup != "pk" else "pk__in"
    return queryset.filter(**{field: scope.authority_ids})


class AuthorityScopedManager(models.Manager[_M]):
    """The default manager of every authority-owned model: only the current scope's rows."""

    def __init__(self, authority_lookup: str = "authority") -> None:
        super().__init__()
        self.authority_lookup = authority_lookup

    def get_queryset(self) -> QuerySet[_M]:
        return scope_queryset(super().get_queryset(), self.authority_lookup)
