"""The process map: the local journey as a flowchart, drawn from the records.

Every accommodated care period is, on any date, in exactly one **place** of the map: a
**step** of the journey (the latest milestone it has reached, in the journey's order,
waiting for the next) or an **outcome** (where its journey ended). The steps, in order:

    accommodated → 72-hour planning meeting → first Looked After Child review →
    permanence recommendation → permanence panel → agency decision → application lodged
    → plan reversed (a route back) → returned home

and the outcomes: returned home (the Children's Hearing ended the supervision order, or
the child left care home), kinship care order, permanence order, permanence order with
authority to adopt, adoption, left care (any other destination). A child reaches an
outcome on the first of the court's order, the supervision order ended, and the end of
the care period. docs/process-map.md gives the rules and a worked example.

A child's **path** is the steps they stood in, in order: a step is on the path when its
milestone was reached on or before every later step's milestone and the outcome
(milestones dated before accommodation count as on that day). The days in a step run
from its milestone to the next step's (or the outcome); so a child's days add up to the
days from accommodation to the outcome (or to the measuring date while they wait).
The **routes back** are counted beside the map: plans reversed (``reversal_count``) and
returns home that broke down (``home_returns_count`` less the return that still stands).

Polars expressions throughout: no loop over children.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import polars as pl

from permanence.analysis.periods import frame_as_of

ENGINE: Final = "in-memory"


@dataclass(frozen=True, slots=True)
class Step:
    """A place in the journey where a child waits, entered at the milestone in ``column``."""

    key: str
    column: str
    label: str
    waiting_for: str
    branch: str  # "main", "away", "home" or "back"


STEPS: Final[tuple[Step, ...]] = (
    Step("accommodated", "accommodated_date", "Accommodated", "a 72-hour planning meeting", "main"),
    Step(
        "planning_72h",
        "planning_72h_date",
        "72-hour planning meeting held",
        "the first Looked After Child review",
        "main",
    ),
    Step(
        "first_review",
        "first_review_date",
        "First Looked After Child review held",
        "a permanence recommendation",
        "main",
    ),
    Step(
        "recommendation",
        "recommendation_date",
        "Permanence recommendation made",
        "a permanence panel, or a return home",
        "main",
    ),
    Step(
        "panel",
        "permanence_panel_date",
        "Permanence panel held",
        "the agency decision maker's decision",
        "away",
    ),
    Step(
        "agency_decision",
        "agency_decision_date",
        "Plan agreed by the agency decision maker",
        "an application lodged in court",
        "away",
    ),
    Step("lodged", "lodged_date", "Application lodged in court", "the court's order", "away"),
    Step(
        "plan_reversed",
        "decision_away_reversed_date",
        "Plan for permanence away from home reversed",
        "a new plan",
        "back",
    ),
    Step(
        "returned_home",
        "returned_home_date",
        "Returned home to parents",
        "the Children's Hearing to end the supervision order",
        "home",
    ),
)

STEP_KEYS: Final = tuple(step.key for step in STEPS)


@dataclass(frozen=True, slots=True)
class Outcome:
    key: str
    label: str


OUTCOMES: Final[tuple[Outcome, ...]] = (
    Outcome("return_home", "Returned home"),
    Outcome("kinship_order", "Kinship care order"),
    Outcome("po", "Permanence order"),
    Outcome("poa", "Permanence order with authority to adopt"),
    Outcome("adoption", "Adopted"),
    Outcome("left_care", "Left care (another destination)"),
)

OUTCOME_KEYS: Final = tuple(outcome.key for outcome in OUTCOMES)
PLACE_KEYS: Final = STEP_KEYS + OUTCOME_KEYS
#: Each place's code in ``next_<step>`` columns: its index in PLACE_KEYS.
PLACE_CODES: Final[dict[str, int]] = {key: code for code, key in enumerate(PLACE_KEYS)}
CODE: Final = pl.UInt8
#: Outcomes and places as columns: enumerations, so a million of them are small codes,
#: compared with their keys as text (``pl.col("outcome") == "po"``) all the same.
OUTCOME_ENUM: Final = pl.Enum(list(OUTCOME_KEYS))
PLACE_ENUM: Final = pl.Enum(list(PLACE_KEYS))
PLACE_LABELS: Final[dict[str, str]] = {
    **{step.key: step.label for step in STEPS},
    **{outcome.key: outcome.label for outcome in OUTCOMES},
}

#: The frame columns the map reads.
NEEDED: Final = (
    "authority",
    "child_ref",
    "period_number",
    *(step.column for step in STEPS),
    "court_order_date",
    "court_order_type",
    "supervision_ended_date",
    "period_end",
    "destination",
    "reversal_count",
    "home_returns_count",
)

_COURT_OUTCOMES: Final = {"po", "poa", "adoption", "kinship_order"}
_DESTINATION_OUTCOMES: Final = {
    "home": "return_home",
    "kinship_order": "kinship_order",
    "adoption": "adoption",
}


def _entered(step: Step) -> str:
    return f"_at_{step.key}"


def _leave(step: Step) -> str:
    return f"_leave_{step.key}"


def _on_day(column: str, as_of: date) -> pl.Expr:
    """A milestone's date as the map counts it: blank when after ``as_of``, and the day
    of accommodation when dated before it."""
    value = pl.col(column)
    start = pl.col("accommodated_date")
    return (
        pl.when(value.is_null() | (value > as_of))
        .then(None)
        .when(value < start)
        .then(start)
        .otherwise(value)
    )


def _code(key: str) -> pl.Expr:
    return pl.lit(OUTCOME_KEYS.index(key), CODE)


def _outcome_code() -> pl.Expr:
    """The outcome as its index in OUTCOME_KEYS (blank while the journey goes on), from
    ``_court``, ``_hearing``, ``_ended`` and ``outcome_date``: comparisons with each code's
    words, never a lookup of text row by row."""
    court, hearing, first = pl.col("_court"), pl.col("_hearing"), pl.col("outcome_date")
    court_kind, destination = pl.col("court_order_type"), pl.col("destination")
    by_court = _code("left_care")
    for kind in sorted(_COURT_OUTCOMES):
        by_court = pl.when(court_kind == kind).then(_code(kind)).otherwise(by_court)
    by_destination = _code("left_care")
    for where, kind in _DESTINATION_OUTCOMES.items():
        by_destination = pl.when(destination == where).then(_code(kind)).otherwise(by_destination)
    return (
        pl.when(first.is_null())
        .then(None)
        .when(court == first)
        .then(by_court)
        .when(hearing == first)
        .then(_code("return_home"))
        .otherwise(by_destination)
    )


def with_outcome(lazy: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """``lazy`` with ``outcome_date`` and ``outcome`` (an ``OUTCOME_ENUM``): where and when
    the journey ended, by ``as_of`` (blank while it goes on)."""
    court, hearing, ended = pl.col("_court"), pl.col("_hearing"), pl.col("_ended")
    outcomes = pl.lit(pl.Series(list(OUTCOME_KEYS), dtype=OUTCOME_ENUM))
    return (
        lazy.with_columns(
            _on_day("court_order_date", as_of).alias("_court"),
            _on_day("supervision_ended_date", as_of).alias("_hearing"),
            _on_day("period_end", as_of).alias("_ended"),
        )
        .with_columns(pl.min_horizontal(court, hearing, ended).alias("outcome_date"))
        .with_columns(outcomes.gather(_outcome_code()).alias("outcome"))
        .drop("_court", "_hearing", "_ended")
    )


def map_children(frame: pl.DataFrame, *, as_of: date | None = None) -> pl.DataFrame:
    """One row per care period accommodated by ``as_of``: each step's entry date (blank
    when off the child's path), days there, the next place, and where the child is now.

    Columns: ``authority``, ``child_ref``, ``period_number``, ``accommodated_date``;
    per step ``entered_<step>`` (date), ``days_<step>`` (days there, to the next place or,
    while waiting, to ``as_of``), ``next_<step>`` (the next place's code, its index in
    ``PLACE_KEYS``; blank while there);
    ``outcome`` and ``outcome_date``; ``place`` (where the child is at ``as_of``);
    ``reversals`` and ``broken_down_returns`` (the routes back).
    """
    when = frame_as_of(frame, as_of)
    return _map_children(frame.lazy(), when).collect(engine=ENGINE)


def _map_children(frame: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    start = pl.col("accommodated_date")
    lazy = frame.select(NEEDED).filter(start.is_not_null() & (start <= as_of))
    lazy = with_outcome(
        lazy.with_columns(*[_on_day(step.column, as_of).alias(_entered(step)) for step in STEPS]),
        as_of,
    )
    # When the child left each step: the earliest later milestone or the outcome, worked
    # out from the last step back (each from the one after it), once per step.
    leaving: list[pl.Expr] = []
    after = pl.col("outcome_date")
    for index in range(len(STEPS) - 1, -1, -1):
        leaving.append(after.alias(_leave(STEPS[index])))
        after = pl.min_horizontal(pl.col(_entered(STEPS[index])), pl.col(_leave(STEPS[index])))
    lazy = lazy.with_columns(
        leaving[0],
        (pl.col("outcome").to_physical().cast(CODE) + len(STEPS)).alias("_outcome_code"),
    )
    for expression in leaving[1:]:
        lazy = lazy.with_columns(expression)
    expressions: list[pl.Expr] = []
    for index, step in enumerate(STEPS):
        leave = pl.col(_leave(step))
        here = pl.col(_entered(step))
        on_path = here.is_not_null() & (leave.is_null() | (here <= leave))
        # The next place as a small code (its index in PLACE_KEYS): far cheaper than text
        # over a million rows.
        following = [
            pl.when(pl.col(_entered(other)) == leave).then(pl.lit(PLACE_CODES[other.key], CODE))
            for other in STEPS[index + 1 :]
        ]
        outcome_code = pl.col("_outcome_code")
        next_place = pl.coalesce(*following, outcome_code) if following else outcome_code
        expressions += [
            pl.when(on_path).then(here).alias(f"entered_{step.key}"),
            pl.when(on_path)
            .then((leave.fill_null(pl.lit(as_of)) - here).dt.total_days())
            .cast(pl.Int32)
            .alias(f"days_{step.key}"),
            pl.when(on_path & leave.is_not_null()).then(next_place).alias(f"next_{step.key}"),
        ]
    place_now = pl.coalesce(
        pl.col("_outcome_code"),
        *[
            pl.when(pl.col(_entered(step)).is_not_null()).then(pl.lit(PLACE_CODES[step.key], CODE))
            for step in reversed(STEPS)
        ],
    )
    returns = pl.col("home_returns_count").fill_null(0)
    still_home = pl.col("returned_home_date").is_not_null().cast(pl.Int64)
    return lazy.with_columns(
        *expressions,
        pl.lit(pl.Series(list(PLACE_KEYS), dtype=PLACE_ENUM)).gather(place_now).alias("place"),
        pl.col("reversal_count").fill_null(0).alias("reversals"),
        (returns - still_home).clip(lower_bound=0).alias("broken_down_returns"),
    ).select(
        "authority",
        "child_ref",
        "period_number",
        "accommodated_date",
        *[f"{prefix}_{step.key}" for step in STEPS for prefix in ("entered", "days", "next")],
        "outcome",
        "outcome_date",
        "place",
        "reversals",
        "broken_down_returns",
    )


def places_on(frame: pl.DataFrame, on: date) -> pl.DataFrame:
    """Where each care period accommodated by ``on`` was on that date, from the frame's
    columns (``on`` no later than the frame's ``as_of``): ``child_ref``,
    ``period_number`` and ``place`` (a step or outcome key). The map read on one date;
    for a date long past, build the frame as of that date to see plans as they stood."""
    as_of = frame_as_of(frame)
    if on > as_of:
        raise ValueError("the frame knows nothing after its as_of date")
    children = _map_children(frame.lazy(), on).collect(engine=ENGINE)
    return children.select("authority", "child_ref", "period_number", "place")


# ---------------------------------------------------------------------------------------
# The map's figures


@dataclass(frozen=True, slots=True)
class StepFigures:
    key: str
    label: str
    waiting_for: str
    branch: str
    entered: int  # children whose path went through the step
    moved_on: int  # of them, children who have left it
    median_days: float | None  # of the children who moved on
    p90_days: float | None
    waiting_now: int
    waiting_median_days: float | None
    waiting_longest_days: int | None
    days_total: int  # all days spent there, those waiting now included
    share: float  # of all days waited, 0 to 1
    rank: int  # 1 for the largest share
    most_waiting: bool  # one of the steps where most waiting happens


@dataclass(frozen=True, slots=True)
class OutcomeFigures:
    key: str
    label: str
    children: int
    median_days: float | None  # from accommodation to the outcome


@dataclass(frozen=True, slots=True)
class Flow:
    source: str
    target: str
    children: int


@dataclass(frozen=True, slots=True)
class RoutesBack:
    reversed_children: int
    reversals: int
    broken_down_children: int
    broken_down_returns: int


@dataclass(frozen=True, slots=True)
class ProcessMapFigures:
    as_of: date
    children: int
    steps: tuple[StepFigures, ...]
    outcomes: tuple[OutcomeFigures, ...]
    flows: tuple[Flow, ...]
    routes_back: RoutesBack

    def step(self, key: str) -> StepFigures:
        return next(step for step in self.steps if step.key == key)

    def outcome(self, key: str) -> OutcomeFigures:
        return next(outcome for outcome in self.outcomes if outcome.key == key)

    @property
    def waiting_now(self) -> int:
        return sum(step.waiting_now for step in self.steps)

    @property
    def ranked(self) -> tuple[StepFigures, ...]:
        return tuple(sorted(self.steps, key=lambda step: step.rank))


#: The steps where most waiting happens: the fewest, in rank order, holding at least this
#: share of all the days waited, and never more than ``MOST_WAITING_AT_MOST``.
MOST_WAITING_SHARE: Final = 0.5
MOST_WAITING_AT_MOST: Final = 3


def process_map(frame: pl.DataFrame, *, as_of: date | None = None) -> ProcessMapFigures:
    """The process map's figures over every accommodated care period in ``frame``."""
    when = frame_as_of(frame, as_of)
    return map_figures(map_children(frame, as_of=when), when)


def map_figures(children: pl.DataFrame, as_of: date) -> ProcessMapFigures:
    """The figures of ``map_children``'s rows: one select for the steps, one group for
    the flows."""
    stats: list[pl.Expr] = [pl.len().alias("children")]
    for step in STEPS:
        days = pl.col(f"days_{step.key}")
        entered = pl.col(f"entered_{step.key}").is_not_null()
        moved = pl.col(f"next_{step.key}").is_not_null()
        waiting = entered & ~moved
        stats += [
            entered.sum().alias(f"{step.key}:entered"),
            moved.sum().alias(f"{step.key}:moved_on"),
            days.filter(moved).median().alias(f"{step.key}:median"),
            days.filter(moved).quantile(0.9, interpolation="linear").alias(f"{step.key}:p90"),
            waiting.sum().alias(f"{step.key}:waiting"),
            days.filter(waiting).median().alias(f"{step.key}:waiting_median"),
            days.filter(waiting).max().alias(f"{step.key}:waiting_longest"),
            days.sum().alias(f"{step.key}:days"),
        ]
    outcome_days = (pl.col("outcome_date") - pl.col("accommodated_date")).dt.total_days()
    for outcome in OUTCOMES:
        reached = pl.col("outcome") == outcome.key
        stats += [
            reached.sum().alias(f"{outcome.key}:children"),
            outcome_days.filter(reached).median().alias(f"{outcome.key}:median"),
        ]
    stats += [
        (pl.col("reversals") > 0).sum().alias("reversed_children"),
        pl.col("reversals").sum().alias("reversals"),
        (pl.col("broken_down_returns") > 0).sum().alias("broken_children"),
        pl.col("broken_down_returns").sum().alias("broken_returns"),
    ]
    row = children.select(stats).row(0, named=True)
    flows = _flows(children)
    return _assemble(row, flows, as_of)


def _flows(children: pl.DataFrame) -> tuple[Flow, ...]:
    found: list[Flow] = []
    for step in STEPS:
        counted = children.get_column(f"next_{step.key}").drop_nulls().value_counts(name="n").rows()
        found += [Flow(step.key, PLACE_KEYS[code], int(n)) for code, n in counted]
    return tuple(
        sorted(found, key=lambda flow: (PLACE_CODES[flow.source], PLACE_CODES[flow.target]))
    )


def _number(value: object) -> int:
    return int(value) if isinstance(value, int | float) else 0


def _maybe(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _assemble(row: dict[str, object], flows: tuple[Flow, ...], as_of: date) -> ProcessMapFigures:
    totals = {step.key: _number(row[f"{step.key}:days"]) for step in STEPS}
    everything = sum(totals.values())
    ranked = sorted(STEP_KEYS, key=lambda key: (-totals[key], STEP_KEYS.index(key)))
    rank = {key: index for index, key in enumerate(ranked, start=1)}
    most: set[str] = set()
    held = 0
    for key in ranked[:MOST_WAITING_AT_MOST]:
        if everything == 0 or totals[key] == 0 or held >= MOST_WAITING_SHARE * everything:
            break
        most.add(key)
        held += totals[key]
    steps = tuple(
        StepFigures(
            key=step.key,
            label=step.label,
            waiting_for=step.waiting_for,
            branch=step.branch,
            entered=_number(row[f"{step.key}:entered"]),
            moved_on=_number(row[f"{step.key}:moved_on"]),
            median_days=_maybe(row[f"{step.key}:median"]),
            p90_days=_maybe(row[f"{step.key}:p90"]),
            waiting_now=_number(row[f"{step.key}:waiting"]),
            waiting_median_days=_maybe(row[f"{step.key}:waiting_median"]),
            waiting_longest_days=(
                None
                if row[f"{step.key}:waiting_longest"] is None
                else _number(row[f"{step.key}:waiting_longest"])
            ),
            days_total=totals[step.key],
            share=totals[step.key] / everything if everything else 0.0,
            rank=rank[step.key],
            most_waiting=step.key in most,
        )
        for step in STEPS
    )
    outcomes = tuple(
        OutcomeFigures(
            key=outcome.key,
            label=outcome.label,
            children=_number(row[f"{outcome.key}:children"]),
            median_days=_maybe(row[f"{outcome.key}:median"]),
        )
        for outcome in OUTCOMES
    )
    return ProcessMapFigures(
        as_of=as_of,
        children=_number(row["children"]),
        steps=steps,
        outcomes=outcomes,
        flows=flows,
        routes_back=RoutesBack(
            reversed_children=_number(row["reversed_children"]),
            reversals=_number(row["reversals"]),
            broken_down_children=_number(row["broken_children"]),
            broken_down_returns=_number(row["broken_returns"]),
        ),
    )
