"""The local aims on process measures on the page of the aim their projects serve, and in
the pack gathered from the database (docs/report-pack.md, "Local aims on the measures")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from django.test import Client

from permanence.analysis.measure_aims import MeasureAimState
from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import ImprovementProject, LocalAim, Measure
from permanence.web.kernel import cache
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.models import AgendaItemRecord, PlanningMeeting
from permanence.web.records.models import Child
from permanence.web.reports.assemble import pack_content

from ...core.conftest import journey_tables
from ..conftest import make_user

SAID = "January 2022: 1 of 2 (50%), against a target of 90%."


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.STORE.clear()
    yield
    cache.STORE.clear()


@pytest.fixture
def aim_on_a_measure(authority_a: LocalAuthority, load: Callable[..., object]) -> LocalAim:
    """One child accommodated 10 January 2022, two two-week meetings in January: one set
    every review date, one did not (1 of 2, 50%, under the 90% target). A project on
    national Aim 2 follows the measure; a local aim of 90% by March 2022 is set on it."""
    load(authority_a, journey_tables("A-0001"))
    with scoped_to(Scope.authority(authority_a.pk)):
        period = Child.objects.get().care_periods.get()
        for held, state in ((date(2022, 1, 21), "done"), (date(2022, 1, 28), "not_done")):
            meeting = PlanningMeeting(
                authority=authority_a, care_period=period, kind="planning_2wk", held_date=held
            )
            meeting.start_agenda()
            AgendaItemRecord.objects.filter(meeting=meeting, key="review_dates_set").update(
                state=state
            )
        project = ImprovementProject.objects.create(
            authority=authority_a, title="Review dates set early", national_aim="aim_2"
        )
        Measure.objects.create(
            authority=authority_a,
            project=project,
            kind="process",
            title="Review dates set at two weeks",
            source="process",
            process_measure="mtg_review_dates",
        )
        return LocalAim.objects.create(
            authority=authority_a,
            title="Review dates at two weeks",
            template="measure",
            measure="mtg_review_dates",
            target_percent=90,
            start_on_or_after=date(2022, 1, 1),
            by_date=date(2022, 3, 31),
            statement="By March 2022, 90% of two-week meetings will set all review dates.",
        )


def test_the_aims_page_shows_the_local_aims_on_its_projects_measures(
    authority_a: LocalAuthority, aim_on_a_measure: LocalAim
) -> None:
    client = Client()
    client.force_login(make_user(authority_a, Role.VIEWER, "alpha"))
    page = client.get("/aims/aim_2/").content.decode()
    assert "Local aims on the measures of this aim's projects" in page
    assert f'<h3 id="measure-aim-{aim_on_a_measure.pk}">' in page
    assert SAID in page
    assert f'href="/improvement/aims/{aim_on_a_measure.pk}/"' in page
    # No project on Aim 3 follows the measure: its page does not list the aim.
    other = client.get("/aims/aim_3/").content.decode()
    assert "Local aims on the measures" not in other and SAID not in other


def test_the_pack_lists_it_with_the_aim_it_serves(
    authority_a: LocalAuthority, aim_on_a_measure: LocalAim
) -> None:
    with scoped_to(Scope.authority(authority_a.pk)):
        content = pack_content(authority_a, as_of=date(2022, 5, 2), since=None)
    [item] = content.measure_aims
    assert item.title == "Review dates at two weeks"
    assert item.serves == "National Aim 2"
    assert item.progress.state is MeasureAimState.NOT_MET
    assert item.cells()[2:] == (
        "90% by 31 March 2022",
        "January 2022: 1 of 2 (50%)",
        "0 of 1 month",
        "Not met: January 2022 was 1 of 2 (50%)",
    )
