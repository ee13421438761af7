"""What the dashboards read from the improvement record: local aims, when the improvement
work began, and the tests of change to mark on each aim's charts.

**The improvement start.** PACE drew a red line where the improvement work began, and
read the baseline median from the children before it. An authority can run several
improvement projects; each records the day its work began
(``ImprovementProject.improvement_start``). An aim's charts use the earliest start among
the authority's projects whose aim runs on the same clock (the same start and end
milestones: national Aim 2 and a local "recommendation within 26 weeks" aim share one),
so the baseline is everything before any work on that clock began. An aim no project
works on has no improvement start: its median is of all its children.

**Tests of change.** Every PDSA cycle (at the day its test began) and every change
implemented (from the day it was built in) of those same projects, as the improvement
record's own charts mark them (``project_annotations``).

**Notes on the charts' points.** The notes people typed on the aim's charts
(``ChartNote`` with the chart key ``aim:<id>``), marked N1, N2... beside the tests of change.

**Accepted phases.** The new phases a data lead accepted on an aim's run chart
(``AcceptedPhase``), kept by the aim's id: the chart draws a new median from each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from permanence.analysis.aims import AimDefinition
from permanence.charts import Annotation, ImprovementMarks, PhaseStart
from permanence.web.improvement.annotations import project_annotations
from permanence.web.improvement.chart_notes import aim_key, notes_by_chart
from permanence.web.improvement.models import AcceptedPhase, ImprovementProject, LocalAim


def local_aims() -> list[AimDefinition]:
    """The authority's local aims (in scope) that can be measured."""
    aims = []
    for stored in LocalAim.objects.all():
        try:
            aims.append(stored.to_definition())
        except ValueError:
            continue  # the improvement record's form refuses these; never break a page on one
    return aims


def clock(aim: AimDefinition) -> tuple[str, str]:
    return aim.start_column, aim.end_column


def improvements_for(aims: Sequence[AimDefinition]) -> dict[str, ImprovementMarks]:
    """Each aim's improvement start, tests of change and accepted phases, by aim id."""
    starts: dict[tuple[str, str], list[date]] = defaultdict(list)
    marks: dict[tuple[str, str], list[Annotation]] = defaultdict(list)
    for project in ImprovementProject.objects.select_related("local_aim"):
        try:
            definition = project.aim_definition()
        except ValueError:
            continue
        if definition is None:
            continue
        on = clock(definition)
        if project.improvement_start is not None:
            starts[on].append(project.improvement_start)
        marks[on].extend(mark.annotation for mark in project_annotations(project))
    phases = accepted_phases()
    notes = notes_by_chart()
    return {
        aim.id: ImprovementMarks(
            start=min(starts[clock(aim)], default=None),
            annotations=_unique([*marks[clock(aim)], *notes.get(aim_key(aim.id), ())]),
            phases=phases.get(aim.id, ()),
        )
        for aim in aims
    }


def accepted_phases() -> dict[str, tuple[PhaseStart, ...]]:
    """The phases accepted on each aim's run chart (in scope), in date order."""
    by_aim: dict[str, list[PhaseStart]] = defaultdict(list)
    for aim_id, on, baseline_n in AcceptedPhase.objects.order_by("starts_on").values_list(
        "aim_id", "starts_on", "baseline_n"
    ):
        by_aim[aim_id].append(PhaseStart(on, baseline_n))
    return {aim_id: tuple(phases) for aim_id, phases in by_aim.items()}


def _unique(annotations: Iterable[Annotation]) -> tuple[Annotation, ...]:
    return tuple(dict.fromkeys(annotations))
