"""Rules about decisions and milestones: their order, what they need, the child's age."""

from __future__ import annotations

import polars as pl

from permanence.ingest.rules import hits, iso, no_hits, rule, sentence
from permanence.ingest.workspace import ID, Workspace
from permanence.journey.frame import whole_years_between
from permanence.journey.milestone_rules import ADULT_AGE
from permanence.journey.milestone_rules import out_of_order as shared_out_of_order
from permanence.journey.vocabulary import (
    JOURNEY_ORDER,
    LegalStatusKind,
    MilestoneKind,
    OrderType,
    PlacementType,
)

PERIOD_KEY = ["child_ref", "period_start"]

# The order of the journey's steps (``JOURNEY_ORDER``) is vocabulary: the milestone
# return checks it too, without importing (and so registering) this module's rules.

ADOPTION_ORDERS = (OrderType.PERMANENCE_ORDER_ADOPT.value, OrderType.ADOPTION.value)
ADOPTION_STATUSES = (
    LegalStatusKind.PERMANENCE_ORDER_ADOPT.value,
    LegalStatusKind.ADOPTION_ORDER.value,
)
ORDER_STATUSES = (
    LegalStatusKind.PERMANENCE_ORDER.value,
    LegalStatusKind.PERMANENCE_ORDER_ADOPT.value,
    LegalStatusKind.KINSHIP_CARE_ORDER.value,
    LegalStatusKind.ADOPTION_ORDER.value,
)


def _is(kind: MilestoneKind) -> pl.Expr:
    return pl.col("milestone") == kind.value


@rule(
    "MILE001",
    "error",
    phase="record",
    tables=("milestones",),
    fields=("milestone", "date"),
    message="The milestone is dated before a step that must come first: the date looked "
    "after, then permanence recommendation, decision for permanence away from home, agency "
    "decision maker decision, application lodged in court, order granted.",
    fix="Check this date and the earlier step's date in the case recording system and correct "
    "whichever is wrong.",
)
def out_of_order(ws: Workspace, table: str) -> pl.DataFrame:
    # Each row is asked of ``journey.milestone_rules.out_of_order``, the very function a
    # milestone typed on the child's page is checked with (a few rows a child).
    rows = ws.active[table].filter(
        pl.col("milestone").is_in([kind.value for kind in JOURNEY_ORDER])
        & pl.col("date").is_not_null()
    )
    if rows.is_empty():
        return no_hits()
    firsts = rows.group_by(PERIOD_KEY).agg(
        pl.col("date").filter(_is(kind)).min().alias(kind.value) for kind in JOURNEY_ORDER
    )
    joined = rows.join(firsts, on=PERIOD_KEY, how="left")
    found_ids: list[int] = []
    found: list[str] = []
    for row in joined.iter_rows(named=True):
        problem = shared_out_of_order(
            MilestoneKind(row["milestone"]),
            row["date"],
            period_start=row["period_start"],
            firsts={kind: row[kind.value] for kind in JOURNEY_ORDER if row[kind.value]},
        )
        if problem is not None:
            found_ids.append(row[ID])
            found.append(problem)
    flagged = pl.DataFrame(
        {ID: found_ids, "problem": found}, schema={ID: pl.UInt32, "problem": pl.String}
    )
    return hits(flagged, fields=("milestone", "date"), value=pl.col("problem"))


@rule(
    "MILE002",
    "query",
    phase="record",
    tables=("milestones",),
    fields=("date",),
    message="The permanence recommendation is dated before the child was accommodated (the "
    "first placement of the care period away from home).",
    fix="Check the recommendation's date and the placements' start dates. If the child was "
    "recommended to remain at home before being accommodated, the record may be right.",
)
def recommendation_before_accommodated(ws: Workspace, table: str) -> pl.DataFrame:
    accommodated = (
        ws.active["placements"]
        .filter(pl.col("placement_type") != PlacementType.AT_HOME.value)
        .group_by(PERIOD_KEY)
        .agg(pl.col("start_date").min().alias("accommodated"))
    )
    rows = (
        ws.active[table]
        .filter(_is(MilestoneKind.RECOMMENDATION))
        .join(accommodated, on=PERIOD_KEY, how="inner")
        .filter(pl.col("date") < pl.col("accommodated"))
    )
    return hits(
        rows,
        fields=("date",),
        value=sentence("{}, accommodated {}", iso(pl.col("date")), iso(pl.col("accommodated"))),
    )


@rule(
    "MILE003",
    "query",
    phase="record",
    tables=("milestones", "legal_statuses"),
    fields=("milestone", "detail", "legal_status"),
    message="A permanence order with authority to adopt or an adoption order is recorded in a "
    "care period with no agency decision maker decision.",
    fix="Record the agency decision maker's decision (milestone adm_decision) with its date, "
    "or correct the order's type.",
)
def adoption_without_agency_decision(ws: Workspace, table: str) -> pl.DataFrame:
    decided = (
        ws.active["milestones"]
        .filter(_is(MilestoneKind.AGENCY_DECISION))
        .select(PERIOD_KEY)
        .unique()
    )
    if table == "milestones":
        orders = ws.active[table].filter(
            _is(MilestoneKind.ORDER_GRANTED) & pl.col("detail").is_in(ADOPTION_ORDERS)
        )
        fields: tuple[str, ...] = ("milestone", "detail")
        value = pl.col("detail")
    else:
        orders = ws.active[table].filter(pl.col("legal_status").is_in(ADOPTION_STATUSES))
        fields, value = ("legal_status",), pl.col("legal_status")
    undecided = orders.join(decided, on=PERIOD_KEY, how="anti")
    return hits(undecided, fields=fields, value=value)


@rule(
    "MILE004",
    "query",
    phase="record",
    tables=("milestones",),
    fields=("reason",),
    message="A decision reversed has no reason recorded.",
    fix="Record why the decision was reversed: the reason is what lets the partnership learn "
    "from it. (A reversed decision with no date is refused by REQ001.)",
)
def reversed_without_reason(ws: Workspace, table: str) -> pl.DataFrame:
    rows = ws.active[table].filter(
        _is(MilestoneKind.DECISION_REVERSED) & pl.col("reason").is_null()
    )
    return hits(rows, fields=("reason",), value=iso(pl.col("date")))


@rule(
    "MILE005",
    "error",
    phase="record",
    tables=("milestones", "legal_statuses"),
    fields=("date", "start_date"),
    message="The order is dated on or after the child's 18th birthday; these orders are made "
    "only for children.",
    fix="Check the order's date and the child's date of birth in the case recording system.",
)
def order_at_eighteen(ws: Workspace, table: str) -> pl.DataFrame:
    rows = ws.with_date_of_birth(ws.active[table])
    if table == "milestones":
        orders = rows.filter(
            _is(MilestoneKind.ORDER_GRANTED)
            & (pl.col("detail") != OrderType.SUPERVISION_TERMINATED.value).fill_null(True)
        )
        column = "date"
    else:
        orders = rows.filter(pl.col("legal_status").is_in(ORDER_STATUSES))
        column = "start_date"
    age = whole_years_between(pl.col("child_date_of_birth"), pl.col(column))
    adults = orders.filter(age >= ADULT_AGE)
    return hits(
        adults,
        fields=(column,),
        value=sentence("aged {} on {}", age, iso(pl.col(column))),
    )


@rule(
    "MILE006",
    "query",
    phase="record",
    tables=("milestones",),
    fields=("detail",),
    message="The milestone has no detail: a permanence recommendation needs its route, an "
    "agency decision maker decision its outcome, an application lodged or an order granted "
    "its order type.",
    fix="Record the route, outcome or order type in the detail column (see the codes in "
    "docs/data-format.md).",
)
def milestone_without_detail(ws: Workspace, table: str) -> pl.DataFrame:
    needs_detail = [kind.value for kind in MilestoneKind if kind.detail_vocabulary is not None]
    rows = ws.raw_of(table, ws.active[table], "detail")
    blank = rows.filter(pl.col("milestone").is_in(needs_detail) & pl.col("detail_raw").is_null())
    return hits(blank, fields=("detail",), value=pl.col("milestone"))
