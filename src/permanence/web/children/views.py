"""Pages for children's records: the list of children and each child's journey.

Both need ``VIEW_CHILD_RECORDS``: they show the authority's own reference, initials and
date of birth. Opening a child's journey is written to the audit log.

The journey page puts a child's story in one place: every care period as a timeline (an
ordered list, oldest first: the accessible form, with a strip of placements beside it for
the eye), each aim's clock (days so far and days left, or days over), and what is due
next from review planning.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import polars as pl
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from permanence.charts.placement_strip import PlacementStrip
from permanence.charts.placement_strip import placement_strip as core_placement_strip
from permanence.journey.vocabulary import (
    CareSetting,
    Destination,
    LegalAdviceForm,
    LegalStatusKind,
    MilestoneKind,
    OrderType,
    PlacementType,
    Route,
)
from permanence.pages.clocks import AimClock, all_clocks, clocks_of
from permanence.pages.filter_form import FORM_INTRO, filter_choices, form_fields
from permanence.pages.filters import filter_rows, parse_filters, within_period
from permanence.web.accounts.access import requires
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability
from permanence.web.audit.log import log_children_shown, log_record_view
from permanence.web.children.milestones import on_the_journey as milestones_on_the_journey
from permanence.web.children.siblings import group_in_use, members
from permanence.web.kernel.addresses import tidy_address
from permanence.web.kernel.cache import authority_data, cached
from permanence.web.meetings.views import on_the_journey as meetings_on_the_journey
from permanence.web.planning.models import PlannedMeeting
from permanence.web.records.data_queries import child_queries
from permanence.web.records.entered_milestones import is_typed_in
from permanence.web.records.models import (
    AbsentRecord,
    CarePeriod,
    Child,
    LegalStatus,
    Meeting,
    Milestone,
    Placement,
)
from permanence.web.records.query_forms import absent_row, query_row

CHILDREN_PER_PAGE = 50
DUE_NEXT_SHOWN = 5


# ---------------------------------------------------------------------------------------
# The list of children


@dataclass(frozen=True)
class ChildRow:
    pk: int
    child_ref: str
    initials: str
    age: int
    team: str
    period_start: date
    setting: str
    waiting_since: date | None


@requires(Capability.VIEW_CHILD_RECORDS)
@require_GET
def child_list(request: HttpRequest) -> HttpResponse:
    """Every child with a care period, latest period first, under the dashboards' filters."""
    data = authority_data(_authority_id(request))
    as_of = data.as_of
    parsed = parse_filters(dict(request.GET.lists()), teams=data.teams, as_of=as_of)
    filters = parsed.filters
    query = filters.query()
    if tidied := tidy_address(request, query, problems=parsed.problems, keep=("page",)):
        return tidied

    def children() -> list[ChildRow]:
        rows = within_period(filter_rows(data.frame, filters), "period_start", filters, as_of)
        latest = latest_periods(rows).sort("child_ref")
        people = {
            ref: (pk, initials)
            for ref, pk, initials in Child.objects.values_list("child_ref", "pk", "initials")
        }
        return _child_rows(latest, people, as_of)

    # Worked out once per data version and filter set; only for roles that see children.
    listed = cached(data, "children-list", filters.key(), children)
    page = Paginator(listed, CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
    log_children_shown(request, page.object_list, "the list of children")
    return render(
        request,
        "children/child_list.html",
        {
            "page": page,
            "as_of": as_of,
            "filters": filters,
            "fields": form_fields(filter_choices(data.frame), filters),
            "filters_intro": FORM_INTRO,
            "problems": parsed.problems,
            "action": reverse("child-list"),
            "share_address": request.build_absolute_uri(),
            "page_query": f"{query}&" if query else "",
        },
    )


def _child_rows(
    latest: pl.DataFrame, people: dict[str, tuple[int, str]], as_of: date
) -> list[ChildRow]:
    """The list's rows: one per child (the rows of one page of people at most are shown,
    but the list is counted and paged in full)."""
    setting_labels = {member.value: member.label for member in CareSetting}
    destinations = {member.value: member.label for member in Destination}
    table = latest.select(
        "child_ref",
        "team",
        "period_start",
        "period_end",
        "date_of_birth",
        pl.col("current_care_setting")
        .replace_strict(setting_labels, default="Placement not recorded", return_dtype=pl.String)
        .alias("setting"),
        (
            pl.lit("Left care: ")
            + pl.col("destination").replace_strict(
                destinations, default="destination not recorded", return_dtype=pl.String
            )
        ).alias("left"),
        pl.when(pl.col("period_end").is_null() & pl.col("recommendation_date").is_null())
        .then(pl.col("accommodated_date"))
        .alias("waiting_since"),
    )
    rows = []
    for row in table.iter_rows(named=True):
        pk, initials = people.get(row["child_ref"], (0, ""))
        if not pk:
            continue
        rows.append(
            ChildRow(
                pk=pk,
                child_ref=row["child_ref"],
                initials=initials,
                age=_age(row["date_of_birth"], as_of),
                team=row["team"] or "",
                period_start=row["period_start"],
                setting=row["setting"] if row["period_end"] is None else row["left"],
                waiting_since=row["waiting_since"],
            )
        )
    return rows


def _authority_id(request: HttpRequest) -> int:
    authority_id = getattr(request.user, "authority_id", None)
    assert authority_id is not None  # ``requires`` refuses people without an authority
    return int(authority_id)


# ---------------------------------------------------------------------------------------
# A child's journey


@dataclass(frozen=True)
class Event:
    """One dated line of the timeline."""

    day: date
    order: int
    kind: str  # period, milestone, meeting, placement, legal, due
    text: str
    detail: str = ""


@requires(Capability.VIEW_CHILD_RECORDS)
@require_GET
def child_journey(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_object_or_404(Child, pk=pk)
    log_record_view(request, child)
    # The child's rows of the authority's cached journeys frame, and their aim clocks from
    # every child's (worked out once per data version), rather than rebuilt per view.
    data = authority_data(_authority_id(request))
    as_of = data.as_of
    frame = data.frame.filter(pl.col("child_ref") == child.child_ref)
    every_clock = cached(data, "clocks", (), lambda: all_clocks(data.frame, data.aims))
    clocks = clocks_of(every_clock, child.child_ref)
    by_start = {row["period_start"]: row for row in frame.iter_rows(named=True)}
    care_periods = list(
        CarePeriod.objects.filter(child=child).select_related("team").order_by("period_start")
    )
    ids = [period.pk for period in care_periods]
    records = _records_of(ids)
    sibling_group, siblings = _siblings(child)
    log_children_shown(request, siblings, "a child's journey: brothers and sisters")
    periods = [
        _period_context(period, by_start.get(period.period_start), clocks, records, as_of)
        for period in care_periods
    ]
    return render(
        request,
        "children/child_journey.html",
        {
            "child": child,
            "periods": periods,
            "as_of": as_of,
            "age": _age(child.date_of_birth, as_of),
            "due_next": _due_next(ids, as_of),
            "plan_href": reverse("planning-child", args=[child.pk]),
            "siblings": siblings,
            "sibling_group": sibling_group,
            "siblings_href": reverse("children-siblings", args=[child.pk]),
            "can_edit": cast(User, request.user).can(Capability.EDIT_CHILD_RECORDS),
            "authority_name": data.name,
            **_data_queries(request, child, care_periods),
            **meetings_on_the_journey(child),
            **milestones_on_the_journey(child),
            "can_enter": cast(User, request.user).can(Capability.EDIT_CHILD_RECORDS),
        },
    )


def _siblings(child: Child) -> tuple[str, list[Child]]:
    """The child's sibling group in use (the import's, else the one typed in here) and
    its other children of the authority in scope (none where the child has no group)."""
    group = group_in_use(child)
    return group, [m.child for m in members(group) if m.child.pk != child.pk]


def _data_queries(
    request: HttpRequest, child: Child, care_periods: list[CarePeriod]
) -> dict[str, Any]:
    """The child's data queries with their answers, and the child's records no longer in
    the extract; the forms to answer and decide for those who may."""
    user = cast(User, request.user)  # ``requires`` admits signed-in people only
    can_answer = user.can(Capability.IMPORT_DATA)
    queries = child_queries(child, care_periods)
    absent = list(
        AbsentRecord.objects.filter(child=child, status__in=AbsentRecord.OPEN)
        .select_related("missing_from", "decided_by")
        .order_by("status", "period_start", "table")
    )
    back_to = f"{request.path}#data-queries"
    return {
        "queries": [
            query_row(query, number, can_answer=can_answer)
            for number, query in enumerate(queries, start=1)
        ],
        "absent": [absent_row(absence, back_to=back_to, where="-child") for absence in absent],
        "can_answer": can_answer,
    }


@dataclass(frozen=True)
class _Records:
    """A child's placements, legal statuses, meetings and milestones, by care period."""

    placements: dict[int, list[Placement]]
    statuses: dict[int, list[LegalStatus]]
    meetings: dict[int, list[Meeting]]
    decisions: dict[int, list[Milestone]]


def _records_of(period_ids: list[int]) -> _Records:
    def by_period(queryset: Any) -> dict[int, list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        for record in queryset:  # one child's records: a few dozen
            grouped[record.care_period_id].append(record)
        return grouped

    mine = {"care_period_id__in": period_ids}  # by the indexed key, not a join
    return _Records(
        placements=by_period(Placement.objects.filter(**mine).order_by("start_date", "pk")),
        statuses=by_period(LegalStatus.objects.filter(**mine).order_by("start_date", "pk")),
        meetings=by_period(Meeting.objects.filter(**mine).order_by("due_date", "held_date", "pk")),
        decisions=by_period(Milestone.objects.filter(**mine).order_by("date", "pk")),
    )


def _period_context(
    period: CarePeriod,
    row: dict[str, Any] | None,
    clocks: list[AimClock],
    records: _Records,
    as_of: date,
) -> dict[str, Any]:
    placements = records.placements.get(period.pk, [])
    statuses = records.statuses.get(period.pk, [])
    meetings = records.meetings.get(period.pk, [])
    decisions = records.decisions.get(period.pk, [])
    number = int(row["period_number"]) if row else 0
    return {
        "period": period,
        "row": row,
        "destination": _label(Destination, period.destination or None),
        "events": timeline(period, row, placements, statuses, meetings, decisions, as_of),
        "strip": placement_strip(period, placements, as_of),
        "clocks": [clock for clock in clocks if clock.period_number == number],
        "placements": [
            {"record": p, "label": _label(PlacementType, p.placement_type)} for p in placements
        ],
        "legal_statuses": [
            {"record": s, "label": _label(LegalStatusKind, s.legal_status)} for s in statuses
        ],
        "meetings": meetings,
    }


def timeline(
    period: CarePeriod,
    row: dict[str, Any] | None,
    placements: list[Placement],
    statuses: list[LegalStatus],
    meetings: list[Meeting],
    decisions: list[Milestone],
    as_of: date,
) -> list[Event]:
    """Everything that happened in a care period, oldest first (a handful of records)."""
    events = [Event(period.period_start, 0, "period", "Became looked after")]
    if row and row.get("accommodated_date"):
        events.append(Event(row["accommodated_date"], 1, "period", "Accommodated"))
    for placement in placements:
        label = _label(PlacementType, placement.placement_type)
        events.append(Event(placement.start_date, 2, "placement", f"Placement began: {label}"))
        if placement.end_date:
            events.append(Event(placement.end_date, 3, "placement", f"Placement ended: {label}"))
    for status in statuses:
        label = _label(LegalStatusKind, status.legal_status)
        events.append(Event(status.start_date, 2, "legal", f"Legal status: {label}"))
        if status.end_date:
            events.append(Event(status.end_date, 3, "legal", f"Legal status ended: {label}"))
    for meeting in meetings:
        if meeting.held_date:
            events.append(
                Event(meeting.held_date, 4, "meeting", f"{meeting} held", meeting.outcome)
            )
        elif meeting.due_date:
            state = "overdue" if meeting.due_date < as_of else "due"
            events.append(Event(meeting.due_date, 4, "due", f"{meeting} {state}, not yet held"))
    for decision in decisions:
        events.append(
            Event(
                decision.date,
                5,
                "milestone",
                _label(MilestoneKind, decision.milestone)
                + (", typed in here" if is_typed_in(decision) else ""),
                _decision_detail(decision),
            )
        )
    if period.period_end:
        destination = _label(Destination, period.destination or None)
        events.append(
            Event(
                period.period_end,
                9,
                "period",
                "Care period ended",
                f"Destination: {destination}" if destination else "",
            )
        )
    return sorted(events, key=lambda event: (event.day, event.order, event.text))


def _decision_detail(decision: Milestone) -> str:
    detail = decision.detail or ""
    for vocabulary in (Route, OrderType):
        label = _label(vocabulary, detail or None)
        if label != detail:
            detail = label
            break
    if decision.milestone == MilestoneKind.AGENCY_DECISION.value and decision.detail:
        detail = "plan agreed" if decision.detail == "agreed" else "plan not agreed"
    if decision.milestone == MilestoneKind.LEGAL_ADVICE_RECEIVED.value and decision.detail:
        detail = _label(LegalAdviceForm, decision.detail)
    if decision.reason:
        detail = f"{detail}. {decision.reason}" if detail else decision.reason
    # A decision that shapes the plan, as an import brought it (docs/meetings.md).
    extra = []
    if decision.look_again_on:
        extra.append(f"to be looked at again on {decision.look_again_on:%-d %B %Y}")
    if decision.decided_by:
        extra.append(f"decided by {decision.decided_by}")
    if extra:
        words = "; ".join(extra)
        detail = f"{detail}; {words}" if detail else words[0].upper() + words[1:]
    return detail


def placement_strip(period: CarePeriod, placements: list[Placement], as_of: date) -> PlacementStrip:
    """Each placement's share of the period so far, with its key and text alternative, for
    the strip drawn beside the list (worked out in ``charts.placement_strip``)."""
    return core_placement_strip(
        period.period_start,
        period.period_end,
        as_of,
        [(p.placement_type, p.start_date, p.end_date) for p in placements],
    )


def _due_next(period_ids: list[int], as_of: date) -> list[dict[str, Any]]:
    """The next meetings and deadlines review planning has worked out for the child."""
    planned = PlannedMeeting.objects.filter(
        care_period_id__in=period_ids, status="planned"
    ).order_by("due_date", "kind", "number")[:DUE_NEXT_SHOWN]
    return [
        {
            "label": item.label,
            "due": item.due_date,
            "overdue": item.due_date < as_of,
            "rule": item.rule,
        }
        for item in planned
    ]


def _label(vocabulary: Any, code: str | None) -> str:
    if code is None:
        return ""
    try:
        return str(vocabulary(code).label)
    except ValueError:
        return code


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def latest_periods(frame: pl.DataFrame) -> pl.DataFrame:
    """Each child's most recent care period."""
    return frame.sort("period_start").group_by("child_ref", maintain_order=True).last()
