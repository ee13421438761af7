"""``make_messy``: the clean tables as a real extract looks, with its usual problems.

Real extracts from case recording systems arrive as text, and contain mistakes that the
import must find and explain. This turns the generator's clean tables into text columns
and puts in, each in a small seeded share of rows, every kind of problem listed in
``PROBLEMS`` (and described for people in ``docs/synthetic-data.md``). The import's
validation rules and data-quality report are developed and demonstrated against it.

It is a write-time transformation: ``permanence synth --messy`` applies it to what it
writes; the generator itself only ever produces clean tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from permanence.journey.tables import JourneyTables

Frames = dict[str, pl.DataFrame]

# Excel counts days from 30 December 1899 (it believes 1900 was a leap year).
EXCEL_EPOCH_OFFSET = 25_569

CODED_COLUMNS: dict[str, tuple[str, ...]] = {
    "children": ("sex", "disability"),
    "care_periods": ("destination",),
    "placements": ("placement_type",),
    "legal_statuses": ("legal_status",),
    "meetings": ("meeting_kind",),
    "milestones": ("milestone", "detail"),
}
# Codes a case recording system might use that the canonical format does not know.
UNKNOWN_CODES: dict[str, tuple[str, ...]] = {
    "sex": ("U", "X"),
    "disability": ("maybe", "unknown"),
    "destination": ("residential_unit", "returned_to_family"),
    "placement_type": ("foster", "res_unit", "supported_lodgings"),
    "legal_status": ("s11", "cso", "place_of_safety"),
    "meeting_kind": ("core_group", "review_meeting"),
    "milestone": ("permanence_rec", "panel_date"),
    "detail": ("approved", "long_term_fostering"),
}
# Columns that are dates in each table; the children's date of birth is left complete.
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "children": ("date_of_birth",),
    "care_periods": ("period_start", "period_end"),
    "placements": ("period_start", "start_date", "end_date"),
    "legal_statuses": ("period_start", "start_date", "end_date"),
    "meetings": ("period_start", "due_date", "held_date"),
    "milestones": ("period_start", "date"),
}
# Dates that a careless extract leaves blank (never the keys that name a care period).
BLANKABLE_DATES: dict[str, tuple[str, ...]] = {
    "care_periods": ("period_end",),
    "placements": ("start_date", "end_date"),
    "legal_statuses": ("start_date", "end_date"),
    "meetings": ("held_date",),
    "milestones": ("date",),
}
CHILD_LEVEL_TABLES = ("care_periods", "placements", "legal_statuses", "meetings", "milestones")


@dataclass(frozen=True, slots=True)
class Problem:
    """One kind of problem: its name, what it does, and the share of rows it touches."""

    name: str
    description: str
    share: float


PROBLEMS: tuple[Problem, ...] = (
    Problem("missing_dates", "a date that should be there is blank", 0.005),
    Problem(
        "impossible_orders",
        "an agency decision dated before the recommendation, or a placement that ends "
        "before it starts",
        0.01,
    ),
    Problem("duplicate_rows", "the same row twice, exactly", 0.004),
    Problem("stray_spaces", "spaces before or after a reference or a code", 0.01),
    Problem("codes_in_other_case", "a code in capitals or title case", 0.01),
    Problem("day_month_year_dates", "a date written 31/03/2024", 0.08),
    Problem("excel_serial_dates", "a date written as an Excel serial number, 45382", 0.02),
    Problem("leading_zeros_lost", "a reference whose leading zeros were lost, 41273", 0.01),
    Problem("unknown_codes", "a code the format does not know", 0.002),
    Problem(
        "date_of_birth_differs",
        "a child whose date of birth is typed differently on the care periods table",
        0.01,
    ),
)
SHARE = {problem.name: problem.share for problem in PROBLEMS}


def make_messy(tables: JourneyTables, seed: int) -> dict[str, pl.DataFrame]:
    """Every table as text columns, with a seeded sprinkling of each kind of problem.

    The result has the same tables, in the same order; ``care_periods`` gains a
    ``date_of_birth`` column, as many systems repeat it on every table. The same tables
    and seed always give the same result.
    """
    rng = np.random.default_rng(seed)
    typed: Frames = dict(tables.items())
    typed = _impossible_orders(typed, rng)
    typed = _missing_dates(typed, rng)
    typed["care_periods"] = _with_date_of_birth(typed, rng)
    text = {name: _as_text(name, frame, rng) for name, frame in typed.items()}
    steps: tuple[Callable[[Frames, np.random.Generator], Frames], ...] = (
        _leading_zeros_lost,
        _unknown_codes,
        _codes_in_other_case,
        _stray_spaces,
        _duplicate_rows,
    )
    for step in steps:
        text = step(text, rng)
    return text


def _chosen(rng: np.random.Generator, size: int, share: float) -> pl.Series:
    """A seeded mask choosing about ``share`` of ``size`` rows (at least one if any)."""
    chosen = rng.random(size) < share
    if size and not chosen.any():
        chosen[rng.integers(size)] = True
    return pl.Series(chosen)


def _chosen_among(rng: np.random.Generator, eligible: np.ndarray, share: float) -> pl.Series:
    """Like ``_chosen``, choosing only among the ``eligible`` rows."""
    rows = np.flatnonzero(eligible)
    chosen = np.zeros(len(eligible), dtype=np.bool_)
    chosen[rows[_chosen(rng, len(rows), share).to_numpy()]] = True
    return pl.Series(chosen)


def _where(mask: pl.Series, then: pl.Expr, column: str) -> pl.Expr:
    return pl.when(pl.lit(mask)).then(then).otherwise(pl.col(column)).alias(column)


# --- problems in the typed tables ------------------------------------------------------------


def _impossible_orders(frames: Frames, rng: np.random.Generator) -> Frames:
    """Agency decisions dated weeks before the recommendation; placements ending too soon."""
    milestones = frames["milestones"]
    key = ["child_ref", "period_start"]
    recommended = (
        milestones.filter(pl.col("milestone") == "permanence_recommendation")
        .group_by(key, maintain_order=True)
        .agg(pl.col("date").min().alias("recommended"))
    )
    with_recommendation = milestones.join(recommended, on=key, how="left", maintain_order="left")
    decisions = with_recommendation.select(
        (pl.col("milestone") == "adm_decision") & pl.col("recommended").is_not_null()
    ).to_series()
    mask = _chosen_among(rng, decisions.to_numpy(), SHARE["impossible_orders"])
    weeks_before = pl.Series(rng.integers(1, 13, milestones.height) * 7)
    too_early = pl.col("recommended") - pl.duration(days=pl.lit(weeks_before))
    frames["milestones"] = with_recommendation.with_columns(
        pl.when(pl.lit(mask)).then(too_early).otherwise(pl.col("date")).alias("date")
    ).drop("recommended")

    placements = frames["placements"]
    ended = placements.select(pl.col("end_date") > pl.col("start_date")).to_series()
    swapped = pl.lit(
        _chosen_among(rng, ended.fill_null(False).to_numpy(), SHARE["impossible_orders"])
    )
    frames["placements"] = placements.with_columns(
        pl.when(swapped)
        .then(pl.col("end_date"))
        .otherwise(pl.col("start_date"))
        .alias("start_date"),
        pl.when(swapped).then(pl.col("start_date")).otherwise(pl.col("end_date")).alias("end_date"),
    )
    return frames


def _missing_dates(frames: Frames, rng: np.random.Generator) -> Frames:
    for name, columns in BLANKABLE_DATES.items():
        frame = frames[name]
        which = rng.integers(0, len(columns), frame.height)
        chosen = _chosen(rng, frame.height, SHARE["missing_dates"]).to_numpy()
        frames[name] = frame.with_columns(
            _where(pl.Series(chosen & (which == number)), pl.lit(None), column)
            for number, column in enumerate(columns)
        )
    return frames


def _with_date_of_birth(frames: Frames, rng: np.random.Generator) -> pl.DataFrame:
    """The child's date of birth repeated on each care period, typed wrongly for a few."""
    children = frames["children"].select("child_ref", "date_of_birth")
    chosen = _chosen(rng, children.height, SHARE["date_of_birth_differs"])
    born = pl.col("date_of_birth")
    # Day and month swapped where that is still a date; otherwise a year out.
    swapped = pl.date(born.dt.year(), born.dt.day(), born.dt.month())
    can_swap = (born.dt.day() <= 12) & (born.dt.day() != born.dt.month())
    mistyped = pl.when(can_swap).then(swapped).otherwise(born.dt.offset_by("1y"))
    children = children.with_columns(
        pl.when(pl.lit(chosen)).then(mistyped).otherwise(born).alias("date_of_birth")
    )
    periods = frames["care_periods"]
    return periods.join(children, on="child_ref", how="left", maintain_order="left")


# --- problems in the text ----------------------------------------------------------------


def _as_text(name: str, frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Every column as text, dates in ISO, UK day/month/year or Excel serial form."""
    expressions = []
    for column, dtype in frame.schema.items():
        if dtype == pl.Date:
            expressions.append(_date_text(column, frame.height, rng))
        else:
            expressions.append(pl.col(column).cast(pl.String))
    return frame.select(expressions)


def _date_text(column: str, size: int, rng: np.random.Generator) -> pl.Expr:
    drawn = rng.random(size)
    uk = SHARE["day_month_year_dates"]
    serial = uk + SHARE["excel_serial_dates"]
    day = pl.col(column)
    excel = (day.cast(pl.Int32) + EXCEL_EPOCH_OFFSET).cast(pl.String)
    return (
        pl.when(pl.lit(pl.Series(drawn < uk)))
        .then(day.dt.strftime("%d/%m/%Y"))
        .when(pl.lit(pl.Series(drawn < serial)))
        .then(excel)
        .otherwise(day.dt.strftime("%Y-%m-%d"))
        .alias(column)
    )


def _leading_zeros_lost(frames: Frames, rng: np.random.Generator) -> Frames:
    """For a few children with leading zeros, one table gives the reference without them."""
    children = frames["children"].select("child_ref")
    zeros = children.filter(pl.col("child_ref").str.starts_with("0")).get_column("child_ref")
    chosen = _chosen(rng, zeros.len(), SHARE["leading_zeros_lost"])
    lost = zeros.filter(chosen)
    table_of = rng.integers(0, len(CHILD_LEVEL_TABLES), lost.len())
    for number, name in enumerate(CHILD_LEVEL_TABLES):
        refs = lost.filter(pl.Series(table_of == number))
        stripped = pl.col("child_ref").str.strip_chars_start("0")
        frames[name] = frames[name].with_columns(
            pl.when(pl.col("child_ref").is_in(refs.implode()))
            .then(stripped)
            .otherwise(pl.col("child_ref"))
            .alias("child_ref")
        )
    return frames


def _coded_cells(
    frames: Frames, rng: np.random.Generator, share: float, change: Callable[[str, int], pl.Expr]
) -> Frames:
    """Apply ``change`` to a share of the non-blank cells of every coded column."""
    for name, columns in CODED_COLUMNS.items():
        frame = frames[name]
        expressions = []
        for column in columns:
            mask = pl.lit(_chosen(rng, frame.height, share)) & pl.col(column).is_not_null()
            changed = change(column, frame.height)
            expressions.append(pl.when(mask).then(changed).otherwise(pl.col(column)).alias(column))
        frames[name] = frame.with_columns(expressions)
    return frames


def _unknown_codes(frames: Frames, rng: np.random.Generator) -> Frames:
    def unknown(column: str, size: int) -> pl.Expr:
        codes = pl.Series(UNKNOWN_CODES[column]).gather(
            rng.integers(0, len(UNKNOWN_CODES[column]), size)
        )
        return pl.lit(codes)

    return _coded_cells(frames, rng, SHARE["unknown_codes"], unknown)


def _codes_in_other_case(frames: Frames, rng: np.random.Generator) -> Frames:
    def other_case(column: str, size: int) -> pl.Expr:
        capitals = pl.lit(pl.Series(rng.random(size) < 0.5))
        code = pl.col(column)
        return pl.when(capitals).then(code.str.to_uppercase()).otherwise(code.str.to_titlecase())

    return _coded_cells(frames, rng, SHARE["codes_in_other_case"], other_case)


def _stray_spaces(frames: Frames, rng: np.random.Generator) -> Frames:
    def spaced(column: str, size: int) -> pl.Expr:
        where = pl.lit(pl.Series(rng.integers(0, 3, size)))
        code = pl.col(column)
        return (
            pl.when(where == 0)
            .then(pl.concat_str(pl.lit(" "), code))
            .when(where == 1)
            .then(pl.concat_str(code, pl.lit("  ")))
            .otherwise(pl.concat_str(pl.lit(" "), code, pl.lit(" ")))
        )

    frames = _coded_cells(frames, rng, SHARE["stray_spaces"], spaced)
    for name, frame in frames.items():
        mask = _chosen(rng, frame.height, SHARE["stray_spaces"])
        frames[name] = frame.with_columns(
            _where(mask, pl.concat_str(pl.col("child_ref"), pl.lit(" ")), "child_ref")
        )
    return frames


def _duplicate_rows(frames: Frames, rng: np.random.Generator) -> Frames:
    """Copies of a few rows, each placed straight after the row it copies."""
    for name in CHILD_LEVEL_TABLES:
        frame = frames[name].with_row_index("_row")
        chosen = _chosen(rng, frame.height, SHARE["duplicate_rows"])
        copies = frame.filter(chosen)
        frames[name] = pl.concat([frame, copies]).sort("_row", maintain_order=True).drop("_row")
    return frames
