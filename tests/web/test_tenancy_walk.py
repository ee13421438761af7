"""No person of authority A can reach any record of authority B, by any address.

The walk visits every URL pattern of the app and of the admin, filling each parameter
with the identifiers of authority B's rows (and the other values a pattern can take),
signed in as A's administrator, who holds every capability. Nothing B owns may show.

The second test removes the scoping mechanism and checks the walk then finds B's
records, so the first test cannot pass for a reason other than the mechanism working.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.tenancy import scope as scope_module
from permanence.web.tenancy.scope import Scope, scoped_to

from .conftest import B_MARKERS, PASSWORD

_PARAMETER = re.compile(
    r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<group>\w+)>[^)]*\)"
)


@dataclass(frozen=True)
class Route:
    template: str  # e.g. "admin/records/child/<path:object_id>/change/"
    model: type[Model] | None  # the admin model the route belongs to, if any


def _routes(
    patterns: list[URLPattern | URLResolver], prefix: str = "", model: type[Model] | None = None
) -> Iterator[Route]:
    for pattern in patterns:
        text = str(pattern.pattern).lstrip("^").rstrip("$").replace("\\/", "/")
        if isinstance(pattern, URLResolver):
            owner = model
            admin_model = re.fullmatch(r"(\w+)/(\w+)/", text)
            if admin_model and prefix.startswith("admin/"):
                try:
                    owner = apps.get_model(admin_model[1], admin_model[2])
                except LookupError:
                    owner = model
            yield from _routes(pattern.url_patterns, prefix + text, owner)
        else:
            yield Route(prefix + text, model)


def _authority_models() -> list[type[Model]]:
    """Every model of ours that belongs to an authority (or is one)."""
    owned = []
    for model in apps.get_models():
        if not model.__module__.startswith("permanence.web"):
            continue
        if model.__name__.startswith("Historical"):
            continue
        field_names = {field.name for field in model._meta.get_fields()}
        if "authority" in field_names or model.__name__ == "LocalAuthority":
            owned.append(model)
    return owned


def _b_identifiers(authority_b: LocalAuthority) -> dict[type[Model], list[int]]:
    """The primary key of every row authority B owns, by model."""
    owned: dict[type[Model], list[int]] = {}
    with scoped_to(Scope.authority(authority_b.pk)):
        for model in _authority_models():
            manager = getattr(model, "in_scope", model._default_manager)
            owned[model] = list(manager.values_list("pk", flat=True))
    return owned


def _urls(route: Route, owned: dict[type[Model], list[int]]) -> Iterator[str]:
    names = [m["name"] or m["group"] for m in _PARAMETER.finditer(route.template)]
    if not names:
        yield "/" + route.template
        return
    candidates: dict[str, list[str]] = {}
    all_pks = sorted({pk for pks in owned.values() for pk in pks})
    for name in names:
        if name in {"object_id", "pk", "id"}:
            pks = owned.get(route.model, all_pks) if route.model else all_pks
            candidates[name] = [str(pk) for pk in pks] or ["1"]
        elif name == "content_type_id":
            candidates[name] = [str(ContentType.objects.get_for_model(m).pk) for m in owned]
        elif name == "app_label":
            candidates[name] = sorted({m._meta.app_label for m in _authority_models()})
        else:
            candidates[name] = ["x"]
    if "object_id" in names and "content_type_id" in names:
        for model, pks in owned.items():
            content_type = ContentType.objects.get_for_model(model).pk
            for pk in pks:
                yield "/" + _fill(
                    route.template, {"content_type_id": str(content_type), "object_id": str(pk)}
                )
        return
    first = names[0]
    for value in candidates[first]:
        rest = {name: candidates[name][0] for name in names[1:]}
        yield "/" + _fill(route.template, {first: value, **rest})


def _fill(template: str, values: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        return values[match["name"] or match["group"]]

    return _PARAMETER.sub(replace, template)


def walk_for_leaks(client: Client, authority_b: LocalAuthority) -> list[str]:
    """Every address whose response shows something of authority B's."""
    owned = _b_identifiers(authority_b)
    leaks: list[str] = []
    visited = 0
    for route in _routes(get_resolver().url_patterns):
        for url in _urls(route, owned):
            response = client.get(url)
            visited += 1
            if response.status_code in {301, 302, 400, 403, 404, 405}:
                continue
            content = (
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
                if response.streaming
                else response.content
            )
            body = content.decode("utf-8", errors="replace")
            found = [marker for marker in B_MARKERS if marker in body]
            if found:
                leaks.append(f"{url} ({response.status_code}) shows {', '.join(found)}")
    assert visited > 40, "the walk visited too few addresses to mean anything"
    return leaks


@pytest.fixture
def signed_in_admin_of_a(
    client: Client, two_authorities: tuple[LocalAuthority, LocalAuthority]
) -> Client:
    assert client.login(username=f"alpha-{Role.ADMINISTRATOR.value}", password=PASSWORD)
    return client


def test_no_address_shows_another_authoritys_records(
    signed_in_admin_of_a: Client, two_authorities: tuple[LocalAuthority, LocalAuthority]
) -> None:
    _, authority_b = two_authorities
    assert walk_for_leaks(signed_in_admin_of_a, authority_b) == []


def test_the_walk_finds_leaks_when_the_scoping_mechanism_is_removed(
    signed_in_admin_of_a: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, authority_b = two_authorities
    monkeypatch.setattr(
        scope_module, "scope_queryset", lambda queryset, lookup="authority": queryset
    )
    leaks = walk_for_leaks(signed_in_admin_of_a, authority_b)
    assert any("/children/" in leak for leak in leaks)
    assert any("/admin/records/child/" in leak for leak in leaks)


def test_the_walk_reaches_authority_as_own_records(
    signed_in_admin_of_a: Client, two_authorities: tuple[LocalAuthority, LocalAuthority]
) -> None:
    # The same pages do show A's own child, so an empty walk is not an empty site.
    response = signed_in_admin_of_a.get("/children/")
    assert response.status_code == 200
    assert "A-0001" in response.content.decode()
