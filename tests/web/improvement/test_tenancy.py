"""No person of authority A can reach authority B's improvement record, by any address.

The walk visits every improvement address (and the admin's pages for the improvement
models) with the primary key of every improvement row B owns, signed in as A's
administrator, and fails if anything of B's shows. It also posts to every address that
changes the record, with B's keys, and checks B's record is untouched. The last test
removes the scoping mechanism and checks the walk then does find B's record, so the walk
cannot pass for a reason other than the mechanism working.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from django.urls import get_resolver

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.kernel import scope as scope_module
from permanence.web.kernel.scope import Scope, scoped_to

from ..conftest import B_MARKERS
from ..test_tenancy_walk import _fill, _routes
from .conftest import PASSWORD, Record
from .test_permissions import CHANGING


def b_keys(authority_b: LocalAuthority) -> list[int]:
    keys: set[int] = set()
    with scoped_to(Scope.authority(authority_b.pk)):
        for model in apps.get_app_config("improvement").get_models():
            keys |= set(model._default_manager.values_list("pk", flat=True))
    return sorted(keys)


def improvement_addresses(keys: list[int]) -> list[str]:
    urls = []
    for route in _routes(get_resolver().url_patterns):
        template = route.template
        if not (template.startswith("improvement/") or template.startswith("admin/improvement/")):
            continue
        if "<" not in template:
            urls.append("/" + template)
            continue
        for key in keys:
            urls.append(
                "/"
                + _fill(
                    template,
                    {"pk": str(key), "object_id": str(key), "app_label": "improvement"},
                )
            )
    return urls


def leaks(client: Client, authority_b: LocalAuthority) -> list[str]:
    found = []
    urls = improvement_addresses(b_keys(authority_b))
    assert len(urls) > 200, "the walk visited too few addresses to mean anything"
    for url in urls:
        response = client.get(url)
        if response.status_code in {301, 302, 400, 403, 404, 405}:
            continue
        body = response.content.decode("utf-8", errors="replace")
        shown = [marker for marker in B_MARKERS if marker in body]
        if shown:
            found.append(f"{url} ({response.status_code}) shows {', '.join(shown)}")
    return found


@pytest.fixture
def admin_of_a(client: Client, record_a: Record, record_b: Record) -> Client:
    assert client.login(username=f"alpha-{Role.ADMINISTRATOR.value}", password=PASSWORD)
    return client


def test_no_improvement_address_shows_another_authoritys_record(
    admin_of_a: Client, record_b: Record
) -> None:
    assert leaks(admin_of_a, record_b.project.authority) == []


# The model each kind of address is about: posting uses B's keys of that model only, so
# no key can be one of A's own rows of the same table.
ADDRESS_MODELS = {
    "projects": "ImprovementProject",
    "members": "ChampionsGroupMember",
    "aims": "LocalAim",
    "drivers": "Driver",
    "ideas": "ChangeIdea",
    "cycles": "PdsaCycle",
    "measures": "Measure",
    "values": "MeasureValue",
    "risks": "Risk",
    "notes": "ChartNote",
}


def changing_addresses(authority_b: LocalAuthority) -> list[str]:
    urls = []
    with scoped_to(Scope.authority(authority_b.pk)):
        for route in _routes(get_resolver().url_patterns):
            template = route.template
            if not template.startswith("improvement/") or "<int:pk>" not in template:
                continue
            if not template.rstrip("/").endswith(tuple(s.lstrip("-") for s in CHANGING)):
                continue
            if template.rstrip("/").endswith("new"):
                continue  # adds to a project or idea: covered by the walk's 404s
            kind = template.split("/")[1]
            model = apps.get_model("improvement", ADDRESS_MODELS[kind])
            for key in model._default_manager.values_list("pk", flat=True):
                urls.append("/" + _fill(template, {"pk": str(key)}))
    return urls


def test_posting_with_another_authoritys_keys_changes_nothing(
    admin_of_a: Client, record_b: Record
) -> None:
    from .test_permissions import _snapshot

    before = _snapshot()
    changing = changing_addresses(record_b.project.authority)
    assert len(changing) > 15
    for url in changing:
        response = admin_of_a.post(
            url,
            {
                "text": "alpha-was-here",
                "title": "alpha-was-here",
                "direction": "up",
                "hoped_to_achieve": "alpha-was-here",
                "learned": "alpha-was-here",
                "next_steps": "alpha-was-here",
                "closed_on": "2023-01-01",
            },
        )
        assert response.status_code == 404, url
    assert _snapshot() == before


def test_the_walk_reaches_authority_as_own_record(admin_of_a: Client, record_a: Record) -> None:
    response = admin_of_a.get(f"/improvement/projects/{record_a.project.pk}/")
    assert response.status_code == 200
    assert "alpha-project" in response.content.decode()


@pytest.mark.walk_control
def test_the_walk_finds_leaks_when_the_scoping_mechanism_is_removed(
    admin_of_a: Client, record_b: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        scope_module, "scope_queryset", lambda queryset, lookup="authority": queryset
    )
    found = leaks(admin_of_a, record_b.project.authority)
    assert any("/improvement/projects/" in leak for leak in found)
    assert any("/improvement/cycles/" in leak for leak in found)
    assert any("/admin/improvement/" in leak for leak in found)
