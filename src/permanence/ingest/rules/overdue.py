"""Overdue queries: children whose journey has stalled past a national PACE timescale.

These are measured at the extract date on the records that will be loaded, through the
same journeys frame every analysis reads (``permanence.journey.frame``), so "accommodated"
or "decision for permanence away from home" mean here exactly what they mean in the aims.
They are queries about children still waiting, raised on the care period's row, so the
data lead can check whether a milestone is missing from the record or the child really
is waiting.
"""

from __future__ import annotations

import polars as pl

from permanence.ingest.format import TABLES
from permanence.ingest.rules import hits, iso, rule, sentence
from permanence.ingest.workspace import ID, Workspace
from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import JourneyTables

AIM_2_DAYS = 26 * 7
AIM_3_DAYS = 14 * 7
AIM_4_DAYS = 16 * 7
AIM_1_YEARS = 2


def journeys(ws: Workspace) -> pl.DataFrame:
    """The journeys frame at the extract date for the rows being loaded, with each open
    care period's ``_id`` (periods that have ended are not waiting for anything)."""
    if ws.journeys is None:
        tables = JourneyTables(**{table: ws.clean(table).drop(ID) for table in TABLES})
        frame = build_journeys_frame(tables, ws.extract_date, authority="-")
        ids = ws.clean("care_periods").select(ID, "child_ref", "period_start")
        ws.journeys = frame.filter(pl.col("period_end").is_null()).join(
            ids, on=["child_ref", "period_start"], how="inner"
        )
    return ws.journeys


def _days_since(column: str, ws: Workspace) -> pl.Expr:
    return (pl.lit(ws.extract_date, dtype=pl.Date) - pl.col(column)).dt.total_days()


def _waited(column: str, ws: Workspace, event: str) -> pl.Expr:
    """For example "accommodated 2023-01-01: 65 weeks 1 day by the extract date"."""
    days = _days_since(column, ws)
    unit = pl.when(days % 7 == 1).then(pl.lit("day")).otherwise(pl.lit("days"))
    return sentence(
        f"{event} {{}}: {{}} weeks {{}} {{}} by the extract date",
        iso(pl.col(column)),
        days // 7,
        days % 7,
        unit,
    )


@rule(
    "OVERDUE001",
    "query",
    phase="overdue",
    tables=("care_periods",),
    fields=("period_start",),
    message="The child was accommodated more than 26 weeks before the extract date and has no "
    "permanence recommendation (national aim 2: a recommendation within 26 weeks).",
    fix="Check whether a permanence recommendation has been made and is missing from the "
    "record; if the child is still waiting, bring the child's plan to the Champions' Group.",
)
def no_recommendation(ws: Workspace, table: str) -> pl.DataFrame:
    # A child back home with their parents (still looked after at home) is not waiting
    # away from home: their clock stopped when they went home (docs/aims.md).
    rows = journeys(ws).filter(
        pl.col("accommodated_date").is_not_null()
        & pl.col("recommendation_date").is_null()
        & pl.col("returned_home_date").is_null()
        & (_days_since("accommodated_date", ws) > AIM_2_DAYS)
    )
    return hits(
        rows, fields=("period_start",), value=_waited("accommodated_date", ws, "accommodated")
    )


@rule(
    "OVERDUE002",
    "query",
    phase="overdue",
    tables=("care_periods",),
    fields=("period_start",),
    message="A decision for permanence away from home (or a recommendation of a route away from "
    "home) was made more than 14 weeks before the extract date and there is no agency decision "
    "maker decision (national aim 3: within 14 weeks).",
    fix="Check whether the agency decision maker has decided and the decision is missing from "
    "the record; if not, find where the plan is waiting.",
)
def no_agency_decision(ws: Workspace, table: str) -> pl.DataFrame:
    rows = journeys(ws).filter(
        pl.col("decision_away_date").is_not_null()
        & pl.col("decision_away_reversed_date").is_null()
        & pl.col("agency_decision_date").is_null()
        & (_days_since("decision_away_date", ws) > AIM_3_DAYS)
    )
    return hits(rows, fields=("period_start",), value=_waited("decision_away_date", ws, "decided"))


@rule(
    "OVERDUE003",
    "query",
    phase="overdue",
    tables=("care_periods",),
    fields=("period_start",),
    message="The agency decision maker agreed the plan more than 16 weeks before the extract "
    "date and no application has been lodged in court (national aim 4: within 16 weeks).",
    fix="Check whether the application has been lodged and is missing from the record; if not, "
    "find where it is waiting (legal services, reports, the court).",
)
def nothing_lodged(ws: Workspace, table: str) -> pl.DataFrame:
    rows = journeys(ws).filter(
        pl.col("plan_agreed_date").is_not_null()
        & pl.col("plan_agreed_reversed_date").is_null()
        & pl.col("lodged_date").is_null()
        & pl.col("order_date").is_null()
        & (_days_since("plan_agreed_date", ws) > AIM_4_DAYS)
    )
    return hits(rows, fields=("period_start",), value=_waited("plan_agreed_date", ws, "agreed"))


@rule(
    "OVERDUE004",
    "query",
    phase="overdue",
    tables=("care_periods",),
    fields=("period_start",),
    message="The child has been looked after at home on a Compulsory Supervision Order for more "
    "than two years with no Children's Hearing since the order's second anniversary "
    "(national aim 1: once two years have passed, ask whether the child should still be on "
    "an order at all).",
    fix="Check whether a Children's Hearing has reviewed the order and the hearing is missing "
    "from the record; if not, ask the Reporter for a review of whether the order is still "
    "needed.",
)
def home_supervision_unreviewed(ws: Workspace, table: str) -> pl.DataFrame:
    anniversary = pl.col("home_cso_start").dt.offset_by(f"{AIM_1_YEARS}y")
    rows = journeys(ws).filter(
        pl.col("home_cso_start").is_not_null()
        & pl.col("home_cso_end").is_null()
        & (anniversary < pl.lit(ws.extract_date, dtype=pl.Date))
        & ~(pl.col("hearings").list.max() >= anniversary).fill_null(value=False)
    )
    return hits(rows, fields=("period_start",), value=_waited("home_cso_start", ws, "order began"))
