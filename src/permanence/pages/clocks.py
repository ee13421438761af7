"""A child's clocks: where each of their care periods stands against each aim."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from permanence.analysis.aims import AimDefinition, end_words
from permanence.analysis.aims_outcomes import Outcome, aim_children
from permanence.journey.vocabulary import plural


@dataclass(frozen=True)
class AimClock:
    """Where one care period stands against one aim."""

    aim: AimDefinition
    period_number: int
    start: date
    deadline: date
    end: date | None
    stopped: date | None
    days: int
    days_past_deadline: int
    outcome: Outcome

    @property
    def running(self) -> bool:
        return self.end is None and self.stopped is None

    @property
    def days_left(self) -> int | None:
        """Days left before the deadline, while the clock runs inside it."""
        return -self.days_past_deadline if self.running and self.days_past_deadline <= 0 else None

    @property
    def days_over(self) -> int | None:
        """Days past the deadline (still waiting, or reached late)."""
        return self.days_past_deadline if self.days_past_deadline > 0 else None

    @property
    def status(self) -> str:
        if self.outcome is Outcome.MET:
            return "Met"
        if self.running:
            return "Running, past the target" if self.days_over else "Running"
        if self.end is not None:
            return "Not met"
        return "Stopped" if self.outcome is Outcome.STOPPED else "Not met"

    @property
    def sentence(self) -> str:
        aim = self.aim
        what = end_words(aim)
        if self.end is not None:
            late = (
                f", {_days(self.days_over)} over {aim.target_text}"
                if self.days_over
                else f", inside {aim.target_text}"
            )
            return (
                f"{what.capitalize()} on {_day(self.end)}: "
                f"{_days(self.days)} after the start{late}."
            )
        if self.stopped is not None:
            return (
                f"The clock stopped on {_day(self.stopped)} without {what}, "
                f"after {_days(self.days)}."
            )
        if self.days_over:
            return (
                f"{_days(self.days)} so far; {_days(self.days_over)} past the deadline of "
                f"{_day(self.deadline)}."
            )
        left = self.days_left or 0
        return f"{_days(self.days)} so far; {_days(left)} left until {_day(self.deadline)}."


def all_clocks(
    frame: pl.DataFrame, aims: Sequence[AimDefinition]
) -> list[tuple[AimDefinition, pl.DataFrame]]:
    """Each aim's per-child table over the whole frame (``aim_children``): worked out once
    for an authority, then read for one child at a time by ``clocks_of``."""
    return [(aim, aim_children(frame, aim)) for aim in aims]


def clocks_of(
    tables: Sequence[tuple[AimDefinition, pl.DataFrame]], child_ref: str | None
) -> list[AimClock]:
    """One child's clocks (every child's when ``child_ref`` is None) from ``all_clocks``."""
    clocks: list[AimClock] = []
    for aim, children in tables:  # a handful of aims
        rows = children if child_ref is None else children.filter(pl.col("child_ref") == child_ref)
        for row in rows.iter_rows(named=True):  # one child's care periods: a few rows
            clocks.append(
                AimClock(
                    aim=aim,
                    period_number=int(row["period_number"]),
                    start=row["start_date"],
                    deadline=row["deadline"],
                    end=row["end_date"],
                    stopped=row["stopped_date"],
                    days=int(row["days_waited"]),
                    days_past_deadline=int(row["days_past_deadline"]),
                    outcome=Outcome(row["outcome"]),
                )
            )
    return clocks


def _day(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def _days(count: int | None) -> str:
    return plural(count or 0, "day")
