"""Looked After Child review schedules, and the review a recommendation is made at.

Reviews follow the regulations: the first six weeks after the placement, the second three
months after the first, then every six months, or every three months where the
improvement work has changed practice. Each review's due date follows the date the last
one was actually held, so a late review pushes the rest back, as it does in practice.

The schedule is drawn one review number at a time for all children together: the loop
runs once per review (a few dozen times at most), never once per child.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from permanence.synth import parameters as p
from permanence.synth.draws import NEVER, Days, Draws, Floats, Indices, Mask, known


@dataclass(frozen=True, slots=True)
class Schedule:
    """What decides the reviews of a set of care periods (one row per period)."""

    period: Indices
    first_due: Days
    stop: Days  # no review falls due after this date
    quick: Mask  # every three months from the third review
    switch: Days  # the date from which reviews become three-monthly (NEVER: not at all)
    limit: Indices  # the most reviews held before they lapse
    late_share: Floats
    target: Days  # find the first review held on or after this date (NEVER: none wanted)


@dataclass(frozen=True, slots=True)
class Reviews:
    """One row per review, and for each scheduled period the review its target fell to."""

    period: Indices
    number: Indices  # 1 for the first review of the schedule, 2 for the second, ...
    due: Days
    held: Days  # NEVER where the review was not held
    # Per row of the Schedule: the first review held on or after its target (date and
    # row here), NEVER and -1 where there is none.
    reached_on: Days
    reached_row: Indices


def draw_reviews(draws: Draws, schedule: Schedule) -> Reviews:
    size = len(schedule.period)
    due = schedule.first_due.copy()
    active = due <= schedule.stop
    reached_on = np.full(size, NEVER, dtype=np.int64)
    reached_row = np.full(size, -1, dtype=np.int64)
    columns: dict[str, list[Indices]] = {"period": [], "number": [], "due": [], "held": []}
    rows_so_far = 0
    number = 1
    while active.any():
        rows = np.flatnonzero(active)
        row_due = due[rows]
        row_held = _held(draws, row_due, schedule.late_share[rows])
        # Held dates rise from one review to the next, so the first review found on or
        # after the target is the earliest.
        reached = (reached_row[rows] < 0) & known(row_held) & (row_held >= schedule.target[rows])
        reached_on[rows[reached]] = row_held[reached]
        reached_row[rows[reached]] = rows_so_far + np.flatnonzero(reached)
        columns["period"].append(schedule.period[rows])
        columns["number"].append(np.full(len(rows), number, dtype=np.int64))
        columns["due"].append(row_due)
        columns["held"].append(row_held)
        rows_so_far += len(rows)
        anchor = np.where(known(row_held), row_held, row_due)
        next_due = anchor + _interval(number, schedule, rows, anchor)
        due[rows] = next_due
        active[rows] = (next_due <= schedule.stop[rows]) & (number < schedule.limit[rows])
        number += 1
    joined = {
        name: np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
        for name, parts in columns.items()
    }
    return Reviews(**joined, reached_on=reached_on, reached_row=reached_row)


def _held(draws: Draws, due: Days, late_share: Floats) -> Days:
    size = len(due)
    late = draws.chance(late_share, size)
    missed = draws.chance(p.REVIEW_MISSED, size)
    early = draws.days_between((0, p.REVIEW_EARLY_DAYS), size)
    delay = draws.days_between(p.REVIEW_LATE_DAYS, size)
    held = np.where(late, due + delay, due - early)
    return np.where(missed, NEVER, held)


def _interval(number: int, schedule: Schedule, rows: Indices, anchor: Days) -> Days:
    if number == 1:
        return np.full(len(rows), p.SECOND_REVIEW_AFTER, dtype=np.int64)
    quick = schedule.quick[rows] | (anchor >= schedule.switch[rows])
    return np.where(quick, p.LATER_REVIEW_IMPROVED, p.LATER_REVIEW_BASELINE).astype(np.int64)
