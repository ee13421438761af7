"""The meeting measures for one authority: its records (in the current scope) turned into
the core's plain facts, the precedence rule applied, the measures worked out by
``permanence.analysis.meeting_measures``.

Read by the improvement record (a measure defined against one of them) and by the
authority's meetings page. The imported meetings are read from ``records.Meeting``; the
date accommodated and the child's age from the journeys frame.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

import polars as pl
from django.db.models import Min, QuerySet

from permanence.analysis.meeting_measures import (
    LEGAL_ADVICE_DAYS,
    MEASURE_TITLES,
    ActionFacts,
    LocalKind,
    MeetingFacts,
    MeetingMeasure,
    PeriodFacts,
    local_kind_titles,
    meeting_measures,
)
from permanence.analysis.meetings import (
    ActionRecord,
    DecisionKind,
    ItemState,
    MeetingKind,
    ResolvedDate,
    resolve_actions,
    resolve_checklist,
    resolve_held_date,
)
from permanence.journey.tables import AUTHORITY_COLUMN, JourneyTables
from permanence.web.meetings.models import (
    AgendaItemRecord,
    LocalMeetingKind,
    MeetingAction,
    PlanDecision,
    PlanningMeeting,
)
from permanence.web.planning.models import policy_history
from permanence.web.records.models import CarePeriod, Meeting, Milestone

IMPORTED_KINDS = (MeetingKind.PLANNING_72H.value, MeetingKind.PLANNING_2WK.value)
#: The milestones table's codes for the decisions that shape a plan (an import's decisions).
DECISION_CODES = tuple(kind.value for kind in DecisionKind)


@dataclass(frozen=True)
class DatedMeeting:
    """A meeting entered in the app and the date its figures use."""

    meeting: PlanningMeeting
    resolved: ResolvedDate
    first_of_its_kind: bool


def imported_dates(period_ids: Sequence[int] | None = None) -> dict[tuple[int, str], date]:
    """The first held date of each imported 72-hour and two-week meeting, by care period
    (of the periods ``period_ids``, or of every period in scope)."""
    found = Meeting.objects.filter(meeting_kind__in=IMPORTED_KINDS, held_date__isnull=False)
    if period_ids is not None:
        found = found.filter(care_period_id__in=period_ids)
    rows = found.values("care_period_id", "meeting_kind").annotate(first=Min("held_date"))
    return {(row["care_period_id"], row["meeting_kind"]): row["first"] for row in rows}


def dated_meetings(
    meetings: list[PlanningMeeting], imported: dict[tuple[int, str], date]
) -> list[DatedMeeting]:
    """Each entered meeting with its date by the precedence rule: the first meeting of a
    kind in a care period meets the import's first meeting of that kind; a later one of
    the same kind (a second planning meeting) keeps its own date."""
    seen: set[tuple[int, str]] = set()
    dated = []
    for meeting in sorted(meetings, key=lambda m: (m.held_date, m.pk)):
        key = (meeting.care_period_id, meeting.kind_code)
        first = key not in seen
        seen.add(key)
        brought = imported.get(key) if first and meeting.kind in IMPORTED_KINDS else None
        dated.append(DatedMeeting(meeting, resolve_held_date(meeting.held_date, brought), first))
    return dated


def differences() -> list[DatedMeeting]:
    """Entered meetings whose date differs from the import's: for the data lead."""
    meetings = list(
        entered_meetings().filter(kind__in=IMPORTED_KINDS).select_related("care_period__child")
    )
    return [d for d in dated_meetings(meetings, imported_dates()) if d.resolved.in_conflict]


def entered_meetings() -> QuerySet[PlanningMeeting]:
    """The meetings typed in the app (in scope), not those an import made to hold the
    checklist and actions it brought (``meetings.importing``)."""
    return PlanningMeeting.objects.filter(imported_meeting__isnull=True)


def decision_dates() -> dict[int, dict[str, date]]:
    """The first date of each decision, by care period and kind, in scope: the precedence
    rule between a decision typed in the app and one an import brought (a row of the
    milestones table with the decision's code): the case recording system's date wins,
    and the one typed in is kept (``decision_differences`` lists where they differ)."""
    entered = _first_decisions(
        PlanDecision.objects.values_list("care_period_id", "kind", "decided_on")
    )
    imported = _first_decisions(
        Milestone.objects.filter(milestone__in=DECISION_CODES).values_list(
            "care_period_id", "milestone", "date"
        )
    )
    dates: dict[int, dict[str, date]] = defaultdict(dict)
    for period_id, kind in set(entered) | set(imported):
        resolved = resolve_held_date(
            entered.get((period_id, kind)), imported.get((period_id, kind))
        )
        if resolved.used is not None:
            dates[period_id][kind] = resolved.used
    return dates


def decision_differences() -> list[tuple[int, str, ResolvedDate]]:
    """Decisions typed in the app whose first date differs from the import's first one of
    the same kind in the same care period: (care period, kind, the dates), for the data
    lead, who puts the wrong side right. Nothing is changed."""
    entered = _first_decisions(
        PlanDecision.objects.values_list("care_period_id", "kind", "decided_on")
    )
    imported = _first_decisions(
        Milestone.objects.filter(milestone__in=DECISION_CODES).values_list(
            "care_period_id", "milestone", "date"
        )
    )
    found = []
    for key in sorted(set(entered) & set(imported)):
        resolved = resolve_held_date(entered[key], imported[key])
        if resolved.in_conflict:
            found.append((key[0], key[1], resolved))
    return found


def _first_decisions(rows: Iterable[tuple[int, str, date]]) -> dict[tuple[int, str], date]:
    first: dict[tuple[int, str], date] = {}
    for period_id, kind, day in rows:
        key = (period_id, kind)
        if key not in first or day < first[key]:
            first[key] = day
    return first


def _limits(authority_id: int, as_of: date) -> tuple[int, int, int]:
    """The 72-hour, planning meeting and legal advice limits, in days, of the review
    policy in force on ``as_of`` (the statutory 3 days, 14 days and 84 days without one)."""
    policy = policy_history(authority_id).in_force_on(as_of)
    weeks = policy.planning_meeting_weeks
    legal = policy.legal_advice_week
    return (
        policy.planning_72h_days,
        weeks * 7 if weeks else 14,
        legal * 7 if legal else LEGAL_ADVICE_DAYS,
    )


def standing_entered_meetings(period_ids: Iterable[int] | None = None) -> list[PlanningMeeting]:
    """The 72-hour and two-week planning meetings entered in the app that stand for their
    kind in their care period (of ``period_ids``, or of every period in scope): the
    precedence rule, the one place it is applied for the frame and for review planning.
    The first meeting of a kind entered for a care period stands for that kind only
    where the extract holds no meeting of the kind for the period (held or only due);
    where it does, the import's meeting is the one read."""
    # Typed in only: the meeting records an import made to hold its checklists are not.
    entered = (
        entered_meetings()
        .filter(kind__in=IMPORTED_KINDS)
        .select_related("care_period__child", "authority")
    )
    imported = Meeting.objects.filter(meeting_kind__in=IMPORTED_KINDS)
    if period_ids is not None:
        ids = list(period_ids)
        entered = entered.filter(care_period_id__in=ids)
        imported = imported.filter(care_period_id__in=ids)
    in_extract = set(imported.values_list("care_period_id", "meeting_kind"))
    standing = []
    seen: set[tuple[int, str]] = set()
    for meeting in sorted(entered, key=lambda m: (m.held_date, m.pk)):
        key = (meeting.care_period_id, meeting.kind)
        if key not in seen and key not in in_extract:
            standing.append(meeting)
        seen.add(key)
    return standing


def with_entered_meetings(
    tables: JourneyTables, period_ids: Iterable[int] | None = None
) -> JourneyTables:
    """``tables`` (the records in scope, or of the care periods ``period_ids``) with the
    planning meetings entered in the app that stand for their kind
    (``standing_entered_meetings``), so the journeys frame, and everything reading it,
    sees them. Nothing is written to the records."""
    meetings = tables.meetings
    rows = []
    for meeting in standing_entered_meetings(period_ids):
        period = meeting.care_period
        row: dict[str, object] = dict.fromkeys(meetings.columns)
        row.update(
            child_ref=period.child.child_ref,
            period_start=period.period_start,
            meeting_kind=meeting.kind,
            held_date=meeting.held_date,
        )
        if AUTHORITY_COLUMN in row:
            row[AUTHORITY_COLUMN] = meeting.authority.code
        rows.append(row)
    if not rows:
        return tables
    added = pl.DataFrame(rows, schema=meetings.schema)
    return replace(tables, meetings=pl.concat([meetings, added]))


@dataclass(frozen=True)
class DetailDifference:
    """An entered meeting whose checklist or actions differ from those an import brought
    for the same meeting: for the data lead, who puts the wrong side right."""

    meeting: PlanningMeeting
    items: tuple[str, ...]
    actions: tuple[tuple[ActionRecord, ActionRecord], ...]


def _states() -> dict[int, dict[str, ItemState]]:
    states: dict[int, dict[str, ItemState]] = defaultdict(dict)
    for meeting_id, item_key, state in AgendaItemRecord.objects.values_list(
        "meeting_id", "key", "state"
    ):
        states[meeting_id][item_key] = ItemState(state)
    return states


def _actions() -> dict[int, list[ActionRecord]]:
    actions: dict[int, list[ActionRecord]] = defaultdict(list)
    for meeting_id, what, due, done in MeetingAction.objects.values_list(
        "meeting_id", "what", "due_date", "done_on"
    ):
        actions[meeting_id].append(ActionRecord(what, due, done))
    return actions


def _imported_firsts() -> dict[tuple[int, str], PlanningMeeting]:
    """The import's meeting holding a checklist or actions for the first meeting of each
    kind in each care period (in scope), where it brought them for that first meeting:
    the one an entered meeting stands beside."""
    first_held = imported_dates()
    firsts: dict[tuple[int, str], PlanningMeeting] = {}
    for meeting in PlanningMeeting.objects.filter(imported_meeting__isnull=False):
        key = (meeting.care_period_id, meeting.kind)
        if first_held.get(key) == meeting.held_date:
            firsts.setdefault(key, meeting)
    return firsts


def details_by_precedence(
    dated: Sequence[DatedMeeting],
) -> tuple[list[MeetingFacts], list[ActionFacts]]:
    """Every planning meeting's checklist and actions as the measures count them, by the
    precedence rule (docs/meetings.md): where an entered meeting is the first of its kind
    in its care period and an import brought the checklist or actions of that kind's
    first meeting, they are one meeting: the import's answers and actions count, with
    the entered ones it leaves out (``resolve_checklist``, ``resolve_actions``). Every
    other meeting, entered or imported, counts on its own."""
    states, actions = _states(), _actions()
    from_import = _imported_firsts()
    others = PlanningMeeting.objects.filter(imported_meeting__isnull=False).exclude(
        pk__in=[meeting.pk for meeting in from_import.values()]
    )
    meetings: list[MeetingFacts] = []
    counted: list[ActionFacts] = []
    for item in dated:
        meeting = item.meeting
        kind = meeting.kind_code
        theirs = (
            from_import.pop((meeting.care_period_id, kind), None)
            if item.first_of_its_kind
            else None
        )
        checklist = states.get(meeting.pk, {})
        logged: Sequence[ActionRecord] = actions.get(meeting.pk, [])
        if theirs is not None:
            checklist = resolve_checklist(checklist, states.get(theirs.pk, {})).states
            logged = resolve_actions(logged, actions.get(theirs.pk, [])).counted
        day = item.resolved.used if item.first_of_its_kind else meeting.held_date
        meetings.append(MeetingFacts(kind, day, checklist))
        counted += [ActionFacts(action.due, action.done_on, kind) for action in logged]
    for alone in [*from_import.values(), *others]:
        meetings.append(MeetingFacts(alone.kind, alone.held_date, states.get(alone.pk, {})))
        counted += [
            ActionFacts(action.due, action.done_on, alone.kind)
            for action in actions.get(alone.pk, [])
        ]
    return meetings, counted


def detail_differences() -> list[DetailDifference]:
    """Entered meetings whose checklist answers or actions' dates differ from those an
    import brought for the same meeting (in scope): for the data lead. Nothing is
    changed; the import's count."""
    states, actions = _states(), _actions()
    from_import = _imported_firsts()
    found = []
    for item in dated_meetings(
        list(
            entered_meetings().filter(kind__in=IMPORTED_KINDS).select_related("care_period__child")
        ),
        imported_dates(),
    ):
        theirs = from_import.get((item.meeting.care_period_id, item.meeting.kind))
        if not item.first_of_its_kind or theirs is None:
            continue
        checklist = resolve_checklist(states.get(item.meeting.pk, {}), states.get(theirs.pk, {}))
        logged = resolve_actions(actions.get(item.meeting.pk, []), actions.get(theirs.pk, []))
        if checklist.differing or logged.differing:
            found.append(DetailDifference(item.meeting, checklist.differing, logged.differing))
    return found


def held_entered_meetings(period_ids: list[int], today: date) -> list[tuple[int, str, date]]:
    """For review planning: (care period, kind, date held) of each entered meeting that
    stands for its kind (``standing_entered_meetings``) and was held by ``today``."""
    return [
        (m.care_period_id, m.kind, m.held_date)
        for m in standing_entered_meetings(period_ids)
        if m.held_date <= today
    ]


def local_kinds() -> list[LocalKind]:
    """The authority's own kinds of meeting (in the current scope), as the core reads them."""
    return [
        LocalKind(kind.code, kind.name, kind.within_days) for kind in LocalMeetingKind.objects.all()
    ]


def measure_catalogue() -> dict[str, str]:
    """Every meeting measure the authority in scope can choose, key to title: the shipped
    kinds' (``MEASURE_TITLES``), then those of each of its own kinds of meeting (held in
    time where the kind has its days, every agenda item done, actions done by their due
    date), offered the same way. ``authority_meeting_measures`` works out each of them."""
    return dict(MEASURE_TITLES) | local_kind_titles(local_kinds())


def authority_meeting_measures(
    authority_id: int, frame: pl.DataFrame, as_of: date
) -> dict[str, MeetingMeasure]:
    """Every meeting measure for the authority in scope, measured on ``as_of``."""
    periods = {
        (ref, start): pk
        for pk, ref, start in CarePeriod.objects.values_list(
            "pk", "child__child_ref", "period_start"
        )
    }
    imported = imported_dates()
    dated = dated_meetings(list(entered_meetings().select_related("local_kind")), imported)
    held: dict[int, dict[str, date]] = defaultdict(dict)
    for key, day in imported.items():
        held[key[0]][key[1]] = day
    for item in dated:
        if item.first_of_its_kind and item.resolved.used is not None:
            held[item.meeting.care_period_id][item.meeting.kind_code] = item.resolved.used
    decisions = decision_dates()
    facts = []
    for ref, start, accommodated, end, age in frame.select(
        "child_ref", "period_start", "accommodated_date", "period_end", "age_at_accommodation"
    ).iter_rows():
        if accommodated is None:
            continue
        pk = periods.get((ref, start))
        facts.append(
            PeriodFacts(
                accommodated=accommodated,
                period_end=end,
                under_3=age is not None and age < 3,
                held=held.get(pk, {}) if pk is not None else {},
                decisions=decisions.get(pk, {}) if pk is not None else {},
            )
        )
    meeting_facts, actions = details_by_precedence(dated)
    within_72h, within_meeting, legal = _limits(authority_id, as_of)
    return meeting_measures(
        facts,
        meeting_facts,
        actions,
        as_of=as_of,
        planning_72h_days=within_72h,
        planning_meeting_days=within_meeting,
        legal_advice_days=legal,
        local_kinds=local_kinds(),
    )
