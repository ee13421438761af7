"""Pages for children's records: the list of children and each child's journey."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from permanence.journey.vocabulary import (
    CareSetting,
    Destination,
    LegalStatusKind,
    MeetingKind,
    MilestoneKind,
    OrderType,
    PlacementType,
    Route,
)
from permanence.web.accounts.access import requires
from permanence.web.accounts.roles import Capability
from permanence.web.audit.log import log_record_view
from permanence.web.records.journeys import journeys_frame
from permanence.web.records.models import (
    CarePeriod,
    Child,
    LegalStatus,
    Meeting,
    Milestone,
    Placement,
)

CHILDREN_PER_PAGE = 50

# The journey's milestones in the order a child reaches them, as the journey table shows them.
JOURNEY_MILESTONES: list[tuple[str, str]] = [
    ("period_start", "Looked after"),
    ("accommodated_date", "Accommodated"),
    ("planning_72h_date", MeetingKind.PLANNING_72_HOUR.label),
    ("planning_2wk_date", MeetingKind.PLANNING_2_WEEK.label),
    ("reporter_referral_date", MilestoneKind.REPORTER_REFERRAL.label),
    ("first_review_date", "First Looked After Child review"),
    ("second_review_date", "Second Looked After Child review"),
    ("assessment_started_date", MilestoneKind.ASSESSMENT_STARTED.label),
    ("assessment_completed_date", MilestoneKind.ASSESSMENT_COMPLETED.label),
    ("legal_advice_date", MeetingKind.LEGAL_ADVICE.label),
    ("recommendation_date", MilestoneKind.RECOMMENDATION.label),
    ("decision_away_date", MilestoneKind.DECISION_AWAY_FROM_HOME.label),
    ("permanence_panel_date", MeetingKind.PERMANENCE_PANEL.label),
    ("agency_decision_date", MilestoneKind.AGENCY_DECISION.label),
    ("lodged_date", MilestoneKind.APPLICATION_LODGED.label),
    ("order_date", MilestoneKind.ORDER_GRANTED.label),
    ("period_end", "Care period ended"),
]


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


def _today() -> date:
    return timezone.localdate()


@requires(Capability.VIEW_CHILD_RECORDS)
def child_list(request: HttpRequest) -> HttpResponse:
    as_of = _today()
    frame = journeys_frame(as_of)
    latest = latest_periods(frame)
    children = dict(Child.objects.values_list("child_ref", "pk"))
    initials = dict(Child.objects.values_list("child_ref", "initials"))
    rows = [
        ChildRow(
            pk=children[row["child_ref"]],
            child_ref=row["child_ref"],
            initials=initials.get(row["child_ref"], ""),
            age=_age(row["date_of_birth"], as_of),
            team=row["team"] or "",
            period_start=row["period_start"],
            setting=_label(CareSetting, row["current_care_setting"])
            if row["period_end"] is None
            else f"Left care: {_label(Destination, row['destination'])}",
            waiting_since=row["accommodated_date"]
            if row["period_end"] is None and row["recommendation_date"] is None
            else None,
        )
        for row in latest.sort("child_ref").iter_rows(named=True)
    ]
    page = Paginator(rows, CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "records/child_list.html", {"page": page, "as_of": as_of})


@requires(Capability.VIEW_CHILD_RECORDS)
def child_journey(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_object_or_404(Child, pk=pk)
    log_record_view(request, child)
    as_of = _today()
    frame = journeys_frame(as_of, children=Child.objects.filter(pk=pk))
    periods = [
        _period_context(period, frame_row)
        for period, frame_row in zip(
            CarePeriod.objects.filter(child=child).order_by("period_start"),
            frame.sort("period_start").iter_rows(named=True),
            strict=False,
        )
    ]
    return render(
        request,
        "records/child_journey.html",
        {
            "child": child,
            "periods": periods,
            "as_of": as_of,
            "age": _age(child.date_of_birth, as_of),
        },
    )


def _period_context(period: CarePeriod, row: dict[str, Any]) -> dict[str, Any]:
    milestones = [
        {"label": label, "date": row[column], "detail": _milestone_detail(column, row)}
        for column, label in JOURNEY_MILESTONES
        if row.get(column) is not None
    ]
    return {
        "period": period,
        "row": row,
        "destination": _label(Destination, row["destination"]),
        "milestones": milestones,
        "placements": [
            {"record": p, "label": PlacementType(p.placement_type).label}
            for p in Placement.objects.filter(care_period=period).order_by("start_date")
        ],
        "legal_statuses": [
            {"record": s, "label": LegalStatusKind(s.legal_status).label}
            for s in LegalStatus.objects.filter(care_period=period).order_by("start_date")
        ],
        "meetings": Meeting.objects.filter(care_period=period).order_by("due_date", "held_date"),
        "decisions": Milestone.objects.filter(care_period=period).order_by("date"),
    }


def _milestone_detail(column: str, row: dict[str, Any]) -> str:
    if column == "recommendation_date":
        return _label(Route, row["recommendation_route"])
    if column == "order_date":
        return _label(OrderType, row["order_type"])
    if column == "agency_decision_date" and row["agency_decision_outcome"]:
        return "plan agreed" if row["agency_decision_outcome"] == "agreed" else "plan not agreed"
    return ""


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
