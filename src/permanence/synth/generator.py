"""``generate``: a synthetic local authority, reproducible from a seed.

The generator draws every child's journey with numpy, many children at a time, in the
stages ``journeys`` describes; children who come back into care after a return home are
drawn as a further batch, and so on for a second re-entry. Nothing loops over children,
so a million children take seconds.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from permanence.journey.tables import JourneyTables
from permanence.synth import parameters as p
from permanence.synth.assemble import assemble
from permanence.synth.children import draw_children
from permanence.synth.draws import Calendar, Draws
from permanence.synth.events import Collected, collect
from permanence.synth.journeys import draw_journeys, draw_reentries
from permanence.synth.plans import add_plan_records

MOST_CHILDREN = 2_000_000
DEFAULT_YEARS = 6.0
BASELINE_BEFORE_END_YEARS = 2.5


def default_improvement_start(end: date) -> date:
    """About two and a half years before ``end``: a six-year history has a 3½-year baseline."""
    return date.fromordinal(end.toordinal() - round(BASELINE_BEFORE_END_YEARS * 365.25))


def generate(
    children: int,
    seed: int,
    *,
    end: date,
    years: float = DEFAULT_YEARS,
    improvement_start: date | None = None,
) -> JourneyTables:
    """The canonical tables of a synthetic local authority with ``children`` children.

    Care periods begin over the ``years`` before ``end``; nothing is dated after ``end``
    but the due date of an action agreed at a meeting near it.
    Before ``improvement_start`` (by default 2½ years before ``end``) children wait long
    and variably for a permanence recommendation; after it the 2-week planning meeting
    appears, reviews become three-monthly and waits shorten. The same arguments always
    give the same tables. The model is meant to be realistic from about 30 children.
    """
    _check(children, years)
    if improvement_start is None:
        improvement_start = default_improvement_start(end)
    calendar = Calendar.of(end, years, improvement_start)
    draws = Draws(seed)
    people = draw_children(draws, children, calendar)
    child = np.arange(children, dtype=np.int64)
    start, team = people.first_start, people.team
    collected = Collected()
    next_period = 0
    for _ in range(p.REENTRY_ROUNDS):
        if len(child) == 0:
            break
        journeys = draw_journeys(draws, calendar, people, child, start, team, next_period)
        collect(draws, calendar, journeys, collected)
        next_period += journeys.entry.size
        child, start, team = draw_reentries(draws, calendar, journeys, people)
        del journeys  # a batch's arrays are no longer needed once its rows are collected
    # Attendance, the decisions and sibling groups: drawn from their own stream, after.
    return add_plan_records(assemble(people, collected), seed, calendar)


def _check(children: int, years: float) -> None:
    if not 1 <= children <= MOST_CHILDREN:
        raise ValueError(f"children must be from 1 to {MOST_CHILDREN:,}, not {children:,}")
    if not 0.5 <= years <= 30:
        raise ValueError(f"years must be from 0.5 to 30, not {years}")
