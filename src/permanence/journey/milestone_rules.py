"""The rules a milestone must meet, one milestone at a time.

One set of rules for both ways a milestone comes in: brought by an import (the rules
MILE001, MILE004, MILE005, MILE006, DATE002, DATE003 and CODE002 of ``ingest.rules``) or
typed on a child's journey page (``web.children.milestones``). The import's order rule
(MILE001) asks ``out_of_order`` about each row, as the form does, so the two cannot
disagree about which step must come first; the form asks ``milestone_problems``, which
adds the rules the import applies to a column at a time. docs/meetings.md lists them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from permanence.journey.meeting_rules import years_between
from permanence.journey.vocabulary import JOURNEY_ORDER, MilestoneKind, OrderType

ADULT_AGE = 18
"""Orders are made only for children (MILE005)."""

PRE_BIRTH_MILESTONES: tuple[str, ...] = (
    MilestoneKind.REPORTER_REFERRAL.value,
    MilestoneKind.ASSESSMENT_STARTED.value,
    MilestoneKind.ASSESSMENT_COMPLETED.value,
)
"""Milestones that can rightly come before birth: an unborn baby can be referred to the
Children's Reporter, and parenting capacity is often assessed before a baby is born."""


@dataclass(frozen=True, slots=True)
class MilestoneProblem:
    field: str
    message: str


def first_of_each_step(steps: Sequence[tuple[MilestoneKind, date]]) -> dict[MilestoneKind, date]:
    """The earliest date of each step of the journey (``JOURNEY_ORDER``) among ``steps``."""
    firsts: dict[MilestoneKind, date] = {}
    for kind, on in steps:
        if kind in JOURNEY_ORDER and (kind not in firsts or on < firsts[kind]):
            firsts[kind] = on
    return firsts


def out_of_order(
    kind: MilestoneKind,
    on: date,
    *,
    period_start: date | None,
    firsts: Mapping[MilestoneKind, date],
) -> str | None:
    """Why a milestone is out of the journey's order (MILE001), or None: before the date
    looked after, or before the earliest of a step that must come first (the nearest such
    step named). ``firsts`` holds the earliest date of each step in the care period."""
    if period_start is not None and on < period_start:
        return f"{on.isoformat()} is before the date looked after {period_start.isoformat()}"
    if kind not in JOURNEY_ORDER:
        return None
    position = JOURNEY_ORDER.index(kind)
    for earlier in reversed(JOURNEY_ORDER[:position]):
        first = firsts.get(earlier)
        if first is not None and on < first:
            return f"{on.isoformat()} is before the {earlier.label.lower()} of {first.isoformat()}"
    return None


def milestone_problems(
    kind: MilestoneKind,
    on: date,
    *,
    detail: str,
    reason: str,
    period_start: date,
    period_end: date | None,
    date_of_birth: date | None,
    today: date,
    others: Sequence[tuple[MilestoneKind, date]],
) -> list[MilestoneProblem]:
    """What is wrong with a milestone typed in, by the import's rules (each named) and
    the care period's end; ``others`` are the care period's other milestones."""
    problems: list[MilestoneProblem] = []
    if on > today:  # DATE003
        problems.append(MilestoneProblem("date", "A milestone cannot be dated in the future."))
    if period_end is not None and on > period_end:  # the milestone return's order rule
        problems.append(
            MilestoneProblem("date", "A milestone cannot come after the care period ended.")
        )
    if date_of_birth is not None and on < date_of_birth and kind not in PRE_BIRTH_MILESTONES:
        problems.append(  # DATE002
            MilestoneProblem("date", "This milestone cannot come before the child was born.")
        )
    problems += _order_problems(kind, on, period_start=period_start, others=others)
    if (
        kind is MilestoneKind.ORDER_GRANTED
        and detail != OrderType.SUPERVISION_TERMINATED.value
        and date_of_birth is not None
        and years_between(date_of_birth, on) >= ADULT_AGE
    ):  # MILE005
        problems.append(
            MilestoneProblem("date", "An order cannot be made on or after the 18th birthday.")
        )
    problems += _detail_problems(kind, detail)
    if kind is MilestoneKind.DECISION_REVERSED and not reason.strip():  # MILE004
        problems.append(MilestoneProblem("reason", "Say why the decision was reversed."))
    return problems


def _order_problems(
    kind: MilestoneKind,
    on: date,
    *,
    period_start: date,
    others: Sequence[tuple[MilestoneKind, date]],
) -> list[MilestoneProblem]:
    """MILE001 asked of this milestone and of each other step it would put out of order."""
    problems = []
    own = out_of_order(kind, on, period_start=period_start, firsts=first_of_each_step(others))
    if own is not None:
        problems.append(MilestoneProblem("date", f"Out of order: {own}."))
    firsts = first_of_each_step([*others, (kind, on)])
    for other_kind, other_on in others:
        if out_of_order(other_kind, other_on, period_start=None, firsts=firsts) and not (
            out_of_order(other_kind, other_on, period_start=None, firsts=first_of_each_step(others))
        ):
            problems.append(
                MilestoneProblem(
                    "date",
                    f"Out of order: the {other_kind.label.lower()} of {other_on.isoformat()} "
                    f"would come before this {kind.label.lower()}.",
                )
            )
    return problems


def _detail_problems(kind: MilestoneKind, detail: str) -> list[MilestoneProblem]:
    vocabulary = kind.detail_vocabulary
    if vocabulary is None:
        if detail:
            return [MilestoneProblem("detail", "This milestone has no detail: leave it blank.")]
        return []
    if not detail:  # MILE006
        return [MilestoneProblem("detail", f"Choose the {_DETAIL_WORDS[kind]}.")]
    if detail not in vocabulary.codes():  # CODE002
        return [MilestoneProblem("detail", f"Choose a {_DETAIL_WORDS[kind]} from the list.")]
    return []


_DETAIL_WORDS: dict[MilestoneKind, str] = {
    MilestoneKind.RECOMMENDATION: "route the recommendation names",
    MilestoneKind.AGENCY_DECISION: "outcome (plan agreed or not agreed)",
    MilestoneKind.APPLICATION_LODGED: "order applied for",
    MilestoneKind.ORDER_GRANTED: "order granted",
    MilestoneKind.LEGAL_ADVICE_RECEIVED: "form of the advice",
}
