"""A local aim written on a meeting measure: the form that sets it, and its page measured
from the records (docs/meetings.md, "Local aims on the measures")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from django.test import Client

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.dashboards.improvement import local_aims
from permanence.web.improvement.models import LocalAim
from permanence.web.kernel import cache
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.models import AgendaItemRecord, PlanningMeeting
from permanence.web.records.models import Child

from ...core.conftest import journey_tables
from ..conftest import make_user

AIM = {
    "title": "Review dates at two weeks",
    "template": "measure",
    "measure": "mtg_review_dates",
    "target_percent": "90",
    "start_on_or_after": "2022-01-01",
    "by_date": "2022-03-31",
    "statement": "",
}


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.STORE.clear()
    yield
    cache.STORE.clear()


def _lead(authority: LocalAuthority) -> Client:
    client = Client()
    client.force_login(make_user(authority, Role.DATA_LEAD, "alpha"))
    return client


def test_the_form_asks_for_the_measure_and_refuses_a_clocks_parts(
    authority_a: LocalAuthority,
) -> None:
    client = _lead(authority_a)
    refused = client.post(
        "/improvement/aims/new/", {**AIM, "measure": "", "target_weeks": "26"}
    ).content.decode()
    assert "Choose the process measure the aim follows." in refused
    assert "An aim on a process measure has no timescale." in refused
    backwards = client.post("/improvement/aims/new/", {**AIM, "by_date": "2021-12-31"})
    assert "before the “from” date" in backwards.content.decode()
    response = client.post("/improvement/aims/new/", AIM)
    assert response.status_code == 302
    with scoped_to(Scope.authority(authority_a.pk)):
        aim = LocalAim.objects.get()
        assert (aim.measure, aim.start_column, aim.end_column) == ("mtg_review_dates", "", "")
        assert aim.statement == (
            "By March 2022, 90% or more each month: Two-week planning meetings that set "
            "every review date."
        )
        # Not a clock: the dashboards' clock aims leave it out rather than fail on it.
        assert local_aims() == []
    # Back to a clock aim: the measure is dropped.
    client.post(
        f"/improvement/aims/{aim.pk}/edit/",
        {**AIM, "template": "recommendation", "statement": ""},
    )
    with scoped_to(Scope.authority(authority_a.pk)):
        aim.refresh_from_db()
        assert aim.measure == "" and aim.start_column and aim.end_column


def test_the_aims_page_measures_it_from_the_meetings_recorded(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    # One child accommodated 10 January 2022 (journey_tables), two two-week meetings
    # entered in January (the second of the same kind keeps its own date): one set every
    # review date, one did not. January: 1 of 2 (50%), under the 90% target.
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
        aim = LocalAim.objects.create(
            authority=authority_a,
            title="Review dates at two weeks",
            template="measure",
            measure="mtg_review_dates",
            target_percent=90,
            start_on_or_after=date(2022, 1, 1),
            by_date=date(2022, 3, 31),
            statement="By March 2022, 90% of two-week meetings will set all review dates.",
        )
    client = _lead(authority_a)
    page = client.get(f"/improvement/aims/{aim.pk}/").content.decode()
    assert "January 2022: 1 of 2 (50%), against a target of 90%." in page
    assert "0 of the 1 month since January 2022 reached the target." in page
    assert (
        "By 31 March 2022 the aim was not met: January 2022, the last month counted by "
        "then, was 1 of 2 (50%)." in page
    )
    assert "Run chart" in page and f'id="aim-{aim.pk}-run"' in page
    # One month is too few for a P chart beside it.
    assert f'id="aim-{aim.pk}-p"' not in page
    listed = client.get("/improvement/aims/").content.decode()
    assert "Review dates at two weeks" in listed
    # The dashboards' overview shows where it stands, beside the clock aims.
    overview = client.get("/").content.decode()
    assert f'id="measure-aim-{aim.pk}"' in overview
    assert "January 2022: 1 of 2 (50%), against a target of 90%." in overview
