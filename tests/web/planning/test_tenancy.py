"""Review planning keeps each authority's children to itself, by every address.

Both authorities' children are planned, notified, allocated and given feeds; then the
whole-site walk runs as authority A's administrator, and every planning row of B is
asked for by its identifier. The last test removes the scoping mechanism and checks the
planning pages then do show B's children, so the others cannot pass by accident.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.test import Client

from permanence.web.accounts.models import LocalAuthority, Team, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel import scope as scope_module
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning import feeds
from permanence.web.planning.alerts import run_alerts
from permanence.web.planning.models import Allocation, PlanningSettings, ReviewPolicyVersion
from permanence.web.planning.planner import replan_periods
from permanence.web.records.models import CarePeriod, Child

from ..conftest import B_MARKERS, PASSWORD
from ..test_tenancy_walk import walk_for_leaks
from .conftest import period_of

DAY = date(2022, 6, 1)

PLANNING_MODELS = list(apps.get_app_config("planning").get_models())


@pytest.fixture
def planned_everywhere(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
    users_b: dict[Role, User],
) -> dict[str, object]:
    # The shared fixture loaded A-0001 and B-SECRET-REF (accommodated 10 January 2022,
    # the second review due 18 May 2022 and not held) without committing: plan them.
    authority_a, authority_b = two_authorities
    tokens = {}
    for authority, users in ((authority_a, users_a), (authority_b, users_b)):
        with scoped_to(Scope.authority(authority.pk)):
            replan_periods(CarePeriod.objects.values_list("pk", flat=True), today=DAY)
            team = Team.objects.get()
            worker = users[Role.PRACTITIONER]
            worker.team = team
            worker.save()
            ref = "B-SECRET-REF" if authority is authority_b else "A-0001"
            Allocation.objects.create(
                authority=authority, care_period=period_of(authority, ref), worker=worker
            )
            _, tokens[authority.code] = feeds.make_feed(worker, team)
            ReviewPolicyVersion.objects.create(
                authority=authority,
                effective_from=date(2021, 1, 1),
                name=f"{authority.code.lower()}-policy",
            )
            PlanningSettings.objects.create(authority=authority)
    run_alerts(DAY)
    return {"tokens": tokens, "b": authority_b}


def test_the_walk_finds_nothing_of_another_authority(
    planned_everywhere: dict[str, object], client: Client
) -> None:
    client.login(username=f"alpha-{Role.ADMINISTRATOR.value}", password=PASSWORD)
    authority_b = planned_everywhere["b"]
    assert isinstance(authority_b, LocalAuthority)
    assert walk_for_leaks(client, authority_b) == []


def test_no_planning_row_of_another_authority_can_be_reached_by_its_identifier(
    planned_everywhere: dict[str, object], client: Client
) -> None:
    authority_b = planned_everywhere["b"]
    assert isinstance(authority_b, LocalAuthority)
    client.login(username=f"alpha-{Role.ADMINISTRATOR.value}", password=PASSWORD)
    reached = []
    with scoped_to(Scope.authority(authority_b.pk)):
        owned = {
            model: list(model._default_manager.values_list("pk", flat=True))
            for model in PLANNING_MODELS
        }
        teams = list(Team.objects.values_list("pk", flat=True))
        children = list(Child.objects.values_list("pk", flat=True))
    assert all(owned.values()), "every planning model should hold a row of B's"
    for model, pks in owned.items():
        label = f"{model._meta.app_label}/{model._meta.model_name}"
        for pk in pks:
            for path in (f"/admin/{label}/{pk}/change/", f"/admin/{label}/{pk}/history/"):
                response = client.get(path)
                body = response.content.decode()
                if response.status_code == 200 and any(m in body for m in B_MARKERS):
                    reached.append(path)
            if label == "planning/calendarfeed":
                for action in ("revoke", "renew"):
                    response = client.post(f"/planning/feeds/{pk}/{action}/")
                    if response.status_code != 404:
                        reached.append(f"/planning/feeds/{pk}/{action}/")
    for pk in teams:
        if client.get(f"/planning/teams/{pk}/").status_code != 404:
            reached.append(f"/planning/teams/{pk}/")
    for pk in children:
        if client.get(f"/planning/children/{pk}/").status_code != 404:
            reached.append(f"/planning/children/{pk}/")
    assert reached == []


def test_a_feed_shows_only_its_own_authoritys_children(
    planned_everywhere: dict[str, object], client: Client
) -> None:
    tokens = planned_everywhere["tokens"]
    assert isinstance(tokens, dict)
    a_feed = client.get(f"/calendar/{tokens['ALPHA']}.ics").content.decode()
    assert "BEGIN:VEVENT" in a_feed
    assert not any(marker in a_feed for marker in B_MARKERS)
    # B's own feed is B's: it names its team, and still no child reference.
    b_feed = client.get(f"/calendar/{tokens['BRAVO']}.ics").content.decode()
    assert "Bravo Locality Team" in b_feed
    assert "B-SECRET-REF" not in b_feed


@pytest.mark.walk_control
def test_the_planning_pages_leak_when_the_scoping_mechanism_is_removed(
    planned_everywhere: dict[str, object], client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.login(username=f"alpha-{Role.ADMINISTRATOR.value}", password=PASSWORD)
    assert "B-SECRET-REF" not in client.get("/planning/authority/").content.decode()
    monkeypatch.setattr(
        scope_module, "scope_queryset", lambda queryset, lookup="authority": queryset
    )
    assert "B-SECRET-REF" in client.get("/planning/authority/").content.decode()
