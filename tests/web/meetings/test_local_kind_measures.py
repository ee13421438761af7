"""An authority's own kind of meeting in the improvement record: its measures chosen on
the measure form and the local aim form (from the authority's catalogue, checked on the
server), charted from the meetings recorded; another authority's kind refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import polars as pl
import pytest
from django.test import Client

from permanence.journey.tables import JourneyTables
from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import ImprovementProject, LocalAim, Measure
from permanence.web.kernel import cache
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.models import LocalMeetingKind, PlanningMeeting
from permanence.web.records.models import CarePeriod

from ...core.conftest import journey_tables
from ..conftest import make_user

MEASURE = {
    "kind": "process",
    "title": "Three-week meetings in time",
    "source": "process",
    "period": "month",
    "chart": "run",
    "rules": "ihi",
}
AIM = {
    "title": "Three-week meetings",
    "template": "measure",
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


def _two_children() -> JourneyTables:
    first = journey_tables("A-0001")
    second = journey_tables("A-0002", looked_after=date(2022, 1, 12))
    return JourneyTables(
        **{name: pl.concat([table, getattr(second, name)]) for name, table in first.items()}
    )


def _three_week_kind(authority: LocalAuthority) -> LocalMeetingKind:
    with scoped_to(Scope.authority(authority.pk)):
        return LocalMeetingKind.objects.create(
            authority=authority, name="Three-week meeting", within_days=21
        )


def test_a_local_kinds_measure_is_chosen_charted_and_aimed_at(
    authority_a: LocalAuthority, authority_b: LocalAuthority, load: Callable[..., object]
) -> None:
    """A three-week meeting (within 21 days). Accommodated 10 January, met 25 January
    (day 15, in time); accommodated 12 January, met 5 February (day 24, late): January
    2022 is 1 of 2 (50%)."""
    load(authority_a, _two_children())
    own = _three_week_kind(authority_a)
    with scoped_to(Scope.authority(authority_a.pk)):
        for ref, held in (("A-0001", date(2022, 1, 25)), ("A-0002", date(2022, 2, 5))):
            PlanningMeeting(
                authority=authority_a,
                care_period=CarePeriod.objects.get(child__child_ref=ref),
                kind="local",
                local_kind=own,
                held_date=held,
            ).start_agenda()
        project = ImprovementProject.objects.create(
            authority=authority_a, title="Three-week meetings", national_aim="aim_2"
        )
    theirs = _three_week_kind(authority_b)
    client = Client()
    client.force_login(make_user(authority_a, Role.DATA_LEAD, "alpha"))
    key = f"local_{own.pk}_on_time"

    form = client.get(f"/improvement/projects/{project.pk}/measures/new/").content.decode()
    assert f'value="{key}"' in form and "Three-week meeting: held in time" in form
    assert f'value="local_{theirs.pk}_on_time"' not in form
    refused = client.post(
        f"/improvement/projects/{project.pk}/measures/new/",
        {**MEASURE, "process_measure": f"local_{theirs.pk}_on_time"},
    )
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()

    saved = client.post(
        f"/improvement/projects/{project.pk}/measures/new/", {**MEASURE, "process_measure": key}
    )
    assert saved.status_code == 302
    with scoped_to(Scope.authority(authority_a.pk)):
        measure = Measure.objects.get(title=MEASURE["title"])
    assert measure.process_measure == key
    chart = client.get(f"/improvement/measures/{measure.pk}/").content.decode()
    # The chart's table: January 2022, 1 of 2, 50%.
    assert "<td>January 2022</td><td>1</td><td>2</td><td>2022-01-01</td><td>50</td>" in chart

    assert client.post("/improvement/aims/new/", {**AIM, "measure": key}).status_code == 302
    with scoped_to(Scope.authority(authority_a.pk)):
        aim = LocalAim.objects.get(title=AIM["title"])
    assert (
        aim.statement == "By March 2022, 90% or more each month: Three-week meeting: held in time."
    )
    page = client.get(f"/improvement/aims/{aim.pk}/").content.decode()
    assert "Three-week meeting: held in time" in page
    assert "January 2022: 1 of 2 (50%), against a target of 90%." in page
    refused_aim = client.post(
        "/improvement/aims/new/",
        {**AIM, "title": "Theirs", "measure": f"local_{theirs.pk}_on_time"},
    )
    assert "Select a valid choice" in refused_aim.content.decode()
