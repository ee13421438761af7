"""Due and overdue lists, and the aim deadlines, for a worker, a team or the authority.

Who works with which child: the workers allocated to the child's care period (an
``Allocation`` in force on the day) and, for a period nobody is allocated to, everyone
in the period's team. A person's list is the periods allocated to them plus the
unallocated periods of their own team.

Everything here runs inside the current authority scope, like every query of
child-level data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl
from django.db.models import Q, QuerySet

from permanence.analysis.schedule import ClockState, PlanStatus, aim_deadlines
from permanence.analysis.standing_decisions import (
    DecisionFact,
    looks_again_due,
    standing_decisions,
)
from permanence.journey.pseudonym import pseudonym
from permanence.web.accounts.models import Team, User
from permanence.web.kernel import cache
from permanence.web.kernel.pseudonyms import pseudonym_key
from permanence.web.planning.models import Allocation, PlannedMeeting, PlanningSettings
from permanence.web.records.journeys import journeys_frame
from permanence.web.records.models import CarePeriod, Child


def pseudonym_of(authority_code: str, child_ref: str) -> str:
    """The child's pseudonymous reference under the ``PSEUDONYM_KEY`` setting."""
    return pseudonym(pseudonym_key(), authority_code, child_ref)


def allocations_in_force(
    today: date, part: Allocation.Part = Allocation.Part.WORKER
) -> QuerySet[Allocation]:
    """The allocations in force on ``today``: the workers' (or, with ``part``, the
    reviewing officers')."""
    return Allocation.objects.filter(started__lte=today, part=part).filter(
        Q(ended__isnull=True) | Q(ended__gte=today)
    )


def reviewing_officer_periods(user: User, today: date) -> QuerySet[CarePeriod]:
    """The care periods whose reviews ``user`` chairs: allocated to them as reviewing
    officer on ``today``."""
    chaired = allocations_in_force(today, Allocation.Part.REVIEWING_OFFICER).filter(worker=user)
    return CarePeriod.objects.filter(pk__in=chaired.values("care_period_id"))


def chairs_reviews(user: User, today: date) -> bool:
    """Whether ``user`` is the reviewing officer of any child today."""
    return (
        allocations_in_force(today, Allocation.Part.REVIEWING_OFFICER).filter(worker=user).exists()
    )


def worker_periods(user: User, today: date) -> QuerySet[CarePeriod]:
    """The care periods a person works with: allocated to them, or their team's unallocated."""
    in_force = allocations_in_force(today)
    mine = Q(pk__in=in_force.filter(worker=user).values("care_period_id"))
    if user.team_id is not None:
        unallocated = ~Q(pk__in=in_force.values("care_period_id"))
        mine |= Q(team_id=user.team_id) & unallocated
    return CarePeriod.objects.filter(mine)


def team_periods(team: Team) -> QuerySet[CarePeriod]:
    return CarePeriod.objects.filter(team=team)


def authority_periods() -> QuerySet[CarePeriod]:
    return CarePeriod.objects.all()


DecisionSource = Callable[[Iterable[int]], list[DecisionFact]]
"""The decisions that shape the plan, recorded for these care periods (in scope): a list
of ids, or a query of them (the authority's list reads every open period's)."""

_decision_sources: list[DecisionSource] = []


def read_decisions_from(source: DecisionSource) -> None:
    """Say where the decisions that shape the plan are kept: the meetings app, which sits
    above planning, hands its reader over when it is ready."""
    if source not in _decision_sources:
        _decision_sources.append(source)


def decisions_of(period_ids: Iterable[int]) -> list[DecisionFact]:
    return [fact for source in _decision_sources for fact in source(period_ids)]


@dataclass(frozen=True)
class ChildOfPeriod:
    child_pk: int
    child_ref: str
    initials: str
    team: str
    workers: str
    #: The decisions that shape the plan standing for this care period, in words.
    decisions: tuple[str, ...] = ()


@dataclass(frozen=True)
class DueRow:
    """A planned meeting that is due soon or overdue, with whose it is."""

    planned: PlannedMeeting
    child: ChildOfPeriod
    days: int  # days overdue when overdue, days left when due soon


@dataclass(frozen=True)
class AimRow:
    """A child approaching or past one of the national aims' deadlines."""

    care_period_id: int
    child: ChildOfPeriod
    aim: str
    aim_title: str
    clock_started: date
    deadline: date
    days_to_deadline: int
    weeks_waited: int


@dataclass(frozen=True)
class LookAgainRow:
    """A purposeful delay whose date to look at it again is past or due soon."""

    child: ChildOfPeriod
    decided_on: date
    look_again_on: date
    overdue: bool  # the date has passed
    days: int  # days overdue when overdue, days left when not


@dataclass
class DueLists:
    today: date
    due_soon_days: int
    overdue: list[DueRow] = field(default_factory=list)
    due_soon: list[DueRow] = field(default_factory=list)
    aims_past: list[AimRow] = field(default_factory=list)
    aims_approaching: list[AimRow] = field(default_factory=list)
    #: Purposeful delays to look at again by the end of the due-soon days, soonest first.
    look_again: list[LookAgainRow] = field(default_factory=list)


def due_lists(periods: QuerySet[CarePeriod], today: date, planning: PlanningSettings) -> DueLists:
    """What is overdue or due within ``planning.due_soon_days`` for these periods, and the
    children among them approaching or past an aim's deadline."""
    lists = DueLists(today=today, due_soon_days=planning.due_soon_days)
    horizon = today + timedelta(days=planning.due_soon_days)
    planned = list(
        PlannedMeeting.objects.filter(
            care_period__in=periods,
            status=PlanStatus.PLANNED.value,
            due_date__lte=horizon,
        ).order_by("due_date", "care_period_id", "kind", "number")
    )
    aims = aim_rows(periods, today, planning)
    # Purposeful delays: only the open care periods' (a child who has left care has none
    # to look at again).
    open_ids = periods.filter(Q(period_end__isnull=True) | Q(period_end__gt=today)).values_list(
        "pk", flat=True
    )
    looks = looks_again_due(decisions_of(open_ids), horizon)
    period_ids = (
        {row.care_period_id for row in planned}
        | {row.care_period_id for row in aims}
        | {row.care_period_id for row in looks}
    )
    children = children_of(period_ids, today)
    for look in looks:
        lists.look_again.append(
            LookAgainRow(
                child=children[look.care_period_id],
                decided_on=look.decided_on,
                look_again_on=look.look_again_on,
                overdue=look.look_again_on < today,
                days=abs((today - look.look_again_on).days),
            )
        )
    for row in planned:
        days = (today - row.due_date).days
        child = children[row.care_period_id]
        if days > 0:
            lists.overdue.append(DueRow(row, child, days))
        else:
            lists.due_soon.append(DueRow(row, child, -days))
    for aim in aims:
        aim_row = AimRow(
            care_period_id=aim.care_period_id,
            child=children[aim.care_period_id],
            aim=aim.aim,
            aim_title=aim.aim_title,
            clock_started=aim.clock_started,
            deadline=aim.deadline,
            days_to_deadline=aim.days_to_deadline,
            weeks_waited=(today - aim.clock_started).days // 7,
        )
        if aim.state == ClockState.PAST.value:
            lists.aims_past.append(aim_row)
        else:
            lists.aims_approaching.append(aim_row)
    return lists


@dataclass(frozen=True)
class _AimHit:
    care_period_id: int
    aim: str
    aim_title: str
    clock_started: date
    deadline: date
    days_to_deadline: int
    state: str


def aim_rows(
    periods: QuerySet[CarePeriod], today: date, planning: PlanningSettings
) -> list[_AimHit]:
    """The aim deadlines of these periods, from the journeys frame as of ``today``."""
    open_periods = periods.filter(Q(period_end__isnull=True) | Q(period_end__gt=today))
    keys = {
        (ref, start): pk
        for pk, ref, start in open_periods.values_list("pk", "child__child_ref", "period_start")
    }
    if not keys:
        return []
    frame = _frame_of(open_periods, {ref for ref, _ in keys}, today, planning.authority_id)
    # The aims as the authority follows them (Aim 4's routes are its choice).
    hits = aim_deadlines(frame, warning_weeks=planning.warning_weeks, aims=planning.national_aims())
    found: list[_AimHit] = []
    for row in hits.iter_rows(named=True):
        pk = keys.get((row["child_ref"], row["period_start"]))
        if pk is not None:
            found.append(
                _AimHit(
                    pk,
                    row["aim"],
                    row["aim_title"],
                    row["clock_started"],
                    row["deadline"],
                    row["days_to_deadline"],
                    row["state"],
                )
            )
    return found


def _frame_of(
    periods: QuerySet[CarePeriod], refs: set[str], today: date, authority_id: int
) -> pl.DataFrame:
    """The journeys frame of the children of ``periods`` as of ``today``.

    For today, the authority's frame the dashboards keep (built once per data version and
    day, and shared by every list and every alert recipient) cut down to these children:
    each row depends on its own child's records only, so the cut is the frame of those
    children. For another day (the alerts run for a given date) the cache holds nothing
    to share, so the children's frame is built as of that day.
    """
    if today == cache.today():
        data = cache.authority_data(authority_id, as_of=today)
        return data.frame.filter(
            (pl.col("authority") == data.code) & pl.col("child_ref").is_in(sorted(refs))
        )
    children = Child.objects.filter(pk__in=periods.values("child_id"))
    return journeys_frame(today, children=children)


def children_of(period_ids: Iterable[int], today: date) -> dict[int, ChildOfPeriod]:
    """Who each period's child is, their team, the workers allocated and the decisions
    standing, in three queries."""
    ids = list(period_ids)
    standing = standing_decisions(decisions_of(ids))
    workers: dict[int, list[str]] = defaultdict(list)
    for period_id, first, last, username in (
        allocations_in_force(today)
        .filter(care_period_id__in=ids)
        .order_by("worker__last_name")
        .values_list(
            "care_period_id", "worker__first_name", "worker__last_name", "worker__username"
        )
    ):
        workers[period_id].append(f"{first} {last}".strip() or username)
    return {
        pk: ChildOfPeriod(
            child_pk=child_pk,
            child_ref=child_ref,
            initials=initials,
            team=team or "",
            workers=", ".join(workers.get(pk, [])),
            decisions=standing.get(pk, ()),
        )
        for pk, child_pk, child_ref, initials, team in CarePeriod.objects.filter(
            pk__in=ids
        ).values_list("pk", "child_id", "child__child_ref", "child__initials", "team__name")
    }


def counts_by_team(today: date, planning: PlanningSettings) -> pl.DataFrame:
    """Overdue and due-soon planned meetings per team: figures only, no child named."""
    horizon = today + timedelta(days=planning.due_soon_days)
    rows = PlannedMeeting.objects.filter(
        status=PlanStatus.PLANNED.value, due_date__lte=horizon
    ).values_list("care_period__team__name", "due_date")
    frame = pl.DataFrame(list(rows), schema={"team": pl.String, "due_date": pl.Date}, orient="row")
    return (
        frame.group_by("team")
        .agg(
            (pl.col("due_date") < today).sum().alias("overdue"),
            (pl.col("due_date") >= today).sum().alias("due_soon"),
        )
        .sort("team", nulls_last=True)
    )
