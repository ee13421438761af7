"""The dashboard pages render what the issue asks for, for every role that may see them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning.models import PlanningSettings

from .conftest import IMPROVEMENT_START

SPEC = re.compile(r'<script id="(chart-[^"]+)-spec" type="application/json">(.*?)</script>', re.S)


def specs(body: str) -> dict[str, dict[str, object]]:
    """Every chart spec embedded in a page, by chart element id."""
    return {match[1]: json.loads(match[2]) for match in SPEC.finditer(body)}


@pytest.mark.parametrize(
    "role", [Role.ADMINISTRATOR, Role.DATA_LEAD, Role.PRACTITIONER, Role.VIEWER]
)
def test_the_overview_shows_every_national_aim(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client], role: Role
) -> None:
    response = as_role(role).get("/")
    assert response.status_code == 200
    body = response.content.decode()
    for title in ("Aim 1", "Aim 2", "Aim 3", "Aim 4"):
        assert f">{title}" in body
    assert "Children looked after" in body
    assert "Still waiting" in body
    charts = specs(body)
    assert {"chart-aim_1-trend", "chart-aim_2-trend"} <= set(charts)


def test_an_aims_page_has_its_four_charts(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    body = as_role(Role.DATA_LEAD).get("/aims/aim_2/").content.decode()
    charts = specs(body)
    assert {
        "chart-aim_2-run-chart",
        "chart-aim_2-still-waiting",
        "chart-aim_2-survival",
        "chart-aim_2-p-chart",
    } <= set(charts)
    assert "Why these views differ" in body
    # The aim's statement is a sentence; the day of the figures follows as its own.
    assert "accommodated. Figures on " in body
    assert ". on " not in body
    assert IMPROVEMENT_START.isoformat() in json.dumps(charts["chart-aim_2-run-chart"])


def test_an_aims_page_shows_what_became_of_the_children(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    client = as_role(Role.DATA_LEAD)
    body = client.get("/aims/aim_2/").content.decode()
    chart = specs(body)["chart-aim_2-competing"]
    assert "What became of the children" in body
    assert "cumulative incidence" in json.dumps(chart)
    # Like every chart, a data table and a text alternative.
    table = client.get("/aims/aim_2/charts/competing.csv").content.decode()
    assert table.splitlines()[0].startswith("Week,Had a permanence recommendation")
    assert "Kaplan-Meier" in table.splitlines()[0]


def test_aim_4s_page_says_which_routes_stop_its_clock(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    body = as_role(Role.VIEWER).get("/aims/aim_4/").content.decode()
    assert (
        "The clock stops at an application lodged in court for a permanence order, "
        "permanence order with authority to adopt or adoption." in body
    )


def test_an_authority_chooses_the_routes_aim_4_follows(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    authority, _ = synthetic
    client = as_role(Role.VIEWER)
    before = specs(client.get("/aims/aim_4/").content.decode())
    with scoped_to(Scope.authority(authority.pk)):
        settings = PlanningSettings.for_authority(authority.pk)
        settings.aim_4_kinship_order = True
        settings.save()
        assert settings.history.count() == 1  # the choice is kept with its history
    body = client.get("/aims/aim_4/").content.decode()
    assert "for a kinship care order, permanence order, permanence order with authority" in body
    # Kinship care order plans now count: the page was worked out again, not cached.
    assert specs(body) != before


def test_where_children_wait(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    body = as_role(Role.VIEWER).get("/where-children-wait/").content.decode()
    assert "Every stage, ranked by its share of the waiting" in body
    assert "By team" in body
    assert {"chart-where-children-wait", "chart-where-children-wait-by-team"} <= set(specs(body))


@pytest.mark.parametrize(
    ("asked", "shortest"),
    [
        ("/?period=all&team=&age=&placement=&route=&per=year", "/"),
        ("/where-children-wait/?team=&age=1_4", "/where-children-wait/?age=1_4"),
        # The children's list keeps its page, which is not a filter.
        ("/children/?team=&age=&page=2", "/children/?page=2"),
        ("/children/?age=1_4&team=&page=2", "/children/?age=1_4&page=2"),
    ],
)
def test_an_address_with_defaults_and_blanks_goes_to_its_shortest_form(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    as_role: Callable[[Role], Client],
    asked: str,
    shortest: str,
) -> None:
    client = as_role(Role.DATA_LEAD)
    response = client.get(asked)
    assert (response.status_code, response["Location"]) == (302, shortest)
    assert client.get(shortest).status_code == 200


def test_a_past_measuring_date_is_kept_apart_from_the_extract_date(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    from permanence.web.kernel import cache
    from permanence.web.records.models import ImportBatch

    authority, _ = synthetic
    with scoped_to(Scope.authority(authority.pk)):
        ImportBatch.objects.update(status=ImportBatch.Status.LOADED, extract_date=date(2025, 1, 31))
    cache.STORE.clear()
    client = as_role(Role.DATA_LEAD)
    today = client.get("/aims/aim_2/").content.decode()
    assert "The latest extract was taken on 31 January 2025: what the case recording" in today
    past = client.get("/aims/aim_2/?as_of=2024-06-30").content.decode()
    assert "Figures on 30 June 2024" in past
    # The day the data was taken is said beside it, never used as the measuring date.
    assert "The records come from an extract taken on 31 January 2025." in past
    assert specs(past)["chart-aim_2-run-chart"] != specs(today)["chart-aim_2-run-chart"]
    # Downloads keep the measuring date.
    assert "as_of=2024-06-30" in past
    refused = client.get("/aims/aim_2/?as_of=2999-01-01").content.decode()
    assert "is not a measuring date we can use" in refused
