"""A reviewing officer's page: the children whose reviews they chair (allocated to them as
reviewing officer), each child's next review, the aims' clocks still running with how
close each is to its deadline, and the actions still open from planning meetings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from permanence.analysis.schedule import PlanStatus
from permanence.web.accounts.models import LocalAuthority, Team, User
from permanence.web.accounts.roles import Role
from permanence.web.audit.models import RecordView
from permanence.web.children.reviewing import reviewed_children
from permanence.web.kernel.cache import authority_data
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.models import MeetingAction, PlanningMeeting
from permanence.web.planning.lists import worker_periods
from permanence.web.planning.models import Allocation, PlannedMeeting

from ..conftest import make_user
from .conftest import child_tables, combine, period_of


def weeks_ago(weeks: int) -> date:
    return timezone.localdate() - timedelta(weeks=weeks)


@pytest.fixture
def officer(
    authority_a: LocalAuthority, users_a: dict[Role, User], plan_import: Callable[..., object]
) -> User:
    """R-0001 (30 weeks looked after) and R-0002 (24 weeks) have their reviews chaired by
    the officer; R-0003 by nobody. All three are in the Alpha Team."""
    plan_import(
        authority_a,
        combine(
            child_tables("R-0001", weeks_ago(30), initials="RA"),
            child_tables("R-0002", weeks_ago(24), initials="RB"),
            child_tables("R-0003", weeks_ago(24), initials="RC"),
        ),
    )
    person = make_user(authority_a, Role.PRACTITIONER, "officer")
    with scoped_to(Scope.authority(authority_a.pk)):
        for ref in ("R-0001", "R-0002"):
            Allocation.objects.create(
                authority=authority_a,
                care_period=period_of(authority_a, ref),
                worker=person,
                part=Allocation.Part.REVIEWING_OFFICER,
                started=weeks_ago(20),
            )
        # An allocation that ended yesterday: no longer theirs.
        Allocation.objects.create(
            authority=authority_a,
            care_period=period_of(authority_a, "R-0003"),
            worker=person,
            part=Allocation.Part.REVIEWING_OFFICER,
            started=weeks_ago(20),
            ended=timezone.localdate() - timedelta(days=1),
        )
        meeting = PlanningMeeting(
            authority=authority_a,
            care_period=period_of(authority_a, "R-0001"),
            kind="planning_2wk",
            held_date=weeks_ago(28),
        )
        meeting.start_agenda()
        MeetingAction.objects.create(
            authority=authority_a,
            meeting=meeting,
            what="Parenting capacity assessment commissioned",
            owner="social worker",
            due_date=weeks_ago(27),
        )
        MeetingAction.objects.create(
            authority=authority_a,
            meeting=meeting,
            what="Leaflet given to the parents",
            owner="team leader",
            due_date=weeks_ago(27),
            done_on=weeks_ago(27),
        )
    return person


def page_of(person: User) -> str:
    client = Client()
    client.force_login(person)
    response = client.get("/reviews/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_officer_sees_their_children_and_no_one_elses(
    authority_a: LocalAuthority, officer: User
) -> None:
    page = page_of(officer)
    assert "Child R-0001 (RA)" in page
    assert "Child R-0002 (RB)" in page
    assert "R-0003" not in page  # allocation ended
    with scoped_to(Scope.authority(authority_a.pk)):
        audited = set(
            RecordView.objects.filter(
                viewer=officer, what="the reviewing officer's children"
            ).values_list("child_ref", flat=True)
        )
    assert audited == {"R-0001", "R-0002"}


def test_each_child_shows_the_next_review_the_running_clocks_and_the_open_actions(
    authority_a: LocalAuthority, officer: User
) -> None:
    with scoped_to(Scope.authority(authority_a.pk)):
        data = authority_data(authority_a.pk)
        children = {child.child_ref: child for child in reviewed_children(officer, data)}
        first_review = {
            ref: PlannedMeeting.objects.filter(
                care_period=period_of(authority_a, ref),
                status=PlanStatus.PLANNED.value,
                kind="review",
            )
            .order_by("due_date")
            .first()
            for ref in ("R-0001", "R-0002")
        }
    for ref in ("R-0001", "R-0002"):
        assert children[ref].next_review == first_review[ref]
    # Aim 2 (26 weeks): R-0001 has waited 30 weeks, 4 weeks (28 days) past the deadline;
    # R-0002 24 weeks, with 2 weeks (14 days) left.
    aim_2 = {
        ref: next(clock for clock in child.clocks if clock.aim.id == "aim_2")
        for ref, child in children.items()
    }
    assert (aim_2["R-0001"].days_over, aim_2["R-0001"].days_left) == (28, None)
    assert (aim_2["R-0002"].days_over, aim_2["R-0002"].days_left) == (None, 14)
    assert all(clock.running for child in children.values() for clock in child.clocks)
    # The clocks soonest to their deadline first.
    for child in children.values():
        assert [c.deadline for c in child.clocks] == sorted(c.deadline for c in child.clocks)
    assert [a.what for a in children["R-0001"].open_actions] == [
        "Parenting capacity assessment commissioned"
    ]
    assert children["R-0002"].open_actions == []
    page = page_of(officer)
    assert "past the deadline by 28 days" in page
    assert "14 days left" in page
    assert "Parenting capacity assessment commissioned" in page
    assert "Leaflet given to the parents" not in page


def test_reviewing_does_not_take_a_child_off_the_team_workers_lists(
    authority_a: LocalAuthority, officer: User, users_a: dict[Role, User]
) -> None:
    today = timezone.localdate()
    with scoped_to(Scope.authority(authority_a.pk)):
        worker = users_a[Role.DATA_LEAD]
        worker.team = Team.objects.get(name="Alpha Team")
        worker.save()
        on_the_workers_list = set(
            worker_periods(worker, today).values_list("child__child_ref", flat=True)
        )
        on_the_officers_list = set(
            worker_periods(officer, today).values_list("child__child_ref", flat=True)
        )
    # A reviewing officer's allocation is not a worker's: the children stay the team's.
    assert on_the_workers_list == {"R-0001", "R-0002", "R-0003"}
    assert on_the_officers_list == set()


def test_the_navigation_offers_the_page_to_reviewing_officers_only(
    officer: User, users_a: dict[Role, User]
) -> None:
    assert ">Your reviews</a>" in page_of(officer)
    other = page_of(users_a[Role.PRACTITIONER])
    assert "Your reviews</a>" not in other
    assert "No child is allocated to you as reviewing officer" in other
