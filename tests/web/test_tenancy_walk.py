"""No person of authority A can see or change anything of authority B's, by any address.

The walk visits every address of the app and the administration site (taken from the
URL resolver: history and version pages, downloads and actions included), filling each
identifier with authority B's (every row B owns, and every version of it), signed in as
each role of authority A in turn. For each address it

- GETs it: nothing B owns may show;
- POSTs it, with the values a real form of A's would send (gathered from every page A
  can reach, so a "Revert" or a change form is posted as an attacker would post it, with
  B's identifier in the address) and with B's rows selected for every admin action: no
  row of B's, and no version in B's change history, may change.

The negative controls remove the scoping mechanism and check that the walk then finds
B's records shown and B's rows changed, so the walk cannot pass for any reason but the
mechanism working.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.admin import admin_site
from permanence.web.improvement.models import AcceptedPhase, ChartNote, ImprovementProject
from permanence.web.kernel import scope as scope_module
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.models import PlanningMeeting
from permanence.web.records.models import Child

from . import walk
from .conftest import B_MARKERS

_ACTION = re.compile(r'<option value="(\w+)">')


@dataclass(frozen=True)
class Findings:
    shown: list[str]
    changed: list[str]


def snapshot(authority: LocalAuthority) -> dict[str, list[tuple[Any, ...]]]:
    """Every row authority B owns, change history included, as plain values."""
    rows = {}
    with scoped_to(Scope.authority(authority.pk)):
        for model in walk.authority_models():
            manager = getattr(model, "in_scope", model._default_manager)
            rows[model.__name__] = sorted(
                tuple(str(value) for value in row) for row in manager.values_list()
            )
    return rows


def _changed(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def form_values_of_a(
    admin: Client, authority_a: LocalAuthority
) -> tuple[dict[str, list[str]], set[str]]:
    """Every field any form on A's own pages posts, and every admin action offered."""
    values: dict[str, list[str]] = {}
    actions: set[str] = set()
    owned = walk.identifiers_of(authority_a)
    for route in walk.routes():
        # Every address of a route has the same form: one of A's is enough.
        for url in list(walk.urls(route, owned))[:1]:
            response = admin.get(url)
            if response.status_code != 200 or response.streaming:
                continue
            page = response.content.decode("utf-8", errors="replace")
            for name, given in walk.form_fields(page).items():
                values.setdefault(name, given)
            if 'name="action"' in page:
                actions.update(_ACTION.findall(page))
    for control in ("csrfmiddlewaretoken", "action", "_selected_action", "next"):
        values.pop(control, None)
    return values, actions


def walk_authority_b(
    users: dict[Role, User],
    authority_a: LocalAuthority,
    authority_b: LocalAuthority,
    *,
    post: bool = True,
    only: tuple[str, ...] = ("/",),
) -> Findings:
    clients = {role: Client() for role in users}
    for role, user in users.items():
        clients[role].force_login(user)
    owned_by_b = walk.with_models_read_by(walk.identifiers_of(authority_b), list(clients.values()))
    admin = Client()
    admin.force_login(users[Role.ADMINISTRATOR])
    values, actions = form_values_of_a(admin, authority_a) if post else ({}, set())
    shown: list[str] = []
    changed: list[str] = []
    visited = 0
    for role, user in users.items():
        client = clients[role]
        addresses = []
        for route in walk.routes():
            for url in walk.urls(route, owned_by_b):
                if not url.startswith(only):
                    continue
                response = client.get(url)
                visited += 1
                # Refused for the role (sent to sign in, or forbidden) whatever the method:
                # the role's permission is checked before the method, so no need to post.
                refused = response.status_code == 403 or (
                    response.status_code == 302 and "/login/" in response["Location"]
                )
                if not refused:
                    addresses.append((route, url))
                if response.status_code == 200 or response.status_code >= 500:
                    body = walk.body_text(response)
                    found = [marker for marker in B_MARKERS if marker in body]
                    if found:
                        shown.append(f"{role.value} GET {url} shows {', '.join(found)}")
        if not post:
            continue
        # B's rows are compared once per role; only when something changed is each
        # address posted again on its own, to name the one that did it.
        before = snapshot(authority_b)
        _post_all(client, user, addresses, values, actions, owned_by_b)
        if difference := _changed(before, snapshot(authority_b)):
            changed.append(f"{role.value} changed {', '.join(difference)}")
            for route, url in addresses:
                before = snapshot(authority_b)
                _post_all(client, user, [(route, url)], values, actions, owned_by_b)
                if difference := _changed(before, snapshot(authority_b)):
                    changed.append(f"{role.value} POST {url} changed {', '.join(difference)}")
    if only == ("/",):
        assert visited > 300, "the walk visited too few addresses to mean anything"
    return Findings(shown, changed)


def _post_all(
    client: Client,
    user: User,
    addresses: list[tuple[walk.Route, str]],
    values: dict[str, list[str]],
    actions: set[str],
    owned_by_b: walk.Identifiers,
) -> None:
    for route, url in addresses:
        if url.startswith("/accounts/"):
            continue  # signing in and out, and password resets: no authority's rows
        payloads: list[dict[str, Any]] = []
        if route.names:
            # An address that names one of B's rows: post its form with B's id in it.
            payloads.append({**values, "post": "yes"})
        if route.model is not None and url.endswith(f"/{route.model._meta.model_name}/"):
            chosen = [str(pk) for pk in owned_by_b.pks.get(route.model, [])]
            payloads += [
                {"action": action, "_selected_action": chosen, "post": "yes"}
                for action in sorted(actions)
            ]
        for payload in payloads:
            client.post(url, payload)
        client.force_login(user)  # in case a post signed the person out


# -- for the apps' own walks (planning, improvement, national), which build on this one --


def _routes(patterns: list[Any]) -> list[walk.Route]:
    return list(walk._routes(patterns))


def _fill(template: str, values: dict[str, str]) -> str:
    route = walk.Route(template, None)
    return route.fill([values[name] for name in route.names]).lstrip("/")


def _b_identifiers(authority: LocalAuthority) -> dict[Any, list[int]]:
    return walk.identifiers_of(authority).pks


def _urls(route: walk.Route, owned: dict[Any, list[int]]) -> list[str]:
    return list(walk.urls(route, walk.Identifiers(owned, {})))


def walk_for_leaks(client: Client, authority_b: LocalAuthority) -> list[str]:
    """Every address whose response, to ``client``, shows something of authority B's."""
    owned = walk.with_models_read_by(walk.identifiers_of(authority_b), [client])
    leaks = []
    for route in walk.routes():
        for url in walk.urls(route, owned):
            response = client.get(url)
            if response.status_code == 200 or response.status_code >= 500:
                body = walk.body_text(response)
                if found := [marker for marker in B_MARKERS if marker in body]:
                    leaks.append(f"{url} ({response.status_code}) shows {', '.join(found)}")
    return leaks


def test_nobody_of_authority_a_sees_or_changes_anything_of_authority_bs(
    two_authorities: tuple[LocalAuthority, LocalAuthority], users_a: dict[Role, User]
) -> None:
    authority_a, authority_b = two_authorities
    before = snapshot(authority_b)
    findings = walk_authority_b(users_a, authority_a, authority_b)
    assert findings.shown == []
    assert findings.changed == []
    assert snapshot(authority_b) == before


def test_the_walk_reaches_every_kind_of_admin_page() -> None:
    # History and version pages, which once crossed authorities, are walked with ids.
    templates = {route.template for route in walk.routes()}
    assert "admin/records/child/([^/]+)/history/([^/]+)/" in templates
    for model in admin_site._registry:
        opts = model._meta
        assert reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


@pytest.mark.walk_control
def test_the_walk_finds_leaks_when_the_scoping_mechanism_is_removed(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    authority_a, authority_b = two_authorities
    monkeypatch.setattr(
        scope_module, "scope_queryset", lambda queryset, lookup="authority": queryset
    )
    findings = walk_authority_b(
        {Role.ADMINISTRATOR: users_a[Role.ADMINISTRATOR]},
        authority_a,
        authority_b,
        post=False,
        only=("/children/", "/admin/records/child/"),
    )
    assert any("/children/" in leak for leak in findings.shown)
    assert any("/admin/records/child/" in leak for leak in findings.shown)
    assert any("/history/" in leak for leak in findings.shown)


@pytest.mark.walk_control
def test_the_walk_finds_changes_when_the_scoping_mechanism_is_removed(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    authority_a, authority_b = two_authorities
    monkeypatch.setattr(
        scope_module, "scope_queryset", lambda queryset, lookup="authority": queryset
    )
    findings = walk_authority_b(
        {Role.ADMINISTRATOR: users_a[Role.ADMINISTRATOR]},
        authority_a,
        authority_b,
        only=("/admin/accounts/team/",),
    )
    assert any("POST /admin/accounts/team/" in change for change in findings.changed)


def test_the_walk_reaches_authority_as_own_records(
    client: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
) -> None:
    # The same pages do show A's own child, so an empty walk is not an empty site.
    client.force_login(users_a[Role.ADMINISTRATOR])
    response = client.get("/children/")
    assert response.status_code == 200
    assert "A-0001" in response.content.decode()


def test_the_walk_posts_the_undo_of_bs_accepted_phase_at_its_aim(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
) -> None:
    _, authority_b = two_authorities
    owned_by_b = walk.identifiers_of(authority_b)
    with scoped_to(Scope.authority(authority_b.pk)):
        [phase] = AcceptedPhase.objects.all()
    by_template = {route.template: route for route in walk.routes()}
    undo = list(walk.urls(by_template["aims/<slug:aim_id>/phases/<int:pk>/undo/"], owned_by_b))
    assert f"/aims/{phase.aim_id}/phases/{phase.pk}/undo/" in undo
    accept = list(walk.urls(by_template["aims/<slug:aim_id>/phases/accept/"], owned_by_b))
    assert accept == [f"/aims/{phase.aim_id}/phases/accept/"]


def test_the_walk_posts_the_change_and_removal_of_bs_chart_note(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
) -> None:
    _, authority_b = two_authorities
    owned_by_b = walk.identifiers_of(authority_b)
    with scoped_to(Scope.authority(authority_b.pk)):
        [note] = ChartNote.objects.all()
    by_template = {route.template: route for route in walk.routes()}
    for action in ("edit", "remove"):
        route = by_template[f"improvement/notes/<int:pk>/{action}/"]
        assert f"/improvement/notes/{note.pk}/{action}/" in list(walk.urls(route, owned_by_b))


@pytest.mark.walk_control
def test_the_walk_finds_bs_phase_undone_when_the_scoping_mechanism_is_removed(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    authority_a, authority_b = two_authorities
    monkeypatch.setattr(
        scope_module, "scope_queryset", lambda queryset, lookup="authority": queryset
    )
    findings = walk_authority_b(
        {Role.ADMINISTRATOR: users_a[Role.ADMINISTRATOR]},
        authority_a,
        authority_b,
        only=("/aims/",),
    )
    # Only the aims' addresses were posted: B's phase was undone by one of them.
    phase_changed = [c for c in findings.changed if re.search(r"\bAcceptedPhase\b", c)]
    assert phase_changed, findings.changed


def test_the_walk_reaches_bs_accepted_phase_in_the_admin_history_pages_included(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
) -> None:
    _, authority_b = two_authorities
    owned_by_b = walk.identifiers_of(authority_b)
    with scoped_to(Scope.authority(authority_b.pk)):
        [phase] = AcceptedPhase.objects.all()
        [version] = phase.history.all()
    walked = {url for route in walk.routes() for url in walk.urls(route, owned_by_b)}
    base = f"/admin/improvement/acceptedphase/{phase.pk}"
    for url in (
        "/admin/improvement/acceptedphase/",
        f"{base}/change/",
        f"{base}/delete/",
        f"{base}/history/",
        f"{base}/history/{version.pk}/",
    ):
        assert url in walked, url


@pytest.mark.walk_control
def test_the_walk_finds_bs_phase_in_the_admin_when_the_scoping_mechanism_is_removed(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    authority_a, authority_b = two_authorities
    monkeypatch.setattr(
        scope_module, "scope_queryset", lambda queryset, lookup="authority": queryset
    )
    findings = walk_authority_b(
        {Role.ADMINISTRATOR: users_a[Role.ADMINISTRATOR]},
        authority_a,
        authority_b,
        post=False,
        only=("/admin/improvement/acceptedphase/",),
    )
    assert any("/history/" in leak for leak in findings.shown), findings.shown
    assert any("/change/" in leak for leak in findings.shown), findings.shown


def test_the_walk_fills_an_app_address_with_the_rows_its_view_reads(
    two_authorities: tuple[LocalAuthority, LocalAuthority], users_a: dict[Role, User]
) -> None:
    # Each app address is walked with B's rows of the model its view looks the
    # identifier up in (read from the SQL the view runs), not with every key B holds.
    _, authority_b = two_authorities
    client = Client()
    client.force_login(users_a[Role.ADMINISTRATOR])
    read_by = walk.models_read_by([client])
    assert read_by["children/<int:pk>/"] == {Child}
    assert read_by["meetings/<int:pk>/"] == {PlanningMeeting}
    assert read_by["improvement/projects/<int:pk>/"] == {ImprovementProject}
    owned_by_b = walk.with_models_read_by(walk.identifiers_of(authority_b), [client])
    with scoped_to(Scope.authority(authority_b.pk)):
        child = Child.objects.get()
    by_template = {route.template: route for route in walk.routes()}
    assert list(walk.urls(by_template["children/<int:pk>/"], owned_by_b)) == [
        f"/children/{child.pk}/"
    ]
    # Most app addresses with an identifier are placed; the rest get every key of B's.
    with_identifier = [
        route
        for route in walk.routes()
        if route.model is None and "pk" in route.names and not route.template.startswith("admin/")
    ]
    assert len(read_by) > 0.7 * len(with_identifier)
    unplaced = next(route for route in with_identifier if route.template not in read_by)
    assert len(list(walk.urls(unplaced, owned_by_b))) == len(owned_by_b.every_pk)


def test_an_address_the_probe_cannot_place_is_walked_with_every_key() -> None:
    by_table = {"records_child": Child}
    placed = walk._models_compared_with_probe(
        ['SELECT 1 FROM "records_child" WHERE "records_child"."id" = 987654321'], by_table
    )
    assert placed == {Child}
    # Through an alias, or a table of someone else's: not placed, so every key is walked.
    for sql in (
        'SELECT 1 FROM "records_child" U0 WHERE U0."id" = 987654321',
        'SELECT 1 FROM "other_table" WHERE "other_table"."id" = 987654321',
    ):
        assert walk._models_compared_with_probe([sql], by_table) is None
    # The page's own address written to a log is not a lookup.
    assert walk._models_compared_with_probe(
        [
            'SELECT 1 FROM "records_child" WHERE "records_child"."id" = 987654321',
            "INSERT INTO log (path) VALUES ('/children/987654321/')",
        ],
        by_table,
    ) == {Child}
