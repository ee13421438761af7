"""Milestones typed on a child's journey page, and which date counts when an import
brings the same milestone (docs/meetings.md, "Milestones entered in the app").

A milestone typed in has no ``source_batch`` (every record an import writes has one, and
an import cannot be deleted while its records remain); ``entered_by`` says who typed it,
and may be emptied if that account is ever deleted, which must not turn the milestone
into an imported one. An import never
matches, changes or lists it as no longer in the extract (``loading``). The precedence
rule, for each care period and kind of milestone:

1. only typed in: it counts;
2. the import holds one (or more): **the case recording system wins**: the import's
   count, and every milestone of that kind typed in is left out of the figures. One
   typed on a day the import does not hold is kept as typed and listed for the data lead
   (``milestone_differences``), who puts the wrong side right.

``counted_milestones`` is applied where the records become the journeys' tables
(``journeys.journey_tables``: the dashboards, the due lists, the pack and the national
snapshot) and where review planning reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from permanence.journey.vocabulary import MilestoneKind
from permanence.web.records.models import Milestone

TYPED_IN = Q(source_batch__isnull=True)
"""A milestone typed on the child's page (not brought by an import)."""


def _imported_of_same_kind() -> Exists:
    return Exists(
        Milestone.objects.filter(
            care_period=OuterRef("care_period"), milestone=OuterRef("milestone")
        ).exclude(TYPED_IN)
    )


def counted_milestones(milestones: QuerySet[Any]) -> QuerySet[Any]:
    """``milestones`` less those typed in where an import holds the same kind for the
    care period (the precedence rule)."""
    return milestones.exclude(TYPED_IN & Q(_imported_of_same_kind()))


def is_typed_in(milestone: Milestone) -> bool:
    return milestone.source_batch_id is None


@dataclass(frozen=True)
class MilestoneDifference:
    """A milestone typed in on a day the import's milestones of that kind do not hold."""

    milestone: Milestone
    imported: list[date]

    @property
    def kind_label(self) -> str:
        return MilestoneKind(self.milestone.milestone).label


def milestone_differences() -> list[MilestoneDifference]:
    """Every milestone typed in (in the current scope) that the import's of the same kind
    and care period outweigh, on a day they do not hold: the import's counts."""
    typed = (
        Milestone.objects.filter(TYPED_IN)
        .filter(_imported_of_same_kind())
        .select_related("care_period__child", "entered_by")
        .order_by("care_period__child__child_ref", "date", "pk")
    )
    typed_list = list(typed)
    imported: dict[tuple[int, str], list[date]] = {}
    for period, kind, on in (
        Milestone.objects.filter(care_period_id__in={m.care_period_id for m in typed_list})
        .exclude(TYPED_IN)
        .order_by("date")
        .values_list("care_period_id", "milestone", "date")
    ):
        imported.setdefault((period, kind), []).append(on)
    found = []
    for milestone in typed_list:
        dates = imported.get((milestone.care_period_id, milestone.milestone), [])
        if milestone.date not in dates:
            found.append(MilestoneDifference(milestone, dates))
    return found
