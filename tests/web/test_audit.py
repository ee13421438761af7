"""Every change to a child's record is kept with who and when; every view is logged.

Children's records change only through an import (the administration site shows them
read-only: see test_admin_boundary.py), so every change names its batch."""

from __future__ import annotations

from django.test import Client

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.audit.models import RecordView
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import Child

from .conftest import PASSWORD


def _child(authority: LocalAuthority) -> Child:
    with scoped_to(Scope.authority(authority.pk)):
        return Child.objects.get()


def test_opening_a_childs_journey_is_logged(
    client: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
) -> None:
    authority_a, _ = two_authorities
    child = _child(authority_a)
    client.login(username=users_a[Role.PRACTITIONER].username, password=PASSWORD)
    response = client.get(f"/children/{child.pk}/")
    assert response.status_code == 200
    with scoped_to(Scope.authority(authority_a.pk)):
        view = RecordView.objects.get()
    assert view.viewer == users_a[Role.PRACTITIONER]
    assert view.child == child and view.child_ref == "A-0001"
    assert view.path == f"/children/{child.pk}/"


def test_opening_a_child_in_the_administration_site_is_logged(
    client: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
) -> None:
    authority_a, _ = two_authorities
    child = _child(authority_a)
    client.login(username=users_a[Role.ADMINISTRATOR].username, password=PASSWORD)
    assert client.get(f"/admin/records/child/{child.pk}/change/").status_code == 200
    with scoped_to(Scope.authority(authority_a.pk)):
        assert RecordView.objects.filter(child=child, viewer=users_a[Role.ADMINISTRATOR]).exists()


def test_a_refused_view_is_not_logged_as_a_view(
    client: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
) -> None:
    _, authority_b = two_authorities
    client.login(username=users_a[Role.PRACTITIONER].username, password=PASSWORD)
    assert client.get(f"/children/{_child(authority_b).pk}/").status_code == 404
    with scoped_to(Scope.everything()):
        assert not RecordView.objects.exists()


def test_records_created_by_an_import_name_the_batch_in_their_history(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
) -> None:
    authority_a, _ = two_authorities
    with scoped_to(Scope.authority(authority_a.pk)):
        child = Child.objects.get()
        created = child.history.get()
        assert created.history_type == "+"
        assert created.history_change_reason == f"Import batch {child.source_batch_id}"
