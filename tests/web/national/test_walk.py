"""A national user walks every address of the site and reaches no child-level record.

The walk of ``test_tenancy_walk`` (every URL pattern of the app and the admin, each
parameter filled with the identifiers of every authority's rows), signed in as the
national improvement team: no child's reference and no date of birth may show anywhere.
The second test checks the walk is able to see a leak: with the two guards taken away
(the national user given every capability and every authority's scope), the same walk
finds children's records.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver

from permanence.web.accounts import middleware
from permanence.web.accounts.models import User
from permanence.web.kernel.scope import Scope

from ..test_tenancy_walk import _b_identifiers, _routes, _urls
from .conftest import REF_MARKER, Nation


def walk(client: Client, nation: Nation) -> tuple[list[str], int]:
    # A few rows of every kind from every authority: each address is tried with real
    # identifiers of each authority (all of them would make thousands of requests).
    owned: dict[type, list[int]] = {}
    for authority in nation.authorities.values():
        for model, pks in _b_identifiers(authority).items():
            owned.setdefault(model, []).extend(sorted(pks)[:2])
    leaks, visited = [], 0
    for route in _routes(get_resolver().url_patterns):
        for url in _urls(route, owned):
            response = client.get(url)
            visited += 1
            if response.status_code in {301, 302, 400, 403, 404, 405}:
                continue
            if getattr(response, "streaming", False):
                body = b"".join(response.streaming_content).decode("utf-8", errors="replace")
            else:
                body = response.content.decode("utf-8", errors="replace")
            found = [REF_MARKER] if REF_MARKER in body else []
            found += [born for born in nation.births if born in body]
            if found:
                leaks.append(f"{url} ({response.status_code}) shows {', '.join(found[:3])}")
    return leaks, visited


def test_a_national_user_reaches_no_childs_record_by_any_address(nation: Nation) -> None:
    leaks, visited = walk(nation.client_for(nation.national), nation)
    assert visited > 40
    assert leaks == []


@pytest.mark.walk_control
def test_the_walk_would_see_a_leak(nation: Nation, monkeypatch: pytest.MonkeyPatch) -> None:
    # Were the national user to hold every capability and be scoped to every authority,
    # the same walk would find children: an empty walk above is the two guards working.
    monkeypatch.setattr(User, "can", lambda self, capability: True)
    monkeypatch.setattr(middleware, "scope_for_user", lambda user: Scope.everything())
    leaks, _ = walk(nation.client_for(_with_an_authority(nation)), nation)
    assert any("/children/" in leak for leak in leaks)


def _with_an_authority(nation: Nation) -> User:
    national = nation.national
    national.authority = nation.authorities["NORTH"]
    national.save()
    return national
