"""The improvement record in the administration site keeps the pages' rules."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse

from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import ChangeIdea, Decision, PdsaCycle
from permanence.web.kernel.scope import Scope, scoped_to

from .conftest import Record


def test_adopting_a_cycle_in_the_admin_marks_its_change_implemented(
    client: Client, users_a: dict[Role, User], record_a: Record
) -> None:
    authority = record_a.project.authority
    with scoped_to(Scope.authority(authority.pk)):
        idea = ChangeIdea.objects.create(
            authority=authority, project=record_a.project, title="Tried in the admin"
        )
        cycle = PdsaCycle.objects.create(
            authority=authority,
            change_idea=idea,
            hoped_to_achieve="Meetings held in time",
            started_on=date(2022, 5, 2),
        )
    client.force_login(users_a[Role.ADMINISTRATOR])
    response = client.post(
        reverse("admin:improvement_pdsacycle_change", args=[cycle.pk]),
        {
            "change_idea": idea.pk,
            "hoped_to_achieve": "Meetings held in time",
            "learned": "They were, in every team",
            "next_steps": "Build it in",
            "started_on": "2022-05-02",
            "decision": Decision.ADOPT,
            "closed_on": "2022-06-06",
        },
    )
    assert response.status_code == 302, response.content.decode()
    with scoped_to(Scope.authority(authority.pk)):
        idea.refresh_from_db()
    assert idea.implemented_from == date(2022, 6, 6)
