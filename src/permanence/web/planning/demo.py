"""Review planning in the demo: a local policy, teams and allocations, lists and feeds.

``prepare_demo_planning`` runs after the demo authority is loaded. It gives the demo
authority the local policy its synthetic history follows (the 2-week planning meeting
and 3-monthly reviews from the start of the improvement work), puts the demo people in
teams and allocates the practitioner some children, replans every care period, makes
the in-app notifications (no email is sent), and makes a calendar feed for each demo
person who works with children. It returns the lines to print: the feed addresses.
"""

from __future__ import annotations

import os
from datetime import date

from django.db import transaction
from django.db.models import Count, Q

from permanence.web.accounts.models import LocalAuthority, Team, User
from permanence.web.accounts.roles import Capability, Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning import feeds
from permanence.web.planning.alerts import notices_for, recipients, store_notices
from permanence.web.planning.models import Allocation, PlanningSettings, ReviewPolicyVersion
from permanence.web.planning.planner import replan_periods
from permanence.web.records.models import CarePeriod

DEMO_SITE = os.environ.get("PERMANENCE_SITE_URL", "http://127.0.0.1:8000")
ALLOCATED_TO_PRACTITIONER = 6
#: Children whose reviews the practitioner chairs, as reviewing officer, in the demo.
REVIEWED_BY_PRACTITIONER = 5


def prepare_demo_planning(
    authority: LocalAuthority, *, as_of: date, improvement_start: date
) -> list[str]:
    with scoped_to(Scope.authority(authority.pk)), transaction.atomic():
        ReviewPolicyVersion.objects.get_or_create(
            authority=authority,
            effective_from=improvement_start,
            defaults={
                "name": "2-week planning meeting and 3-monthly reviews",
                "planning_meeting_weeks": 2,
                "later_review_months": 3,
                "notes": "The demo authority's change ideas from the start of its PACE work.",
            },
        )
        planning, _ = PlanningSettings.objects.get_or_create(authority=authority)
        users = {user.role: user for user in User.in_scope.all()}
        teams = _busiest_teams(as_of)
        _put_in_teams(users, teams)
        _allocate(users.get(Role.PRACTITIONER.value), teams, as_of)
    with scoped_to(Scope.authority(authority.pk)):
        replan_periods(CarePeriod.objects.values_list("pk", flat=True), today=as_of)
        for person in recipients():
            store_notices(person, authority, as_of, notices_for(person, as_of, planning))
        return _feeds(users)


def _busiest_teams(as_of: date) -> list[Team]:
    open_periods = Q(careperiod__period_end__isnull=True) | Q(careperiod__period_end__gt=as_of)
    return list(
        Team.objects.annotate(open_periods=Count("careperiod", filter=open_periods)).order_by(
            "-open_periods", "name"
        )
    )


def _put_in_teams(users: dict[str, User], teams: list[Team]) -> None:
    if not teams:
        return
    order = (Role.PRACTITIONER, Role.DATA_LEAD, Role.ADMINISTRATOR)
    for index, role in enumerate(order):
        user = users.get(role.value)
        if user is not None:
            user.team = teams[min(index, len(teams) - 1)]
            user.save(update_fields=["team"])


def _allocate(practitioner: User | None, teams: list[Team], as_of: date) -> None:
    """Allocate the practitioner a few children of another team, to show allocations."""
    if practitioner is None or len(teams) < 2:
        return
    periods = CarePeriod.objects.filter(team=teams[1], period_end__isnull=True).order_by("pk")
    for period in periods[:ALLOCATED_TO_PRACTITIONER]:
        Allocation.objects.get_or_create(
            authority_id=period.authority_id,
            care_period=period,
            worker=practitioner,
            defaults={"started": period.period_start},
        )
    # And, so "Your reviews" has children to show, the reviewing officer of a few of the
    # last team's children.
    chaired = CarePeriod.objects.filter(team=teams[-1], period_end__isnull=True).order_by("pk")
    for period in chaired[:REVIEWED_BY_PRACTITIONER]:
        Allocation.objects.get_or_create(
            authority_id=period.authority_id,
            care_period=period,
            worker=practitioner,
            part=Allocation.Part.REVIEWING_OFFICER,
            defaults={"started": period.period_start},
        )


def _feeds(users: dict[str, User]) -> list[str]:
    lines = ["Calendar feeds (subscribe in a calendar app; pseudonymous references only):"]
    for role in Role:
        user = users.get(role.value)
        if user is None:
            continue
        if not user.can(Capability.VIEW_CHILD_RECORDS):
            lines.append(f"  {user.username:<14} none: viewers do not work with children")
            continue
        _, token = feeds.make_feed(user)
        lines.append(f"  {user.username:<14} {DEMO_SITE}/calendar/{token}.ics")
        if role is Role.PRACTITIONER and user.team is not None:
            _, team_token = feeds.make_feed(user, user.team)
            lines.append(f"  {'(team feed)':<14} {DEMO_SITE}/calendar/{team_token}.ics")
    return lines
