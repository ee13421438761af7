"""A local aim on a process measure: the measure's monthly percentages from the records,
drawn as a run chart with the aim's target (and a P chart when every month has someone
counted), and where the aim stands (``analysis.measure_aims``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from permanence.analysis.direction import Better
from permanence.analysis.measure_aims import (
    MeasureAimProgress,
    MonthFigure,
    measure_aim_progress,
)
from permanence.pages.measure_chart import Annotation, measure_chart
from permanence.pages.measure_reading import read_series
from permanence.pages.measure_series import MeasureSeries, process_series
from permanence.web.improvement.annotations import project_annotations
from permanence.web.improvement.models import LocalAim, Measure, MeasureSource
from permanence.web.kernel.cache import authority_data
from permanence.web.meetings.measures import authority_meeting_measures, measure_catalogue
from permanence.web.planning.measures import authority_process_measures

#: A P chart needs at least this many months, each with someone counted, to be worth
#: drawing beside the run chart.
P_CHART_MONTHS = 2


def process_measure_series(
    key: str, authority_id: int, as_of: date | None = None
) -> tuple[MeasureSeries, date]:
    """A process measure's monthly points for the authority in scope, and the measuring
    date (``as_of``, today by default): the meeting measures from the meetings recorded
    (web/meetings), the planning summary's judged by the authority's review policy."""
    # The journeys frame as the dashboards keep it, built once per data version and day.
    data = authority_data(authority_id, as_of)
    # The authority's own catalogue: its own kinds of meeting's measures are meeting measures.
    if key in measure_catalogue():
        mine = authority_meeting_measures(authority_id, data.frame, data.as_of)[key]
        return process_series(mine.key, mine.table, mine.note, x_title=mine.x_title), data.as_of
    found = authority_process_measures(authority_id, data.frame, data.as_of).get(key)
    series = process_series(key, found.table if found else None, found.note if found else "")
    return series, data.as_of


@dataclass(frozen=True)
class Marks:
    """What every chart of the aim marks: the improvement start and the tests of change
    of the projects working toward it."""

    start: date | None
    annotations: tuple[Annotation, ...]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".removesuffix(".0")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _chart_block(name: str, title: str, series: MeasureSeries, chart: str, marks: Marks) -> Any:
    reading = read_series(series, chart=chart, better=Better.HIGHER, improvement_start=marks.start)
    spec = measure_chart(
        name=name,
        title=title,
        series=series,
        reading=reading,
        annotations=marks.annotations,
        improvement_start=marks.start,
    )
    return {
        "kind": "P chart" if chart == "control" else "Run chart",
        "chart": spec,
        "reading": reading,
        "chart_id": name,
        "spec_id": f"{name}-spec",
        "columns": spec.data.columns,
        "rows": [[_cell(value) for value in row] for row in spec.data.rows()],
    }


def _progress(aim: LocalAim, series: MeasureSeries, as_of: date) -> MeasureAimProgress:
    return measure_aim_progress(
        (
            MonthFigure(p.first, p.numerator or 0, p.denominator or 0)
            for p in series.points
            if p.denominator
        ),
        target_percent=aim.target_percent,
        counting_from=aim.start_on_or_after,
        by_date=aim.by_date,
        as_of=as_of,
    )


def measure_aims_standing(
    authority_id: int, aims: Iterable[LocalAim] | None = None, as_of: date | None = None
) -> list[tuple[LocalAim, MeasureAimProgress]]:
    """Every local aim on a process measure (in scope), or those of ``aims``, with where
    it stands as of ``as_of`` (today): for the dashboards' overview, an aim's page and the
    report pack."""
    standing = []
    worked_out: dict[str, tuple[MeasureSeries, date]] = {}
    chosen = LocalAim.objects.exclude(measure="") if aims is None else aims
    for aim in chosen:
        if aim.measure not in worked_out:  # several aims on one measure: worked out once
            worked_out[aim.measure] = process_measure_series(aim.measure, authority_id, as_of)
        series, as_of = worked_out[aim.measure]
        standing.append((aim, _progress(aim, series, as_of)))
    return standing


def measure_aim_context(aim: LocalAim, authority_id: int) -> dict[str, Any]:
    """What the page of an aim on a process measure shows."""
    series, as_of = process_measure_series(aim.measure, authority_id)
    series = replace(
        series,
        target=float(aim.target_percent),
        target_label=f"Target {aim.target_percent}%",
    )
    progress = _progress(aim, series, as_of)
    projects = list(aim.projects.all())
    starts = [p.improvement_start for p in projects if p.improvement_start is not None]
    marks = Marks(
        start=min(starts, default=None),
        annotations=tuple(m.annotation for p in projects for m in project_annotations(p)),
    )
    charts = [_chart_block(f"aim-{aim.pk}-run", aim.title, series, "run", marks)]
    if series.is_proportion and len(series.points) >= P_CHART_MONTHS:
        charts.append(_chart_block(f"aim-{aim.pk}-p", aim.title, series, "control", marks))
    return {
        "progress": progress,
        "sentences": progress.sentences(),
        "charts": charts,
        "note": series.note,
        "as_of": as_of,
    }


def _local_aim_pk(aim_id: str) -> int | None:
    """The ``LocalAim`` behind a local clock aim's id ("local_3"), or None for a national
    aim's."""
    number = aim_id.removeprefix("local_")
    return int(number) if number != aim_id and number.isdigit() else None


def measure_aims_serving(aim_id: str) -> list[LocalAim]:
    """The local aims on the process measures that the projects working toward the aim
    ``aim_id`` (a national aim's id or a local clock aim's) follow: a project's measure
    "from the journeys" on a process measure links its aim to every local aim written on
    that measure."""
    local = _local_aim_pk(aim_id)
    projects = (
        Measure.objects.filter(project__local_aim_id=local)
        if local is not None
        else Measure.objects.filter(project__national_aim=aim_id)
    )
    keys = projects.filter(source=MeasureSource.PROCESS).values_list("process_measure", flat=True)
    return list(LocalAim.objects.exclude(measure="").filter(measure__in=keys))


def aims_served() -> dict[str, list[str]]:
    """For each process measure, the aims (their labels) of the projects that follow it:
    what a local aim on that measure serves."""
    served: dict[str, list[str]] = {}
    measures = Measure.objects.filter(source=MeasureSource.PROCESS).select_related(
        "project__local_aim"
    )
    for measure in measures:  # the authority's measures: tens
        label = measure.project.aim_label
        labels = served.setdefault(measure.process_measure, [])
        if label and label not in labels:
            labels.append(label)
    return served
