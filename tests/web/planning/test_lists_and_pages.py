"""Due and overdue lists for a worker, a team and the authority; who may see which page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from permanence.web.accounts.models import LocalAuthority, Team, User
from permanence.web.accounts.roles import Role
from permanence.web.audit.models import RecordView
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning import views
from permanence.web.planning.lists import due_lists, team_periods, worker_periods
from permanence.web.planning.models import Allocation, PlanningSettings
from permanence.web.records.models import Child

from ..conftest import PASSWORD
from .conftest import child_tables, combine, period_of

TODAY = date(2025, 8, 1)


@pytest.fixture
def caseload(
    authority_a: LocalAuthority, users_a: dict[Role, User], plan_import: Callable[..., object]
) -> dict[str, User]:
    """Three children of the Alpha Team and one of the Beta Team, each with the 72-hour
    meeting held; one of the Alpha Team's allocated to the data lead."""

    def held_72h(day: date) -> list[tuple[str, date | None, date | None, int | None]]:
        return [("planning_72h", None, day, None)]

    plan_import(
        authority_a,
        combine(
            # Second review due 22 July (3 months from 22 April): 10 days overdue.
            child_tables(
                "E-0001",
                date(2025, 3, 14),
                meetings=[*held_72h(date(2025, 3, 15)), ("review", None, date(2025, 4, 22), 1)],
            ),
            # First review due 12 August (1 July + 42 days): due in 11 days.
            child_tables("F-0002", date(2025, 7, 1), meetings=held_72h(date(2025, 7, 2))),
            # First review due 19 August (8 July + 42): 18 days away, beyond "due soon".
            child_tables("K-0004", date(2025, 7, 8), meetings=held_72h(date(2025, 7, 9))),
            # Beta Team: first review due 5 August (24 June + 42 days).
            child_tables(
                "B-0003", date(2025, 6, 24), team="Beta Team", meetings=held_72h(date(2025, 6, 25))
            ),
        ),
    )
    practitioner, data_lead = users_a[Role.PRACTITIONER], users_a[Role.DATA_LEAD]
    with scoped_to(Scope.authority(authority_a.pk)):
        practitioner.team = Team.objects.get(name="Alpha Team")
        practitioner.save()
        Allocation.objects.create(
            authority=authority_a,
            care_period=period_of(authority_a, "F-0002"),
            worker=data_lead,
            started=date(2025, 7, 1),
        )
    return {"practitioner": practitioner, "data_lead": data_lead}


def listed(lists: object) -> dict[str, list[tuple[str, str, int]]]:
    return {
        name: [(row.child.child_ref, row.planned.label, row.days) for row in getattr(lists, name)]
        for name in ("overdue", "due_soon")
    }


def test_a_workers_list_holds_their_allocations_and_their_teams_unallocated_children(
    authority_a: LocalAuthority, caseload: dict[str, User]
) -> None:
    with scoped_to(Scope.authority(authority_a.pk)):
        settings = PlanningSettings.for_authority(authority_a.pk)
        mine = due_lists(worker_periods(caseload["practitioner"], TODAY), TODAY, settings)
        lead = due_lists(worker_periods(caseload["data_lead"], TODAY), TODAY, settings)
        team = due_lists(team_periods(Team.objects.get(name="Alpha Team")), TODAY, settings)
    # F-0002 is allocated to the data lead, so it leaves the practitioner's list.
    assert listed(mine) == {
        "overdue": [("E-0001", "Looked After Child review 2", 10)],
        "due_soon": [],
    }
    assert listed(lead) == {
        "overdue": [],
        "due_soon": [("F-0002", "Looked After Child review 1", 11)],
    }
    assert listed(team) == {
        "overdue": [("E-0001", "Looked After Child review 2", 10)],
        "due_soon": [("F-0002", "Looked After Child review 1", 11)],
    }
    # The fixture's people have no names, so the list shows their usernames.
    assert team.due_soon[0].child.workers == "alpha-data_lead"
    assert team.overdue[0].child.workers == ""


def test_an_allocation_that_has_ended_no_longer_counts(
    authority_a: LocalAuthority, caseload: dict[str, User]
) -> None:
    with scoped_to(Scope.authority(authority_a.pk)):
        Allocation.objects.update(ended=date(2025, 7, 31))
        settings = PlanningSettings.for_authority(authority_a.pk)
        mine = due_lists(worker_periods(caseload["practitioner"], TODAY), TODAY, settings)
    assert [row.child.child_ref for row in mine.due_soon] == ["F-0002"]


def test_due_soon_follows_the_authoritys_setting(
    authority_a: LocalAuthority, caseload: dict[str, User]
) -> None:
    with scoped_to(Scope.authority(authority_a.pk)):
        PlanningSettings.objects.create(authority=authority_a, due_soon_days=21)
        settings = PlanningSettings.for_authority(authority_a.pk)
        team = due_lists(team_periods(Team.objects.get(name="Alpha Team")), TODAY, settings)
    assert [row.child.child_ref for row in team.due_soon] == ["F-0002", "K-0004"]


@pytest.fixture
def on_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "_today", lambda: TODAY)


def test_the_pages_show_the_lists(
    caseload: dict[str, User], client: Client, on_the_day: None, authority_a: LocalAuthority
) -> None:
    client.login(username=caseload["practitioner"].username, password=PASSWORD)
    mine = client.get("/planning/").content.decode()
    assert "E-0001" in mine and "F-0002" not in mine
    whole = client.get("/planning/authority/").content.decode()
    for ref in ("E-0001", "F-0002", "B-0003"):
        assert ref in whole
    with scoped_to(Scope.authority(authority_a.pk)):
        beta = Team.objects.get(name="Beta Team")
        child = Child.objects.get(child_ref="E-0001")
    team_page = client.get(f"/planning/teams/{beta.pk}/").content.decode()
    assert "B-0003" in team_page and "E-0001" not in team_page
    plan = client.get(f"/planning/children/{child.pk}/").content.decode()
    assert "within 3 months of the first review, held on 22 April 2025" in plan
    with scoped_to(Scope.authority(authority_a.pk)):
        # The plan is a view of the child's record; the lists that named the child are
        # logged as what they are.
        assert RecordView.objects.filter(child=child, what="a child's record").count() == 1
        assert RecordView.objects.filter(child=child, what="what's due").exists()


@pytest.mark.parametrize(
    ("role", "lists"),
    [
        (Role.ADMINISTRATOR, 200),
        (Role.DATA_LEAD, 200),
        (Role.PRACTITIONER, 200),
        (Role.VIEWER, 403),
    ],
)
def test_lists_naming_children_need_the_right_to_see_childrens_records(
    caseload: dict[str, User],
    users_a: dict[Role, User],
    client: Client,
    authority_a: LocalAuthority,
    role: Role,
    lists: int,
) -> None:
    with scoped_to(Scope.authority(authority_a.pk)):
        team = Team.objects.get(name="Alpha Team")
        child = Child.objects.get(child_ref="E-0001")
    client.login(username=users_a[role].username, password=PASSWORD)
    for path in (
        "/planning/",
        "/planning/authority/",
        f"/planning/teams/{team.pk}/",
        f"/planning/children/{child.pk}/",
        "/planning/feeds/",
    ):
        assert client.get(path).status_code == lists, path
    # Figures only, for everyone: no child is named. Everyone has notifications (of the
    # work they started); only those who see children's records are told about children.
    for path in ("/planning/summary/", "/planning/policy/", "/planning/notifications/"):
        response = client.get(path)
        assert response.status_code == 200
        for ref in ("E-0001", "F-0002", "B-0003"):
            assert ref not in response.content.decode()


def test_the_summary_counts_by_team(
    caseload: dict[str, User], users_a: dict[Role, User], client: Client, on_the_day: None
) -> None:
    client.login(username=users_a[Role.VIEWER].username, password=PASSWORD)
    page = client.get("/planning/summary/").content.decode()
    # Alpha Team: E-0001 overdue, F-0002 due soon; Beta Team: B-0003 due soon.
    assert (
        '<th scope="row">Alpha Team</th>\n    <td class="numeric">1</td><td class="numeric">1</td>'
        in page
    )
    assert (
        '<th scope="row">Beta Team</th>\n    <td class="numeric">0</td><td class="numeric">1</td>'
        in page
    )
    assert "72-hour planning meetings held within 72 hours of accommodation" in page
    # The authority has no local planning meeting, so no measure of one.
    assert "week planning meetings" not in page


def test_people_who_are_not_signed_in_are_sent_to_sign_in(client: Client, db: None) -> None:
    for path in ("/planning/", "/planning/summary/", "/planning/feeds/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "login" in response["Location"]
