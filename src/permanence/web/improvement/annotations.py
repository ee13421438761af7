"""The tests of change a project's charts mark: every PDSA cycle and every implemented
change, each with the page it links to.

Kept out of the views so the dashboards can mark the same tests of change on their aim
charts without importing a views module (and the views can read the dashboards' cache
without the two importing each other).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from permanence.charts.annotations import Annotation, AnnotationKind
from permanence.web.improvement.models import ChangeIdea, ImprovementProject, PdsaCycle

__all__ = ["MarkedChange", "project_annotations"]


@dataclass(frozen=True)
class MarkedChange:
    """An annotation on the chart with where it comes from."""

    annotation: Annotation
    href: str


def project_annotations(project: ImprovementProject) -> list[MarkedChange]:
    """Every PDSA cycle (at the date its test began) and every implemented change (from
    its date) of the project: the charts mark them without anyone drawing them."""
    return [*_cycle_marks(project), *_implemented_marks(project)]


def _cycle_marks(project: ImprovementProject) -> list[MarkedChange]:
    cycles = PdsaCycle.objects.filter(change_idea__project=project).select_related("change_idea")
    return [
        MarkedChange(
            Annotation(
                cycle.started_on,
                f"Cycle {cycle.number} of {cycle.change_idea.title}",
                AnnotationKind.PDSA,
            ),
            reverse("improvement-cycle", args=[cycle.pk]),
        )
        for cycle in cycles
    ]


def _implemented_marks(project: ImprovementProject) -> list[MarkedChange]:
    ideas = ChangeIdea.objects.filter(project=project, implemented_from__isnull=False)
    marks = []
    for idea in ideas:
        assert idea.implemented_from is not None  # the filter's promise, for the type
        marks.append(
            MarkedChange(
                Annotation(idea.implemented_from, idea.title, AnnotationKind.CHANGE),
                reverse("improvement-idea", args=[idea.pk]),
            )
        )
    return marks
