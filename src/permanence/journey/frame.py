"""The journeys frame: one row per care period, a column per milestone.

``build_journeys_frame`` is the only function that turns records into the frame, and
every analysis, chart, page and report reads the frame it returns. Its columns are
declared in ``FRAME_COLUMNS`` (and described for people in ``docs/frame.md``).

The frame is built *as of* a date. Anything recorded after ``as_of`` has not happened
yet: a period that began later is left out, a later end leaves the period open, a later
recommendation leaves the child still waiting. This is what lets a run chart or an aim be
recomputed as it stood on any past date, and what keeps children still waiting visible
as still waiting rather than quietly missing.

Where a milestone occurs more than once in a period the frame follows written rules
(docs/frame.md, "Routes through the journey"): the first permanence recommendation (Aim 2
stops at the first); for the plan for permanence away from home, the latest plan, where a
reversal ends one plan and whatever is decided after it is a new one (Aims 3 and 4 each
count a child once, from the latest decision or agreement, and a reversal of it stops the
clock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from permanence.journey.tables import AUTHORITY_COLUMN, OPTIONAL_TABLES, JourneyTables, conform
from permanence.journey.vocabulary import (
    AGE_BAND_BOUNDS,
    AgencyDecisionOutcome,
    CareSetting,
    LegalStatusKind,
    MeetingKind,
    MilestoneKind,
    OrderType,
    PlacementType,
    Route,
)


def lodged_column(order: OrderType | str) -> str:
    """The frame column holding the first application lodged for ``order``."""
    return f"lodged_{OrderType(order).value}_date"


@dataclass(frozen=True, slots=True)
class FrameColumn:
    dtype: pl.DataType
    description: str


REVIEW_STRUCT = pl.Struct({"review_number": pl.Int16, "due_date": pl.Date, "held_date": pl.Date})

_D = pl.Date()
_S = pl.String()
_I = pl.Int32()

FRAME_COLUMNS: dict[str, FrameColumn] = {
    # who and which period
    "authority": FrameColumn(_S, "The local authority's code."),
    "child_ref": FrameColumn(_S, "The authority's own reference for the child, exactly as given."),
    "period_number": FrameColumn(_I, "1 for the child's first care period, 2 for a re-entry, ..."),
    "period_start": FrameColumn(_D, "The date looked after: the start of the care period."),
    "period_end": FrameColumn(_D, "The date the period ended; blank while it is open at as_of."),
    "destination": FrameColumn(
        _S, "Where the child went when the period ended (a Destination code)."
    ),
    "team": FrameColumn(_S, "The team responsible for the child in this period."),
    "date_of_birth": FrameColumn(_D, "The child's date of birth."),
    "sex": FrameColumn(_S, "The child's sex (a Sex code)."),
    "ethnicity": FrameColumn(_S, "The child's ethnicity, as the case recording system records it."),
    "disability": FrameColumn(
        _S, "Whether the child has a disability, as the case recording system records it."
    ),
    "sibling_group": FrameColumn(
        _S,
        "The child's group of brothers and sisters looked after (the same text for each of "
        "them); blank for a child recorded without siblings.",
    ),
    "age_at_period_start": FrameColumn(_I, "Age in whole years on the date looked after."),
    # where the child lives
    "accommodated_date": FrameColumn(
        _D,
        "The date accommodated: the first day of the period spent away from home "
        "(the earliest placement that is not at home with parents). Aim 2's clock starts here.",
    ),
    "age_at_accommodation": FrameColumn(_I, "Age in whole years on the date accommodated."),
    "age_band_at_accommodation": FrameColumn(
        _S, "The age band (an AgeBand code) of age_at_accommodation."
    ),
    "first_placement_type": FrameColumn(_S, "The type of the period's first placement."),
    "current_placement_type": FrameColumn(
        _S, "The type of the latest placement begun by as_of (or by the period's end)."
    ),
    "current_care_setting": FrameColumn(
        _S, "current_placement_type grouped as a CareSetting code (for charts)."
    ),
    "placements_away_count": FrameColumn(
        _I, "How many placements away from home the period has had by as_of."
    ),
    "placement_moves": FrameColumn(
        pl.List(pl.Date),
        "The start dates of the period's placement moves by as_of, in order: every placement "
        "away from home after the first (a move back into care after a return home is one).",
    ),
    "home_returns_count": FrameColumn(
        _I,
        "How many times the child returned home to parents after being accommodated in the "
        "period (a placement at home after one away), by as_of; a return home that broke "
        "down is followed by another placement away.",
    ),
    "returned_home_date": FrameColumn(
        _D,
        "The day the child returned home to parents, while at home at as_of (or when the "
        "period ended): the start of the latest return home after being accommodated. Blank "
        "when the child is living away from home, so a return home that broke down leaves it "
        "blank. A return home stops Aim 2's clock when no recommendation came first.",
    ),
    # legal status
    "current_legal_status": FrameColumn(_S, "The latest legal status begun by as_of."),
    "home_cso_start": FrameColumn(
        _D,
        "The start of the period's latest spell on a Compulsory Supervision Order at home "
        "(statuses of that kind one after another are one spell). Aim 1's clock.",
    ),
    "home_cso_end": FrameColumn(
        _D, "The end of that spell (the next status began), blank while it lasts at as_of."
    ),
    # meetings (held dates)
    "planning_72h_date": FrameColumn(_D, "The first 72-hour planning meeting held."),
    "planning_2wk_date": FrameColumn(_D, "The first 2-week planning meeting held."),
    "first_review_date": FrameColumn(_D, "The first Looked After Child review held."),
    "second_review_date": FrameColumn(_D, "The second Looked After Child review held."),
    "last_review_date": FrameColumn(_D, "The latest Looked After Child review held by as_of."),
    "review_count": FrameColumn(_I, "How many Looked After Child reviews were held by as_of."),
    "reviews": FrameColumn(
        pl.List(REVIEW_STRUCT),
        "Every Looked After Child review due or held by as_of, in order: number, due, held.",
    ),
    "legal_advice_date": FrameColumn(_D, "The first legal advice meeting held."),
    "permanence_panel_date": FrameColumn(_D, "The first permanence panel held."),
    "permanence_panel_count": FrameColumn(
        _I, "How many permanence panels were held by as_of (2 or more: the plan went back)."
    ),
    "first_hearing_date": FrameColumn(_D, "The first Children's Hearing held."),
    "hearings": FrameColumn(
        pl.List(_D),
        "The dates of every Children's Hearing held by as_of, in order. Aim 1's clock stops "
        "at the first held on or after the order's two-year point.",
    ),
    # decisions and milestones
    "reporter_referral_date": FrameColumn(_D, "Referral to the Children's Reporter."),
    "assessment_started_date": FrameColumn(_D, "Parenting capacity assessment started."),
    "assessment_completed_date": FrameColumn(_D, "Parenting capacity assessment completed."),
    "recommendation_date": FrameColumn(
        _D, "The first permanence recommendation. Aim 2's clock stops here."
    ),
    "recommendation_route": FrameColumn(_S, "The route first recommended (a Route code)."),
    "latest_recommendation_route": FrameColumn(
        _S, "The route of the latest permanence recommendation by as_of (a Route code)."
    ),
    "reversal_count": FrameColumn(_I, "How many decisions were reversed in the period by as_of."),
    "decision_away_date": FrameColumn(
        _D,
        "The decision for permanence away from home of the latest plan that has one: the "
        "recorded decision or, where the plan has none recorded, its first recommendation of a "
        "route away from home. A reversal ends a plan; what is decided after it is a new plan. "
        "Aim 3's clock starts here.",
    ),
    "decision_away_reversed_date": FrameColumn(
        _D, "The reversal that ended that plan; blank while the decision stands. Stops Aim 3."
    ),
    "agency_decision_date": FrameColumn(
        _D,
        "The agency decision maker's decision that agreed that plan (ratified it); a decision "
        "that did not agree leaves the plan waiting. With no decision away from home, the "
        "latest agreement (plan_agreed_date). Aim 3's clock stops here.",
    ),
    "agency_decision_outcome": FrameColumn(
        _S,
        "The outcome of the latest agency decision on that plan (an AgencyDecisionOutcome "
        "code): 'not_agreed' while a plan that was not agreed waits to go back.",
    ),
    "plan_agreed_date": FrameColumn(
        _D,
        "The agency decision maker's decision that agreed the latest agreed plan (a later "
        "decision after one that did not agree counts). Aim 4's clock starts here.",
    ),
    "plan_agreed_reversed_date": FrameColumn(
        _D, "The reversal that ended the agreed plan; blank while it stands. Stops Aim 4."
    ),
    "plan_route": FrameColumn(
        _S,
        "The route of the agreed plan: its latest recommendation away from home (a Route "
        "code); blank when the plan holds no recommendation.",
    ),
    "lodged_date": FrameColumn(
        _D,
        "The first application lodged in court in the agreed plan (with no agreed plan, in "
        "the latest plan that has one), whatever the order sought.",
    ),
    "order_sought": FrameColumn(_S, "The order it applied for (an OrderType code)."),
    **{
        lodged_column(order): FrameColumn(
            _D,
            f"The first application for a {order.label.lower()} lodged in the same plan as "
            "lodged_date. Aim 4's clock stops at the first of the orders its routes name.",
        )
        for order in OrderType
        if order is not OrderType.SUPERVISION_TERMINATED
    },
    "order_date": FrameColumn(_D, "The first order granted (or the supervision order ended)."),
    "order_type": FrameColumn(_S, "That order (an OrderType code)."),
    "court_order_date": FrameColumn(
        _D,
        "The first order granted by a court: a permanence order (with or without authority to "
        "adopt), an adoption order or a kinship care order. The court's time ends here.",
    ),
    "court_order_type": FrameColumn(_S, "That order (an OrderType code)."),
    "supervision_ended_date": FrameColumn(
        _D,
        "The day a Children's Hearing ended the Compulsory Supervision Order (recorded as "
        "the order granted 'Compulsory Supervision Order terminated'). The Hearing's time "
        "after a return home ends here.",
    ),
    "reversed_date": FrameColumn(_D, "The first decision reversed in the period."),
    "reversed_reason": FrameColumn(_S, "Why it was reversed."),
    "as_of": FrameColumn(_D, "The date the frame describes; later records are not yet known."),
}

PERIOD_KEY = ["authority", "child_ref", "period_start"]


def frame_schema() -> pl.Schema:
    return pl.Schema({name: column.dtype for name, column in FRAME_COLUMNS.items()})


def build_journeys_frame(
    tables: JourneyTables, as_of: date, *, authority: str | None = None
) -> pl.DataFrame:
    """One row per care period begun by ``as_of``, a column per milestone.

    ``authority`` names the authority of tables that have no ``authority`` column (a
    single authority's import file); tables from several authorities carry the column.
    Rows come sorted by authority, child reference and period start.
    """
    if authority is not None:
        tables = tables.with_authority(authority)
    tables = JourneyTables(**{name: conform(name, table) for name, table in tables.items()})
    _require_authority(tables)

    periods = _periods(tables.care_periods, as_of)
    keys = periods.lazy().select([*PERIOD_KEY, "period_id"])
    placements = _events(tables.placements, keys, "start_date", as_of, _PLACEMENT_COLUMNS)
    statuses = _events(tables.legal_statuses, keys, "start_date", as_of, _STATUS_COLUMNS)
    milestones = _milestone_events(tables.milestones, keys, as_of)
    parts = [
        _placements(placements, as_of),
        _legal_statuses(statuses, as_of),
        _meetings(_meeting_events(tables.meetings, keys, as_of)),
        _milestones(milestones),
    ]
    # The periods come sorted by their key (period_id is their place in that order) and
    # every join keeps the periods' order, so the frame needs no sort on the text of the
    # key at the end.
    frame = periods.lazy().join(
        _children(tables.children).lazy(),
        on=["authority", "child_ref"],
        how="left",
        maintain_order="left",
    )
    for part in parts:
        frame = frame.join(part.lazy(), on="period_id", how="left", maintain_order="left")
    return (
        _derive(frame, as_of)
        .select([pl.col(name).cast(column.dtype) for name, column in FRAME_COLUMNS.items()])
        .collect(engine="in-memory")
    )


def _require_authority(tables: JourneyTables) -> None:
    for name, table in tables.items():
        # The optional meeting tables are not read here (the meetings app reads them).
        if AUTHORITY_COLUMN not in table.columns and name not in OPTIONAL_TABLES:
            raise ValueError(
                f"the {name} table names no authority: pass authority= for a single authority"
            )


def _periods(care_periods: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The care periods begun by ``as_of``, one per key (the first recorded), sorted by
    their key and numbered: ``period_id`` is a period's place in that order, which every
    other table's rows are tagged with, and ``period_number`` its place in the child's."""
    ended_by_as_of = pl.col("period_end").is_not_null() & (pl.col("period_end") <= as_of)
    # A stable sort puts a key's duplicates together in the order recorded, so the first
    # of each is the one kept; comparing a row with the one before it finds both the
    # duplicates and each child's first period without hashing the text of the key.
    ordered = care_periods.filter(pl.col("period_start") <= as_of).sort(
        PERIOD_KEY, maintain_order=True
    )
    child = ["authority", "child_ref"]
    new_child = _differs_from_row_before(child)
    return (
        ordered.filter(_differs_from_row_before(PERIOD_KEY))
        .with_row_index("period_id")
        .with_columns(
            (
                pl.col("period_id")
                - pl.when(new_child).then(pl.col("period_id")).forward_fill()
                + 1
            ).alias("period_number"),
            pl.when(ended_by_as_of).then(pl.col("period_end")).alias("period_end"),
            pl.when(ended_by_as_of).then(pl.col("destination")).alias("destination"),
        )
    )


def _differs_from_row_before(columns: list[str]) -> pl.Expr:
    """Whether a row's ``columns`` differ from the row before's (the first row: true)."""
    same = pl.all_horizontal(pl.col(name) == pl.col(name).shift(1) for name in columns)
    return ~same.fill_null(value=False)


def _children(children: pl.DataFrame) -> pl.DataFrame:
    """One row per child, the first recorded (found as ``_periods`` finds a period's)."""
    child = ["authority", "child_ref"]
    return (
        children.select(*child, "date_of_birth", "sex", "ethnicity", "disability", "sibling_group")
        .sort(child, maintain_order=True)
        .filter(_differs_from_row_before(child))
    )


def _events(
    table: pl.DataFrame, keys: pl.LazyFrame, date_column: str, as_of: date, columns: list[str]
) -> pl.DataFrame:
    """The ``columns`` of a child-level table's rows that had happened by ``as_of``,
    tagged with their period's ``period_id``."""
    happened = table.lazy().select(*PERIOD_KEY, *columns).filter(pl.col(date_column) <= as_of)
    return _tag_with_period(happened, keys)


def _tag_with_period(rows: pl.LazyFrame, keys: pl.LazyFrame) -> pl.DataFrame:
    """``rows`` with their period's ``period_id`` in place of its key, in their order.

    This is the only join on the text of the key (authority, reference, start date); all
    later work is on the integer ``period_id``. The streaming engine does this join in
    about half the processor time of the in-memory one at a million care periods (it
    gathers the columns kept, not the key's text). Keeping the rows' order makes ties in
    the later sorts (two records on one day) come out as they were recorded.
    """
    return (
        rows.join(keys, on=PERIOD_KEY, how="inner", maintain_order="left")
        .drop(PERIOD_KEY)
        .collect(engine="streaming")
    )


def _meeting_events(meetings: pl.DataFrame, keys: pl.LazyFrame, as_of: date) -> pl.DataFrame:
    # A meeting is known by as_of if it was held by then or was already due by then.
    held = pl.col("held_date").is_not_null() & (pl.col("held_date") <= as_of)
    due = pl.col("due_date").is_not_null() & (pl.col("due_date") <= as_of)
    # Only the columns ``_meetings`` reads go through the join: the meetings are the
    # largest table (about nine a care period), and carrying their outcome and record
    # id through it cost about a sixth of its processor time at a million care periods.
    known = (
        meetings.lazy()
        .select(*PERIOD_KEY, *_MEETING_COLUMNS)
        .filter(held | due)
        .with_columns(
            pl.when(held).then(pl.col("held_date")).alias("held_date"),
            # A small code, not text: compared many times a row in ``_meetings``, and
            # cheaper to carry through the join. A kind the frame does not know becomes
            # blank, which no comparison matches, as the text matched none.
            pl.col("meeting_kind").cast(_MEETING_KIND, strict=False),
        )
    )
    return _tag_with_period(known, keys)


def _milestone_events(milestones: pl.DataFrame, keys: pl.LazyFrame, as_of: date) -> pl.DataFrame:
    # Only the kinds of milestone the frame reads: the others (about a fifth of the rows)
    # would be joined, sorted and grouped for nothing. The kind becomes a small code (see
    # ``_meeting_events``), and the reason, read only for a reversal, is kept only there.
    read = (
        milestones.lazy()
        .filter(pl.col("milestone").is_in(_MILESTONES_READ) & (pl.col("date") <= as_of))
        .select(
            *PERIOD_KEY,
            pl.col("milestone").cast(_MILESTONE_KIND, strict=False),
            "date",
            "detail",
            pl.when(_is(MilestoneKind.DECISION_REVERSED)).then(pl.col("reason")).alias("reason"),
        )
    )
    return _tag_with_period(read, keys)


#: The columns of each table the frame reads, besides the period's key.
_PLACEMENT_COLUMNS = ["placement_type", "start_date"]
_STATUS_COLUMNS = ["legal_status", "start_date", "end_date"]
_MEETING_COLUMNS = ["meeting_kind", "review_number", "due_date", "held_date"]
_MEETING_KIND = pl.Enum([kind.value for kind in MeetingKind])
_MILESTONES_READ = [
    kind.value
    for kind in (
        MilestoneKind.REPORTER_REFERRAL,
        MilestoneKind.ASSESSMENT_STARTED,
        MilestoneKind.ASSESSMENT_COMPLETED,
        MilestoneKind.RECOMMENDATION,
        MilestoneKind.DECISION_AWAY_FROM_HOME,
        MilestoneKind.AGENCY_DECISION,
        MilestoneKind.APPLICATION_LODGED,
        MilestoneKind.ORDER_GRANTED,
        MilestoneKind.DECISION_REVERSED,
    )
]
_MILESTONE_KIND = pl.Enum(_MILESTONES_READ)


def _same_period_before() -> pl.Expr:
    """Whether the row before (in a frame sorted by period) belongs to the same period:
    a shift over the whole frame, much faster than a window per period."""
    return (pl.col("period_id").shift(1) == pl.col("period_id")).fill_null(value=False)


def _placements(placements: pl.DataFrame, as_of: date) -> pl.DataFrame:
    at_home = pl.col("placement_type") == PlacementType.AT_HOME.value
    away = ~at_home
    # A return home: a placement at home that follows one away from home.
    after_away = _same_period_before() & (
        pl.col("placement_type").shift(1) != PlacementType.AT_HOME.value
    )
    ordered = placements.sort(["period_id", "start_date"], maintain_order=True).with_columns(
        (at_home & after_away).alias("_return_home")
    )
    return_home = pl.col("_return_home")
    return ordered.group_by("period_id").agg(
        pl.col("start_date").filter(away).min().alias("accommodated_date"),
        pl.col("placement_type").first().alias("first_placement_type"),
        pl.col("placement_type").last().alias("current_placement_type"),
        away.sum().alias("placements_away_count"),
        pl.col("start_date").filter(away).slice(1).alias("placement_moves"),
        return_home.sum().alias("home_returns_count"),
        pl.when(pl.col("placement_type").last() == PlacementType.AT_HOME.value)
        .then(pl.col("start_date").filter(return_home).last())
        .alias("returned_home_date"),
    )


def _legal_statuses(statuses: pl.DataFrame, as_of: date) -> pl.DataFrame:
    home_cso = pl.col("legal_status") == LegalStatusKind.CSO_AT_HOME.value
    same_before = _same_period_before()
    same_after = (pl.col("period_id").shift(-1) == pl.col("period_id")).fill_null(value=False)
    # Statuses of one kind one after another are one spell (a re-recorded order): a spell
    # begins where the status before it, in the period, was another. It ends at its last
    # row's end or, where that is blank, when the next status began.
    ordered = statuses.sort(["period_id", "start_date"], maintain_order=True).with_columns(
        (
            home_cso & ~(same_before & (pl.col("legal_status").shift(1) == pl.col("legal_status")))
        ).alias("_spell_start"),
        pl.coalesce(
            pl.col("end_date"), pl.when(same_after).then(pl.col("start_date").shift(-1))
        ).alias("_until"),
    )
    return (
        ordered.group_by("period_id")
        .agg(
            pl.col("legal_status").last().alias("current_legal_status"),
            pl.col("start_date").filter(pl.col("_spell_start")).last().alias("home_cso_start"),
            # The latest spell's last row is the period's last row at home.
            pl.col("_until").filter(home_cso).last().alias("home_cso_end"),
        )
        .with_columns(
            pl.when(pl.col("home_cso_end") <= as_of)
            .then(pl.col("home_cso_end"))
            .alias("home_cso_end")
        )
    )


def _first_held(kind: MeetingKind, alias: str) -> pl.Expr:
    return pl.col("held_date").filter(pl.col("meeting_kind") == kind.value).min().alias(alias)


def _meetings(meetings: pl.DataFrame) -> pl.DataFrame:
    is_review = pl.col("meeting_kind") == MeetingKind.REVIEW.value
    held_review = is_review & pl.col("held_date").is_not_null()
    held = pl.col("held_date").is_not_null()
    held_panel = held & (pl.col("meeting_kind") == MeetingKind.PERMANENCE_PANEL.value)
    held_hearing = held & (pl.col("meeting_kind") == MeetingKind.CHILDRENS_HEARING.value)
    ordered = meetings.sort(
        ["period_id", pl.coalesce("held_date", "due_date"), "review_number"],
        nulls_last=True,
        maintain_order=True,
    )
    return ordered.group_by("period_id").agg(
        _first_held(MeetingKind.PLANNING_72_HOUR, "planning_72h_date"),
        _first_held(MeetingKind.PLANNING_2_WEEK, "planning_2wk_date"),
        _first_held(MeetingKind.LEGAL_ADVICE, "legal_advice_date"),
        _first_held(MeetingKind.PERMANENCE_PANEL, "permanence_panel_date"),
        held_panel.sum().alias("permanence_panel_count"),
        _first_held(MeetingKind.CHILDRENS_HEARING, "first_hearing_date"),
        # Sorted already: held meetings are in date order here.
        pl.col("held_date").filter(held_hearing).alias("hearings"),
        pl.col("held_date").filter(held_review).first().alias("first_review_date"),
        pl.col("held_date")
        .filter(held_review)
        .get(1, null_on_oob=True)
        .alias("second_review_date"),
        pl.col("held_date").filter(held_review).last().alias("last_review_date"),
        held_review.sum().alias("review_count"),
        pl.struct("review_number", "due_date", "held_date").filter(is_review).alias("reviews"),
    )


def _first_milestone(kind: MilestoneKind, alias: str, detail: str | None = None) -> list[pl.Expr]:
    of_kind = pl.col("milestone") == kind.value
    expressions = [pl.col("date").filter(of_kind).first().alias(alias)]
    if detail is not None:
        expressions.append(pl.col("detail").filter(of_kind).first().alias(detail))
    return expressions


_AWAY_ROUTES = [route.value for route in Route if route.is_away_from_home]
_COURT_ORDERS = [
    order.value for order in OrderType if order is not OrderType.SUPERVISION_TERMINATED
]


def _is(kind: MilestoneKind) -> pl.Expr:
    return pl.col("milestone") == kind.value


def _milestones(milestones: pl.DataFrame) -> pl.DataFrame:
    reversed_ = _is(MilestoneKind.DECISION_REVERSED)
    granted = _is(MilestoneKind.ORDER_GRANTED)
    # Stable sorts here and above: records on the same day stay in the order recorded
    # (and a stable sort of rows that come nearly in order is the faster one).
    ordered = milestones.sort(["period_id", "date"], maintain_order=True)
    firsts = [
        *_first_milestone(MilestoneKind.REPORTER_REFERRAL, "reporter_referral_date"),
        *_first_milestone(MilestoneKind.ASSESSMENT_STARTED, "assessment_started_date"),
        *_first_milestone(MilestoneKind.ASSESSMENT_COMPLETED, "assessment_completed_date"),
        *_first_milestone(
            MilestoneKind.RECOMMENDATION, "recommendation_date", "recommendation_route"
        ),
        pl.col("detail")
        .filter(_is(MilestoneKind.RECOMMENDATION))
        .last()
        .alias("latest_recommendation_route"),
        *_first_milestone(MilestoneKind.ORDER_GRANTED, "order_date", "order_type"),
        pl.col("date")
        .filter(granted & pl.col("detail").is_in(_COURT_ORDERS))
        .first()
        .alias("court_order_date"),
        pl.col("detail")
        .filter(granted & pl.col("detail").is_in(_COURT_ORDERS))
        .first()
        .alias("court_order_type"),
        pl.col("date")
        .filter(granted & (pl.col("detail") == OrderType.SUPERVISION_TERMINATED.value))
        .first()
        .alias("supervision_ended_date"),
        *_first_milestone(MilestoneKind.DECISION_REVERSED, "reversed_date"),
        pl.col("reason").filter(reversed_).first().alias("reversed_reason"),
        reversed_.sum().alias("reversal_count"),
    ]
    # Most care periods have one plan (nothing reversed): their plan is the whole period,
    # read in the same pass as the firsts. The few with a reversal are split into plans
    # (``_plans``).
    facts = ordered.group_by("period_id").agg(*firsts, *_plan_facts())
    has_reversal = pl.col("reversal_count") > 0
    with_reversal = facts.filter(has_reversal).get_column("period_id")
    plans = pl.concat(
        [
            _choose(facts.filter(~has_reversal).with_columns(_NO_REVERSAL)),
            _plans(ordered.filter(pl.col("period_id").is_in(with_reversal.implode()))),
        ]
    )
    first_names = [expression.meta.output_name() for expression in firsts]
    return facts.select("period_id", *first_names).join(plans, on="period_id", how="left")


_NO_REVERSAL = pl.lit(None, dtype=pl.Date).alias("_reversed")
_LODGED_COLUMNS = [lodged_column(order) for order in _COURT_ORDERS]


def _plan_facts() -> list[pl.Expr]:
    """What each plan (a group of milestones) decided, in one pass of a group_by."""
    adm = _is(MilestoneKind.AGENCY_DECISION)
    agreed = adm & (pl.col("detail") == AgencyDecisionOutcome.AGREED.value)
    lodged = _is(MilestoneKind.APPLICATION_LODGED)
    away_recommendation = _is(MilestoneKind.RECOMMENDATION) & pl.col("detail").is_in(_AWAY_ROUTES)
    return [
        pl.coalesce(
            pl.col("date").filter(_is(MilestoneKind.DECISION_AWAY_FROM_HOME)).first(),
            pl.col("date").filter(away_recommendation).first(),
        ).alias("_decision"),
        pl.col("detail").filter(away_recommendation).last().alias("_route"),
        pl.col("detail").filter(adm).last().alias("_adm_outcome"),
        pl.col("date").filter(agreed).first().alias("_agreed"),
        pl.col("date").filter(lodged).first().alias("_lodged"),
        pl.col("detail").filter(lodged).first().alias("_sought"),
        *[
            pl.col("date")
            .filter(lodged & (pl.col("detail") == order))
            .first()
            .alias(lodged_column(order))
            for order in _COURT_ORDERS
        ],
    ]


def _plans(ordered: pl.DataFrame) -> pl.DataFrame:
    """The plan for permanence away from home each aim follows, for care periods with a
    reversal (docs/frame.md, "Routes through the journey"): Aim 3 the latest plan with a
    decision, Aim 4 the latest agreed, each stopped by the reversal that ended it."""
    reversed_ = _is(MilestoneKind.DECISION_REVERSED)
    # A reversal undoes what was decided before it; on its own day it comes first, so a
    # plan made at the meeting that reversed the old one (a common review outcome) is the
    # new plan. Each reversal begins a new plan: "plan" numbers them within the period.
    ordered = (
        ordered.with_columns((~reversed_).alias("_after_reversal"))
        .sort(["period_id", "date", "_after_reversal"], maintain_order=True)
        .with_columns(reversed_.cast(pl.Int32).cum_sum().over("period_id").alias("plan"))
    )
    began = ordered.group_by("period_id", "plan").agg(
        pl.col("date").filter(reversed_).first().alias("_began")
    )
    plans = (
        ordered.group_by("period_id", "plan")
        .agg(*_plan_facts())
        .join(began, on=["period_id", "plan"])
        .sort("period_id", "plan")
        # The reversal that began the next plan ended this one.
        .with_columns(pl.col("_began").shift(-1).over("period_id").alias("_reversed"))
    )

    def latest(has: str, column: str) -> pl.Expr:
        return pl.col(column).filter(pl.col(has).is_not_null()).last().alias(column)

    # One row per period: each plan column from the latest plan with a decision (or an
    # agreement), as ``_choose`` reads them.
    decision = ["_decision", "_route_d", "_adm_outcome", "_agreed_d", "_reversed_d"]
    picked = (
        plans.with_columns(
            pl.col("_route").alias("_route_d"),
            pl.col("_agreed").alias("_agreed_d"),
            pl.col("_reversed").alias("_reversed_d"),
        )
        .group_by("period_id")
        .agg(
            *[latest("_decision", name) for name in decision],
            latest("_adm_outcome", "_adm_outcome").alias("_latest_adm_outcome"),
            *[
                latest("_agreed", name)
                for name in (
                    "_agreed",
                    "_route",
                    "_reversed",
                    "_lodged",
                    "_sought",
                    *_LODGED_COLUMNS,
                )
            ],
            *[
                latest("_lodged", name).alias(f"_latest{name}")
                for name in ("_lodged", "_sought", *_LODGED_COLUMNS)
            ],
        )
    )
    has_decision = pl.col("_decision").is_not_null()
    has_agreement = pl.col("_agreed").is_not_null()

    def chosen(condition: pl.Expr, preferred: str, otherwise: str) -> pl.Expr:
        return pl.when(condition).then(pl.col(preferred)).otherwise(pl.col(otherwise))

    return picked.select(
        "period_id",
        pl.col("_decision").alias("decision_away_date"),
        pl.col("_reversed_d").alias("decision_away_reversed_date"),
        chosen(has_decision, "_agreed_d", "_agreed").alias("agency_decision_date"),
        chosen(has_decision, "_adm_outcome", "_latest_adm_outcome").alias(
            "agency_decision_outcome"
        ),
        pl.col("_agreed").alias("plan_agreed_date"),
        pl.col("_reversed").alias("plan_agreed_reversed_date"),
        pl.col("_route").alias("plan_route"),
        chosen(has_agreement, "_lodged", "_latest_lodged").alias("lodged_date"),
        chosen(has_agreement, "_sought", "_latest_sought").alias("order_sought"),
        *[chosen(has_agreement, name, f"_latest{name}").alias(name) for name in _LODGED_COLUMNS],
    )


def _choose(plan: pl.DataFrame) -> pl.DataFrame:
    """The plan columns of care periods with one plan (nothing reversed)."""
    decided = pl.col("_decision").is_not_null()
    agreed = pl.col("_agreed").is_not_null()
    return plan.select(
        "period_id",
        pl.col("_decision").alias("decision_away_date"),
        pl.when(decided).then(pl.col("_reversed")).alias("decision_away_reversed_date"),
        pl.col("_agreed").alias("agency_decision_date"),
        pl.col("_adm_outcome").alias("agency_decision_outcome"),
        pl.col("_agreed").alias("plan_agreed_date"),
        pl.when(agreed).then(pl.col("_reversed")).alias("plan_agreed_reversed_date"),
        pl.when(agreed).then(pl.col("_route")).alias("plan_route"),
        pl.col("_lodged").alias("lodged_date"),
        pl.col("_sought").alias("order_sought"),
        *_LODGED_COLUMNS,
    )


def whole_years_between(born: pl.Expr, on: pl.Expr) -> pl.Expr:
    """Age in completed years on a date, as a birthday is counted (29 February on 1 March)."""

    # polars gives months and days as small integers; widen them before the arithmetic.
    def month_day(day: pl.Expr) -> pl.Expr:
        return day.dt.month().cast(pl.Int32) * 100 + day.dt.day().cast(pl.Int32)

    before_birthday = month_day(on) < month_day(born)
    years = on.dt.year().cast(pl.Int32) - born.dt.year().cast(pl.Int32)
    return years - before_birthday.cast(pl.Int32)


def age_band(age: pl.Expr) -> pl.Expr:
    expression = pl.lit(None, dtype=pl.String)
    for band, (low, high) in reversed(AGE_BAND_BOUNDS.items()):
        expression = (
            pl.when(age.is_between(low, high)).then(pl.lit(band.value)).otherwise(expression)
        )
    return expression


def _care_setting(placement_type: pl.Expr) -> pl.Expr:
    setting = placement_type.replace_strict(
        {member.value: member.setting.value for member in PlacementType},
        default=CareSetting.OTHER.value,
        return_dtype=pl.String,
    )
    return pl.when(placement_type.is_not_null()).then(setting)


def _derive(frame: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    age_at_accommodation = whole_years_between(pl.col("date_of_birth"), pl.col("accommodated_date"))
    return frame.with_columns(
        whole_years_between(pl.col("date_of_birth"), pl.col("period_start")).alias(
            "age_at_period_start"
        ),
        age_at_accommodation.alias("age_at_accommodation"),
        age_band(age_at_accommodation).alias("age_band_at_accommodation"),
        _care_setting(pl.col("current_placement_type")).alias("current_care_setting"),
        pl.col("placements_away_count").fill_null(0),
        pl.col("home_returns_count").fill_null(0),
        pl.col("review_count").fill_null(0),
        pl.col("permanence_panel_count").fill_null(0),
        pl.col("reversal_count").fill_null(0),
        pl.col("hearings").fill_null(pl.lit([], dtype=pl.List(pl.Date))),
        pl.col("placement_moves").fill_null(pl.lit([], dtype=pl.List(pl.Date))),
        pl.col("reviews").fill_null(pl.lit([], dtype=pl.List(REVIEW_STRUCT))),
        pl.lit(as_of, dtype=pl.Date).alias("as_of"),
    )
