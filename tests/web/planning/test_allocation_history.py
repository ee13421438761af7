"""Who works with a child is child-level information: every change to an allocation is
kept, with who made it and when."""

from __future__ import annotations

from django.test import Client

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning.models import Allocation

from ..conftest import PASSWORD
from .conftest import period_of


def test_an_allocation_changed_in_the_admin_keeps_its_history(
    client: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
) -> None:
    authority_a, _ = two_authorities
    admin = users_a[Role.ADMINISTRATOR]
    worker = users_a[Role.PRACTITIONER]
    with scoped_to(Scope.authority(authority_a.pk)):
        period = period_of(authority_a, "A-0001")
    client.login(username=admin.username, password=PASSWORD)
    response = client.post(
        "/admin/planning/allocation/add/",
        {
            "authority": authority_a.pk,
            "care_period": period.pk,
            "worker": worker.pk,
            "part": "worker",
            "started": "2022-01-10",
            "ended": "",
        },
    )
    # The worker is checked against the authority before the row is saved.
    assert response.status_code == 302, response.context["adminform"].form.errors
    with scoped_to(Scope.authority(authority_a.pk)):
        allocation = Allocation.objects.get(part=Allocation.Part.WORKER)
    response = client.post(
        f"/admin/planning/allocation/{allocation.pk}/change/",
        {
            "authority": authority_a.pk,
            "care_period": period.pk,
            "worker": worker.pk,
            "part": "worker",
            "started": "2022-01-10",
            "ended": "2022-03-31",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    with scoped_to(Scope.authority(authority_a.pk)):
        history = list(allocation.history.order_by("history_date"))
    assert [entry.history_type for entry in history] == ["+", "~"]
    assert all(entry.history_user == admin for entry in history)
    assert history[0].ended is None and str(history[1].ended) == "2022-03-31"


def test_a_worker_of_another_authority_cannot_be_allocated(
    client: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
    users_b: dict[Role, User],
) -> None:
    authority_a, _ = two_authorities
    with scoped_to(Scope.authority(authority_a.pk)):
        period = period_of(authority_a, "A-0001")
    client.login(username=users_a[Role.ADMINISTRATOR].username, password=PASSWORD)
    response = client.post(
        "/admin/planning/allocation/add/",
        {
            "care_period": period.pk,
            "worker": users_b[Role.PRACTITIONER].pk,
            "part": "worker",
            "started": "2022-01-10",
        },
    )
    assert response.status_code == 200
    assert "worker" in response.context["adminform"].form.errors
    with scoped_to(Scope.everything()):
        # B's practitioner chairs B's child's reviews; nothing of A's was given to them.
        assert not Allocation.objects.filter(
            care_period=period, worker=users_b[Role.PRACTITIONER]
        ).exists()
