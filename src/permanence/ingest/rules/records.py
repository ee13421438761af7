"""Rules about care periods, placements, meetings and the child's date of birth."""

from __future__ import annotations

from datetime import date

import polars as pl

from permanence.ingest.format import CHILD_LEVEL_TABLES, EXTRA_DATE_OF_BIRTH
from permanence.ingest.rules import hits, iso, no_hits, rule, sentence
from permanence.ingest.workspace import ID, Workspace
from permanence.journey.frame import whole_years_between
from permanence.journey.vocabulary import MeetingKind

ADULT_AGE = 18
_OPEN_END = date(9999, 12, 31)
_FIRST_DAY = (date(1, 1, 1) - date(1970, 1, 1)).days
_DAY_SPAN = (_OPEN_END - date(1, 1, 1)).days + 1


def overlapping(frame: pl.DataFrame, group: list[str], start: str, end: str) -> pl.DataFrame:
    """Rows that begin before an earlier-starting row of the same group has ended.

    A blank end counts as still open. Ending and starting on the same day is not an
    overlap (a move on the day). Adds ``earlier_start``: the start of the row before.

    The latest end so far within each group is one running maximum over the whole sorted
    frame: each group's ends are lifted by a step larger than any date span, so a group
    never sees the ends of the groups before it. No window per group is needed.
    """
    ordered = frame.sort([*group, start, ID])
    first_of_group = pl.any_horizontal(
        pl.col(name).ne_missing(pl.col(name).shift(1)) for name in group
    ).fill_null(True)
    step = pl.lit(_DAY_SPAN, dtype=pl.Int64) * first_of_group.cum_sum().cast(pl.Int64)
    end_days = pl.col(end).fill_null(pl.lit(_OPEN_END, dtype=pl.Date)).cast(pl.Int64) - _FIRST_DAY
    latest_end = (step + end_days).cum_max() - step
    return ordered.with_columns(
        pl.when(~first_of_group).then(latest_end.shift(1)).alias("latest_end_before"),
        pl.when(~first_of_group).then(pl.col(start).shift(1)).alias("earlier_start"),
    ).filter((pl.col(start).cast(pl.Int64) - _FIRST_DAY) < pl.col("latest_end_before"))


@rule(
    "PERIOD001",
    "error",
    phase="record",
    tables=("care_periods",),
    fields=("period_start", "period_end"),
    message="The care period begins before the child's earlier care period has ended (an "
    "earlier period with no end date is taken as still open).",
    fix="Check the child's care periods in the case recording system: usually the earlier "
    "period needs its end date, or the two records are one period entered twice.",
)
def periods_overlap(ws: Workspace, table: str) -> pl.DataFrame:
    rows = overlapping(ws.active[table], ["child_ref"], "period_start", "period_end")
    return hits(
        rows,
        fields=("period_start", "period_end"),
        value=sentence("overlaps the period that began {}", iso(pl.col("earlier_start"))),
    )


@rule(
    "PERIOD002",
    "query",
    phase="record",
    tables=("care_periods",),
    fields=("period_end", "destination"),
    message="The care period has ended but no destination is recorded.",
    fix="Record where the child went when the period ended (see the Destination codes).",
)
def closed_without_destination(ws: Workspace, table: str) -> pl.DataFrame:
    rows = ws.raw_of(table, ws.active[table], "destination")
    closed = rows.filter(pl.col("period_end").is_not_null() & pl.col("destination_raw").is_null())
    return hits(
        closed,
        fields=("period_end", "destination"),
        value=sentence("ended {}", iso(pl.col("period_end"))),
    )


@rule(
    "PERIOD003",
    "error",
    phase="record",
    tables=("care_periods",),
    fields=("period_start",),
    message="The child was 18 or over when the care period began, which cannot be right for a "
    "looked after child.",
    fix="Check the date looked after and the child's date of birth (a placeholder date of "
    "birth such as 01/01/1900 is a common cause).",
)
def adult_at_start(ws: Workspace, table: str) -> pl.DataFrame:
    rows = ws.with_date_of_birth(ws.active[table])
    age = whole_years_between(pl.col("child_date_of_birth"), pl.col("period_start"))
    adults = rows.filter(age >= ADULT_AGE)
    return hits(
        adults,
        fields=("period_start",),
        value=sentence(
            "aged {} on {} (born {})",
            age,
            iso(pl.col("period_start")),
            iso(pl.col("child_date_of_birth")),
        ),
    )


@rule(
    "PLACE001",
    "error",
    phase="record",
    tables=("placements",),
    fields=("start_date", "period_start"),
    message="The placement begins outside its care period: before the date looked after, or "
    "after the period ended.",
    fix="Check the placement's start date and the care period it belongs to (period_start); "
    "a placement before the date looked after usually means the period's start is wrong.",
)
def placement_outside_period(ws: Workspace, table: str) -> pl.DataFrame:
    rows = ws.active[table].join(
        ws.care_periods().drop("period_id"), on=["child_ref", "period_start"], how="left"
    )
    before = pl.col("start_date") < pl.col("period_start")
    after = pl.col("start_date") > pl.col("period_end")
    outside = rows.filter(before | after.fill_null(False))
    detail = (
        pl.when(before)
        .then(
            sentence(
                "starts {}, before the period began {}",
                iso(pl.col("start_date")),
                iso(pl.col("period_start")),
            )
        )
        .otherwise(
            sentence(
                "starts {}, after the period ended {}",
                iso(pl.col("start_date")),
                iso(pl.col("period_end")),
            )
        )
    )
    return hits(outside, fields=("start_date", "period_start"), value=detail)


@rule(
    "PLACE002",
    "query",
    phase="record",
    tables=("placements",),
    fields=("start_date", "end_date"),
    message="The placement begins before the child's previous placement in the same care period "
    "has ended (a placement with no end date is taken as still open).",
    fix="Give the previous placement its end date, or correct the start date; a child lives in "
    "one placement at a time.",
)
def placements_overlap(ws: Workspace, table: str) -> pl.DataFrame:
    rows = overlapping(ws.active[table], ["child_ref", "period_start"], "start_date", "end_date")
    return hits(
        rows,
        fields=("start_date", "end_date"),
        value=sentence("overlaps the placement that began {}", iso(pl.col("earlier_start"))),
    )


@rule(
    "MEET001",
    "error",
    phase="record",
    tables=("meetings",),
    fields=("due_date", "held_date"),
    message="The meeting has neither a due date nor a date held, so it cannot be placed in time.",
    fix="Give the date the meeting was held or, if it has not been held yet, the date it is due.",
)
def meeting_without_dates(ws: Workspace, table: str) -> pl.DataFrame:
    rows = ws.active[table].filter(pl.col("due_date").is_null() & pl.col("held_date").is_null())
    return hits(rows, fields=("due_date", "held_date"))


@rule(
    "MEET002",
    "query",
    phase="record",
    tables=("meetings",),
    fields=("review_number",),
    message="A Looked After Child review has no review number.",
    fix="Give the review's number (1 for the first review of the care period, 2 for the "
    "second, and so on): the timescales for reviews depend on it.",
)
def review_without_number(ws: Workspace, table: str) -> pl.DataFrame:
    rows = ws.active[table].filter(
        (pl.col("meeting_kind") == MeetingKind.REVIEW.value) & pl.col("review_number").is_null()
    )
    return hits(rows, fields=("review_number",))


@rule(
    "CHILD001",
    "query",
    phase="record",
    tables=CHILD_LEVEL_TABLES,
    fields=(EXTRA_DATE_OF_BIRTH,),
    message="The date of birth on this row differs from the child's date of birth in the "
    "children table; the children table's date is the one loaded.",
    fix="Correct the date of birth in the case recording system so that every record of the "
    "child agrees.",
)
def date_of_birth_differs(ws: Workspace, table: str) -> pl.DataFrame:
    if ws.raw[table][EXTRA_DATE_OF_BIRTH].null_count() == ws.raw[table].height:
        return no_hits()  # the extract does not repeat the date of birth here
    rows = ws.raw_of(table, ws.with_date_of_birth(ws.active[table]), EXTRA_DATE_OF_BIRTH)
    here, there = pl.col(EXTRA_DATE_OF_BIRTH), pl.col("child_date_of_birth")
    given = pl.col(f"{EXTRA_DATE_OF_BIRTH}_raw").is_not_null() & there.is_not_null()
    differs = rows.filter(given & (here.is_null() | (here != there)).fill_null(True))
    return hits(
        differs,
        fields=(EXTRA_DATE_OF_BIRTH,),
        value=sentence(
            "{} here, {} in the children table", pl.col(f"{EXTRA_DATE_OF_BIRTH}_raw"), iso(there)
        ),
    )
