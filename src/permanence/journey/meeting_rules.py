"""Who attends a planning meeting, the decisions that shape a child's plan, and the rules
a decision must meet.

One set of rules for both ways they come in: typed in the app (``web.meetings``) or
brought by an import (a meeting's ``attended`` column, the rule MEET010; a row of the
milestones table with a decision's code, the rule DECISION001). docs/meetings.md lists
them; docs/data-format.md says how an extract gives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Agency(StrEnum):
    """Who attended, by agency (or relationship to the child)."""

    PARENTS = "parents"
    CHILD = "child"
    CARERS = "carers"
    SOCIAL_WORKER = "social_worker"
    TEAM_LEADER = "team_leader"
    REVIEWING_OFFICER = "reviewing_officer"
    HEALTH = "health"
    EDUCATION = "education"
    LEGAL = "legal"
    REPORTER = "reporter"

    @property
    def label(self) -> str:
        return _AGENCY_LABELS[self]


_AGENCY_LABELS = {
    Agency.PARENTS: "Parents",
    Agency.CHILD: "The child or young person",
    Agency.CARERS: "Carers",
    Agency.SOCIAL_WORKER: "Social worker",
    Agency.TEAM_LEADER: "Team leader",
    Agency.REVIEWING_OFFICER: "Independent reviewing officer",
    Agency.HEALTH: "Health",
    Agency.EDUCATION: "Education",
    Agency.LEGAL: "Legal services",
    Agency.REPORTER: "The Children's Reporter (SCRA)",
}


def agencies_in(text: str | None) -> tuple[list[str], list[str]]:
    """The agency codes in an import's ``attended`` text (codes or their words, in any
    case, separated by semicolons or commas), and the parts that are neither."""
    known: list[str] = []
    unknown: list[str] = []
    words = {agency.label.lower(): agency.value for agency in Agency}
    words |= {agency.value: agency.value for agency in Agency}
    for part in (text or "").replace(",", ";").split(";"):
        cleaned = part.strip().lower()
        if not cleaned:
            continue
        code = words.get(cleaned)
        if code is None:
            unknown.append(part.strip())
        elif code not in known:
            known.append(code)
    return known, unknown


class DecisionKind(StrEnum):
    CONCURRENT_PLANNING = "concurrent_planning"
    PURPOSEFUL_DELAY = "purposeful_delay"
    LEGAL_ADVICE_REQUESTED = "legal_advice_requested"
    LEGAL_ADVICE_RECEIVED = "legal_advice_received"
    UNDER_3_REFERRED = "under_3_referred"
    ASSESSMENT_LIMIT = "assessment_limit"

    @property
    def label(self) -> str:
        return _DECISION_LABELS[self]


_DECISION_LABELS = {
    DecisionKind.CONCURRENT_PLANNING: "Concurrent planning in place",
    DecisionKind.PURPOSEFUL_DELAY: "A purposeful delay, in the child's interest",
    DecisionKind.LEGAL_ADVICE_REQUESTED: "Legal advice requested",
    DecisionKind.LEGAL_ADVICE_RECEIVED: "Legal advice received",
    DecisionKind.UNDER_3_REFERRED: "Child under 3 referred to the Children's Reporter",
    DecisionKind.ASSESSMENT_LIMIT: "40-day limit set on the parenting capacity assessment",
}


@dataclass(frozen=True, slots=True)
class DecisionProblem:
    field: str
    message: str


def decision_problems(
    kind: DecisionKind,
    decided_on: date,
    *,
    reason: str,
    look_again_on: date | None,
    accommodated: date | None,
    date_of_birth: date | None,
    today: date,
) -> list[DecisionProblem]:
    """What is wrong with a decision as recorded (the rules of docs/meetings.md)."""
    problems = []
    if decided_on > today:
        problems.append(DecisionProblem("decided_on", "A decision cannot be dated in the future."))
    if accommodated is not None and decided_on < accommodated:
        problems.append(
            DecisionProblem("decided_on", "A decision cannot come before the date looked after.")
        )
    if kind is DecisionKind.PURPOSEFUL_DELAY:
        if not reason.strip():
            problems.append(
                DecisionProblem("reason", "Say why the delay is in the child's interest.")
            )
        if look_again_on is None:
            problems.append(
                DecisionProblem("look_again_on", "Give the date the delay will be looked at again.")
            )
        elif look_again_on <= decided_on:
            problems.append(
                DecisionProblem(
                    "look_again_on", "The date to look again must come after the decision."
                )
            )
    if (
        kind is DecisionKind.UNDER_3_REFERRED
        and date_of_birth
        and accommodated
        and years_between(date_of_birth, accommodated) >= 3
    ):
        problems.append(
            DecisionProblem("kind", "The child was 3 or older on the day accommodated.")
        )
    return problems


def years_between(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
