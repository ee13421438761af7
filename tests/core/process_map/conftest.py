"""Hand-built journeys for the process map tests (the stage tests' builder: a child is a few
dates, the tables follow)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl
import pytest

from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import SCHEMAS, JourneyTables


@dataclass
class Child:
    """One care period of one child, with the records that matter to the aims."""

    ref: str
    period_start: date
    born: date = date(2020, 1, 1)
    period_end: date | None = None
    destination: str | None = None
    team: str = "North"
    # (placement type, start date)
    placements: list[tuple[str, date]] = field(default_factory=list)
    # (legal status, start, end)
    legal_statuses: list[tuple[str, date, date | None]] = field(default_factory=list)
    # (meeting kind, held date, review number)
    meetings: list[tuple[str, date | None, int | None]] = field(default_factory=list)
    # (milestone, date, detail)
    milestones: list[tuple[str, date, str | None]] = field(default_factory=list)


def accommodated(
    ref: str,
    on: date,
    *,
    recommendation: date | None = None,
    route: str = "return_home",
    left: date | None = None,
    placement: str = "foster_la",
    born: date = date(2020, 1, 1),
    team: str = "North",
) -> Child:
    """A child looked after and accommodated on ``on``, perhaps recommended and leaving."""
    child = Child(ref, on, born=born, period_end=left, team=team, placements=[(placement, on)])
    if left is not None:
        child.destination = "home"
    if recommendation is not None:
        child.milestones.append(("permanence_recommendation", recommendation, route))
    return child


def tables(children: list[Child]) -> JourneyTables:
    def frame(name: str, rows: list[dict[str, object]]) -> pl.DataFrame:
        return pl.DataFrame(rows, schema=dict(SCHEMAS[name]))

    key = [{"child_ref": c.ref, "period_start": c.period_start} for c in children]
    return JourneyTables(
        children=frame(
            "children",
            [{"child_ref": c.ref, "date_of_birth": c.born, "sex": "female"} for c in children],
        ),
        care_periods=frame(
            "care_periods",
            [
                {**k, "period_end": c.period_end, "destination": c.destination, "team": c.team}
                for k, c in zip(key, children, strict=True)
            ],
        ),
        placements=frame(
            "placements",
            [
                {**k, "placement_type": kind, "start_date": start}
                for k, c in zip(key, children, strict=True)
                for kind, start in c.placements
            ],
        ),
        legal_statuses=frame(
            "legal_statuses",
            [
                {**k, "legal_status": status, "start_date": start, "end_date": end}
                for k, c in zip(key, children, strict=True)
                for status, start, end in c.legal_statuses
            ],
        ),
        meetings=frame(
            "meetings",
            [
                {**k, "meeting_kind": kind, "held_date": held, "review_number": number}
                for k, c in zip(key, children, strict=True)
                for kind, held, number in c.meetings
            ],
        ),
        milestones=frame(
            "milestones",
            [
                {**k, "milestone": kind, "date": on, "detail": detail}
                for k, c in zip(key, children, strict=True)
                for kind, on, detail in c.milestones
            ],
        ),
    )


def journeys(children: list[Child], as_of: date) -> pl.DataFrame:
    """The journeys frame of hand-built children, for one authority "T"."""
    return build_journeys_frame(tables(children), as_of, authority="T")


# Where each stage's milestone is recorded: a meeting held, or a dated milestone.
MILESTONE_RECORDS: dict[str, tuple[str, str]] = {
    "planning_72h": ("meeting", "planning_72h"),
    "planning_2wk": ("meeting", "planning_2wk"),
    "first_review": ("meeting", "review"),
    "assessment": ("milestone", "pca_completed"),
    "legal_advice": ("meeting", "legal_advice"),
    "recommendation": ("milestone", "permanence_recommendation"),
    "panel": ("meeting", "permanence_panel"),
    "agency_decision": ("milestone", "adm_decision"),
    "lodged": ("milestone", "application_lodged"),
    "returned_home": ("placement", "home"),
    "order": ("milestone", "order_granted"),
    "supervision_ended": ("milestone", "order_granted"),
}
DETAIL = {
    "permanence_recommendation": "po",
    "adm_decision": "agreed",
    "application_lodged": "po",
    "order_granted": "po",
}


def journey(
    ref: str,
    on: date,
    *,
    left: date | None = None,
    team: str = "North",
    route: str = "po",
    **days_after: int,
) -> Child:
    """A child accommodated on ``on`` with each named stage's milestone ``days_after`` it."""
    child = accommodated(ref, on, left=left, team=team)
    for stage, days in days_after.items():
        record, kind = MILESTONE_RECORDS[stage]
        when = on + timedelta(days=days)
        if record == "meeting":
            child.meetings.append((kind, when, 1 if kind == "review" else None))
        elif record == "placement":
            child.placements.append((kind, when))
        elif stage == "supervision_ended":
            child.milestones.append((kind, when, "cso_terminated"))
        else:
            detail = route if kind == "permanence_recommendation" else DETAIL.get(kind)
            child.milestones.append((kind, when, detail))
    return child


def five_children() -> pl.DataFrame:
    """The worked example of docs/process-map.md, measured on 30 June 2025."""
    as_of = date(2025, 6, 30)
    a = journey(
        "A",
        date(2024, 1, 1),
        planning_72h=3,
        first_review=40,
        recommendation=100,
        panel=150,
        agency_decision=170,
        lodged=200,
        order=300,
    )
    b = journey(
        "B",
        date(2024, 1, 1),
        planning_72h=2,
        first_review=30,
        recommendation=90,
        route="return_home",
        returned_home=100,
        supervision_ended=400,
    )
    c = journey("C", date(2025, 6, 1), planning_72h=5)
    d = journey("D", date(2024, 3, 1), planning_72h=1, left=date(2024, 3, 1) + timedelta(50))
    d.destination = "independent_living"
    e = journey("E", date(2025, 1, 1), planning_72h=-2, first_review=20)
    return journeys([a, b, c, d, e], as_of)


class Build:
    """The builders, handed to tests as the ``build`` fixture."""

    Child = Child
    accommodated = staticmethod(accommodated)
    tables = staticmethod(tables)
    journeys = staticmethod(journeys)
    journey = staticmethod(journey)
    five_children = staticmethod(five_children)


@pytest.fixture(scope="session")
def build() -> type[Build]:
    return Build
