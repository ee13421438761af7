"""The permanence milestone return: one file per authority per collection year.

Scotland's national statistics return (Children Looked After Statistics, CLAS) holds
episodes and placements but not the milestones PACE tracked; the source report
recommends that it should. This module defines a return a national collection could
adopt, builds it from the journeys frame, checks it against its own rules and writes it.

- **The year** is a CLAS collection year: ``year`` 2025 runs from 1 August 2024 to
  31 July 2025, as CLAS counts to 31 July.
- **Which care periods**: every care period open at any time in the year (begun on or
  before its last day, and not ended before its first), so a child's journey can be
  followed from one year's return to the next.
- **What each row holds**: the period's dates, where the child went, the age band at
  accommodation, and the milestones (accommodated, recommendation and route, decision
  for permanence away from home, agency decision and its outcome, application lodged and
  the order sought, order granted and its type), as known on the year's last day (or on
  the day the return was made, when the year is not over: the return then says it is
  provisional).
- **Who the child is, and is not**: no reference, no initials, no date of birth. The
  child is named by a pseudonym, ``child_id``: the project's one pseudonym scheme
  (``journey.pseudonym``), HMAC-SHA256 under the ``PSEUDONYM_KEY`` setting of this
  return's use, the authority's code and the child's reference, as 64 hexadecimal digits
  (``long_pseudonym``). The same child has the same ``child_id`` in every year's return
  from that authority, so journeys can be followed across years; children cannot be
  matched across authorities, nor with the short references the authority's own pages
  show, and nobody without the key can work back to a reference or test a guess.
  Rotating the key breaks that continuity: every child gets a new ``child_id``.

The file is CSV (UTF-8, a header row, ISO dates, blank for "not recorded") with a JSON
sidecar describing the return and every column (``docs/milestone-return.md``).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Final

import polars as pl

from permanence.analysis.disclosure import IDENTIFYING_COLUMNS
from permanence.ingest.headings import did_you_mean
from permanence.ingest.rules import Severity
from permanence.journey.pseudonym import long_pseudonym
from permanence.journey.vocabulary import (
    JOURNEY_ORDER,
    AgeBand,
    AgencyDecisionOutcome,
    Coded,
    Destination,
    MilestoneKind,
    OrderType,
    Route,
)

RETURN_FORMAT = "permanence-milestone-return"
RETURN_VERSION = "1.1"
#: The use the return's pseudonyms are made for, hashed into each (``long_pseudonym``).
PSEUDONYM_USE = "permanence milestone return child_id v1"


@dataclass(frozen=True, slots=True)
class ReturnColumn:
    name: str
    dtype: pl.DataType
    description: str
    codes: type[Coded] | None = None
    required: bool = False

    def as_dict(self) -> dict[str, Any]:
        kind = (
            "date"
            if self.dtype == pl.Date()
            else ("integer" if self.dtype.is_integer() else "text")
        )
        described: dict[str, Any] = {
            "name": self.name,
            "type": kind,
            "required": self.required,
            "description": self.description,
        }
        if kind == "date":
            described["format"] = "YYYY-MM-DD"
        if self.codes is not None:
            described["codes"] = {member.value: member.label for member in self.codes}
        return described


_S, _D, _I = pl.String(), pl.Date(), pl.Int32()

RETURN_COLUMNS: tuple[ReturnColumn, ...] = (
    ReturnColumn(
        "return_version", _S, f"The version of this format: {RETURN_VERSION}.", required=True
    ),
    ReturnColumn("authority", _S, "The local authority's code.", required=True),
    ReturnColumn(
        "collection_year",
        _I,
        "The collection year, named by the year it ends: 2025 is 1 August 2024 to 31 July 2025.",
        required=True,
    ),
    ReturnColumn(
        "child_id",
        _S,
        "The child's pseudonym: 64 hexadecimal digits, the same in every year's return from "
        "this authority while the key is unchanged. Not a reference: it cannot be reversed.",
        required=True,
    ),
    ReturnColumn(
        "period_number",
        _I,
        "1 for the child's first care period with this authority, 2 for a return to care, ...",
        required=True,
    ),
    ReturnColumn("period_start", _D, "The date the child became looked after.", required=True),
    ReturnColumn("period_end", _D, "The date the care period ended; blank while it is open."),
    ReturnColumn("destination", _S, "Where the child went when the period ended.", Destination),
    ReturnColumn(
        "age_band_at_accommodation",
        _S,
        "The child's age band on the date accommodated (no date of birth leaves the authority); "
        "blank if the child was not accommodated in the period.",
        AgeBand,
    ),
    ReturnColumn(
        "accommodated_date",
        _D,
        "The first day of the period away from home. Aim 2's clock starts here.",
    ),
    ReturnColumn(
        "recommendation_date",
        _D,
        "The first permanence recommendation (including a return home). Aim 2's clock stops.",
    ),
    ReturnColumn("recommendation_route", _S, "The route the recommendation named.", Route),
    ReturnColumn(
        "decision_away_date",
        _D,
        "The decision for permanence away from home. Aim 3's clock starts here.",
    ),
    ReturnColumn(
        "agency_decision_date",
        _D,
        "The agency decision maker's decision. Aim 3's clock stops and Aim 4's starts.",
    ),
    ReturnColumn(
        "agency_decision_outcome", _S, "The agency decision maker's outcome.", AgencyDecisionOutcome
    ),
    ReturnColumn("lodged_date", _D, "Application lodged in court. Aim 4's clock stops here."),
    ReturnColumn("order_sought", _S, "The order applied for.", OrderType),
    ReturnColumn("order_date", _D, "The order granted (or the supervision order terminated)."),
    ReturnColumn("order_type", _S, "The order granted.", OrderType),
    ReturnColumn(
        "home_cso_start",
        _D,
        "The start of the period's latest spell on a Compulsory Supervision Order at home. "
        "Aim 1's clock starts here.",
    ),
    ReturnColumn(
        "home_cso_end", _D, "The end of that spell; blank while it lasts on the day described."
    ),
    ReturnColumn(
        "review_hearing_date",
        _D,
        "The first Children's Hearing held on or after the order at home had lasted two "
        "years: Aim 1's review. Blank if none was held by the day described.",
    ),
    ReturnColumn("planning_72h_date", _D, "The first 72-hour planning meeting held."),
    ReturnColumn("planning_2wk_date", _D, "The first 2-week planning meeting held."),
    ReturnColumn("first_review_date", _D, "The first Looked After Child review held."),
    ReturnColumn("review_count", _I, "How many Looked After Child reviews were held."),
    ReturnColumn("legal_advice_date", _D, "The first legal advice meeting held."),
    ReturnColumn("permanence_panel_date", _D, "The first permanence panel held."),
    ReturnColumn(
        "permanence_panel_count",
        _I,
        "How many permanence panels were held (2 or more: the plan went back to panel).",
    ),
)

COLUMN_NAMES: tuple[str, ...] = tuple(column.name for column in RETURN_COLUMNS)
DATE_COLUMNS: tuple[str, ...] = tuple(c.name for c in RETURN_COLUMNS if c.dtype == pl.Date())

# Columns copied from the journeys frame as they are.
_FROM_FRAME: tuple[str, ...] = (
    "period_number",
    "period_start",
    "period_end",
    "destination",
    "age_band_at_accommodation",
    "accommodated_date",
    "recommendation_date",
    "recommendation_route",
    "decision_away_date",
    "agency_decision_date",
    "agency_decision_outcome",
    "lodged_date",
    "order_sought",
    "order_date",
    "order_type",
    "home_cso_start",
    "home_cso_end",
    "planning_72h_date",
    "planning_2wk_date",
    "first_review_date",
    "review_count",
    "legal_advice_date",
    "permanence_panel_date",
    "permanence_panel_count",
)

#: Aim 1's review: the order at home's two-year point (analysis.aims.AIM_1).
AIM_1_MONTHS: Final = 24


# ---------------------------------------------------------------------------------------
# The year and the pseudonym


@dataclass(frozen=True, slots=True)
class CollectionYear:
    """A CLAS collection year, named by the calendar year in which it ends."""

    year: int

    @property
    def first_day(self) -> date:
        return date(self.year - 1, 8, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 7, 31)

    @property
    def label(self) -> str:
        return f"1 August {self.year - 1} to 31 July {self.year}"


def child_id(key: str, authority: str, child_ref: str) -> str:
    """The child's pseudonym in the return: 64 hexadecimal digits (``long_pseudonym``)."""
    return long_pseudonym(key, authority, child_ref, use=PSEUDONYM_USE)


def _pseudonyms(refs: pl.Series, key: str, authority: str) -> pl.Series:
    # A keyed hash has no polars expression, so each distinct child is hashed once in
    # Python: an authority's year holds at most a few thousand children (microseconds each).
    distinct = refs.unique().drop_nulls().to_list()
    mapping = {ref: child_id(key, authority, ref) for ref in distinct}
    return refs.replace_strict(mapping, return_dtype=pl.String)


# ---------------------------------------------------------------------------------------
# Building


@dataclass(frozen=True, slots=True)
class MilestoneReturn:
    """A return ready to check and write: its rows and what describes them."""

    authority: str
    year: CollectionYear
    as_of: date
    rows: pl.DataFrame

    @property
    def complete(self) -> bool:
        """Whether the year was over when the frame was built (otherwise provisional)."""
        return self.as_of >= self.year.last_day

    def metadata(self) -> dict[str, Any]:
        return {
            "format": RETURN_FORMAT,
            "version": RETURN_VERSION,
            "authority": self.authority,
            "collection_year": {
                "year": self.year.year,
                "label": self.year.label,
                "first_day": self.year.first_day.isoformat(),
                "last_day": self.year.last_day.isoformat(),
            },
            "known_on": self.as_of.isoformat(),
            "complete": self.complete,
            "care_periods": "every care period open at any time in the collection year",
            "rows": self.rows.height,
            "child_id": {
                "method": "HMAC-SHA256(PSEUDONYM_KEY, use + U+001F + authority code + U+001F "
                "+ child reference), as 64 hexadecimal digits",
                "use": PSEUDONYM_USE,
                "stable": "the same child has the same child_id in every year's return from the "
                "same authority, while the key is unchanged; rotating the key breaks continuity",
            },
            "never_included": sorted(IDENTIFYING_COLUMNS),
            "columns": [column.as_dict() for column in RETURN_COLUMNS],
        }


def build_return(frame: pl.DataFrame, *, authority: str, year: int, key: str) -> MilestoneReturn:
    """The return for ``authority`` and collection ``year`` from the journeys frame.

    The frame should be built as of the year's last day (or today, if the year is not
    over); nothing recorded after its ``as_of`` is in it. ``key`` is the ``PSEUDONYM_KEY``.
    """
    collection = CollectionYear(year)
    as_of = _frame_date(frame)
    if not key:
        raise ValueError("the milestone return needs a pseudonym key: set PSEUDONYM_KEY")
    in_year = (
        (pl.col("authority") == authority)
        & (pl.col("period_start") <= collection.last_day)
        & (pl.col("period_end").is_null() | (pl.col("period_end") >= collection.first_day))
    )
    periods = (
        frame.filter(in_year)
        .sort("child_ref", "period_start")
        # The return pairs the agency decision with its outcome: the frame's outcome of a
        # plan not agreed, still waiting to go back, has no agreement date to go with.
        .with_columns(
            pl.when(pl.col("agency_decision_date").is_not_null())
            .then(pl.col("agency_decision_outcome"))
            .alias("agency_decision_outcome")
        )
    )
    rows = periods.select(
        pl.lit(RETURN_VERSION).alias("return_version"),
        pl.lit(authority).alias("authority"),
        pl.lit(year, dtype=pl.Int32).alias("collection_year"),
        pl.lit(None, dtype=pl.String).alias("child_id"),
        *_FROM_FRAME,
        _review_hearing().alias("review_hearing_date"),
    ).with_columns(_pseudonyms(periods.get_column("child_ref"), key, authority).alias("child_id"))
    rows = rows.select([pl.col(c.name).cast(c.dtype) for c in RETURN_COLUMNS]).sort(
        "child_id", "period_number"
    )
    return MilestoneReturn(authority=authority, year=collection, as_of=as_of, rows=rows)


def _review_hearing() -> pl.Expr:
    """The first Children's Hearing held on or after the order at home's two-year point."""
    point = pl.col("home_cso_start").dt.offset_by(f"{AIM_1_MONTHS}mo")
    days_after = pl.col("hearings").list.eval(pl.element().cast(pl.Int32)) - point.cast(pl.Int32)
    first = days_after.list.eval(pl.element().filter(pl.element() >= 0).min()).list.first()
    return pl.when(first.is_not_null()).then(point + pl.duration(days=first))


def _frame_date(frame: pl.DataFrame) -> date:
    dates = frame.get_column("as_of").drop_nulls().unique()
    if dates.len() != 1:
        raise ValueError("build the journeys frame for one date (its as_of)")
    value = dates.item()
    if not isinstance(value, date):
        raise ValueError("the frame's as_of column holds no date")
    return value


# ---------------------------------------------------------------------------------------
# The return's own rules


# The import's severities (``ingest.rules.Severity``): an error refuses the return until
# it is put right; a query is allowed, but worth checking.
ERROR: Final[Severity] = "error"
#: How many unknown values of one column a message names.
SHOWN_VALUES: Final = 5
QUERY: Final[Severity] = "query"

#: The return's column for each step of the journey the import orders (rule MILE001).
STEP_COLUMNS: Final[dict[MilestoneKind, str]] = {
    MilestoneKind.RECOMMENDATION: "recommendation_date",
    MilestoneKind.DECISION_AWAY_FROM_HOME: "decision_away_date",
    MilestoneKind.AGENCY_DECISION: "agency_decision_date",
    MilestoneKind.APPLICATION_LODGED: "lodged_date",
    MilestoneKind.ORDER_GRANTED: "order_date",
}


@dataclass(frozen=True, slots=True)
class ReturnProblem:
    rule: str
    severity: Severity
    message: str
    rows: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "rows": list(self.rows),
        }


@dataclass(frozen=True, slots=True)
class _RowRule:
    rule: str
    severity: Severity
    message: str
    broken: pl.Expr  # true on a row that breaks the rule


_HEX_64 = r"^[0-9a-f]{64}$"


def _order(earlier: str | pl.Expr, later: str, words: str) -> _RowRule:
    first = pl.col(earlier) if isinstance(earlier, str) else earlier
    return _RowRule(
        rule=f"order:{later}",
        severity=ERROR,
        message=words,
        broken=(pl.col(later) < first).fill_null(value=False),
    )


def _journey_order() -> list[_RowRule]:
    """The import's order of the journey's steps (``JOURNEY_ORDER``, rule MILE001): each
    step is dated on or after every step before it that the period holds."""
    rules = []
    for position, kind in enumerate(JOURNEY_ORDER[1:], start=1):
        earlier = [STEP_COLUMNS[step] for step in JOURNEY_ORDER[:position]]
        rules.append(
            _order(
                pl.max_horizontal(earlier),
                STEP_COLUMNS[kind],
                f"the {kind.label.lower()} is dated before an earlier step of the journey "
                f"({', '.join(step.label.lower() for step in JOURNEY_ORDER[:position])})",
            )
        )
    return rules


def _needs(present: str, needed: str, words: str, severity: Severity = ERROR) -> _RowRule:
    return _RowRule(
        rule=f"needs:{present}",
        severity=severity,
        message=words,
        broken=pl.col(present).is_not_null() & pl.col(needed).is_null(),
    )


def _row_rules(year: CollectionYear, as_of: date) -> list[_RowRule]:
    rules = [
        _RowRule(
            "required",
            ERROR,
            "every row needs its version, authority, year, child_id, period number and start",
            pl.any_horizontal([pl.col(c.name).is_null() for c in RETURN_COLUMNS if c.required]),
        ),
        _RowRule(
            "version",
            ERROR,
            f"return_version must be {RETURN_VERSION}",
            (pl.col("return_version") != RETURN_VERSION).fill_null(value=True),
        ),
        _RowRule(
            "year",
            ERROR,
            f"collection_year must be {year.year}",
            (pl.col("collection_year") != year.year).fill_null(value=True),
        ),
        _RowRule(
            "child_id",
            ERROR,
            "child_id must be 64 lower-case hexadecimal digits (a pseudonym, never a reference)",
            ~pl.col("child_id").str.contains(_HEX_64).fill_null(value=False),
        ),
        _RowRule(
            "in_year",
            ERROR,
            f"the care period must be open at some time from {year.label}",
            (pl.col("period_start") > year.last_day)
            | (pl.col("period_end") < year.first_day).fill_null(value=False),
        ),
        _RowRule(
            "not_after_known_on",
            ERROR,
            f"no date may be later than {as_of.isoformat()}, the day the return describes",
            pl.any_horizontal([(pl.col(c) > as_of).fill_null(value=False) for c in DATE_COLUMNS]),
        ),
        _order("period_start", "period_end", "the period ends before it starts"),
        _order("period_start", "accommodated_date", "accommodated before the period starts"),
        _order(
            pl.coalesce("accommodated_date", "period_start"),
            "recommendation_date",
            "the recommendation is dated before the child was accommodated (or looked after)",
        ),
        *_journey_order(),
        _RowRule(
            "order:period_end",
            ERROR,
            "a milestone is dated after the care period ended",
            pl.any_horizontal(
                [
                    (pl.col(c) > pl.col("period_end")).fill_null(value=False)
                    for c in DATE_COLUMNS
                    if c not in {"period_start", "period_end"}
                ]
            ),
        ),
        _needs(
            "recommendation_route", "recommendation_date", "a route needs its recommendation date"
        ),
        _needs(
            "agency_decision_outcome",
            "agency_decision_date",
            "an agency decision outcome needs its date",
        ),
        _needs("order_sought", "lodged_date", "an order sought needs the date it was lodged"),
        _needs("order_type", "order_date", "an order type needs the date it was granted"),
        _needs("destination", "period_end", "a destination needs the date the period ended"),
        _order("home_cso_start", "home_cso_end", "the order at home ends before it starts"),
        _needs("home_cso_end", "home_cso_start", "the order at home's end needs its start"),
        _needs("review_hearing_date", "home_cso_start", "Aim 1's review needs the order at home"),
        _RowRule(
            "order:review_hearing_date",
            ERROR,
            "Aim 1's review hearing is dated before the order at home had lasted two years",
            (
                pl.col("review_hearing_date")
                < pl.col("home_cso_start").dt.offset_by(f"{AIM_1_MONTHS}mo")
            ).fill_null(value=False),
        ),
        _RowRule(
            "counts",
            ERROR,
            "review_count and permanence_panel_count cannot be negative",
            (pl.col("review_count") < 0).fill_null(value=False)
            | (pl.col("permanence_panel_count") < 0).fill_null(value=False),
        ),
        _needs(
            "period_end",
            "destination",
            "the period ended but no destination is recorded",
            QUERY,
        ),
        _needs(
            "recommendation_date",
            "recommendation_route",
            "a recommendation without its route",
            QUERY,
        ),
        _needs(
            "accommodated_date",
            "age_band_at_accommodation",
            "accommodated, but the age band is missing (date of birth not recorded?)",
            QUERY,
        ),
    ]
    return rules


def _code_problems(numbered: pl.DataFrame) -> list[ReturnProblem]:
    """For each coded column holding a value its vocabulary lacks: the values, the rows,
    the codes it may hold, and for each unknown value the code it most likely is."""
    problems = []
    for column in RETURN_COLUMNS:
        if column.codes is None:
            continue
        codes = sorted(column.codes.codes())
        broken = numbered.filter(
            pl.col(column.name).is_not_null() & ~pl.col(column.name).is_in(codes)
        )
        if broken.is_empty():
            continue
        unknown = broken.get_column(column.name).unique(maintain_order=True).to_list()
        said = []
        for value in unknown[:SHOWN_VALUES]:
            guess = did_you_mean(str(value), codes)
            said.append(f'"{value}"' + (f" (did you mean {guess}?)" if guess else ""))
        if len(unknown) > SHOWN_VALUES:
            said.append(f"and {len(unknown) - SHOWN_VALUES} more")
        problems.append(
            ReturnProblem(
                f"code:{column.name}",
                ERROR,
                f"{column.name} holds {'a code' if len(unknown) == 1 else 'codes'} not in "
                f"{column.codes.__name__}: {', '.join(said)}. It must be blank or one of: "
                f"{', '.join(codes)}",
                tuple(broken.get_column("_row").to_list()),
            )
        )
    return problems


def validate_return(
    rows: pl.DataFrame, *, authority: str, year: int, as_of: date
) -> list[ReturnProblem]:
    """Every way ``rows`` breaks the return's rules (empty when it may be sent).

    Checks the columns first (exactly the format's, in order, none identifying a child),
    then each row; rows are numbered from 1 as in the file, after the header.
    """
    problems = _column_problems(rows.columns)
    if problems:
        return problems
    collection = CollectionYear(year)
    numbered = rows.with_row_index("_row", offset=1)
    for rule in _row_rules(collection, as_of):
        broken = numbered.filter(rule.broken).get_column("_row").to_list()
        if broken:
            problems.append(ReturnProblem(rule.rule, rule.severity, rule.message, tuple(broken)))
    problems += _code_problems(numbered)
    others = numbered.filter(pl.col("authority") != authority).get_column("_row").to_list()
    if others:
        problems.append(
            ReturnProblem(
                "authority",
                ERROR,
                f"every row must belong to {authority}",
                tuple(others),
            )
        )
    duplicated = (
        numbered.filter(pl.struct("child_id", "period_number").is_duplicated())
        .get_column("_row")
        .to_list()
    )
    if duplicated:
        problems.append(
            ReturnProblem(
                "unique",
                ERROR,
                "a child_id and period number appear more than once",
                tuple(duplicated),
            )
        )
    return problems


def _column_problems(columns: Sequence[str]) -> list[ReturnProblem]:
    """The header against the format: no identifying column; exactly the format's
    columns, in order. The message names each missing column with the heading found
    that is most likely it ("did you mean"), each heading the format does not have, the
    first column out of place, and the headings found beside those expected."""
    problems = []
    identifying = sorted(set(columns) & IDENTIFYING_COLUMNS)
    if identifying:
        problems.append(
            ReturnProblem(
                "identifying",
                ERROR,
                f"the return must not hold {', '.join(identifying)}: it would identify children",
            )
        )
    if tuple(columns) == COLUMN_NAMES:
        return problems
    extra = [name for name in columns if name not in COLUMN_NAMES]
    offered: set[str] = set()
    detail = []
    for name in COLUMN_NAMES:
        if name in columns:
            continue
        guess = did_you_mean(name, [h for h in extra if h not in offered and h not in identifying])
        if guess is None:
            detail.append(f"{name} is missing")
        else:
            offered.add(guess)
            detail.append(f'{name} is missing (did you mean "{guess}"?)')
    unknown = [name for name in extra if name not in offered]
    if unknown:
        detail.append("not in the format: " + ", ".join(f'"{name}"' for name in unknown))
    duplicated = sorted({name for name in columns if list(columns).count(name) > 1})
    if duplicated:
        detail.append("more than once: " + ", ".join(duplicated))
    if not detail:
        position = next(
            i
            for i, (found, wanted) in enumerate(zip(columns, COLUMN_NAMES, strict=False))
            if found != wanted
        )
        detail.append(
            f"in the wrong order: column {position + 1} is {columns[position]}, where the "
            f"format has {COLUMN_NAMES[position]}"
        )
    problems.append(
        ReturnProblem(
            "columns",
            ERROR,
            f"the headings are not the format's ({'; '.join(detail)}). Found: "
            f"{', '.join(columns) or 'no headings'}. Expected, in this order: "
            f"{', '.join(COLUMN_NAMES)}",
        )
    )
    return problems


def errors(problems: Sequence[ReturnProblem]) -> list[ReturnProblem]:
    return [problem for problem in problems if problem.severity == ERROR]


# ---------------------------------------------------------------------------------------
# Files


def sidecar_path(path: Path) -> Path:
    """Where the JSON description of the return at ``path`` lives: ``return.csv.json``."""
    return path.with_name(path.name + ".json")


# ---------------------------------------------------------------------------------------
# The CLAS-compatible layout

#: The layouts a return is written in: the format's own, or the CLAS-compatible one.
PERMANENCE_LAYOUT: Final = "permanence"
CLAS_LAYOUT: Final = "clas"
LAYOUTS: Final = (PERMANENCE_LAYOUT, CLAS_LAYOUT)
CLAS_DATE_FORMAT: Final = "%d/%m/%Y"

#: The columns the CLAS return itself holds, under the CLAS profile's headings
#: (ingest/profiles/clas.toml); every other column keeps its name in capitals.
_CLAS_NAMED: Final = {
    "child_id": "CHILD_ID",
    "period_start": "EPISODE_START_DATE",
    "period_end": "EPISODE_END_DATE",
    "destination": "DESTINATION",
}


def clas_headings() -> dict[str, str]:
    """Each column's heading in the CLAS-compatible layout."""
    return {name: _CLAS_NAMED.get(name, name.upper()) for name in COLUMN_NAMES}


def clas_destination_codes() -> dict[str, str]:
    """Canonical destination -> the CLAS code the shipped ``clas`` profile reads as it."""
    text = (resources.files("permanence.ingest") / "profiles" / "clas.toml").read_text("utf-8")
    mapping = tomllib.loads(text)["tables"]["care_periods"]["codes"]["destination"]
    backwards: dict[str, str] = {}
    for source, canonical in mapping.items():
        backwards.setdefault(canonical, source)
    return backwards


def to_clas_layout(rows: pl.DataFrame) -> pl.DataFrame:
    """The return's rows in the CLAS-compatible layout: CLAS's headings for the items CLAS
    holds (child, episode start and end, destination, with CLAS's destination codes) and
    the others in capitals, dates as day/month/year as in a CLAS return."""
    codes = clas_destination_codes()
    laid = rows.with_columns(
        *[pl.col(c).dt.strftime(CLAS_DATE_FORMAT) for c in DATE_COLUMNS],
        pl.col("destination").replace_strict(codes, default=None, return_dtype=pl.String),
    )
    return laid.rename(clas_headings())


def from_clas_layout(laid: pl.DataFrame) -> pl.DataFrame:
    """A return read in the CLAS-compatible layout (every value as text), back in the
    format's own columns, codes and types."""
    names = {heading: name for name, heading in clas_headings().items()}
    codes = {clas: canonical for canonical, clas in clas_destination_codes().items()}
    rows = laid.rename({h: names[h] for h in laid.columns if h in names})
    schema = {column.name: column.dtype for column in RETURN_COLUMNS}
    return rows.with_columns(
        *[
            pl.col(c).str.to_date(CLAS_DATE_FORMAT, strict=False)
            for c in DATE_COLUMNS
            if c in rows.columns
        ],
        *[
            pl.col(c.name).cast(c.dtype)
            for c in RETURN_COLUMNS
            if c.name in rows.columns and c.dtype not in (pl.Date(), pl.String())
        ],
        *(
            [pl.col("destination").replace_strict(codes, default=None, return_dtype=pl.String)]
            if "destination" in rows.columns
            else []
        ),
    ).select([pl.col(name).cast(schema.get(name, pl.String())) for name in rows.columns])


def write_return(
    milestone_return: MilestoneReturn,
    path: Path,
    *,
    problems: Sequence[ReturnProblem] = (),
    created: datetime | None = None,
    layout: str = PERMANENCE_LAYOUT,
) -> tuple[Path, Path]:
    """Write the CSV and its JSON sidecar; returns both paths.

    The sidecar records the return's description, the layout it was written in, the
    checksum of the CSV (so a collection can tell the two belong together), and any
    queries found. ``layout`` is ``permanence`` (the format's own) or ``clas``.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"a return's layout is one of {', '.join(LAYOUTS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if layout == CLAS_LAYOUT:
        to_clas_layout(milestone_return.rows).write_csv(path)
    else:
        milestone_return.rows.write_csv(path, date_format="%Y-%m-%d")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    described_layout: dict[str, Any] = {"name": layout}
    if layout == CLAS_LAYOUT:
        described_layout.update(
            {
                "headings": clas_headings(),
                "dates": "DD/MM/YYYY",
                "codes": {"destination": clas_destination_codes()},
            }
        )
    metadata = {
        **milestone_return.metadata(),
        "layout": described_layout,
        "created": (created or datetime.now(timezone.utc)).isoformat(timespec="seconds"),  # noqa: UP017
        "file": path.name,
        "sha256": digest,
        "queries": [problem.as_dict() for problem in problems],
    }
    sidecar = sidecar_path(path)
    sidecar.write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path, sidecar


def read_return(path: Path) -> tuple[pl.DataFrame, dict[str, Any]]:
    """A return file and its sidecar, read back with the format's column types (from
    either layout: the sidecar says which)."""
    metadata: dict[str, Any] = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    header = pl.read_csv(path, n_rows=0, infer_schema=False).columns
    if metadata.get("layout", {}).get("name") == CLAS_LAYOUT:
        laid = pl.read_csv(path, schema=dict.fromkeys(header, pl.String()))
        return from_clas_layout(laid), metadata
    schema = {column.name: column.dtype for column in RETURN_COLUMNS}
    rows = pl.read_csv(
        path, schema={name: schema.get(name, pl.String()) for name in header}, try_parse_dates=False
    )
    return rows, metadata
