"""A reviewing officer's own page: the children whose reviews they chair, each child's
next review, the aims' clocks still running and how close each is to its deadline, and
the actions still open from the child's planning meetings.

Who chairs a child's reviews is an allocation (``planning.Allocation``, allocated as
reviewing officer). The clocks are the journey page's (``pages.clocks``, worked out once
per data version for the authority and cached); the next review is review planning's;
the open actions are the planning meetings'. Nothing is worked out here twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import cast

import polars as pl
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from permanence.analysis.schedule import PlannedKind, PlanStatus
from permanence.pages.clocks import AimClock, all_clocks, clocks_of
from permanence.web.accounts.access import requires
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability
from permanence.web.audit.log import log_children_shown
from permanence.web.kernel.cache import AuthorityData, authority_data, cached
from permanence.web.meetings.models import MeetingAction
from permanence.web.planning.lists import children_of, reviewing_officer_periods
from permanence.web.planning.models import PlannedMeeting
from permanence.web.records.models import CarePeriod

#: The planned items that are a child's review.
REVIEW_KINDS = (
    PlannedKind.REVIEW.value,
    PlannedKind.REVIEW_BEFORE_REFERRAL.value,
    PlannedKind.REVIEW_BEFORE_APPLICATION.value,
)


@dataclass
class ReviewedChild:
    """One care period whose reviews the officer chairs."""

    period: CarePeriod
    pk: int  # the child's, for the audit log and the link to the journey
    child_ref: str
    initials: str
    team: str
    workers: str
    next_review: PlannedMeeting | None
    as_of: date
    clocks: list[AimClock] = field(default_factory=list)
    open_actions: list[MeetingAction] = field(default_factory=list)

    @property
    def review_overdue(self) -> bool:
        return self.next_review is not None and self.next_review.due_date < self.as_of

    @property
    def review_days(self) -> int:
        """Days until the next review; days overdue when it is overdue."""
        if self.next_review is None:
            return 0
        return abs((self.next_review.due_date - self.as_of).days)


@requires(Capability.VIEW_CHILD_RECORDS)
@require_GET
def reviewing_officer(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # ``requires`` admits signed-in people only
    assert user.authority_id is not None  # ``requires`` refuses people without one
    data = authority_data(int(user.authority_id))
    as_of = data.as_of
    children = reviewed_children(user, data)
    log_children_shown(request, children, "the reviewing officer's children")
    return render(
        request,
        "children/reviewing_officer.html",
        {
            "children": children,
            "as_of": as_of,
            "running": sum(len(child.clocks) for child in children),
            "open_actions": sum(len(child.open_actions) for child in children),
            "due_href": reverse("planning-mine"),
        },
    )


def reviewed_children(user: User, data: AuthorityData) -> list[ReviewedChild]:
    """The officer's children on the data's date, the next review soonest first (a child with
    no review planned last)."""
    as_of, frame = data.as_of, data.frame
    periods = list(
        reviewing_officer_periods(user, as_of)
        .select_related("child")
        .order_by("child__child_ref", "period_start")
    )
    if not periods:
        return []
    ids = [period.pk for period in periods]
    who = children_of(ids, as_of)
    next_review: dict[int, PlannedMeeting] = {}
    for planned in PlannedMeeting.objects.filter(
        care_period_id__in=ids, status=PlanStatus.PLANNED.value, kind__in=REVIEW_KINDS
    ).order_by("due_date", "number"):
        next_review.setdefault(planned.care_period_id, planned)
    actions: dict[int, list[MeetingAction]] = defaultdict(list)
    for action in (
        MeetingAction.objects.filter(meeting__care_period_id__in=ids, done_on__isnull=True)
        .select_related("meeting")
        .order_by("due_date", "pk")
    ):
        actions[action.meeting.care_period_id].append(action)
    # The journey page's clocks, under the same key: worked out once for the authority.
    every_clock = cached(data, "clocks", (), lambda: all_clocks(frame, data.aims))
    refs = sorted({period.child.child_ref for period in periods})
    numbers = {
        (row["child_ref"], row["period_start"]): int(row["period_number"])
        for row in frame.filter(pl.col("child_ref").is_in(refs))
        .select("child_ref", "period_start", "period_number")
        .iter_rows(named=True)
    }
    found = []
    for period in periods:
        child = who[period.pk]
        number = numbers.get((child.child_ref, period.period_start))
        running = [
            clock
            for clock in clocks_of(every_clock, child.child_ref)
            if clock.period_number == number and clock.running
        ]
        found.append(
            ReviewedChild(
                period=period,
                pk=child.child_pk,
                child_ref=child.child_ref,
                initials=child.initials,
                team=child.team,
                workers=child.workers,
                next_review=next_review.get(period.pk),
                as_of=as_of,
                # The nearest deadline first: the one the officer must look at.
                clocks=sorted(running, key=lambda clock: clock.deadline),
                open_actions=actions.get(period.pk, []),
            )
        )
    far = date.max
    return sorted(
        found,
        key=lambda child: (
            child.next_review.due_date if child.next_review else far,
            child.child_ref,
        ),
    )
