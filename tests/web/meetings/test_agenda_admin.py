"""An authority writes its own agenda in the administration site; a meeting recorded after
follows it, a meeting recorded before keeps its items."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.test import Client

from permanence.analysis.meetings import AGENDA_2WK
from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.models import AgendaVersion, PlanningMeeting
from permanence.web.records.models import CarePeriod

from ...core.conftest import journey_tables
from ..conftest import make_user


def _meeting(authority: LocalAuthority, held: date) -> PlanningMeeting:
    meeting = PlanningMeeting(
        authority=authority,
        care_period=CarePeriod.objects.get(),
        kind="planning_2wk",
        held_date=held,
    )
    meeting.start_agenda()
    return meeting


def test_an_authoritys_own_agenda_applies_from_its_date_and_is_checked(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, journey_tables("A-0001"))
    admin = Client()
    admin.force_login(make_user(authority_a, Role.ADMINISTRATOR, "alpha"))
    with scoped_to(Scope.authority(authority_a.pk)):
        before = _meeting(authority_a, date(2022, 1, 20))
    refused = admin.post(
        "/admin/meetings/agendaversion/add/",
        {
            "kind": "planning_2wk",
            "name": "Our two-week agenda",
            "effective_from": "2022-01-21",
            "items": "no colon on this line",
        },
    )
    assert refused.status_code == 200
    assert "needs a key, a colon" in refused.content.decode()
    saved = admin.post(
        "/admin/meetings/agendaversion/add/",
        {
            "kind": "planning_2wk",
            "name": "Our two-week agenda",
            "effective_from": "2022-01-21",
            "items": "permanence_discussed: Permanence talked through with parents\n"
            "review_dates_set: All review dates in the diary",
        },
    )
    assert saved.status_code == 302
    clash = admin.post(
        "/admin/meetings/agendaversion/add/",
        {
            "kind": "planning_2wk",
            "name": "Another",
            "effective_from": "2022-01-21",
            "items": "a: b",
        },
    )
    assert "Another version of this agenda takes effect that day." in clash.content.decode()
    with scoped_to(Scope.authority(authority_a.pk)):
        version = AgendaVersion.objects.get()
        assert version.authority == authority_a
        assert version.history.count() == 1
        after = _meeting(authority_a, date(2022, 1, 24))
        assert after.agenda_version == "Our two-week agenda"
        assert [i.text for i in after.items.all()] == [
            "Permanence talked through with parents",
            "All review dates in the diary",
        ]
        assert before.items.count() == len(AGENDA_2WK.items)  # kept what it was written with
