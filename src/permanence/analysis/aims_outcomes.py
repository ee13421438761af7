"""How each child stands against an aim, and the figures per entry period.

Every child counted by an aim gets exactly one outcome (docs/aims.md has the full rules
and worked examples):

- **met**: the end milestone fell on or before the start plus the target;
- **not met**: the end milestone fell later; or it has not happened and ``as_of`` is past
  the target (the child is still waiting, already over the target); or the child left care
  (or the clock otherwise stopped) after the target had passed, without the end milestone:
  by then the child had already waited longer than the aim allows;
- **pending**: still waiting, and ``as_of`` is on or before the last day of the target;
- **stopped**: left care (or the clock otherwise stopped) on or before the last day of the
  target without the end milestone. Nobody can say whether the aim would have been met, so
  these children are reported on their own and left out of the percentage.

Aim 1 (a ``REVIEWED_AFTER`` aim) counts the orders at home that reached their two-year
point by ``as_of`` while still in force: met once a Children's Hearing reviewed the order
on or after that point (or the order or the care period ended after it), pending on the
day itself, not met from the day after until then.

Which decision each clock follows when a child's plan changes (a return home that breaks
down, a plan reversed and made again, a plan agreed at a second agency decision) is the
journeys frame's rule (docs/frame.md); this module reads the columns it names.

So met + not met + pending + stopped = counted, and the percentage met is
met / (met + not met): among the children whose outcome is known.

Children are counted in the entry period (month, quarter or year) in which their clock
started. Everything is polars expressions over the journeys frame: no loop over children.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import polars as pl

from permanence.analysis.aims import (
    COURT_APPLICATION_COLUMN,
    HEARINGS_COLUMN,
    NATIONAL_AIMS,
    AimDefinition,
    AimKind,
)
from permanence.analysis.periods import (
    Granularity,
    frame_as_of,
    period_code,
    period_label,
    period_start,
)
from permanence.journey.frame import age_band, lodged_column, whole_years_between
from permanence.journey.vocabulary import Coded


class Outcome(Coded):
    """A child's standing against an aim at ``as_of``."""

    MET = "met", "Met the aim"
    NOT_MET = "not_met", "Did not meet the aim"
    PENDING = "pending", "Still waiting, within the target"
    STOPPED = "stopped", "Left care, went home or the plan was reversed, within the target"


class StopReason(Coded):
    """Why a clock stopped without its end milestone: the competing events."""

    LEFT_CARE = "left_care", "Left care"
    RETURNED_HOME = "returned_home", "Went home to their parents"
    REVERSED = "reversed", "Plan reversed"


# Clocks that start at a decision stop when that decision is reversed: no application is
# lodged for a plan that has been overturned. The frame names the reversal that ended the
# plan each decision belongs to; for other decisions, the first reversal on or after the
# clock started stops it. Aim 2's clock (from accommodation) is not stopped by a reversal.
_PLAN_REVERSAL = {
    "decision_away_date": "decision_away_reversed_date",
    "agency_decision_date": "decision_away_reversed_date",
    "plan_agreed_date": "plan_agreed_reversed_date",
}
_DECISION_STARTS = frozenset({"recommendation_date", "permanence_panel_date", *_PLAN_REVERSAL})

# Clocks that start when a child is accommodated stop when the child goes home to their
# parents (and stays there) before the end milestone: the child is no longer waiting
# away from home. A return home that breaks down leaves the clock running from the first
# day accommodated.
_ACCOMMODATION_STARTS = frozenset({"accommodated_date"})

# Polars' default streaming engine pays off on data too large for memory; these are small
# plans over a frame already in memory, where the in-memory engine is several times faster
# (measured: 2 ms against 28 ms for the stage figures of 5,000 care periods).
ENGINE: Final = "in-memory"

# Children with the same value (the same decision date, the same weeks waited) are put in
# this order, so a chart and the pack numbering its bars never depend on a sort's whim.
CHILD_TIE_BREAK: Final = ("start_date", "authority", "child_ref", "period_number")

CHILD_COLUMNS: tuple[str, ...] = (
    "authority",
    "child_ref",
    "period_number",
    "team",
    "current_placement_type",
    "current_care_setting",
    "start_date",
    "deadline",
    "end_date",
    "stopped_date",
    "stopped_by",
    "entry_period",
    "days_waited",
    "weeks_waited",
    "days_past_deadline",
    "outcome",
    "still_waiting",
    "over_target",
    "left_without_end",
    "end_before_start",
)
"""The per-child table: one row per care period counted by the aim, in the frame's order
(authority, child reference, period start).

``start_date`` the clock's start; ``deadline`` the last day that meets the aim (for Aim 1,
the two-year point from which a Hearing's review counts); ``end_date`` the end milestone
(blank while waiting); ``stopped_date`` the day the clock stopped without it (care period
ended, the child went home, or the decision was reversed) and ``stopped_by`` which (a
``StopReason`` code); ``entry_period`` the first day of the period the clock started in;
``days_waited`` from the start to the end milestone, to the stop, or to ``as_of`` while
waiting (``weeks_waited`` the same in weeks); ``days_past_deadline`` the same end point less
the deadline (negative while inside the target); ``still_waiting``, ``over_target`` (still
waiting and past the deadline), ``left_without_end``, ``end_before_start`` (a record to
check: the end milestone is dated before the clock started)."""


def aim_children(
    frame: pl.DataFrame,
    aim: AimDefinition,
    *,
    granularity: Granularity = Granularity.YEAR,
    as_of: date | None = None,
) -> pl.DataFrame:
    """One row per care period the aim counts, with its outcome (see ``CHILD_COLUMNS``).

    The run chart reads the rows with an ``end_date``; the still-waiting chart reads the
    rows that are ``still_waiting``, with ``weeks_waited`` and ``current_care_setting``.
    """
    when = frame_as_of(frame, as_of)
    return _children(frame.lazy(), aim, when, Granularity(granularity)).collect(engine=ENGINE)


def _children(
    frame: pl.LazyFrame, aim: AimDefinition, as_of: date, granularity: Granularity
) -> pl.LazyFrame:
    start = pl.col(aim.start_column)
    counted = frame.select(_input_columns(aim)).filter(
        start.is_not_null() & (start <= as_of) & _population(aim)
    )
    counted = counted.with_columns(start.alias("start_date"), aim.deadline(start).alias("deadline"))
    if aim.kind is AimKind.REVIEWED_AFTER:
        clocked = _reviewed_after_clock(counted, as_of).with_columns(
            pl.lit(None, dtype=pl.String).alias("stopped_by")
        )
    else:
        clocked = counted.with_columns(
            _end(aim).alias("end_date"), _stop(aim).alias("stopped_date")
        ).with_columns(_stopped_by().alias("stopped_by"))
    return (
        _classify(clocked, aim, as_of)
        .with_columns(period_start(pl.col("start_date"), granularity).alias("entry_period"))
        .select(CHILD_COLUMNS)
    )


def _input_columns(aim: AimDefinition) -> list[str]:
    """The frame columns an aim reads: selecting them first keeps large frames fast."""
    wanted = [
        *_CARRIED_COLUMNS,
        "period_end",
        "reversed_date",
        "home_cso_end",
        "date_of_birth",
        "recommendation_route",
        "agency_decision_outcome",
        "returned_home_date",
        "plan_route",
        aim.start_column,
        aim.end_column,
    ]
    if aim.start_column in _PLAN_REVERSAL:
        wanted.append(_PLAN_REVERSAL[aim.start_column])
    wanted.extend(lodged_column(route) for route in sorted(aim.court_routes))
    return list(dict.fromkeys(wanted))


_CARRIED_COLUMNS = (
    "authority",
    "child_ref",
    "period_number",
    "team",
    "current_placement_type",
    "current_care_setting",
)


def _population(aim: AimDefinition) -> pl.Expr:
    """The aim's filters; true for everyone when it has none."""
    conditions = [pl.lit(value=True)]
    if aim.age_bands:
        age = whole_years_between(pl.col("date_of_birth"), pl.col(aim.start_column))
        conditions.append(age_band(age).is_in(sorted(aim.age_bands)))
    for column, values in (
        ("current_placement_type", aim.placement_types),
        ("team", aim.teams),
        ("recommendation_route", aim.routes),
        ("agency_decision_outcome", aim.agency_decision_outcomes),
    ):
        if values:
            conditions.append(pl.col(column).is_in(sorted(values)).fill_null(value=False))
    if aim.court_routes and aim.start_column == "plan_agreed_date":
        # A plan agreed for a route the aim does not follow is not counted; one whose
        # route is not recorded is, so that a gap in the record never hides a child.
        route = pl.col("plan_route")
        conditions.append(route.is_null() | route.is_in(sorted(aim.court_routes)))
    return pl.all_horizontal(conditions)


def _end(aim: AimDefinition) -> pl.Expr:
    """The end milestone: for an aim with court routes, the first application for one of
    their orders (a route's code is its order's code)."""
    if aim.court_routes and aim.end_column == COURT_APPLICATION_COLUMN:
        return pl.min_horizontal(*(lodged_column(route) for route in sorted(aim.court_routes)))
    return pl.col(aim.end_column)


def stops_on_reversal(aim: AimDefinition) -> bool:
    """Whether a reversed decision stops the aim's clock (it starts at a decision)."""
    return aim.kind is AimKind.WITHIN and aim.start_column in _DECISION_STARTS


def stops_on_return_home(aim: AimDefinition) -> bool:
    """Whether a return home (that has not broken down) stops the aim's clock."""
    return aim.kind is AimKind.WITHIN and aim.start_column in _ACCOMMODATION_STARTS


def _stop(aim: AimDefinition) -> pl.Expr:
    """The day the clock stopped without its end milestone, if it did: the care period
    ended, the child went home, or the decision the clock started at was reversed."""
    start = pl.col(aim.start_column)
    if stops_on_return_home(aim):
        home = pl.col("returned_home_date")
        return pl.min_horizontal(pl.col("period_end"), pl.when(home >= start).then(home))
    if not stops_on_reversal(aim):
        return pl.col("period_end")
    if aim.start_column in _PLAN_REVERSAL:
        reversal = pl.col(_PLAN_REVERSAL[aim.start_column])
    else:
        reversal = pl.when(pl.col("reversed_date") >= start).then(pl.col("reversed_date"))
    return pl.min_horizontal(pl.col("period_end"), reversal)


def _stopped_by() -> pl.Expr:
    """Which competing event stopped the clock (leaving care first on a shared day)."""
    stopped_on = pl.col("stopped_date")
    return (
        pl.when(stopped_on.is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(stopped_on == pl.col("period_end"))
        .then(pl.lit(StopReason.LEFT_CARE.value))
        .when(stopped_on == pl.col("returned_home_date"))
        .then(pl.lit(StopReason.RETURNED_HOME.value))
        .otherwise(pl.lit(StopReason.REVERSED.value))
    )


def _reviewed_after_clock(counted: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Aim 1: orders at home that reached the two-year point (the ``deadline``) while in
    force, ending at the first Children's Hearing held on or after that point, or at the
    order's or the care period's end after it, whichever came first."""
    point = pl.col("deadline")
    in_force_at_point = (pl.col("home_cso_end").is_null() | (pl.col("home_cso_end") > point)) & (
        pl.col("period_end").is_null() | (pl.col("period_end") > point)
    )
    # list.eval cannot see other columns, so each hearing becomes its day count from the
    # two-year point (list minus the row's own number); the smallest count that is not
    # negative is the first hearing on or after the point.
    days_after_point = pl.col(HEARINGS_COLUMN).list.eval(pl.element().cast(pl.Int32)) - point.cast(
        pl.Int32
    )
    first_after_point = days_after_point.list.eval(
        pl.element().filter(pl.element() >= 0).min()
    ).list.first()
    hearing = point + pl.duration(days=first_after_point)
    reviewed = pl.min_horizontal(hearing, pl.col("home_cso_end"), pl.col("period_end"))
    return counted.filter(in_force_at_point & (point <= as_of)).with_columns(
        reviewed.alias("end_date"), pl.lit(None, dtype=pl.Date).alias("stopped_date")
    )


def _classify(clocked: pl.LazyFrame, aim: AimDefinition, as_of: date) -> pl.LazyFrame:
    end, stopped_on, deadline = pl.col("end_date"), pl.col("stopped_date"), pl.col("deadline")
    reached = end.is_not_null()
    stopped = ~reached & stopped_on.is_not_null()
    waiting = ~reached & ~stopped
    met = reached if aim.kind is AimKind.REVIEWED_AFTER else reached & (end <= deadline)
    over_target = waiting & (pl.lit(as_of) > deadline)
    not_met = (reached & ~met) | (stopped & (stopped_on > deadline)) | over_target
    outcome = (
        pl.when(met)
        .then(pl.lit(Outcome.MET.value))
        .when(not_met)
        .then(pl.lit(Outcome.NOT_MET.value))
        .when(waiting)
        .then(pl.lit(Outcome.PENDING.value))
        .otherwise(pl.lit(Outcome.STOPPED.value))
    )
    finish = pl.coalesce(end, stopped_on, pl.lit(as_of))
    days = (finish - pl.col("start_date")).dt.total_days().cast(pl.Int32)
    return clocked.with_columns(
        days.alias("days_waited"),
        (days / 7).alias("weeks_waited"),
        (finish - deadline).dt.total_days().cast(pl.Int32).alias("days_past_deadline"),
        outcome.alias("outcome"),
        waiting.alias("still_waiting"),
        over_target.alias("over_target"),
        stopped.alias("left_without_end"),
        (reached & (end < pl.col("start_date"))).alias("end_before_start"),
    )


# ---------------------------------------------------------------------------------------
# Figures


@dataclass(frozen=True, slots=True)
class AimFigures:
    """The counts for one group of children (an entry period, all of them, or those
    counted toward the aim's percentage). ``not_met`` = ``reached_late`` +
    ``waiting_over_target`` + ``left_after_target``."""

    counted: int
    met: int
    not_met: int
    reached_late: int
    waiting_over_target: int
    left_after_target: int
    pending: int
    stopped: int
    end_before_start: int

    @property
    def known(self) -> int:
        """Children whose outcome is known: met or not met."""
        return self.met + self.not_met

    @property
    def still_waiting(self) -> int:
        """Pending, and still waiting past the target (who are also in ``not_met``)."""
        return self.pending + self.waiting_over_target

    @property
    def left_without_end(self) -> int:
        """Every child who left (or whose clock stopped) without the end milestone."""
        return self.stopped + self.left_after_target

    @property
    def percent_met(self) -> float | None:
        """met / (met + not met) × 100; blank when nobody's outcome is known."""
        return 100 * self.met / self.known if self.known else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "counted": self.counted,
            "met": self.met,
            "not_met": self.not_met,
            "reached_late": self.reached_late,
            "waiting_over_target": self.waiting_over_target,
            "left_after_target": self.left_after_target,
            "pending": self.pending,
            "stopped": self.stopped,
            "known": self.known,
            "still_waiting": self.still_waiting,
            "left_without_end": self.left_without_end,
            "percent_met": None if self.percent_met is None else round(self.percent_met, 1),
            "end_before_start": self.end_before_start,
        }

    @classmethod
    def total(cls, parts: Iterable[AimFigures]) -> AimFigures:
        """The figures of several groups of children added together."""
        sums = dict.fromkeys(_FIGURE_NAMES, 0)
        for part in parts:
            for name in _FIGURE_NAMES:
                sums[name] += getattr(part, name)
        return cls(**sums)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> AimFigures:
        return cls(**{name: int(row.get(name) or 0) for name in _FIGURE_NAMES})


_FIGURE_NAMES = (
    "counted",
    "met",
    "not_met",
    "reached_late",
    "waiting_over_target",
    "left_after_target",
    "pending",
    "stopped",
    "end_before_start",
)


def _figure_expressions() -> list[pl.Expr]:
    outcome = pl.col("outcome")
    not_met = outcome == Outcome.NOT_MET.value

    def count(condition: pl.Expr, name: str) -> pl.Expr:
        return condition.sum().cast(pl.Int64).alias(name)

    return [
        pl.len().cast(pl.Int64).alias("counted"),
        count(outcome == Outcome.MET.value, "met"),
        count(not_met, "not_met"),
        count(not_met & pl.col("end_date").is_not_null(), "reached_late"),
        count(pl.col("over_target"), "waiting_over_target"),
        count(not_met & pl.col("left_without_end"), "left_after_target"),
        count(outcome == Outcome.PENDING.value, "pending"),
        count(outcome == Outcome.STOPPED.value, "stopped"),
        count(pl.col("end_before_start"), "end_before_start"),
    ]


def period_figures(children: pl.DataFrame) -> pl.DataFrame:
    """The figures per entry period, one row each, in time order."""
    return children.group_by("entry_period").agg(_figure_expressions()).sort("entry_period")


def figures(children: pl.DataFrame) -> AimFigures:
    """The figures over all of ``children``."""
    return AimFigures.from_row(children.select(_figure_expressions()).row(0, named=True))


@dataclass(frozen=True, slots=True)
class AimPeriod:
    first_day: date
    code: str
    label: str
    figures: AimFigures

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.code,
            "label": self.label,
            "first_day": self.first_day,
            **self.figures.as_dict(),
        }


@dataclass(frozen=True, slots=True)
class AimProgress:
    """How far the aim has come toward its percentage, among the children whose clock
    started on or after its "from" date (everyone, when it has none)."""

    start_on_or_after: date | None
    by_date: date | None
    target_percent: int | None
    figures: AimFigures
    days_until_by: int | None

    @property
    def at_or_above_target(self) -> bool | None:
        """Blank when the aim sets no percentage or nobody's outcome is known yet."""
        percent = self.figures.percent_met
        if self.target_percent is None or percent is None:
            return None
        return percent >= self.target_percent

    def as_dict(self) -> dict[str, Any]:
        return {
            "start_on_or_after": self.start_on_or_after,
            "by_date": self.by_date,
            "target_percent": self.target_percent,
            "at_or_above_target": self.at_or_above_target,
            "days_until_by": self.days_until_by,
            "by_date_passed": None if self.days_until_by is None else self.days_until_by < 0,
            **self.figures.as_dict(),
        }


@dataclass(frozen=True, slots=True)
class AimResult:
    """An aim measured as of a date: overall, per entry period, progress, and per child."""

    aim: AimDefinition
    as_of: date
    granularity: Granularity
    overall: AimFigures
    periods: tuple[AimPeriod, ...]
    progress: AimProgress
    children: pl.DataFrame

    def as_dict(self) -> dict[str, Any]:
        """Every figure, as plain values for JSON (the per-child rows are left out)."""
        return {
            "aim": self.aim.as_dict(),
            "as_of": self.as_of,
            "period": self.granularity.value,
            "overall": self.overall.as_dict(),
            "periods": [period.as_dict() for period in self.periods],
            "progress": self.progress.as_dict(),
        }


def evaluate_aim(
    frame: pl.DataFrame,
    aim: AimDefinition,
    *,
    granularity: Granularity = Granularity.YEAR,
    as_of: date | None = None,
) -> AimResult:
    """Measure one aim over the journeys frame as of the frame's date."""
    when = frame_as_of(frame, as_of)
    granularity = Granularity(granularity)
    children = _children(frame.lazy(), aim, when, granularity).collect(engine=ENGINE)
    # One small table of counts per entry period, split by whether the clock started on or
    # after the aim's "from" date; the periods, the total and the progress are its sums.
    since = (
        pl.lit(value=True)
        if aim.start_on_or_after is None
        else pl.col("start_date") >= aim.start_on_or_after
    )
    counts = (
        children.group_by("entry_period", since.alias("_since"))
        .agg(_figure_expressions())
        .sort("entry_period")
        .rows(named=True)
    )
    by_period: dict[date, list[AimFigures]] = {}
    for row in counts:
        by_period.setdefault(row["entry_period"], []).append(AimFigures.from_row(row))
    periods = tuple(
        AimPeriod(
            first_day=first_day,
            code=period_code(first_day, granularity),
            label=period_label(first_day, granularity),
            figures=AimFigures.total(parts),
        )
        for first_day, parts in by_period.items()
    )
    progress = AimProgress(
        start_on_or_after=aim.start_on_or_after,
        by_date=aim.by_date,
        target_percent=aim.target_percent,
        figures=AimFigures.total(AimFigures.from_row(row) for row in counts if row["_since"]),
        days_until_by=None if aim.by_date is None else (aim.by_date - when).days,
    )
    return AimResult(
        aim=aim,
        as_of=when,
        granularity=granularity,
        overall=AimFigures.total(period.figures for period in periods),
        periods=periods,
        progress=progress,
        children=children,
    )


def evaluate_aims(
    frame: pl.DataFrame,
    aims: Iterable[AimDefinition] = NATIONAL_AIMS,
    *,
    granularity: Granularity = Granularity.YEAR,
    as_of: date | None = None,
) -> list[AimResult]:
    """Measure several aims (the four national aims unless told otherwise)."""
    return [evaluate_aim(frame, aim, granularity=granularity, as_of=as_of) for aim in aims]
