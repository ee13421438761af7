"""An aim's run chart for each team, side by side, on a page of its own.

Each team's panel and median are checked against the authority's own frame, worked out
here with numpy (the baseline median: the children whose clock stopped before the
improvement work began, as on the aim's page); authority B's teams never appear; and no
role sees a child's reference or a link to a child on it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import numpy as np
import polars as pl
import pytest
from django.test import Client

from permanence.analysis.aims import AIM_2
from permanence.analysis.aims_outcomes import evaluate_aim
from permanence.charts.small_multiples import NO_TEAM
from permanence.pages.filters import parse_filters
from permanence.pages.overview import aim_frame
from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.kernel.cache import authority_data
from permanence.web.kernel.scope import Scope, scoped_to

from ..conftest import B_MARKERS
from .conftest import IMPROVEMENT_START, INITIALS, REF_PREFIX, TODAY
from .test_pages import specs

PAGE = "/aims/aim_2/by-team/"


def medians_by_hand(authority: LocalAuthority) -> dict[str, tuple[int, float]]:
    """Each team's children on Aim 2's run chart and their baseline median, from the frame."""
    with scoped_to(Scope.authority(authority.pk)):
        data = authority_data(authority.pk, TODAY)
    filters = parse_filters({}, teams=data.teams, as_of=data.as_of, today=TODAY).filters
    children = evaluate_aim(aim_frame(data.frame, AIM_2, filters, data.as_of), AIM_2).children
    placed = children.filter(
        pl.col("end_date").is_not_null() & ~pl.col("end_before_start").fill_null(value=False)
    ).with_columns(pl.col("team").fill_null(NO_TEAM))
    found = {}
    for (team,), rows in placed.group_by("team"):
        baseline = rows.filter(pl.col("end_date") < IMPROVEMENT_START)
        weeks = (baseline if baseline.height else rows).get_column("weeks_waited").to_numpy()
        found[str(team)] = (rows.height, float(np.median(weeks)))
    return found


def test_the_page_shows_one_panel_per_team_with_its_own_median(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    authority_a, _ = synthetic
    expected = medians_by_hand(authority_a)
    assert len(expected) >= 2, "the synthetic authority should have more than one team"
    client = as_role(Role.DATA_LEAD)
    response = client.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    chart = specs(body)["chart-aim_2-run-chart-by-team"]
    titles = [panel["title"]["text"] for panel in chart["concat"]]  # type: ignore[index]
    assert sorted(titles) == sorted(
        f"{team}: {count} {'child' if count == 1 else 'children'}"
        for team, (count, _) in expected.items()
    )
    # The data as a table, and as CSV: each team's baseline rows carry its median.
    assert 'id="chart-aim_2-run-chart-by-team-table"' in body
    assert 'role="region"' in body and "chart in words" in body.lower()
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/aims/aim_2/charts/run-chart-by-team.csv").content.decode())
        )
    )
    for team, (count, median) in expected.items():
        mine = [row for row in rows if row["Team"] == team]
        assert len(mine) == count
        assert float(mine[0]["Median"]) == pytest.approx(median), team
    # The aim's page links to it.
    assert PAGE in client.get("/aims/aim_2/").content.decode()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PRACTITIONER])
def test_no_child_reference_and_no_other_authoritys_data(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    as_role: Callable[[Role], Client],
    role: Role,
) -> None:
    client = as_role(role)
    for address in (
        PAGE,
        "/aims/aim_2/charts/run-chart-by-team.csv",
        "/aims/aim_2/charts/run-chart-by-team.html",
        "/aims/aim_2/charts/run-chart-by-team.svg",
    ):
        response = client.get(address)
        assert response.status_code == 200, address
        text = response.content.decode()
        assert REF_PREFIX not in text and INITIALS not in text, address
        assert not re.search(r"/children/\d", text) and '"href"' not in text, address
        assert not [marker for marker in B_MARKERS if marker in text], address


def test_an_unknown_aim_has_no_page_by_team(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    assert as_role(Role.VIEWER).get("/aims/no-such-aim/by-team/").status_code == 404
