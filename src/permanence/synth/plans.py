"""What planning meetings achieved and the decisions that shape a plan, for the synthetic
authority: who attended each planning meeting, the decisions (concurrent planning, legal
advice requested and received, under-3s referred to the Reporter, 40-day limits,
purposeful delays), and sibling groups.

Drawn after the journeys, from their own random stream (the seed and a fixed salt), so
the journeys a seed gives are the same as before these were added. The variation is what
PACE areas saw: before the improvement work the team leader seldom chairs, parents are
often missing, legal advice comes late and is seldom written, concurrent planning is
rare and under-3s wait for their referral; as the work spreads (``Calendar.ramp``) each
gets better, never to every child. A tenth of the meetings have no attendance logged at
all. docs/synthetic-data.md describes the shares.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from permanence.journey.meeting_rules import Agency, DecisionKind
from permanence.journey.tables import SCHEMAS, JourneyTables, conform
from permanence.journey.vocabulary import LegalAdviceForm, MeetingKind, PlacementType
from permanence.synth.draws import Calendar
from permanence.synth.meeting_details import meeting_details

SALT = 17
"""Mixed into the seed for this module's own random stream."""

SIBLING_SHARE = 0.3
"""The chance that a child accommodated within ``SIBLING_DAYS`` of the child before them
in the same team is their brother or sister (groups of two, now and then three)."""
SIBLING_DAYS = 14

DELAY_REASONS = (
    "Sibling assessment under way",
    "Awaiting the outcome of a parenting assessment",
    "Mother in a residential rehabilitation programme",
    "Kinship carer assessment under way",
)
DECIDERS = ("team leader", "service manager", "reviewing officer", "legal services")


def add_plan_records(tables: JourneyTables, seed: int, calendar: Calendar) -> JourneyTables:
    """``tables`` with attendance, the decisions, sibling groups and the planning
    meetings' checklists and actions (``meeting_details``) added."""
    rng = np.random.default_rng([seed, SALT])
    improvement = _day(calendar.improvement_start)
    end = _day(calendar.end)
    meetings = _attendance(tables.meetings, rng, improvement)
    ramp = _ramp(meetings["held_date"].fill_null(improvement), improvement) / 0.85
    agenda_items, meeting_actions = meeting_details(meetings, seed, ramp, end)
    return JourneyTables(
        children=_sibling_groups(tables, rng),
        care_periods=tables.care_periods,
        placements=tables.placements,
        legal_statuses=tables.legal_statuses,
        meetings=meetings,
        milestones=pl.concat(
            [tables.milestones, _decisions(tables, rng, improvement, end)], how="vertical"
        ),
        agenda_items=agenda_items,
        meeting_actions=meeting_actions,
    )


def _day(days: int) -> date:
    return date(1970, 1, 1) + timedelta(days=int(days))


def _ramp(days: pl.Series, improvement: date) -> np.ndarray:
    """0 before the improvement work, rising to 0.85 over the two years after it."""
    since = (days - improvement).dt.total_days().to_numpy().astype(np.float64)
    return np.clip(np.where(since < 0, 0.0, 0.2 + 0.65 * since / 730), 0.0, 0.85)


def _attendance(
    meetings: pl.DataFrame, rng: np.random.Generator, improvement: date
) -> pl.DataFrame:
    held = meetings["held_date"]
    kinds = meetings["meeting_kind"].to_numpy()
    is_planning = (
        np.isin(kinds, [MeetingKind.PLANNING_72_HOUR.value, MeetingKind.PLANNING_2_WEEK.value])
        & held.is_not_null().to_numpy()
    )
    ramp = _ramp(held.fill_null(improvement), improvement)
    size = meetings.height
    chances = {
        Agency.PARENTS: 0.65 + 0.25 * ramp,
        Agency.CHILD: np.full(size, 0.15),
        Agency.CARERS: np.full(size, 0.5),
        Agency.SOCIAL_WORKER: np.full(size, 0.97),
        Agency.TEAM_LEADER: 0.35 + 0.6 * ramp,
        Agency.HEALTH: 0.25 + 0.35 * ramp,
        Agency.EDUCATION: np.full(size, 0.3),
        Agency.LEGAL: 0.05 + 0.35 * ramp,
        Agency.REPORTER: np.full(size, 0.08),
    }
    came = {agency: rng.random(size) < chance for agency, chance in chances.items()}
    logged = rng.random(size) >= 0.1
    attended = [
        ";".join(agency.value for agency, present in came.items() if present[row])
        if is_planning[row] and logged[row]
        else None
        for row in range(size)
    ]
    return meetings.with_columns(
        pl.Series("attended", attended, dtype=pl.String).replace("", None)
    ).pipe(lambda frame: conform("meetings", frame))


def _accommodated(tables: JourneyTables) -> pl.DataFrame:
    """Each care period with a placement away from home: its first such day, the child's
    date of birth and the period's end."""
    away = (
        tables.placements.filter(pl.col("placement_type") != PlacementType.AT_HOME.value)
        .group_by("child_ref", "period_start")
        .agg(pl.col("start_date").min().alias("accommodated"))
    )
    return (
        tables.care_periods.select("child_ref", "period_start", "period_end")
        .join(away, on=["child_ref", "period_start"], how="inner")
        .join(tables.children.select("child_ref", "date_of_birth"), on="child_ref", how="left")
        .sort("child_ref", "period_start")
    )


def _decisions(
    tables: JourneyTables, rng: np.random.Generator, improvement: date, end: date
) -> pl.DataFrame:
    periods = _accommodated(tables)
    size = periods.height
    ramp = _ramp(periods["accommodated"], improvement)
    rows: list[pl.DataFrame] = []

    def add(kind: DecisionKind, chosen: np.ndarray, days: np.ndarray, **extra: pl.Series) -> None:
        frame = periods.with_columns(
            (pl.col("accommodated") + pl.duration(days=pl.lit(pl.Series(days)))).alias("date"),
            pl.lit(kind.value).alias("milestone"),
            pl.Series("decided_by", rng.choice(DECIDERS, size=size)),
            **extra,
        ).filter(pl.Series(chosen))
        rows.append(frame)

    late = (rng.random(size) >= ramp).astype(np.int64)  # the old way of working
    add(
        DecisionKind.CONCURRENT_PLANNING,
        rng.random(size) < 0.1 + 0.55 * ramp,
        rng.integers(10, 45, size) + late * rng.integers(20, 120, size),
    )
    requested = rng.integers(5, 30, size) + late * rng.integers(30, 150, size)
    asked = rng.random(size) < 0.55 + 0.35 * ramp
    add(DecisionKind.LEGAL_ADVICE_REQUESTED, asked, requested)
    written = np.where(
        rng.random(size) < 0.3 + 0.6 * ramp,
        LegalAdviceForm.WRITTEN.value,
        LegalAdviceForm.NOT_WRITTEN.value,
    )
    add(
        DecisionKind.LEGAL_ADVICE_RECEIVED,
        asked & (rng.random(size) < 0.85),
        requested + rng.integers(7, 25, size) + late * rng.integers(10, 60, size),
        detail=pl.Series(written),
    )
    born = periods["date_of_birth"]
    under_3 = (
        (periods["period_start"].dt.year() - born.dt.year())
        - (
            (
                periods["period_start"].dt.month().cast(pl.Int32) * 100
                + periods["period_start"].dt.day()
            )
            < (born.dt.month().cast(pl.Int32) * 100 + born.dt.day())
        ).cast(pl.Int32)
        < 3
    ).to_numpy()
    first_day = rng.random(size) < 0.3 + 0.65 * ramp
    add(
        DecisionKind.UNDER_3_REFERRED,
        under_3 & (rng.random(size) < 0.6 + 0.35 * ramp),
        np.where(first_day, 0, rng.integers(1, 21, size)),
    )
    add(
        DecisionKind.ASSESSMENT_LIMIT,
        rng.random(size) < 0.05 + 0.5 * ramp,
        rng.integers(14, 35, size),
    )
    delay_days = rng.integers(60, 240, size)
    add(
        DecisionKind.PURPOSEFUL_DELAY,
        rng.random(size) < 0.06,
        delay_days,
        reason=pl.Series(rng.choice(DELAY_REASONS, size=size)),
        look_again_on=pl.Series(delay_days + rng.integers(28, 91, size)),
    )
    decided = pl.concat(rows, how="diagonal") if rows else periods.clear()
    # Nothing after the care period ended or the end of the history; the period_start
    # rule holds (the date accommodated is on or after it).
    decided = decided.filter(
        (pl.col("date") <= end)
        & (pl.col("period_end").is_null() | (pl.col("date") <= pl.col("period_end")))
        & (pl.col("date") >= pl.col("period_start"))
    )
    if "look_again_on" in decided.columns:
        # Nothing in the history is dated after its end: a delay is drawn only where its
        # date to look again has come by then.
        decided = decided.with_columns(
            pl.when(pl.col("look_again_on").is_not_null())
            .then(pl.col("accommodated") + pl.duration(days=pl.col("look_again_on")))
            .alias("look_again_on")
        ).filter(pl.col("look_again_on").is_null() | (pl.col("look_again_on") <= end))
    schema = SCHEMAS["milestones"]
    return decided.select(
        [
            (pl.col(name) if name in decided.columns else pl.lit(None)).cast(dtype).alias(name)
            for name, dtype in schema.items()
        ]
    )


def _sibling_groups(tables: JourneyTables, rng: np.random.Generator) -> pl.DataFrame:
    """Children accommodated within ``SIBLING_DAYS`` of the previous child of the same team
    are, now and then, brothers and sisters: each group is named ``SIB-<n>``."""
    children = tables.children
    first = (
        tables.care_periods.group_by("child_ref")
        .agg(pl.col("period_start").min(), pl.col("team").first())
        .sort("team", "period_start", "child_ref", nulls_last=True)
    )
    refs = first["child_ref"].to_list()
    starts = first["period_start"].to_list()
    teams = first["team"].to_list()
    joins = rng.random(len(refs)) < SIBLING_SHARE
    group_of: dict[str, str] = {}
    number = 0
    size = 0
    for index in range(1, len(refs)):
        close = (
            teams[index] == teams[index - 1]
            and (starts[index] - starts[index - 1]).days <= SIBLING_DAYS
        )
        previous = refs[index - 1]
        if close and joins[index] and (previous not in group_of or size < 3):
            if previous not in group_of:
                number += 1
                size = 1
                group_of[previous] = f"SIB-{number:04d}"
            group_of[refs[index]] = group_of[previous]
            size += 1
        else:
            size = 0
    grouped = children.with_columns(
        pl.col("child_ref")
        .replace_strict(group_of, default=None, return_dtype=pl.String)
        .alias("sibling_group")
    )
    return conform("children", grouped)
