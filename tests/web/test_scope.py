"""The authority scope itself: fail closed, never leak across a request."""

from __future__ import annotations

import pytest

from permanence.web.accounts.middleware import scope_for_user
from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.scope import MissingScopeError, Scope, current_scope, scoped_to
from permanence.web.records.models import Child


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


#: Models keyed by authority that hold nothing about a child, each with the reason it is
#: read without a user's scope. Adding one here is a decision a reviewer should see.
UNSCOPED_BY_DESIGN = {
    # A change counter the dashboards' cache reads and moves on inside every load, from
    # signal handlers that run without a signed-in user.
    "DataVersion": "a number per authority, no child data",
}


def test_every_model_that_belongs_to_an_authority_is_scoped_by_default() -> None:
    """A new model cannot opt out of the mechanism by forgetting its manager."""
    from django.apps import apps

    from permanence.web.accounts.models import User
    from permanence.web.kernel.scope import AuthorityScopedManager

    unscoped = []
    for model in apps.get_models():
        if not model.__module__.startswith("permanence.web"):
            continue
        # Historical models too: the admin's version pages look them up by their default
        # manager, which must be the scope (web/kernel/history.py).
        if "authority" not in {field.name for field in model._meta.get_fields()}:
            continue
        if model.__name__ in UNSCOPED_BY_DESIGN:
            continue
        manager = User.in_scope if model is User else model._default_manager
        if not isinstance(manager, AuthorityScopedManager):
            unscoped.append(model.__name__)
    assert unscoped == []
