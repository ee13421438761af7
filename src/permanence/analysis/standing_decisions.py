"""Which decisions that shape a child's plan stand today, in words for the due lists, and
the purposeful delays whose date to look at them again is due.

Pure: it reads the decisions as plain facts (``DecisionFact``) and knows nothing of
where they are kept (``web/meetings``) or where they are shown (``web/planning``'s due
lists). The rules are docs/meetings.md's, "The decisions on the due lists".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from permanence.analysis.meetings import DecisionKind


@dataclass(frozen=True)
class DecisionFact:
    """One decision, as recorded."""

    care_period_id: int
    kind: DecisionKind
    decided_on: date
    look_again_on: date | None = None
    written: bool = False


@dataclass(frozen=True)
class LookAgain:
    """A purposeful delay whose date to look at it again has come, or soon will."""

    care_period_id: int
    decided_on: date
    look_again_on: date


def _day(day: date) -> str:
    return f"{day.day} {day:%b} {day.year}"


def standing_decisions(facts: Iterable[DecisionFact]) -> dict[int, tuple[str, ...]]:
    """Each care period's standing decisions, in words, in a fixed order:

    - concurrent planning, from the first time it was recorded;
    - the latest purposeful delay and its date to look at it again;
    - legal advice: received (the latest, and whether written) if it was received on or
      after the latest request, else requested and not yet received;
    - the 40-day limit on the parenting capacity assessment, the latest;
    - a child under 3 referred to the Children's Reporter, the first.
    """
    by_period: dict[int, dict[DecisionKind, list[DecisionFact]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for fact in facts:
        by_period[fact.care_period_id][fact.kind].append(fact)
    found: dict[int, tuple[str, ...]] = {}
    for period, kinds in by_period.items():
        for decided in kinds.values():
            decided.sort(key=lambda fact: fact.decided_on)
        words: list[str] = []
        if concurrent := kinds.get(DecisionKind.CONCURRENT_PLANNING):
            words.append(f"Concurrent planning since {_day(concurrent[0].decided_on)}")
        if delays := kinds.get(DecisionKind.PURPOSEFUL_DELAY):
            delay = delays[-1]
            again = (
                f", to look at again on {_day(delay.look_again_on)}" if delay.look_again_on else ""
            )
            words.append(f"Purposeful delay from {_day(delay.decided_on)}{again}")
        requested = kinds.get(DecisionKind.LEGAL_ADVICE_REQUESTED, [])
        received = kinds.get(DecisionKind.LEGAL_ADVICE_RECEIVED, [])
        last_request = requested[-1].decided_on if requested else None
        if received and (last_request is None or received[-1].decided_on >= last_request):
            advice = received[-1]
            how = "written" if advice.written else "not written"
            words.append(f"Legal advice received {_day(advice.decided_on)} ({how})")
        elif last_request is not None:
            words.append(f"Legal advice requested {_day(last_request)}, not yet received")
        if limits := kinds.get(DecisionKind.ASSESSMENT_LIMIT):
            limit_set = _day(limits[-1].decided_on)
            words.append(f"40-day limit on the parenting capacity assessment set {limit_set}")
        if referred := kinds.get(DecisionKind.UNDER_3_REFERRED):
            words.append(f"Referred to the Children's Reporter {_day(referred[0].decided_on)}")
        found[period] = tuple(words)
    return found


def looks_again_due(facts: Iterable[DecisionFact], horizon: date) -> list[LookAgain]:
    """The purposeful delays to look at again by ``horizon``: each care period's latest
    purposeful delay (a later one, recorded when it was looked at again, replaces it),
    when its date to look again is on or before ``horizon``; soonest first."""
    latest: dict[int, DecisionFact] = {}
    for fact in facts:
        if fact.kind is not DecisionKind.PURPOSEFUL_DELAY:
            continue
        held = latest.get(fact.care_period_id)
        if held is None or fact.decided_on >= held.decided_on:
            latest[fact.care_period_id] = fact
    due = [
        LookAgain(fact.care_period_id, fact.decided_on, fact.look_again_on)
        for fact in latest.values()
        if fact.look_again_on is not None and fact.look_again_on <= horizon
    ]
    return sorted(due, key=lambda row: (row.look_again_on, row.care_period_id))
