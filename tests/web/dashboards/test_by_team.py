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
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import AcceptedPhase
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


def test_each_team_draws_the_authoritys_accepted_phase_with_its_own_new_median(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    as_role: Callable[[Role], Client],
    users_a: dict[Role, User],
) -> None:
    """A phase the authority accepted on Aim 2's chart starts a new phase on every team's
    panel at that team's first child on or after its date; the team's new median is of
    its own children from there (worked out here with numpy from the frame)."""
    authority_a, _ = synthetic
    with scoped_to(Scope.authority(authority_a.pk)):
        data = authority_data(authority_a.pk, TODAY)
    filters = parse_filters({}, teams=data.teams, as_of=data.as_of, today=TODAY).filters
    children = evaluate_aim(aim_frame(data.frame, AIM_2, filters, data.as_of), AIM_2).children
    placed = children.filter(
        pl.col("end_date").is_not_null() & ~pl.col("end_before_start").fill_null(value=False)
    ).with_columns(pl.col("team").fill_null(NO_TEAM))
    after_start = sorted(placed.filter(pl.col("end_date") >= IMPROVEMENT_START)["end_date"])
    on = after_start[len(after_start) // 2]
    expected: dict[str, float] = {}
    for (team,), rows in placed.group_by("team"):
        later = rows.filter(pl.col("end_date") >= on)
        if later.height and later.height < rows.height:
            expected[str(team)] = float(np.median(later.get_column("weeks_waited").to_numpy()))
    assert len(expected) >= 2, "at least two teams should have children either side"

    client = as_role(Role.DATA_LEAD)
    before = list(
        csv.DictReader(
            io.StringIO(client.get("/aims/aim_2/charts/run-chart-by-team.csv").content.decode())
        )
    )
    with scoped_to(Scope.authority(authority_a.pk)):
        AcceptedPhase.objects.create(
            authority=authority_a,
            aim_id="aim_2",
            starts_on=on,
            baseline_n=9,  # counted over the authority: a team's median rests on its own
            reason="Built in",
            accepted_by=users_a[Role.DATA_LEAD],
        )
    after = list(
        csv.DictReader(
            io.StringIO(client.get("/aims/aim_2/charts/run-chart-by-team.csv").content.decode())
        )
    )
    date_column = next(key for key in after[0] if key.startswith("Date of"))
    for team, median in expected.items():
        mine = [row for row in after if row["Team"] == team]
        later = [float(row["Median"]) for row in mine if row[date_column][:10] >= on.isoformat()]
        assert later and later == [pytest.approx(median)] * len(later), team
        earlier = [row for row in before if row["Team"] == team]
        assert float(mine[0]["Median"]) == pytest.approx(float(earlier[0]["Median"])), team
    # The page's words say so too.
    body = client.get(PAGE).content.decode()
    assert "(an accepted new phase)" in body
