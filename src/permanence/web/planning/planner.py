"""Keeping planned meetings in step with the records.

``replan_periods`` reads what the records say about some care periods (placements,
meetings held, milestones, the period's end), asks ``plan_meetings`` in the core for
every meeting the authority's policy requires, and brings the stored PlannedMeeting rows
into line: new items are added, changed ones updated, and rows the plan no longer holds
are closed with the reason, never deleted. It runs when records are typed in or imported
(``receivers``), when a policy changes, and every day before the alerts.

The records are read in a handful of queries per batch of periods and written with bulk
operations, so planning a whole authority's import takes seconds, not minutes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Field, Q
from django.utils import timezone

from permanence.analysis.periods import long_date
from permanence.analysis.schedule import (
    HeldMeeting,
    JourneyEvents,
    PlanStatus,
    PolicyHistory,
    expected_application,
    plan_meetings,
)
from permanence.analysis.schedule import (
    PlannedMeeting as Planned,
)
from permanence.journey.vocabulary import MeetingKind, MilestoneKind, PlacementType
from permanence.web.planning.models import PlannedMeeting, policy_history
from permanence.web.records.entered_milestones import counted_milestones
from permanence.web.records.models import CarePeriod, Meeting, Milestone, Placement

# Reviews are planned this far ahead (and always as far as the next one).
HORIZON = timedelta(days=366)
BATCH = 500
_UPDATABLE = (
    "due_date",
    "status",
    "held_date",
    "meeting",
    "rule",
    "policy_version",
    "closed_reason",
    "closed_date",
    "updated_at",
)


EnteredMeetings = Callable[[list[int], date], list[tuple[int, str, date]]]
"""The planning meetings entered in the app, of these care periods, held by the day:
(care period, kind, date held), each standing for its kind where the extract has none."""

_entered_sources: list[EnteredMeetings] = []


def read_entered_meetings_from(source: EnteredMeetings) -> None:
    """Say where the planning meetings entered in the app are kept: the meetings app, which
    sits above planning, hands its reader over when it is ready. A meeting entered there
    meets the planned meeting of its kind as an imported one does."""
    if source not in _entered_sources:
        _entered_sources.append(source)


@dataclass
class PlanSummary:
    periods: int = 0

    def __iadd__(self, other: PlanSummary) -> PlanSummary:
        self.periods += other.periods
        return self


@dataclass
class _Facts:
    """What the records say about one care period, as planning needs it."""

    authority_id: int
    period_start: date
    period_end: date | None
    born: date | None
    placements: list[tuple[str, date]] = field(default_factory=list)
    held: list[HeldMeeting] = field(default_factory=list)
    milestones: list[tuple[str, date, str]] = field(default_factory=list)


def replan_periods(period_ids: Iterable[int], *, today: date | None = None) -> PlanSummary:
    """Bring the planned meetings of these care periods (in the current scope) up to date."""
    today = today or timezone.localdate()
    ids = sorted(set(period_ids))
    summary = PlanSummary()
    histories: dict[int, PolicyHistory] = {}
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            summary += _replan_batch(ids[start : start + BATCH], today, histories)
    return summary


def periods_needing_planning(today: date) -> list[int]:
    """Care periods in scope that are open, or still hold meetings marked as planned."""
    open_periods = Q(period_end__isnull=True) | Q(period_end__gt=today)
    with_planned = Q(planned_meetings__status=PlanStatus.PLANNED.value)
    return list(
        CarePeriod.objects.filter(open_periods | with_planned)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )


def _replan_batch(ids: list[int], today: date, histories: dict[int, PolicyHistory]) -> PlanSummary:
    facts = _read_facts(ids, today)
    existing: dict[int, dict[tuple[str, int], PlannedMeeting]] = defaultdict(dict)
    for row in PlannedMeeting.objects.filter(care_period_id__in=ids):
        existing[row.care_period_id][(row.kind, row.number)] = row
    summary = PlanSummary(periods=len(ids))
    new_rows: list[PlannedMeeting] = []
    changed_rows: list[PlannedMeeting] = []
    now = timezone.now()
    for period_id in ids:
        period = facts.get(period_id)
        if period is None:
            continue  # deleted meanwhile; its planned meetings went with it
        if period.authority_id not in histories:
            histories[period.authority_id] = policy_history(period.authority_id)
        plan, why_unneeded, closed_on = _plan(period, histories[period.authority_id], today)
        rows = existing.get(period_id, {})
        for item in plan:
            stored = rows.pop(item.key) if item.key in rows else None
            if stored is None:
                new_rows.append(_new_row(period_id, period.authority_id, item))
            elif _apply(stored, item, now):
                changed_rows.append(stored)
        for leftover in rows.values():  # in the store, no longer in the plan
            if leftover.status == PlanStatus.PLANNED.value:
                leftover.status = PlanStatus.CLOSED.value
                leftover.closed_reason = why_unneeded
                leftover.closed_date = closed_on
                leftover.updated_at = now
                changed_rows.append(leftover)
    PlannedMeeting.objects.bulk_create(new_rows, batch_size=BATCH)
    _update_rows(changed_rows)
    return summary


def _update_rows(rows: list[PlannedMeeting]) -> None:
    """Write changed rows with one prepared UPDATE run for each (``executemany``).

    Django's ``bulk_update`` builds a CASE expression per field over every row of a
    batch, which costs seconds per thousand rows in Python; a plain parameterised UPDATE
    run many times costs milliseconds. The rows were read through the scoped manager,
    and the statement still names each row's authority, so the scope holds here too.
    """
    if not rows:
        return
    meta = PlannedMeeting._meta
    fields = [cast("Field[Any, Any]", meta.get_field(name)) for name in _UPDATABLE]
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(str(field.column))} = %s" for field in fields)
    table = quote(meta.db_table)
    key, owner = quote(str(meta.pk.column)), quote(str(meta.get_field("authority").column))
    sql = f"UPDATE {table} SET {columns} WHERE {key} = %s AND {owner} = %s"  # noqa: S608
    parameters = [
        [
            *(field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields),
            row.pk,
            row.authority_id,
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, parameters)


def _read_facts(ids: list[int], today: date) -> dict[int, _Facts]:
    """The records of these periods that had happened by ``today``, in four queries, and
    the planning meetings entered in the app (``read_entered_meetings_from``)."""
    facts = {
        pk: _Facts(authority, start, end if end is not None and end <= today else None, born)
        for pk, authority, start, end, born in CarePeriod.objects.filter(pk__in=ids).values_list(
            "pk", "authority_id", "period_start", "period_end", "child__date_of_birth"
        )
    }
    placements = Placement.objects.filter(care_period_id__in=ids, start_date__lte=today)
    for period_id, kind, start in placements.order_by("start_date", "pk").values_list(
        "care_period_id", "placement_type", "start_date"
    ):
        facts[period_id].placements.append((kind, start))
    meetings = Meeting.objects.filter(
        care_period_id__in=ids, held_date__isnull=False, held_date__lte=today
    )
    known_kinds = MeetingKind.codes()
    for pk, period_id, kind, number, held in meetings.values_list(
        "pk", "care_period_id", "meeting_kind", "review_number", "held_date"
    ):
        if kind in known_kinds and held is not None:
            facts[period_id].held.append(HeldMeeting(MeetingKind(kind), held, number, pk))
    for source in _entered_sources:
        for period_id, kind, held in source(ids, today):
            facts[period_id].held.append(HeldMeeting(MeetingKind(kind), held))
    # The milestones the figures count: the import's date wins over one typed in.
    milestones = counted_milestones(
        Milestone.objects.filter(care_period_id__in=ids, date__lte=today)
    )
    for period_id, kind, day, detail in milestones.order_by("date", "pk").values_list(
        "care_period_id", "milestone", "date", "detail"
    ):
        facts[period_id].milestones.append((kind, day, detail))
    return facts


def _plan(period: _Facts, history: PolicyHistory, today: date) -> tuple[list[Planned], str, date]:
    """The plan for one period, and the reason and date to close anything no longer in it."""
    away = [start for kind, start in period.placements if kind != PlacementType.AT_HOME.value]
    if not away:
        return [], "the records no longer show the child placed away from home", today
    accommodated = min(away)
    plan = plan_meetings(
        history,
        accommodated,
        period.held,
        through=today + HORIZON,
        events=_events(period, accommodated),
    )
    returned = _returned_home(period, accommodated)
    if period.period_end is not None and (returned is None or period.period_end <= returned):
        return plan, f"the care period ended on {long_date(period.period_end)}", period.period_end
    if returned is not None:
        return plan, f"the child returned home on {long_date(returned)}", returned
    return plan, "no longer required: the records or the policy changed", today


def _returned_home(period: _Facts, accommodated: date) -> date | None:
    """The start of the latest placement when it is at home, after the child was placed."""
    if not period.placements:
        return None
    kind, start = period.placements[-1]
    if kind == PlacementType.AT_HOME.value and start > accommodated:
        return start
    return None


def _first(milestones: list[tuple[str, date, str]], kind: MilestoneKind) -> tuple[date, str] | None:
    for milestone, day, detail in milestones:
        if milestone == kind.value:
            return day, detail
    return None


def _events(period: _Facts, accommodated: date) -> JourneyEvents:
    milestones = period.milestones
    referrals = tuple(
        day for kind, day, _ in milestones if kind == MilestoneKind.REPORTER_REFERRAL.value
    )
    started = _first(milestones, MilestoneKind.ASSESSMENT_STARTED)
    completed = _first(milestones, MilestoneKind.ASSESSMENT_COMPLETED)
    recommendation = _first(milestones, MilestoneKind.RECOMMENDATION)
    decision = _first(milestones, MilestoneKind.AGENCY_DECISION)
    lodged = _first(milestones, MilestoneKind.APPLICATION_LODGED)
    application, was_lodged = expected_application(
        agency_decision=decision[0] if decision else None,
        agency_decision_outcome=decision[1] if decision else None,
        route=recommendation[1] if recommendation else None,
        lodged=lodged[0] if lodged else None,
        order_sought=lodged[1] if lodged else None,
    )
    return JourneyEvents(
        born=period.born,
        reporter_referrals=referrals,
        permanence_application=application,
        application_lodged=was_lodged,
        assessment_started=started[0] if started else None,
        assessment_completed=completed[0] if completed else None,
        ended=period.period_end,
        returned_home=_returned_home(period, accommodated),
    )


def _stored(item: Planned) -> dict[str, Any]:
    """The row's fields for a planned item of the core."""
    return {
        "due_date": item.due,
        "status": item.status.value,
        "held_date": item.held,
        "meeting_id": item.fulfilled_by,
        "rule": item.rule[:300],
        "policy_version": None if item.policy_from == date.min else item.policy_from,
        "closed_reason": item.closed_reason[:300],
        "closed_date": item.closed_on,
    }


def _new_row(period_id: int, authority_id: int, item: Planned) -> PlannedMeeting:
    return PlannedMeeting(
        authority_id=authority_id,
        care_period_id=period_id,
        kind=item.kind.value,
        number=item.number,
        **_stored(item),
    )


def _apply(row: PlannedMeeting, item: Planned, now: Any) -> bool:
    """Copy ``item`` onto ``row``; whether anything changed."""
    changed = False
    for name, value in _stored(item).items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        row.updated_at = now
    return changed
