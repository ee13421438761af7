"""The decisions that shape the plan, as plain facts for the due lists (web/planning),
which read them through the hook planning offers (``lists.read_decisions_from``)."""

from __future__ import annotations

from collections.abc import Iterable

from permanence.analysis.meetings import DecisionKind
from permanence.analysis.standing_decisions import DecisionFact
from permanence.web.meetings.models import PlanDecision


def decision_facts(period_ids: Iterable[int]) -> list[DecisionFact]:
    """The decisions recorded for these care periods (ids, or a query of them), in the
    current scope."""
    rows = PlanDecision.objects.filter(care_period_id__in=period_ids).values_list(
        "care_period_id", "kind", "decided_on", "look_again_on", "written"
    )
    return [
        DecisionFact(period, DecisionKind(kind), decided, look_again, written)
        for period, kind, decided, look_again, written in rows
    ]
