"""Who may read and who may change the improvement record, enforced on the server.

Every role may read every page. Administrators, data leads and practitioners may change
the record; viewers may not, whether they open a form or post to it directly.
"""

from __future__ import annotations

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from permanence.web.accounts.models import User
from permanence.web.accounts.roles import CAPABILITIES, Capability, Role
from permanence.web.improvement import models
from permanence.web.kernel.scope import Scope, scoped_to

from .conftest import Record

CHANGING = ("-new", "-edit", "-remove", "-move", "-close", "-add")


def improvement_patterns() -> list[URLPattern]:
    resolver = get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        if str(pattern.pattern) == "improvement/":
            found = [p for p in pattern.url_patterns if isinstance(p, URLPattern)]  # type: ignore[union-attr]
    assert found, "the improvement app's addresses are not installed"
    return found


def test_every_page_that_changes_the_record_needs_the_edit_capability() -> None:
    for pattern in improvement_patterns():
        needed = pattern.callback.required_capability  # type: ignore[attr-defined]
        changes = any(str(pattern.name).endswith(suffix) for suffix in CHANGING)
        expected = Capability.EDIT_IMPROVEMENT if changes else Capability.VIEW_AGGREGATES
        assert needed == expected, pattern.name


@pytest.mark.parametrize(
    ("role", "may_edit"),
    [
        (Role.ADMINISTRATOR, True),
        (Role.DATA_LEAD, True),
        (Role.PRACTITIONER, True),
        (Role.VIEWER, False),
    ],
)
def test_the_roles_that_may_keep_the_record(role: Role, may_edit: bool) -> None:
    assert (Capability.EDIT_IMPROVEMENT in CAPABILITIES[role]) is may_edit
    assert Capability.VIEW_AGGREGATES in CAPABILITIES[role]


def addresses(record: Record) -> dict[str, str]:
    """Every improvement address, filled with the record's rows."""
    pk_of = {
        "improvement-member-edit": record.member.pk,
        "improvement-member-remove": record.member.pk,
        "improvement-aim": record.aim.pk,
        "improvement-aim-edit": record.aim.pk,
        "improvement-driver-edit": record.secondary.pk,
        "improvement-driver-move": record.secondary.pk,
        "improvement-driver-remove": record.secondary.pk,
        "improvement-idea": record.idea.pk,
        "improvement-idea-edit": record.idea.pk,
        "improvement-idea-move": record.idea.pk,
        "improvement-idea-remove": record.idea.pk,
        "improvement-cycle-new": record.idea.pk,
        "improvement-cycle": record.second_cycle.pk,
        "improvement-cycle-edit": record.second_cycle.pk,
        "improvement-cycle-close": record.second_cycle.pk,
        "improvement-measure": record.outcome.pk,
        "improvement-measure-csv": record.outcome.pk,
        "improvement-measure-edit": record.outcome.pk,
        "improvement-measure-remove": record.entered.pk,
        "improvement-measure-values": record.entered.pk,
        "improvement-measure-value-add": record.entered.pk,
        "improvement-measure-value-remove": record.value.pk,
        "improvement-risk-edit": record.risk.pk,
        "improvement-chart-note-edit": record.note.pk,
        "improvement-chart-note-remove": record.note.pk,
    }
    urls = {}
    for pattern in improvement_patterns():
        name = str(pattern.name)
        if "<int:pk>" not in str(pattern.pattern):
            urls[name] = reverse(name)
        else:
            urls[name] = reverse(name, args=[pk_of.get(name, record.project.pk)])
    return urls


def signed_in(client: Client, user: User) -> Client:
    client.logout()
    client.force_login(user)
    return client


def test_every_role_reads_every_page(
    client: Client, record_a: Record, users_a: dict[Role, User]
) -> None:
    reading = {
        name: url for name, url in addresses(record_a).items() if not name.endswith(CHANGING)
    }
    assert len(reading) >= 15
    authority_roles = [role for role in Role if Capability.VIEW_AGGREGATES in CAPABILITIES[role]]
    assert {Role.ADMINISTRATOR, Role.DATA_LEAD, Role.PRACTITIONER, Role.VIEWER} <= set(
        authority_roles
    )
    for role in authority_roles:
        signed_in(client, users_a[role])
        statuses = {name: client.get(url).status_code for name, url in reading.items()}
        assert statuses == dict.fromkeys(reading, 200), role
    # Any role without the authority's figures (the national team's) reads none of it.
    for role in set(Role) - set(authority_roles):
        signed_in(client, users_a[role])
        statuses = {name: client.get(url).status_code for name, url in reading.items()}
        assert statuses == dict.fromkeys(reading, 403), role


def test_viewers_cannot_open_or_post_to_any_page_that_changes_the_record(
    client: Client, record_a: Record, users_a: dict[Role, User]
) -> None:
    changing = {name: url for name, url in addresses(record_a).items() if name.endswith(CHANGING)}
    assert len(changing) >= 20
    before = _snapshot()
    signed_in(client, users_a[Role.VIEWER])
    for name, url in changing.items():
        assert client.get(url).status_code == 403, name
        response = client.post(
            url,
            {
                "title": "viewer-was-here",
                "text": "viewer-was-here",
                "direction": "up",
                "hoped_to_achieve": "x",
                "learned": "x",
                "next_steps": "x",
                "closed_on": "2023-01-01",
            },
        )
        assert response.status_code == 403, name
    assert _snapshot() == before


def test_people_not_signed_in_are_sent_to_sign_in(client: Client, record_a: Record) -> None:
    for name, url in addresses(record_a).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.DATA_LEAD, Role.PRACTITIONER])
def test_editing_roles_open_every_form(
    client: Client, record_a: Record, users_a: dict[Role, User], role: Role
) -> None:
    signed_in(client, users_a[role])
    forms = {
        name: url
        for name, url in addresses(record_a).items()
        if name.endswith(CHANGING)
        and not name.endswith(("-move", "-value-add", "-value-remove", "-note-add"))
    }
    assert {name: client.get(url).status_code for name, url in forms.items()} == dict.fromkeys(
        forms, 200
    )


def test_a_practitioner_can_change_the_record(
    client: Client, record_a: Record, users_a: dict[Role, User]
) -> None:
    signed_in(client, users_a[Role.PRACTITIONER])
    response = client.post(
        reverse("improvement-primary-driver-new", args=[record_a.project.pk]),
        {"text": "Decisions made in time"},
    )
    assert response.status_code == 302
    with scoped_to(Scope.authority(record_a.project.authority_id)):
        assert models.Driver.objects.filter(text="Decisions made in time").exists()


def _snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Every improvement row, as plain values, to show nothing changed."""
    tables: list[type[Model]] = [
        models.LocalAim,
        models.ImprovementProject,
        models.ChampionsGroupMember,
        models.Driver,
        models.ChangeIdea,
        models.PdsaCycle,
        models.Measure,
        models.MeasureValue,
        models.Feedback,
        models.Risk,
        models.ChartNote,
    ]
    with scoped_to(Scope.everything()):
        return {
            model.__name__: sorted(
                tuple(str(v) for v in row)
                for row in model._default_manager.values_list()  # type: ignore[attr-defined]
            )
            for model in tables
        }


def test_the_snapshot_sees_a_change(record_a: Record) -> None:
    """The viewers' test above would pass for nothing if the snapshot missed changes."""
    before = _snapshot()
    with scoped_to(Scope.authority(record_a.project.authority_id)):
        record_a.risk.owner = "someone else"
        record_a.risk.save()
    assert _snapshot() != before
