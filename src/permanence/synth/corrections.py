"""``earlier_extract``: the same authority as its system held it before the data were cleaned.

PACE areas looked hard at their data and cleaned it in the case recording system (the
seeds describe it); the next extract then carries the corrected records. This makes the
pair a data lead meets: from the generator's tables (the later, cleaned extract) it draws
an earlier extract of the same authority, on the same extract date, in which

- some dates were entered wrongly, and the later extract corrects them: a permanence
  recommendation dated too early (the child looked as if Aim 2 was met), a placement move
  (and the end of the placement before it) a few days out, a placement recorded as the
  wrong kind of foster care, a meeting held date (and its due date) a few days out;
- some records were entered in error, and the later extract no longer holds them: a
  permanence recommendation recorded on a child who has none, and a duplicate record of
  a whole child under another reference.

Every earlier row is valid by the import's rules, so it loads; every later row that
corrects one is a correction by the import's record identity (``journey.identity``): the
same care period and kind, only its dates (or a placement's kind) changed. ``corrected``
and ``entered_in_error`` list what differs, so a test can check what a load makes of it.
With ``with_record_ids`` both extracts carry the system's own ids, as some systems give.

The shares are in ``CorrectionShares`` and ``docs/synthetic-data.md``. This is a
transformation of finished tables, like ``messy``: the generator itself is untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from permanence.journey.tables import MEETING_DETAIL_TABLES, RECORD_ID, JourneyTables
from permanence.journey.vocabulary import (
    MeetingKind,
    MilestoneKind,
    PlacementType,
    Route,
)

PERIOD = ["child_ref", "period_start"]
ROW = "_row"
RECOMMENDATION = MilestoneKind.RECOMMENDATION.value
# Milestones that come after a recommendation in a journey (MILE001's order).
_LATER_STEPS = (
    MilestoneKind.DECISION_AWAY_FROM_HOME.value,
    MilestoneKind.AGENCY_DECISION.value,
    MilestoneKind.APPLICATION_LODGED.value,
    MilestoneKind.ORDER_GRANTED.value,
)
_FOSTER_SWAP = {
    PlacementType.FOSTER_LOCAL_AUTHORITY.value: PlacementType.FOSTER_PURCHASED.value,
    PlacementType.FOSTER_PURCHASED.value: PlacementType.FOSTER_LOCAL_AUTHORITY.value,
}
_ID_PREFIXES = {
    "care_periods": "EP",
    "placements": "PL",
    "legal_statuses": "LS",
    "meetings": "MT",
    "milestones": "EV",
}


@dataclass(frozen=True, slots=True)
class CorrectionShares:
    """How often each kind of correction happens, as a share of what it can apply to."""

    recommendation_dates: float = 0.05
    """Of recommendations (in care periods with one): dated 1 to 34 weeks too early."""
    placement_moves: float = 0.04
    """Of placements after a period's first: the move dated up to 20 days out."""
    placement_types: float = 0.02
    """Of foster placements: recorded as the other kind of foster care."""
    meeting_dates: float = 0.03
    """Of meetings held: the date held (and any due date) up to 10 days too early."""
    spurious_recommendations: float = 0.03
    """Of accommodated care periods with no recommendation: one recorded in error."""
    children_in_error: float = 0.01
    """Of children: a duplicate record of the child, under another reference."""


DEFAULT_SHARES = CorrectionShares()

CORRECTED_SCHEMA = {
    "table": pl.String,
    "child_ref": pl.String,
    "period_start": pl.Date,
    "column": pl.String,
    "earlier": pl.String,
    "later": pl.String,
}
IN_ERROR_SCHEMA = {"table": pl.String, "child_ref": pl.String, "period_start": pl.Date}


@dataclass(frozen=True, slots=True)
class EarlierExtract:
    """The earlier extract, and what the later one changes in it.

    ``corrected``: one row per value the later extract corrects (``table``,
    ``child_ref``, ``period_start``, ``column``, ``earlier`` and ``later`` as ISO text).
    ``in_error``: the rows of ``tables`` entered in error, table by table: the records the
    later extract no longer holds. Every other row of ``tables`` is a row of the later
    extract, or a row the later extract corrects.
    """

    tables: JourneyTables
    corrected: pl.DataFrame
    in_error: JourneyTables

    @property
    def entered_in_error(self) -> pl.DataFrame:
        """One row per record entered in error: ``table``, ``child_ref``, ``period_start``
        (blank for a child)."""
        parts = [
            frame.select(
                pl.lit(name).alias("table"),
                "child_ref",
                pl.col("period_start")
                if "period_start" in frame.columns
                else pl.lit(None, pl.Date).alias("period_start"),
            )
            for name, frame in self.in_error.items()
        ]
        return pl.concat(parts).cast(IN_ERROR_SCHEMA)  # type: ignore[arg-type]


def earlier_extract(
    later: JourneyTables,
    seed: int,
    *,
    extract_date: date,
    shares: CorrectionShares = DEFAULT_SHARES,
) -> EarlierExtract:
    """An earlier extract of the authority in ``later`` (see the module docstring).

    ``extract_date`` is the day both extracts were taken: nothing is dated after it. The
    same tables, seed and shares always give the same result.
    """
    rng = np.random.default_rng(seed)
    tables = {name: frame.with_row_index(ROW) for name, frame in later.items()}
    changes: list[pl.DataFrame] = []
    accommodated = _accommodated(tables["placements"])

    tables["milestones"], change = _recommendations_too_early(
        tables["milestones"], accommodated, rng, shares.recommendation_dates
    )
    changes.append(change)
    tables["placements"], change = _moves_out(tables["placements"], rng, shares.placement_moves)
    changes.append(change)
    tables["placements"], change = _foster_kinds_swapped(
        tables["placements"], rng, shares.placement_types
    )
    changes.append(change)
    correct_meetings = tables["meetings"]
    tables["meetings"], change = _meetings_too_early(tables["meetings"], rng, shares.meeting_dates)
    changes.append(change)
    for name in MEETING_DETAIL_TABLES:
        tables[name] = _held_as_the_meeting(tables[name], correct_meetings, tables["meetings"])
    first_in_error = {name: int(frame.height) for name, frame in tables.items()}
    tables["milestones"] = _spurious_recommendations(
        tables, accommodated, rng, shares.spurious_recommendations, extract_date
    )
    tables = _duplicate_children(tables, rng, shares.children_in_error)

    # Rows entered in error are appended after the later extract's own rows.
    earlier = {name: frame.drop(ROW) for name, frame in tables.items()}
    return EarlierExtract(
        tables=JourneyTables(**earlier),
        corrected=pl.concat([c for c in changes if c.height] or [_empty(CORRECTED_SCHEMA)]),
        in_error=JourneyTables(
            **{name: frame.slice(first_in_error[name]) for name, frame in earlier.items()}
        ),
    )


def with_record_ids(tables: JourneyTables) -> JourneyTables:
    """``tables`` with the ids a case recording system gives its records: each row of a
    table after children gets one, unique in the table (``EP12``, ``PL40``, ...)."""
    ided = {}
    for name, frame in tables.items():
        if name in _ID_PREFIXES:
            frame = frame.with_columns(
                (pl.lit(_ID_PREFIXES[name]) + pl.int_range(pl.len()).cast(pl.String)).alias(
                    RECORD_ID
                )
            )
        ided[name] = frame
    return JourneyTables(**ided)


# ---------------------------------------------------------------------------------------
# Dates entered wrongly


def _chosen(rng: np.random.Generator, count: int, share: float) -> np.ndarray:
    """A draw for each of ``count`` candidates: which are chosen (always ``count`` draws,
    so each kind of correction uses the generator the same way whatever the data)."""
    return rng.random(count) < share


def _days(rng: np.random.Generator, count: int, low: int, high: int) -> pl.Expr:
    """A whole number of days from ``low`` to ``high`` for each of ``count`` rows."""
    return pl.lit(pl.Series(rng.integers(low, high + 1, size=count), dtype=pl.Int64))


def _accommodated(placements: pl.DataFrame) -> pl.DataFrame:
    """Each care period's date accommodated: its first placement away from home."""
    away = pl.col("placement_type") != PlacementType.AT_HOME.value
    return placements.filter(away).group_by(PERIOD).agg(pl.col("start_date").min().alias("away"))


def _recommendations_too_early(
    milestones: pl.DataFrame, accommodated: pl.DataFrame, rng: np.random.Generator, share: float
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Recommendations dated 1 to 34 weeks too early: never before the child was looked
    after or accommodated, in care periods with one recommendation (so the correction is
    unambiguous). Moving a recommendation earlier keeps every later step in order."""
    is_recommendation = pl.col("milestone") == RECOMMENDATION
    single = milestones.filter(is_recommendation).filter(pl.len().over(PERIOD) == 1)
    candidates = single.join(accommodated, on=PERIOD, how="left").with_columns(
        pl.max_horizontal("period_start", "away").alias("earliest")
    )
    chosen = candidates.filter(pl.Series(_chosen(rng, candidates.height, share)))
    shifted = chosen.with_columns(
        pl.max_horizontal(
            pl.col("earliest"), pl.col("date") - pl.duration(days=_days(rng, chosen.height, 7, 238))
        ).alias("earlier")
    ).filter(pl.col("earlier") < pl.col("date"))
    return _replace(milestones, shifted, "date"), _log("milestones", shifted, "date")


def _moves_out(
    placements: pl.DataFrame, rng: np.random.Generator, share: float
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A move dated up to 20 days out, between the placements either side of it; the
    placement before it ends on the wrong day too (it ended the day the next began)."""
    ordered = placements.sort([*PERIOD, "start_date", ROW]).with_columns(
        pl.col("start_date").shift(1).over(PERIOD).alias("previous_start"),
        pl.col("end_date").shift(1).over(PERIOD).alias("previous_end"),
        pl.col(ROW).shift(1).over(PERIOD).alias("previous_row"),
        pl.col("start_date").shift(-1).over(PERIOD).alias("next_start"),
    )
    moves = ordered.filter(pl.col("previous_start").is_not_null())
    chosen = moves.filter(pl.Series(_chosen(rng, moves.height, share)))
    offset = _days(rng, chosen.height, -20, 20)
    latest = pl.min_horizontal(
        pl.col("next_start") - pl.duration(days=1),
        pl.col("end_date"),
        # The last placement, still open, is moved only earlier: never past the extract.
        pl.when(pl.col("end_date").is_null() & pl.col("next_start").is_null()).then(
            pl.col("start_date")
        ),
    )
    shifted = (
        chosen.with_columns(
            pl.min_horizontal(
                pl.max_horizontal(
                    pl.col("start_date") + pl.duration(days=offset),
                    pl.col("previous_start") + pl.duration(days=1),
                ),
                latest,
            ).alias("earlier")
        )
        .filter(pl.col("earlier") != pl.col("start_date"))
        # The placement before ended the day this one began; it still does.
        .filter(pl.col("previous_end") == pl.col("start_date"))
    )
    ends = shifted.select(pl.col("previous_row").alias(ROW), "earlier")
    result = _replace(placements, shifted, "start_date")
    result = _replace(result, ends, "end_date")
    before = placements.join(ends, on=ROW, how="inner")
    log = pl.concat(
        [
            _log("placements", shifted, "start_date"),
            _log("placements", before, "end_date"),
        ]
    )
    return result, log


def _foster_kinds_swapped(
    placements: pl.DataFrame, rng: np.random.Generator, share: float
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A foster placement recorded as the other kind (the authority's own for purchased)."""
    foster = placements.filter(pl.col("placement_type").is_in(list(_FOSTER_SWAP)))
    # One correction of a kind per care period, so the correction is unambiguous.
    foster = foster.filter(pl.int_range(pl.len()).over(PERIOD) == 0)
    chosen = foster.filter(pl.Series(_chosen(rng, foster.height, share))).with_columns(
        pl.col("placement_type").replace_strict(_FOSTER_SWAP).alias("earlier")
    )
    return _replace(placements, chosen, "placement_type"), _log(
        "placements", chosen, "placement_type"
    )


def _meetings_too_early(
    meetings: pl.DataFrame, rng: np.random.Generator, share: float
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The date held (and any due date) up to 10 days too early, never before the care
    period began; dropped where it would make two meetings of one kind on one day."""
    held = meetings.filter(pl.col("held_date").is_not_null())
    chosen = held.filter(pl.Series(_chosen(rng, held.height, share)))
    days = pl.duration(days=_days(rng, chosen.height, 1, 10))
    shifted = chosen.with_columns(
        pl.max_horizontal(pl.col("held_date") - days, pl.col("period_start")).alias("earlier"),
        pl.max_horizontal(pl.col("due_date") - days, pl.col("period_start")).alias("earlier_due"),
    ).filter(pl.col("earlier") < pl.col("held_date"))
    numbered = (pl.col("meeting_kind") == MeetingKind.REVIEW.value) & pl.col(
        "review_number"
    ).is_not_null()
    occasion = pl.when(numbered).then(None).otherwise(pl.coalesce("earlier_due", "earlier"))
    shifted = shifted.with_columns(occasion.alias("occasion"))
    others = meetings.join(shifted.select(ROW), on=ROW, how="anti").with_columns(
        pl.when(numbered)
        .then(None)
        .otherwise(pl.coalesce("due_date", "held_date"))
        .alias("occasion")
    )
    key = [*PERIOD, "meeting_kind", "review_number", "occasion"]
    clash = shifted.join(others.select(key), on=key, how="semi", nulls_equal=True)
    shifted = shifted.join(clash.select(ROW), on=ROW, how="anti").filter(
        pl.col("occasion").is_null() | ~pl.struct(key).is_duplicated()
    )
    dues = shifted.filter(pl.col("due_date").is_not_null()).with_columns(
        pl.col("earlier_due").alias("earlier")
    )
    result = _replace(_replace(meetings, shifted, "held_date"), dues, "due_date")
    log = pl.concat([_log("meetings", shifted, "held_date"), _log("meetings", dues, "due_date")])
    return result, log


def _held_as_the_meeting(
    details: pl.DataFrame, correct: pl.DataFrame, wrong: pl.DataFrame
) -> pl.DataFrame:
    """A meeting's checklist or actions naming it by the wrong date it was held, as the
    earlier extract has it (its meeting is named by that date there)."""
    key = [*PERIOD, "meeting_kind", "held_date"]
    moved = (
        correct.select(ROW, *key)
        .join(wrong.select(ROW, pl.col("held_date").alias("wrong_held")), on=ROW)
        .filter(pl.col("held_date") != pl.col("wrong_held"))
        .select(*key, "wrong_held")
        .unique(subset=key)
    )
    return (
        details.join(moved, on=key, how="left")
        .with_columns(pl.coalesce("wrong_held", "held_date").alias("held_date"))
        .drop("wrong_held")
    )


def _replace(frame: pl.DataFrame, changes: pl.DataFrame, column: str) -> pl.DataFrame:
    """``frame`` with ``column`` set to each change's ``earlier`` value, by row."""
    if changes.height == 0:
        return frame
    values = changes.select(ROW, pl.col("earlier").cast(frame.schema[column]).alias("_earlier"))
    return (
        frame.join(values, on=ROW, how="left")
        .with_columns(pl.coalesce("_earlier", column).alias(column))
        .drop("_earlier")
    )


def _log(table: str, changes: pl.DataFrame, column: str) -> pl.DataFrame:
    return changes.select(
        pl.lit(table).alias("table"),
        "child_ref",
        "period_start",
        pl.lit(column).alias("column"),
        pl.col("earlier").cast(pl.String).alias("earlier"),
        pl.col(column).cast(pl.String).alias("later"),
    ).cast(CORRECTED_SCHEMA)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# Records entered in error


def _spurious_recommendations(
    tables: dict[str, pl.DataFrame],
    accommodated: pl.DataFrame,
    rng: np.random.Generator,
    share: float,
    extract_date: date,
) -> pl.DataFrame:
    """A recommendation recorded in error, 2 to 17 weeks after accommodation, in a care
    period with no recommendation and no later step (so nothing is out of order)."""
    milestones = tables["milestones"]
    steps = milestones.filter(pl.col("milestone").is_in([RECOMMENDATION, *_LATER_STEPS]))
    periods = (
        tables["care_periods"]
        .join(accommodated, on=PERIOD, how="inner")
        .join(steps.select(PERIOD).unique(), on=PERIOD, how="anti")
        .sort([*PERIOD])
    )
    chosen = periods.filter(pl.Series(_chosen(rng, periods.height, share)))
    latest = pl.min_horizontal(
        pl.col("period_end") - pl.duration(days=1), pl.lit(extract_date, dtype=pl.Date)
    )
    routes = [member.value for member in Route]
    added = (
        chosen.with_columns(
            pl.min_horizontal(
                pl.col("away") + pl.duration(days=_days(rng, chosen.height, 14, 119)), latest
            ).alias("date"),
            pl.Series("detail", rng.choice(routes, size=chosen.height).tolist(), pl.String),
        )
        .filter(pl.col("date") >= pl.col("away"))
        .select(
            *PERIOD,
            pl.lit(RECOMMENDATION).alias("milestone"),
            "date",
            "detail",
        )
    )
    rows = _appended(added, milestones)
    if milestones.get_column(RECORD_ID).is_not_null().any():
        rows = rows.with_columns((pl.lit("ERR") + pl.col(ROW).cast(pl.String)).alias(RECORD_ID))
    return pl.concat([milestones, rows])


def _duplicate_children(
    tables: dict[str, pl.DataFrame], rng: np.random.Generator, share: float
) -> dict[str, pl.DataFrame]:
    """A second record of a child under another reference (``D`` and the original), with
    the child's whole journey: the later extract holds only the original."""
    children = tables["children"]
    chosen = children.filter(pl.Series(_chosen(rng, children.height, share)))
    originals = chosen.get_column("child_ref").implode()
    copies = {}
    for name, frame in tables.items():
        rows = frame.filter(pl.col("child_ref").is_in(originals)).with_columns(
            (pl.lit("D") + pl.col("child_ref")).alias("child_ref")
        )
        if RECORD_ID in rows.columns:
            rows = rows.with_columns((pl.lit("D") + pl.col(RECORD_ID)).alias(RECORD_ID))
        copies[name] = pl.concat([frame, _appended(rows, frame)])
    return copies


def _appended(rows: pl.DataFrame, table: pl.DataFrame) -> pl.DataFrame:
    """``rows`` as new rows of ``table``: its columns (blank where ``rows`` lacks one), in
    its order and types, numbered after its last row."""
    first = int(table.select(pl.col(ROW).max()).item() or 0) + 1 if table.height else 0
    numbered = rows.with_columns((pl.int_range(pl.len()) + first).alias(ROW))
    return numbered.select(
        [
            pl.col(name).cast(dtype)
            if name in numbered.columns
            else pl.lit(None, dtype).alias(name)
            for name, dtype in table.schema.items()
        ]
    )


def _empty(schema: dict[str, type[pl.DataType]]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)
