"""Ramps of PDSA cycles and the spread of tests across conditions.

A ramp is a series of tests of one change idea, each building on the one before (a
cycle ``follows`` an earlier one). Tests should cover a wide range of conditions (teams,
age groups, localities) before a change is scaled up; the spread table shows at a glance
which conditions a change has been tried under and which it has not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from permanence.journey.vocabulary import AgeBand
from permanence.web.improvement.models import PdsaCycle

NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class RampStep:
    cycle: PdsaCycle
    next_steps: tuple[RampStep, ...]


def ramps(cycles: Sequence[PdsaCycle]) -> list[RampStep]:
    """The cycles as trees: each cycle under the one it follows, first cycles at the top.

    A cycle following one not in ``cycles`` starts a tree of its own, so nothing is lost.
    """
    ids = {cycle.pk for cycle in cycles}
    following: dict[int | None, list[PdsaCycle]] = {}
    for cycle in cycles:
        parent = cycle.follows_id if cycle.follows_id in ids else None
        following.setdefault(parent, []).append(cycle)

    def step(cycle: PdsaCycle, seen: frozenset[int]) -> RampStep:
        children = [c for c in following.get(cycle.pk, []) if c.pk not in seen]
        return RampStep(cycle, tuple(step(c, seen | {c.pk}) for c in children))

    return [step(cycle, frozenset({cycle.pk})) for cycle in following.get(None, [])]


@dataclass(frozen=True)
class Spread:
    """How many cycles tested the change under each condition."""

    teams: list[tuple[str, int]]
    age_groups: list[tuple[str, int]]
    localities: list[tuple[str, int]]
    team_by_age: list[tuple[str, list[int]]]
    age_labels: list[str]
    untested_teams: list[str]
    untested_age_groups: list[str]


def spread(cycles: Sequence[PdsaCycle], all_teams: Sequence[str]) -> Spread:
    def team_of(cycle: PdsaCycle) -> str:
        return cycle.team.name if cycle.team is not None else NOT_RECORDED

    def age_of(cycle: PdsaCycle) -> str:
        return AgeBand(cycle.age_band).label if cycle.age_band else NOT_RECORDED

    teams = Counter(team_of(cycle) for cycle in cycles)
    ages = Counter(age_of(cycle) for cycle in cycles)
    localities = Counter(cycle.locality.strip() or NOT_RECORDED for cycle in cycles)
    age_labels = [band.label for band in AgeBand]
    if ages.get(NOT_RECORDED):
        age_labels.append(NOT_RECORDED)
    pairs = Counter((team_of(cycle), age_of(cycle)) for cycle in cycles)
    team_rows = sorted(teams, key=lambda name: (name == NOT_RECORDED, name))
    return Spread(
        teams=[(name, teams[name]) for name in team_rows],
        age_groups=[(label, ages[label]) for label in age_labels if ages.get(label)],
        localities=sorted(localities.items(), key=lambda item: (item[0] == NOT_RECORDED, item[0])),
        team_by_age=[
            (team, [pairs.get((team, age), 0) for age in age_labels]) for team in team_rows
        ],
        age_labels=age_labels,
        untested_teams=[name for name in all_teams if name not in teams],
        untested_age_groups=[band.label for band in AgeBand if band.label not in ages],
    )
