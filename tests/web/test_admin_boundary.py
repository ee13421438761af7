"""The administration site stays inside the authority's boundary, history pages included.

Found by an attacker's walk: the change-history pages looked a version up through the
historical model's own manager, so A's administrator could read any of B's versions
(and post the page's form to "revert" B's record). These tests hold every history page
of every model with a history to the boundary, for reading and for writing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.admin import admin_site
from permanence.web.audit.models import RecordView
from permanence.web.improvement.models import AcceptedPhase
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import (
    CarePeriod,
    Child,
    LegalStatus,
    Meeting,
    Milestone,
    Placement,
)

from .conftest import B_BORN, B_MARKERS, PASSWORD


def _history_admins() -> list[type[Model]]:
    return [
        model
        for model, model_admin in admin_site._registry.items()
        if getattr(model._meta, "simple_history_manager_attribute", None)
        and isinstance(model_admin, admin.ModelAdmin)
    ]


def _latest_version(model: type[Model], authority: LocalAuthority) -> Any:
    with scoped_to(Scope.authority(authority.pk)):
        return getattr(model, model._meta.simple_history_manager_attribute).first()  # type: ignore[attr-defined]


@pytest.fixture
def admin_of_a(client: Client, two_authorities: tuple[LocalAuthority, LocalAuthority]) -> Client:
    assert client.login(username=f"alpha-{Role.ADMINISTRATOR.value}", password=PASSWORD)
    return client


def test_every_childs_record_has_its_history_in_the_admin() -> None:
    names = {model.__name__ for model in _history_admins()}
    assert {"Child", "CarePeriod", "Placement", "Meeting", "Allocation"} <= names


def test_a_version_of_another_authoritys_child_is_not_shown(
    admin_of_a: Client, two_authorities: tuple[LocalAuthority, LocalAuthority]
) -> None:
    _, authority_b = two_authorities
    version = _latest_version(Child, authority_b)
    url = reverse("admin:records_child_simple_history", args=[version.id, version.history_id])
    response = admin_of_a.get(url)
    assert response.status_code == 404
    assert not any(marker in response.content.decode() for marker in B_MARKERS)


def test_no_version_of_anything_of_another_authority_is_shown(
    admin_of_a: Client, two_authorities: tuple[LocalAuthority, LocalAuthority]
) -> None:
    _, authority_b = two_authorities
    shown = []
    for model in _history_admins():
        version = _latest_version(model, authority_b)
        if version is None:
            continue
        opts = model._meta
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_simple_history",
            args=[getattr(version, opts.pk.attname), version.history_id],
        )
        if admin_of_a.get(url).status_code != 404:
            shown.append(url)
    assert shown == []


def test_reverting_another_authoritys_child_changes_nothing(
    admin_of_a: Client, two_authorities: tuple[LocalAuthority, LocalAuthority]
) -> None:
    _, authority_b = two_authorities
    version = _latest_version(Child, authority_b)
    url = reverse("admin:records_child_simple_history", args=[version.id, version.history_id])
    response = admin_of_a.post(
        url,
        {
            "child_ref": "B-SECRET-REF",
            "initials": "XX",
            "date_of_birth": "2001-01-01",
            "sex": "male",
            "ethnicity": "",
            "disability": "",
        },
    )
    assert response.status_code in {403, 404}
    with scoped_to(Scope.authority(authority_b.pk)):
        child = Child.objects.get()
        assert (child.initials, child.date_of_birth.isoformat()) == ("ZQ", B_BORN.isoformat())
        assert child.history.count() == 1


def test_childrens_records_are_read_only_in_the_admin_even_through_their_history(
    admin_of_a: Client, two_authorities: tuple[LocalAuthority, LocalAuthority]
) -> None:
    authority_a, _ = two_authorities
    version = _latest_version(Child, authority_a)
    url = reverse("admin:records_child_simple_history", args=[version.id, version.history_id])
    assert admin_of_a.get(url).status_code == 200
    response = admin_of_a.post(url, {"child_ref": "A-0001", "initials": "XX"})
    assert response.status_code == 403
    change = admin_of_a.post(
        reverse("admin:records_child_change", args=[version.id]), {"initials": "XX"}
    )
    assert change.status_code == 403
    with scoped_to(Scope.authority(authority_a.pk)):
        assert Child.objects.get().initials == "AA"


def test_opening_a_childs_history_is_audited(
    admin_of_a: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
) -> None:
    authority_a, _ = two_authorities
    version = _latest_version(Child, authority_a)
    for url in (
        reverse("admin:records_child_history", args=[version.id]),
        reverse("admin:records_child_simple_history", args=[version.id, version.history_id]),
    ):
        assert admin_of_a.get(url).status_code == 200
        with scoped_to(Scope.authority(authority_a.pk)):
            assert RecordView.objects.filter(
                viewer=users_a[Role.ADMINISTRATOR], child_ref="A-0001", path=url
            ).exists(), url


def _phase_of(authority: LocalAuthority) -> AcceptedPhase:
    with scoped_to(Scope.authority(authority.pk)):
        [phase] = AcceptedPhase.objects.all()
        return phase


def _admin_urls(phase: AcceptedPhase) -> list[str]:
    with scoped_to(Scope.authority(phase.authority_id)):
        version = phase.history.first()
    assert version is not None
    return [
        reverse("admin:improvement_acceptedphase_change", args=[phase.pk]),
        reverse("admin:improvement_acceptedphase_history", args=[phase.pk]),
        reverse("admin:improvement_acceptedphase_delete", args=[phase.pk]),
        reverse("admin:improvement_acceptedphase_simple_history", args=[phase.pk, version.pk]),
    ]


def test_accepted_phases_are_in_the_admin_with_their_history(
    admin_of_a: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
) -> None:
    authority_a, _ = two_authorities
    assert AcceptedPhase in _history_admins()
    with scoped_to(Scope.authority(authority_a.pk)):
        AcceptedPhase.objects.create(
            authority=authority_a,
            aim_id="aim_2",
            starts_on=date(2024, 3, 4),
            baseline_n=9,
            reason="alpha phase reason",
            accepted_by=users_a[Role.DATA_LEAD],
        )
    listing = admin_of_a.get(reverse("admin:improvement_acceptedphase_changelist"))
    assert listing.status_code == 200
    assert "aim_2" in listing.content.decode()
    phase = _phase_of(authority_a)
    for url in _admin_urls(phase):
        assert admin_of_a.get(url).status_code == 200, url
    # Accepted on the aim's page only, where the chart suggests it: none is added here,
    # and its date and count stay; its "why" may be put right.
    assert admin_of_a.get(reverse("admin:improvement_acceptedphase_add")).status_code == 403
    response = admin_of_a.post(
        reverse("admin:improvement_acceptedphase_change", args=[phase.pk]),
        {"reason": "Put right", "starts_on": "2020-01-01", "baseline_n": "1", "aim_id": "aim_3"},
    )
    assert response.status_code == 302
    changed = _phase_of(authority_a)
    assert (changed.reason, changed.starts_on, changed.baseline_n, changed.aim_id) == (
        "Put right",
        date(2024, 3, 4),
        9,
        "aim_2",
    )


def test_another_authoritys_accepted_phase_is_invisible_and_unchangeable_in_the_admin(
    admin_of_a: Client, two_authorities: tuple[LocalAuthority, LocalAuthority]
) -> None:
    _, authority_b = two_authorities
    phase = _phase_of(authority_b)
    listing = admin_of_a.get(reverse("admin:improvement_acceptedphase_changelist"))
    assert listing.status_code == 200
    assert not any(marker in listing.content.decode() for marker in B_MARKERS)
    for url in _admin_urls(phase):
        response = admin_of_a.get(url)
        assert response.status_code in {302, 404}, url
        assert not any(marker in response.content.decode() for marker in B_MARKERS), url
        admin_of_a.post(url, {"reason": "Changed by A", "post": "yes"})
    kept = _phase_of(authority_b)
    assert (kept.pk, kept.reason) == (phase.pk, "bravo-only phase reason")
    with scoped_to(Scope.authority(authority_b.pk)):
        assert kept.history.count() == 1


@pytest.mark.parametrize(
    "model",
    [Child, CarePeriod, Placement, LegalStatus, Meeting, Milestone],
    ids=lambda m: m.__name__,
)
def test_every_kind_of_childrens_record_is_read_only_in_the_admin(
    admin_of_a: Client, two_authorities: tuple[LocalAuthority, LocalAuthority], model: Any
) -> None:
    # They change through an import, which names its batch (docs/architecture.md).
    authority_a, _ = two_authorities
    opts = model._meta
    with scoped_to(Scope.authority(authority_a.pk)):
        row = model.objects.order_by("pk").first()
        assert row is not None, opts.model_name
        before = model.objects.filter(pk=row.pk).values().get()
        version = row.history.first()
    name = f"admin:{opts.app_label}_{opts.model_name}"
    assert admin_of_a.get(reverse(f"{name}_add")).status_code == 403
    assert admin_of_a.post(reverse(f"{name}_add"), {}).status_code == 403
    assert admin_of_a.post(reverse(f"{name}_change", args=[row.pk]), {}).status_code == 403
    assert (
        admin_of_a.post(reverse(f"{name}_delete", args=[row.pk]), {"post": "yes"}).status_code
        == 403
    )
    revert = reverse(f"{name}_simple_history", args=[row.pk, version.history_id])
    assert admin_of_a.post(revert, {}).status_code == 403
    admin_of_a.post(
        reverse(f"{name}_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    with scoped_to(Scope.authority(authority_a.pk)):
        assert model.objects.filter(pk=row.pk).values().get() == before
