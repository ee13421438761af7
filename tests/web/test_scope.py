"""The authority scope itself: fail closed, never leak across a request."""

from __future__ import annotations

import pytest

from permanence.web.accounts.models import LocalAuthority
from permanence.web.records.models import Child
from permanence.web.tenancy.middleware import scope_for_user
from permanence.web.tenancy.scope import MissingScopeError, Scope, current_scope, scoped_to


def test_querying_childrens_records_outside_any_scope_is_refused(db: None) -> None:
    with pytest.raises(MissingScopeError):
        list(Child.objects.all())


def test_a_scope_ends_with_its_block(db: None) -> None:
    with scoped_to(Scope.nothing()):
        assert current_scope() == Scope.nothing()
    with pytest.raises(MissingScopeError):
        current_scope()


def test_an_empty_scope_returns_nothing(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
) -> None:
    with scoped_to(Scope.nothing()):
        assert Child.objects.count() == 0
    with scoped_to(Scope.everything()):
        assert Child.objects.count() == 2


def test_people_not_signed_in_reach_no_authority() -> None:
    class Anonymous:
        is_authenticated = False
        is_active = True
        authority_id = 1

    assert scope_for_user(Anonymous()) == Scope.nothing()
