"""A project's driver diagram, from its records, for ``permanence.charts.driver_diagram``."""

from __future__ import annotations

from django.urls import reverse

from permanence.analysis.periods import long_date
from permanence.charts.driver_diagram import (
    ChangeIdeaNode,
    DriverDiagram,
    PrimaryDriver,
    SecondaryDriver,
)
from permanence.web.improvement.models import ChangeIdea, Driver, ImprovementProject


def idea_note(idea: ChangeIdea) -> str:
    if idea.implemented_from is not None:
        return f"implemented from {long_date(idea.implemented_from)}"
    return ""


def project_diagram(project: ImprovementProject, *, links: bool = True) -> DriverDiagram:
    """The diagram in the order the group arranged it. ``links`` adds each change idea's
    address to the outline (not wanted in a download)."""
    drivers = list(Driver.objects.filter(project=project))
    ideas = list(ChangeIdea.objects.filter(project=project).prefetch_related("drivers"))
    ideas_of: dict[int, list[str]] = {}
    for idea in ideas:
        for driver in idea.drivers.all():
            ideas_of.setdefault(driver.pk, []).append(f"idea-{idea.pk}")
    primary = [
        PrimaryDriver(
            key=f"driver-{driver.pk}",
            text=driver.text,
            secondary=tuple(
                SecondaryDriver(
                    key=f"driver-{child.pk}",
                    text=child.text,
                    change_ideas=tuple(ideas_of.get(child.pk, ())),
                )
                for child in drivers
                if child.parent_id == driver.pk
            ),
        )
        for driver in drivers
        if driver.parent_id is None
    ]
    return DriverDiagram(
        aim=project.statement or project.title,
        primary=tuple(primary),
        change_ideas=tuple(
            ChangeIdeaNode(
                key=f"idea-{idea.pk}",
                text=idea.title,
                note=idea_note(idea),
                href=reverse("improvement-idea", args=[idea.pk]) if links else "",
            )
            for idea in ideas
        ),
        title=f"Driver diagram: {project.title}",
    )
