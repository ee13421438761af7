"""A deliberately plain reference for the four national aims, written row by row from the
definitions in docs/aims.md ("Routes through the journey", "Outcomes, child by child",
"Aim 1") and docs/frame.md, reading the canonical CSV files with the ``csv`` module.

It shares no code with the journeys frame or ``aims_outcomes``: no polars, no frame, no
expressions. A disagreement between the two means one of them does not do what the
documents say.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

AIM_4_ROUTES = ("po", "poa", "adoption")
AWAY_ROUTES = ("kinship_order", "po", "poa", "adoption")


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Period:
    start: date
    end: date | None
    placements: list[tuple[date, str]] = field(default_factory=list)
    statuses: list[tuple[date, date | None, str]] = field(default_factory=list)
    hearings: list[date] = field(default_factory=list)
    milestones: list[tuple[date, str, str]] = field(default_factory=list)


def read_periods(folder: Path, as_of: date) -> dict[tuple[str, date], Period]:
    """Every care period begun by ``as_of``, with what had happened by then."""
    periods: dict[tuple[str, date], Period] = {}
    for row in _rows(folder, "care_periods"):
        start = _day(row["period_start"])
        assert start is not None
        if start > as_of:
            continue
        end = _day(row["period_end"])
        periods[(row["child_ref"], start)] = Period(start, end if end and end <= as_of else None)

    def period_of(row: dict[str, str]) -> Period | None:
        start = _day(row["period_start"])
        return None if start is None else periods.get((row["child_ref"], start))

    for row in _rows(folder, "placements"):
        period, start = period_of(row), _day(row["start_date"])
        if period is not None and start is not None and start <= as_of:
            period.placements.append((start, row["placement_type"]))
    for row in _rows(folder, "legal_statuses"):
        period, start = period_of(row), _day(row["start_date"])
        if period is not None and start is not None and start <= as_of:
            period.statuses.append((start, _day(row["end_date"]), row["legal_status"]))
    for row in _rows(folder, "meetings"):
        period, held = period_of(row), _day(row["held_date"])
        hearing = row["meeting_kind"] == "hearing"
        if period is not None and held is not None and held <= as_of and hearing:
            period.hearings.append(held)
    for row in _rows(folder, "milestones"):
        period, on = period_of(row), _day(row["date"])
        if period is not None and on is not None and on <= as_of:
            period.milestones.append((on, row["milestone"], row["detail"]))
    return periods


def _plans(period: Period) -> list[list[tuple[date, str, str]]]:
    """The milestones split into plans: a reversal ends one; on its own day it comes first."""
    ordered = sorted(period.milestones, key=lambda m: (m[0], m[1] != "decision_reversed"))
    plans: list[list[tuple[date, str, str]]] = [[]]
    for milestone in ordered:
        if milestone[1] == "decision_reversed":
            plans.append([milestone])
        else:
            plans[-1].append(milestone)
    return plans


def _first(
    plan: list[tuple[date, str, str]], kind: str, details: tuple[str, ...] = ()
) -> date | None:
    for on, milestone, detail in plan:
        if milestone == kind and (not details or detail in details):
            return on
    return None


def _reversal_after(plans: list[list[tuple[date, str, str]]], index: int) -> date | None:
    return plans[index + 1][0][0] if index + 1 < len(plans) else None


@dataclass(frozen=True)
class Clock:
    start: date
    deadline: date
    end: date | None
    stop: date | None


def _outcome(clock: Clock, as_of: date) -> str:
    if clock.end is not None:
        return "met" if clock.end <= clock.deadline else "not_met"
    if clock.stop is not None:
        return "stopped" if clock.stop <= clock.deadline else "not_met"
    return "pending" if as_of <= clock.deadline else "not_met"


def _earliest(*days: date | None) -> date | None:
    known = [day for day in days if day is not None]
    return min(known) if known else None


def aim_2(period: Period) -> Clock | None:
    away = [start for start, kind in period.placements if kind != "home"]
    if not away:
        return None
    accommodated = min(away)
    placements = sorted(period.placements)
    returned_home = None
    if placements[-1][1] == "home":
        for (_, before), (start, kind) in pairwise(placements):
            if kind == "home" and before != "home":
                returned_home = start
    home = returned_home if returned_home is not None and returned_home >= accommodated else None
    recommendation = _first(sorted(period.milestones), "permanence_recommendation")
    return Clock(
        accommodated,
        accommodated + timedelta(days=182),
        recommendation,
        _earliest(period.end, home),
    )


def aim_3(period: Period) -> Clock | None:
    plans = _plans(period)
    for index in range(len(plans) - 1, -1, -1):
        plan = plans[index]
        decision = _first(plan, "permanence_decision") or _first(
            plan, "permanence_recommendation", AWAY_ROUTES
        )
        if decision is not None:
            return Clock(
                decision,
                decision + timedelta(days=98),
                _first(plan, "adm_decision", ("agreed",)),
                _earliest(period.end, _reversal_after(plans, index)),
            )
    return None


def aim_4(period: Period) -> Clock | None:
    plans = _plans(period)
    for index in range(len(plans) - 1, -1, -1):
        plan = plans[index]
        agreed = _first(plan, "adm_decision", ("agreed",))
        if agreed is None:
            continue
        routes = [d for _, m, d in plan if m == "permanence_recommendation" and d in AWAY_ROUTES]
        if routes and routes[-1] not in AIM_4_ROUTES:
            return None
        return Clock(
            agreed,
            agreed + timedelta(days=112),
            _first(plan, "application_lodged", AIM_4_ROUTES),
            _earliest(period.end, _reversal_after(plans, index)),
        )
    return None


def _two_years(day: date) -> date:
    try:
        return day.replace(year=day.year + 2)
    except ValueError:
        return day.replace(year=day.year + 2, day=28)


def aim_1(period: Period, as_of: date) -> str | None:
    statuses = sorted(period.statuses, key=lambda s: s[0])
    spell: tuple[date, date | None] | None = None
    for index, (start, end, kind) in enumerate(statuses):
        if kind != "cso_home":
            continue
        if index > 0 and statuses[index - 1][2] == "cso_home":
            assert spell is not None
            spell = (spell[0], end)
        else:
            spell = (start, end)
        following = statuses[index + 1][0] if index + 1 < len(statuses) else None
        if spell[1] is None and following is not None:
            spell = (spell[0], following)
    if spell is None:
        return None
    start, end = spell
    end = end if end is not None and end <= as_of else None
    point = _two_years(start)
    if point > as_of or (end is not None and end <= point):
        return None
    if period.end is not None and period.end <= point:
        return None
    heard = [day for day in period.hearings if day >= point]
    if heard or end is not None or period.end is not None:
        return "met"
    return "pending" if as_of == point else "not_met"


def reference_figures(folder: Path, as_of: date) -> dict[str, Counter[str]]:
    """Each aim's outcomes counted over every care period, as the documents define them."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for period in read_periods(folder, as_of).values():
        first = aim_1(period, as_of)
        if first is not None:
            counts["aim_1"][first] += 1
        for name, clock in (
            ("aim_2", aim_2(period)),
            ("aim_3", aim_3(period)),
            ("aim_4", aim_4(period)),
        ):
            if clock is not None and clock.start <= as_of:
                counts[name][_outcome(clock, as_of)] += 1
    return counts
