"""Hand-built journeys shared by the core tests: a child is a few dates; the canonical
tables and the frame follow.

``Journey`` and ``frame_of`` build many children from a few dates each;
``journey_tables`` one accommodated child with a recommendation, reviews and an agency
decision (the web tests load it into the database too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import SCHEMAS, JourneyTables


@dataclass
class Journey:
    """One care period of one child, accommodated on ``accommodated``."""

    ref: str
    accommodated: date
    born: date = date(2021, 1, 1)
    ended: date | None = None
    team: str = "North"
    # (meeting kind, due date, held date, review number)
    meetings: list[tuple[str, date | None, date | None, int | None]] = field(default_factory=list)
    # (milestone, date, detail)
    milestones: list[tuple[str, date, str | None]] = field(default_factory=list)
    # (placement type, start): by default one foster placement from ``accommodated``
    placements: list[tuple[str, date]] | None = None
    # (legal status, start, end)
    legal_statuses: list[tuple[str, date, date | None]] = field(default_factory=list)


def frame_of(journeys: list[Journey], as_of: date) -> pl.DataFrame:
    def table(name: str, rows: list[dict[str, object]]) -> pl.DataFrame:
        return pl.DataFrame(rows, schema=dict(SCHEMAS[name]))

    keys = [{"child_ref": j.ref, "period_start": j.accommodated} for j in journeys]
    pairs = list(zip(keys, journeys, strict=True))
    tables = JourneyTables(
        children=table(
            "children",
            [{"child_ref": j.ref, "date_of_birth": j.born, "sex": "male"} for j in journeys],
        ),
        care_periods=table(
            "care_periods",
            [
                {
                    **k,
                    "period_end": j.ended,
                    "destination": "home" if j.ended else None,
                    "team": j.team,
                }
                for k, j in pairs
            ],
        ),
        placements=table(
            "placements",
            [
                {**k, "placement_type": kind, "start_date": start}
                for k, j in pairs
                for kind, start in (
                    j.placements if j.placements is not None else [("foster_la", j.accommodated)]
                )
            ],
        ),
        legal_statuses=table(
            "legal_statuses",
            [
                {**k, "legal_status": status, "start_date": start, "end_date": end}
                for k, j in pairs
                for status, start, end in j.legal_statuses
            ],
        ),
        meetings=table(
            "meetings",
            [
                {
                    **k,
                    "meeting_kind": kind,
                    "due_date": due,
                    "held_date": held,
                    "review_number": number,
                }
                for k, j in pairs
                for kind, due, held, number in j.meetings
            ],
        ),
        milestones=table(
            "milestones",
            [
                {**k, "milestone": kind, "date": day, "detail": detail}
                for k, j in pairs
                for kind, day, detail in j.milestones
            ],
        ),
    )
    return build_journeys_frame(tables, as_of, authority="T")


def journey_tables(
    child_ref: str,
    *,
    team: str = "Alpha Team",
    initials: str = "AA",
    born: date = date(2019, 5, 17),
    looked_after: date = date(2022, 1, 10),
) -> JourneyTables:
    """One accommodated child with a recommendation, reviews and an agency decision."""

    def table(name: str, rows: list[dict[str, object]]) -> pl.DataFrame:
        return pl.DataFrame(rows, schema=dict(SCHEMAS[name]))

    period = {"child_ref": child_ref, "period_start": looked_after}
    return JourneyTables(
        children=table(
            "children",
            [
                {
                    "child_ref": child_ref,
                    "initials": initials,
                    "date_of_birth": born,
                    "sex": "female",
                }
            ],
        ),
        care_periods=table("care_periods", [{**period, "team": team}]),
        placements=table(
            "placements",
            [{**period, "placement_type": "foster_la", "start_date": looked_after}],
        ),
        legal_statuses=table(
            "legal_statuses",
            [{**period, "legal_status": "s25", "start_date": looked_after}],
        ),
        meetings=table(
            "meetings",
            [
                {
                    **period,
                    "meeting_kind": "planning_72h",
                    "due_date": date(2022, 1, 13),
                    "held_date": date(2022, 1, 13),
                },
                {
                    **period,
                    "meeting_kind": "review",
                    "review_number": 1,
                    "due_date": date(2022, 2, 21),
                    "held_date": date(2022, 2, 18),
                },
                {
                    **period,
                    "meeting_kind": "review",
                    "review_number": 2,
                    "due_date": date(2022, 5, 18),
                    "held_date": None,
                },
            ],
        ),
        milestones=table(
            "milestones",
            [
                {
                    **period,
                    "milestone": "permanence_recommendation",
                    "date": date(2022, 6, 1),
                    "detail": "adoption",
                },
                {
                    **period,
                    "milestone": "adm_decision",
                    "date": date(2022, 8, 1),
                    "detail": "agreed",
                },
            ],
        ),
    )
