"""Checks that generated tables are internally consistent, written apart from the generator.

Each check returns the offending rows (an empty frame when all is well), so a failing test
shows the children concerned. The checks read the canonical tables and the journeys frame
only, never the generator's internals, and restate the rules of the domain
(../shared/DOMAIN.md) and of issue 4's validation rules in their own words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl

from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import SCHEMAS, JourneyTables
from permanence.journey.vocabulary import (
    Destination,
    LegalStatusKind,
    MeetingKind,
    MilestoneKind,
    PlacementType,
    Sex,
)

KEY = ["child_ref", "period_start"]
DISABILITY_CODES = frozenset({"yes", "no", "not_known"})
# The chain of milestones that must come in order (issue 2 and issue 4's rule).
CHAIN = [
    "period_start",
    "accommodated_date",
    "recommendation_date",
    "decision_away_date",
    "permanence_panel_date",
    "agency_decision_date",
    "lodged_date",
    "order_date",
]


def frame_of(tables: JourneyTables, end: date) -> pl.DataFrame:
    return build_journeys_frame(tables, end, authority="SYN")


def date_columns(name: str) -> list[str]:
    return [column for column, dtype in SCHEMAS[name].items() if dtype == pl.Date]


PLANNED_DATES = frozenset({("meeting_actions", "due_date")})
"""Dates of what is planned, which may fall after the end: an action agreed at a meeting
near the end is due after it."""


def dates_outside_life(tables: JourneyTables, end: date) -> pl.DataFrame:
    """Any date after ``end`` (but a planned one), or on or before the child's birth."""
    born = tables.children.select("child_ref", "date_of_birth")
    bad: list[pl.DataFrame] = []
    for name, frame in tables.items():
        with_birth = frame if name == "children" else frame.join(born, on="child_ref")
        for column in date_columns(name):
            value = pl.col(column)
            too_late = (value > end) if (name, column) not in PLANNED_DATES else False
            too_early = (value <= pl.col("date_of_birth")) if column != "date_of_birth" else False
            rows = with_birth.filter((too_late | too_early).fill_null(False))
            if rows.height:
                bad.append(rows.select(pl.lit(f"{name}.{column}").alias("where"), "child_ref"))
    return (
        pl.concat(bad) if bad else pl.DataFrame(schema={"where": pl.String, "child_ref": pl.String})
    )


def unknown_codes(tables: JourneyTables) -> dict[str, list[str | None]]:
    """Every value of a coded column that its vocabulary does not hold."""
    coded: dict[tuple[str, str], frozenset[str]] = {
        ("children", "sex"): Sex.codes(),
        ("children", "disability"): DISABILITY_CODES,
        ("placements", "placement_type"): PlacementType.codes(),
        ("legal_statuses", "legal_status"): LegalStatusKind.codes(),
        ("meetings", "meeting_kind"): MeetingKind.codes(),
        ("milestones", "milestone"): MilestoneKind.codes(),
    }
    found: dict[str, list[str | None]] = {}
    for (name, column), codes in coded.items():
        values = getattr(tables, name).get_column(column).unique().to_list()
        strangers = [value for value in values if value not in codes]
        if strangers:
            found[f"{name}.{column}"] = strangers
    destinations = tables.care_periods.get_column("destination").drop_nulls().unique().to_list()
    strangers = [value for value in destinations if value not in Destination.codes()]
    if strangers:
        found["care_periods.destination"] = strangers
    for kind in MilestoneKind:
        details = (
            tables.milestones.filter(pl.col("milestone") == kind.value)
            .get_column("detail")
            .unique()
            .to_list()
        )
        vocabulary = kind.detail_vocabulary
        allowed: frozenset[str | None] = (
            frozenset(vocabulary.codes()) if vocabulary is not None else frozenset({None})
        )
        strangers = [value for value in details if value not in allowed]
        if strangers:
            found[f"milestones.detail of {kind.value}"] = strangers
    return found


def milestones_out_of_order(frame: pl.DataFrame) -> pl.DataFrame:
    """Periods where a later milestone of the chain is dated before an earlier one."""
    broken = pl.lit(False)
    for position, earlier in enumerate(CHAIN):
        for later in CHAIN[position + 1 :]:
            broken = broken | (pl.col(later) < pl.col(earlier)).fill_null(False)
    return frame.filter(broken).select(["child_ref", *CHAIN])


def ends_before_starts(tables: JourneyTables) -> pl.DataFrame:
    pairs = {
        "care_periods": ("period_start", "period_end"),
        "placements": ("start_date", "end_date"),
        "legal_statuses": ("start_date", "end_date"),
    }
    bad = [
        getattr(tables, name)
        .filter(pl.col(end) < pl.col(start))
        .select(pl.lit(name).alias("table"), "child_ref")
        for name, (start, end) in pairs.items()
    ]
    return pl.concat(bad)


def overlapping(frame: pl.DataFrame, group: list[str], start: str, end: str) -> pl.DataFrame:
    """Rows that begin before the previous row of their group has ended (or while it is open).

    Ending on the day the next begins (a move on the day) is not an overlap.
    """
    ordered = frame.sort([*group, start])
    previous_end = pl.col(end).shift(1).over(group)
    has_previous = pl.int_range(pl.len()).over(group) > 0
    return ordered.filter(has_previous & (previous_end.is_null() | (pl.col(start) < previous_end)))


def gaps_between(frame: pl.DataFrame, start: str, end: str) -> pl.DataFrame:
    """Placements or statuses that do not begin the day the one before ended."""
    ordered = frame.sort([*KEY, start])
    previous_end = pl.col(end).shift(1).over(KEY)
    has_previous = pl.int_range(pl.len()).over(KEY) > 0
    return ordered.filter(has_previous & (pl.col(start) != previous_end))


def intervals_not_spanning_period(tables: JourneyTables, name: str) -> pl.DataFrame:
    """Periods whose placements (or statuses) do not begin on the period's first day and
    end with it (the last open exactly when the period is open)."""
    frame = getattr(tables, name)
    span = frame.group_by(KEY).agg(
        pl.col("start_date").min().alias("first"),
        pl.col("end_date").sort_by("start_date").last().alias("last_end"),
    )
    joined = tables.care_periods.join(span, on=KEY, how="left")
    return joined.filter(
        pl.col("first").is_null()
        | (pl.col("first") != pl.col("period_start"))
        | ~pl.col("last_end").eq_missing(pl.col("period_end"))
    )


def records_outside_period(tables: JourneyTables, end: date) -> pl.DataFrame:
    """Child-level rows naming no care period, or dated outside it."""
    periods = tables.care_periods.select(
        *KEY, pl.col("period_end").fill_null(end).alias("last_day")
    )
    # A meeting is dated by when it was held, or by when it fell due if not yet held.
    meeting_date = pl.coalesce("held_date", "due_date").alias("meeting_date")
    dated = {
        "placements": [pl.col("start_date")],
        "legal_statuses": [pl.col("start_date")],
        "meetings": [meeting_date, pl.col("due_date")],
        "milestones": [pl.col("date")],
    }
    bad: list[pl.DataFrame] = []
    for name, expressions in dated.items():
        joined = getattr(tables, name).join(periods, on=KEY, how="left")
        orphan = pl.col("last_day").is_null()
        outside = pl.lit(False)
        for number, value in enumerate(expressions):
            before = (value < pl.col("period_start")).fill_null(False)
            after = (value > pl.col("last_day")).fill_null(False)
            # A due date may fall after a child left, if the meeting was held before.
            outside = outside | before | (after if number == 0 else pl.lit(False))
        rows = joined.filter(orphan | outside)
        bad.append(rows.select(pl.lit(name).alias("table"), *KEY))
    return pl.concat(bad)


def court_orders_without_agency_decision(tables: JourneyTables) -> pl.DataFrame:
    """Permanence orders with authority to adopt, or adoption orders, with no agreed
    agency decision maker decision before them in the same period."""
    milestones = tables.milestones
    agreed = (
        milestones.filter((pl.col("milestone") == "adm_decision") & (pl.col("detail") == "agreed"))
        .group_by(KEY)
        .agg(pl.col("date").min().alias("agreed_on"))
    )
    orders = milestones.filter(
        (pl.col("milestone") == "order_granted") & pl.col("detail").is_in(["poa", "adoption"])
    ).join(agreed, on=KEY, how="left")
    return orders.filter(pl.col("agreed_on").is_null() | (pl.col("agreed_on") > pl.col("date")))


def looked_after_at_eighteen(tables: JourneyTables, end: date) -> pl.DataFrame:
    """Orders granted, or care going on, on or after a child's 18th birthday."""
    eighteenth = tables.children.select(
        "child_ref", pl.col("date_of_birth").dt.offset_by("18y").alias("eighteenth")
    )
    orders = tables.milestones.filter(pl.col("milestone") == "order_granted").join(
        eighteenth, on="child_ref"
    )
    late_orders = orders.filter(pl.col("date") >= pl.col("eighteenth")).select(
        pl.lit("order").alias("what"), "child_ref"
    )
    care = tables.care_periods.join(eighteenth, on="child_ref")
    late_care = care.filter(pl.col("period_end").fill_null(end) >= pl.col("eighteenth")).select(
        pl.lit("period").alias("what"), "child_ref"
    )
    return pl.concat([late_orders, late_care])


def review_numbers_broken(tables: JourneyTables) -> pl.DataFrame:
    """Periods whose reviews are not numbered 1, 2, 3 ... in the order they fell due."""
    reviews = tables.meetings.filter(pl.col("meeting_kind") == "review").sort([*KEY, "due_date"])
    expected = pl.int_range(1, pl.len() + 1).over(KEY).cast(pl.Int16)
    return reviews.filter(pl.col("review_number") != expected)


def recommendations_not_at_a_meeting(tables: JourneyTables) -> pl.DataFrame:
    """Recommendations not made at a review or legal advice meeting held that day, and
    meetings recording a recommendation that the milestones do not have."""
    recommendations = tables.milestones.filter(
        pl.col("milestone") == "permanence_recommendation"
    ).select(*KEY, "date", pl.lit(True).alias("recommended"))
    meetings = tables.meetings.filter(
        pl.col("meeting_kind").is_in(["review", "legal_advice"])
        & pl.col("outcome").str.starts_with("Permanence recommendation")
    ).select(*KEY, pl.col("held_date").alias("date"), pl.lit(True).alias("at_meeting"))
    joined = recommendations.join(meetings, on=[*KEY, "date"], how="full", coalesce=True)
    return joined.filter(pl.col("at_meeting").is_null() | pl.col("recommended").is_null())


def statuses_disagreeing_with_placements(frame: pl.DataFrame) -> pl.DataFrame:
    """Open periods where a child living at home is not on a CSO at home, or a child on
    a permanence order is not on that order."""
    open_ = frame.filter(pl.col("period_end").is_null())
    home_without_cso = (pl.col("current_placement_type") == "home") & (
        pl.col("current_legal_status") != "cso_home"
    )
    order_not_current = pl.col("order_type").is_in(["po", "poa"]) & (
        pl.col("current_legal_status") != pl.col("order_type")
    )
    return open_.filter(home_without_cso | order_not_current).select(
        "child_ref", "current_placement_type", "current_legal_status", "order_type"
    )


def references_malformed(tables: JourneyTables) -> pl.DataFrame:
    refs = tables.children.get_column("child_ref")
    duplicated = tables.children.filter(refs.is_duplicated())
    malformed = tables.children.filter(
        ~pl.col("child_ref").str.contains(r"^[0-9]{6,8}$")
        | ~pl.col("initials").str.contains(r"^[A-Z]{2}$")
    )
    return pl.concat([duplicated, malformed])


def closed_periods_without_destination(tables: JourneyTables) -> pl.DataFrame:
    periods = tables.care_periods
    closed = pl.col("period_end").is_not_null()
    return periods.filter(closed != pl.col("destination").is_not_null())


CHECKS: dict[str, Callable[[JourneyTables, date, pl.DataFrame], pl.DataFrame]] = {
    "dates after the end or not after birth": lambda t, e, f: dates_outside_life(t, e),
    "milestones out of order": lambda t, e, f: milestones_out_of_order(f),
    "ends before starts": lambda t, e, f: ends_before_starts(t),
    "overlapping care periods": lambda t, e, f: overlapping(
        t.care_periods, ["child_ref"], "period_start", "period_end"
    ),
    "overlapping placements": lambda t, e, f: overlapping(
        t.placements, KEY, "start_date", "end_date"
    ),
    "overlapping legal statuses": lambda t, e, f: overlapping(
        t.legal_statuses, KEY, "start_date", "end_date"
    ),
    "gaps between placements": lambda t, e, f: gaps_between(t.placements, "start_date", "end_date"),
    "gaps between legal statuses": lambda t, e, f: gaps_between(
        t.legal_statuses, "start_date", "end_date"
    ),
    "placements not spanning the period": lambda t, e, f: intervals_not_spanning_period(
        t, "placements"
    ),
    "legal statuses not spanning the period": lambda t, e, f: intervals_not_spanning_period(
        t, "legal_statuses"
    ),
    "records outside their period": lambda t, e, f: records_outside_period(t, e),
    "closed periods without destination (or open with one)": (
        lambda t, e, f: closed_periods_without_destination(t)
    ),
    "court orders without an agency decision": (
        lambda t, e, f: court_orders_without_agency_decision(t)
    ),
    "looked after or ordered at 18": lambda t, e, f: looked_after_at_eighteen(t, e),
    "reviews misnumbered": lambda t, e, f: review_numbers_broken(t),
    "recommendations not made at a meeting": lambda t, e, f: recommendations_not_at_a_meeting(t),
    "legal status disagrees with placement or order": (
        lambda t, e, f: statuses_disagreeing_with_placements(f)
    ),
    "malformed or duplicated references": lambda t, e, f: references_malformed(t),
}


def all_violations(tables: JourneyTables, end: date) -> dict[str, pl.DataFrame]:
    """Every check that found something, with what it found."""
    frame = frame_of(tables, end)
    found = {name: check(tables, end, frame) for name, check in CHECKS.items()}
    return {name: rows for name, rows in found.items() if rows.height}


def records_told_twice(tables: JourneyTables) -> pl.DataFrame:
    """Rows with the same natural key as another (how an import recognises a record):
    a period's meeting of one kind on one day, a milestone of one kind on one day, a
    placement or status of one type from one day."""
    keys = {
        "placements": ["placement_type", "start_date"],
        "legal_statuses": ["legal_status", "start_date"],
        "milestones": ["milestone", "date"],
    }
    found = [
        getattr(tables, name)
        .filter(pl.struct(*KEY, *columns).is_duplicated())
        .select(pl.lit(name).alias("table"), *KEY)
        for name, columns in keys.items()
    ]
    meetings = tables.meetings.with_columns(
        pl.when(pl.col("meeting_kind") == "review")
        .then(pl.col("review_number").cast(pl.String))
        .otherwise(pl.coalesce("due_date", "held_date").cast(pl.String))
        .alias("occasion")
    )
    found.append(
        meetings.filter(pl.struct(*KEY, "meeting_kind", "occasion").is_duplicated()).select(
            pl.lit("meetings").alias("table"), *KEY
        )
    )
    return pl.concat(found)


CHECKS["records told twice"] = lambda t, e, f: records_told_twice(t)
