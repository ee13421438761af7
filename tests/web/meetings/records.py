"""Planning meeting records for an authority's one child, for the walks and these tests:
a two-week meeting with its checklist, an action, decisions (one whose date differs from
the extract's), an agenda of the authority's own and a kind of meeting of its own.
``marker`` is written into every text field, so the tenancy walk can see it if it ever
shows to another authority."""

from __future__ import annotations

from datetime import date

from permanence.analysis.meetings import ItemState
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.models import (
    AgendaVersion,
    LocalMeetingKind,
    MeetingAction,
    PlanDecision,
    PlanningMeeting,
)
from permanence.web.records.models import CarePeriod, Milestone


def add_meeting_records(authority: LocalAuthority, user: User, marker: str) -> PlanningMeeting:
    with scoped_to(Scope.authority(authority.pk)):
        period = CarePeriod.objects.get()
        local = LocalMeetingKind.objects.create(
            authority=authority, name=f"{marker} family meeting"
        )
        AgendaVersion.objects.create(
            authority=authority,
            kind="local",
            local_kind=local,
            name=f"{marker} agenda",
            effective_from=date(2021, 6, 1),
            items=f"plan_reviewed: {marker} plan reviewed\nactions_logged: Actions logged",
        )
        meeting = PlanningMeeting(
            authority=authority,
            care_period=period,
            kind="planning_2wk",
            held_date=date(2022, 1, 21),
            attended=["parents", "social_worker", "team_leader"],
            notes=f"{marker} meeting notes",
            entered_by=user,
        )
        meeting.start_agenda()
        item = meeting.items.get(key="permanence_discussed")
        item.state = ItemState.DONE
        item.save()
        MeetingAction.objects.create(
            authority=authority,
            meeting=meeting,
            what=f"{marker} action",
            owner="social worker",
            due_date=date(2022, 2, 1),
            entered_by=user,
        )
        PlanDecision.objects.create(
            authority=authority,
            care_period=period,
            kind="purposeful_delay",
            decided_on=date(2022, 1, 21),
            decided_by="team leader",
            reason=f"{marker} delay reason",
            look_again_on=date(2022, 3, 1),
            meeting=meeting,
            entered_by=user,
        )
        # Concurrent planning typed in on 21 January, the extract's on 24 January: listed
        # for the data lead as a decision whose dates differ.
        PlanDecision.objects.create(
            authority=authority,
            care_period=period,
            kind="concurrent_planning",
            decided_on=date(2022, 1, 21),
            decided_by=f"{marker} team leader",
            entered_by=user,
        )
        Milestone.objects.create(
            authority=authority,
            care_period=period,
            milestone="concurrent_planning",
            date=date(2022, 1, 24),
            decided_by=f"{marker} panel",
        )
        return meeting
