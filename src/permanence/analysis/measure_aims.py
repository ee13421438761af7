"""A local aim written on a percentage measure: "by March 2027, 90% of two-week planning
meetings will set every review date".

Where a clock aim (``analysis.aims``) follows each child from one milestone to another, a
measure aim reads a process measure month by month (the meeting measures of
``analysis.meeting_measures``, or the planning summary's): its target percentage, the
month it counts from and the date it is to be met by. Months with nobody counted are left
out, as the measures leave them out.

How it is judged (docs/meetings.md, "Local aims on the measures"):

* **counted**: the months from the month of the "from" date on, up to the measuring date;
* **latest**: the last of them;
* **at the target**: a month whose percentage is the target or more;
* **met** or **not met**, once the "by" date's month has ended: the last month counted
  up to and including it at the target or not (the aim is met if, by the date, the
  measure has reached the target); **not yet due** before then, saying where the latest
  month stands. With no month counted by the "by" date, it cannot be judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from permanence.analysis.periods import long_date


class MeasureAimState(Enum):
    NOT_YET_DUE = "not yet due"
    MET = "met"
    NOT_MET = "not met"
    NOT_JUDGED = "cannot be judged"


@dataclass(frozen=True, slots=True)
class MonthFigure:
    """One month of a percentage measure."""

    month: date
    numerator: int
    denominator: int

    @property
    def percentage(self) -> float:
        return 100 * self.numerator / self.denominator

    def words(self) -> str:
        return f"{self.numerator:,} of {self.denominator:,} ({round(self.percentage)}%)"


@dataclass(frozen=True, slots=True)
class MeasureAimProgress:
    """Where a measure aim stands on the measuring date."""

    target_percent: int
    counting_from: date
    by_date: date
    months: tuple[MonthFigure, ...]
    """The months counted (from the "from" month, someone counted in each)."""
    at_target: int
    """How many of them reached the target."""
    state: MeasureAimState
    judged_on: MonthFigure | None
    """The month the aim was judged on (the last counted by the "by" date), once due."""

    @property
    def latest(self) -> MonthFigure | None:
        return self.months[-1] if self.months else None

    def sentences(self) -> list[str]:
        """What the page says, in words."""
        if not self.months:
            return [f"Nobody is counted since {_month(self.counting_from)} yet."]
        latest = self.latest
        assert latest is not None
        said = [
            f"{_month(latest.month)}: {latest.words()}, against a target of "
            f"{self.target_percent}%.",
            f"{self.at_target} of the {_months(len(self.months))} since "
            f"{_month(self.counting_from)} reached the target.",
        ]
        if self.state is MeasureAimState.NOT_YET_DUE:
            said.append(f"The aim is to be met by {long_date(self.by_date)}.")
        elif self.state is MeasureAimState.NOT_JUDGED:
            said.append(
                f"No month from {_month(self.counting_from)} to {_month(self.by_date)} "
                "counted anybody, so the aim cannot be judged."
            )
        else:
            assert self.judged_on is not None
            result = "was met" if self.state is MeasureAimState.MET else "was not met"
            said.append(
                f"By {long_date(self.by_date)} the aim {result}: "
                f"{_month(self.judged_on.month)}, the last month counted by then, was "
                f"{self.judged_on.words()}."
            )
        return said


def measure_aim_progress(
    figures: Iterable[MonthFigure],
    *,
    target_percent: int,
    counting_from: date,
    by_date: date,
    as_of: date,
) -> MeasureAimProgress:
    """Judge a measure aim on ``as_of`` from the measure's monthly ``figures``."""
    first = counting_from.replace(day=1)
    months = tuple(
        sorted(
            (f for f in figures if f.denominator > 0 and first <= f.month <= as_of),
            key=lambda f: f.month,
        )
    )
    at_target = sum(f.percentage >= target_percent for f in months)
    by_month = by_date.replace(day=1)
    judged_on: MonthFigure | None = None
    if as_of <= _month_end(by_date):
        state = MeasureAimState.NOT_YET_DUE
    else:
        by_then = [f for f in months if f.month <= by_month]
        judged_on = by_then[-1] if by_then else None
        if judged_on is None:
            state = MeasureAimState.NOT_JUDGED
        elif judged_on.percentage >= target_percent:
            state = MeasureAimState.MET
        else:
            state = MeasureAimState.NOT_MET
    return MeasureAimProgress(
        target_percent=target_percent,
        counting_from=first,
        by_date=by_date,
        months=months,
        at_target=at_target,
        state=state,
        judged_on=judged_on,
    )


def measure_aim_statement(measure_title: str, target_percent: int, by_date: date) -> str:
    """The aim statement written from its parts, where the group leaves it blank."""
    return f"By {_month(by_date)}, {target_percent}% or more each month: {measure_title}."


def _month(day: date) -> str:
    return f"{day:%B} {day.year}"


def _months(count: int) -> str:
    return f"{count} month{'s' if count != 1 else ''}"


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)
