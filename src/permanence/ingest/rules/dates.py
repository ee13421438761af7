"""Rules about dates that cannot be right: before birth, after the extract, end before start."""

from __future__ import annotations

import polars as pl

from permanence.ingest.rules import combine, hits, iso, rule, sentence
from permanence.ingest.workspace import Workspace
from permanence.journey.milestone_rules import PRE_BIRTH_MILESTONES

BEFORE_BIRTH_COLUMNS: dict[str, tuple[str, ...]] = {
    "care_periods": ("period_start", "period_end"),
    "placements": ("start_date", "end_date"),
    "legal_statuses": ("start_date", "end_date"),
    "meetings": ("due_date", "held_date"),
    "milestones": ("date",),
    "agenda_items": ("held_date",),
    "meeting_actions": ("held_date", "due_date", "done_date"),
}

HAPPENED_COLUMNS: dict[str, tuple[str, ...]] = {
    "children": ("date_of_birth",),
    "care_periods": ("period_start", "period_end"),
    "placements": ("start_date", "end_date"),
    "legal_statuses": ("start_date", "end_date"),
    "meetings": ("held_date",),
    "milestones": ("date",),
    "agenda_items": ("held_date",),
    "meeting_actions": ("held_date", "done_date"),
}
"""Dates of things that have happened; a meeting's due date may rightly be in the future."""

START_END: dict[str, tuple[str, str]] = {
    "care_periods": ("period_start", "period_end"),
    "placements": ("start_date", "end_date"),
    "legal_statuses": ("start_date", "end_date"),
}


@rule(
    "DATE002",
    "error",
    phase="record",
    tables=tuple(BEFORE_BIRTH_COLUMNS),
    fields=(),
    message="The date is before the child's date of birth.",
    fix="Check the date and the child's date of birth in the case recording system and "
    "correct whichever is wrong. (Referrals to the Children's Reporter and parenting capacity "
    "assessments may rightly be dated before birth and are not checked.)",
)
def before_birth(ws: Workspace, table: str) -> pl.DataFrame:
    rows = ws.with_date_of_birth(ws.active[table])
    if table == "milestones":
        rows = rows.filter(~pl.col("milestone").is_in(PRE_BIRTH_MILESTONES))
    born = pl.col("child_date_of_birth")
    return combine(
        [
            hits(
                rows.filter(pl.col(column) < born),
                fields=(column,),
                value=sentence("{} is before the date of birth {}", iso(pl.col(column)), iso(born)),
            )
            for column in BEFORE_BIRTH_COLUMNS[table]
        ]
    )


@rule(
    "DATE003",
    "error",
    phase="field",
    tables=tuple(HAPPENED_COLUMNS),
    fields=(),
    message="The date is after the extract date, so it cannot have happened yet.",
    fix="Correct the date. If it is a planned date (a placement or order due to end), leave it "
    "blank until it happens; a meeting's due date may be in the future, its date held may not.",
)
def after_extract(ws: Workspace, table: str) -> pl.DataFrame:
    # A field rule: judged before any date is compared with the child's date of birth.
    rows = ws.typed[table]
    extract_date = pl.lit(ws.extract_date, dtype=pl.Date)
    return combine(
        [
            hits(
                rows.filter(pl.col(column) > extract_date),
                fields=(column,),
                value=sentence(
                    "{} is after the extract date {}", iso(pl.col(column)), iso(extract_date)
                ),
            )
            for column in HAPPENED_COLUMNS[table]
        ]
    )


@rule(
    "DATE004",
    "error",
    phase="record",
    tables=tuple(START_END),
    fields=(),
    message="The end date is before the start date.",
    fix="Check both dates in the case recording system and correct whichever is wrong (an end "
    "on the same day as the start is accepted).",
)
def end_before_start(ws: Workspace, table: str) -> pl.DataFrame:
    start, end = START_END[table]
    rows = ws.active[table].filter(pl.col(end) < pl.col(start))
    return hits(
        rows,
        fields=(start, end),
        value=sentence("ends {}, starts {}", iso(pl.col(end)), iso(pl.col(start))),
    )
