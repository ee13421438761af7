"""Measures: each defined against the data, shown as a run chart or control chart with its
findings in words, every PDSA cycle and implemented change marked on it, and each signal
linked to the change ideas under test when it began."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from permanence.analysis.periods import Granularity
from permanence.charts.annotations import ordered
from permanence.charts.spec import ChartSpec
from permanence.pages.measure_chart import Annotation, measure_chart
from permanence.pages.measure_reading import MeasureReading, SignalFinding, read_series
from permanence.pages.measure_series import (
    EnteredValue,
    MeasureSeries,
    aim_percent_series,
    aim_weeks_series,
    balancing_series,
    entered_series,
    rate_series,
    stage_series,
)
from permanence.pages.tables import to_csv
from permanence.web.accounts.access import requires
from permanence.web.accounts.roles import Capability
from permanence.web.improvement.annotations import MarkedChange, project_annotations
from permanence.web.improvement.chart_notes import (
    measure_key,
    note_annotations,
    notes_section,
    series_points,
)
from permanence.web.improvement.forms import MeasureForm, MeasureValueForm
from permanence.web.improvement.measure_aims import process_measure_series
from permanence.web.improvement.models import (
    AIM_SOURCES,
    ChartNote,
    ImprovementProject,
    Measure,
    MeasureSource,
    MeasureValue,
    PdsaCycle,
)
from permanence.web.improvement.views._common import (
    authority_id_of,
    bind,
    can_edit,
    done,
    form_page,
    remove_page,
    save_page,
    today,
)
from permanence.web.improvement.views.projects import GET_OR_POST
from permanence.web.kernel.cache import authority_data


def _measure_url(pk: int) -> str:
    return reverse("improvement-measure", args=[pk])


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def measure_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject, pk=pk)
    return render(
        request,
        "improvement/measure_list.html",
        {
            "project": project,
            "section": "measures",
            "measures": project.measures.select_related("local_aim"),
            "can_edit": can_edit(request),
        },
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def measure_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject, pk=pk)
    form = bind(MeasureForm, request)
    form.instance.project = project
    if request.method == "GET":
        form.initial["aim"] = (
            f"local:{project.local_aim_id}"
            if project.local_aim_id
            else f"national:{project.national_aim}"
        )
    if request.method == "POST" and form.is_valid():
        measure = form.save(commit=False)
        highest = Measure.objects.filter(project=project).aggregate(Max("position"))
        measure.position = (highest["position__max"] or 0) + 1
        measure.save()
        return done(request, "Measure created.", _measure_url(measure.pk))
    return form_page(
        request,
        form,
        title="Add a measure",
        lead="How will we know a change is an improvement? Outcome measures follow the aim, "
        "process measures show whether the change is happening, and balancing measures "
        "show whether other children or services are harmed.",
        cancel=reverse("improvement-measures", args=[project.pk]),
        submit="Add the measure",
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure, pk=pk)
    form = bind(MeasureForm, request, instance=measure)
    return save_page(
        request,
        form,
        said="Measure saved.",
        then=_measure_url(measure.pk),
        title=f"Change {measure.title}",
        cancel=_measure_url(pk),
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def measure_remove(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure, pk=pk)
    back = reverse("improvement-measures", args=[measure.project_id])
    return remove_page(
        request,
        measure,
        said="Measure removed.",
        then=back,
        title=f"Remove the measure “{measure.title}”?",
        consequence="Any values entered for it by hand will be removed too. Records of "
        "children are not touched.",
        cancel=_measure_url(pk),
    )


# ---------------------------------------------------------------------------------------
# The measure's page


def measure_series(measure: Measure, authority_id: int) -> MeasureSeries:
    """The measure's points, from the journeys of the children in scope or the values
    entered by hand. A measure reading an aim needs an aim that can be measured (see
    ``aim_problem``)."""
    if measure.is_entered:
        return _entered_series(measure)
    # The journeys frame as the dashboards keep it, built once per data version and day
    # rather than from the database on every request.
    data = authority_data(authority_id)
    frame = data.frame
    if measure.source in AIM_SOURCES:
        aim = measure.aim_definition()
        assert aim is not None  # the model refuses an aim measure without an aim
        if measure.source == MeasureSource.AIM_WEEKS:
            return aim_weeks_series(frame, aim)
        return aim_percent_series(frame, aim, Granularity(measure.period))
    if measure.source == MeasureSource.PROCESS:
        return process_measure_series(measure.process_measure, authority_id)[0]
    if measure.source == MeasureSource.BALANCING:
        return balancing_series(frame, measure.balancing_measure, data.decisions, as_of=data.as_of)
    return stage_series(frame, measure.stage)


def _entered_series(measure: Measure) -> MeasureSeries:
    values = [
        EnteredValue(v.month, v.numerator, v.denominator, v.count)
        for v in MeasureValue.objects.filter(measure=measure)
    ]
    if measure.source == MeasureSource.ENTERED_RATE:
        return rate_series(
            values, unit=measure.unit, exposure=measure.exposure, per=measure.rate_per
        )
    return entered_series(
        values, ratio=measure.source == MeasureSource.ENTERED_RATIO, unit=measure.unit
    )


def aim_problem(measure: Measure) -> str:
    """Why the local aim the measure reads cannot be measured; empty when it can, or when
    the measure reads no aim. A stored aim can stop being measurable (a milestone the
    analysis no longer knows), and its pages must say so rather than fail."""
    aim = measure.local_aim
    if measure.source not in AIM_SOURCES or aim is None:
        return ""
    try:
        aim.to_definition()
    except ValueError as error:
        return aim.problem(error)
    return ""


def _reading(measure: Measure, series: MeasureSeries) -> MeasureReading | None:
    return read_series(
        series,
        chart=measure.chart,
        rules=measure.rules,
        improvement_start=measure.project.improvement_start,
        better=measure.direction(),
    )


def _chart(
    measure: Measure,
    series: MeasureSeries,
    reading: MeasureReading | None,
    annotations: Sequence[Annotation],
) -> ChartSpec:
    return measure_chart(
        name=f"measure-{measure.pk}",
        title=measure.title,
        series=series,
        reading=reading,
        annotations=annotations,
        improvement_start=measure.project.improvement_start,
    )


@dataclass(frozen=True)
class SignalLink:
    finding: SignalFinding
    cycles: list[PdsaCycle]


def ideas_under_test(
    project: ImprovementProject, finding: SignalFinding, on: date
) -> list[PdsaCycle]:
    """The cycles open at any time in the span of the signal's first point."""
    cycles = PdsaCycle.objects.filter(
        change_idea__project=project, started_on__lte=finding.began_by
    ).select_related("change_idea")
    return [cycle for cycle in cycles if cycle.open_during(finding.first, finding.began_by, on)]


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.select_related("project", "local_aim"), pk=pk)
    project = measure.project
    problem = aim_problem(measure)
    if problem:
        return _unmeasurable_page(request, measure, problem)
    series = measure_series(measure, authority_id_of(request))
    reading = _reading(measure, series)
    marks = project_annotations(project)
    notes = measure_notes(measure)
    chart = _chart(measure, series, reading, [*(mark.annotation for mark in marks), *notes])
    day = today()
    signals = [
        SignalLink(finding, ideas_under_test(project, finding, day))
        for finding in (reading.signals if reading else ())
    ]
    return render(
        request,
        "improvement/measure_detail.html",
        {
            "project": project,
            "section": "measures",
            "measure": measure,
            "series": series,
            "reading": reading,
            "chart": chart,
            "chart_id": f"measure-chart-{measure.pk}",
            "spec_id": f"measure-chart-{measure.pk}-spec",
            "table_columns": chart.data.columns,
            "table_rows": _table_rows(chart.data.rows()),
            "marks": _numbered(marks),
            "signals": signals,
            "can_edit": can_edit(request),
            "notes_section": notes_section(request, measure_key(measure.pk), series_points(series)),
        },
    )


def _unmeasurable_page(request: HttpRequest, measure: Measure, problem: str) -> HttpResponse:
    return render(
        request,
        "improvement/measure_detail.html",
        {
            "project": measure.project,
            "section": "measures",
            "measure": measure,
            "problem": problem,
            "can_edit": can_edit(request),
        },
    )


def _table_rows(rows: list[tuple[Any, ...]]) -> list[list[str]]:
    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.1f}".removesuffix(".0")
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    return [[text(value) for value in row] for row in rows]


def measure_notes(measure: Measure) -> list[Annotation]:
    """The notes typed on the measure's chart, as its marks."""
    return note_annotations(ChartNote.objects.filter(chart=measure_key(measure.pk)))


def _numbered(marks: list[MarkedChange]) -> list[tuple[int, MarkedChange]]:
    """The marks numbered as the chart numbers its markers."""
    href = {mark.annotation: mark.href for mark in marks}
    return [
        (number, MarkedChange(annotation, href.get(annotation, "")))
        for number, annotation in enumerate(ordered([m.annotation for m in marks]), start=1)
    ]


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def measure_csv(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.select_related("project", "local_aim"), pk=pk)
    problem = aim_problem(measure)
    if problem:
        raise Http404(f"This measure's aim cannot be measured: {problem}")
    series = measure_series(measure, authority_id_of(request))
    chart = _chart(measure, series, _reading(measure, series), measure_notes(measure))
    response = HttpResponse(to_csv(chart), content_type="text/csv; charset=utf-8")
    name = slugify(measure.title) or f"measure-{measure.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    # As the dashboards' downloads: the authority's figures, for no shared cache to keep.
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------
# Values entered by hand


def _values_page(request: HttpRequest, measure: Measure, form: MeasureValueForm) -> HttpResponse:
    return form_page(
        request,
        form,
        title=f"Values of {measure.title}",
        lead="One value a month, entered by hand.",
        cancel=_measure_url(measure.pk),
        submit="Add the month",
        template="improvement/measure_values.html",
        extra={
            "project": measure.project,
            "section": "measures",
            "measure": measure,
            "values": MeasureValue.objects.filter(measure=measure),
            "can_edit": can_edit(request),
        },
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def measure_values(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.select_related("project"), pk=pk)
    if not measure.is_entered:
        raise Http404("This measure is worked out from the records, not entered by hand.")
    return _values_page(request, measure, bind(MeasureValueForm, request, measure=measure))


@requires(Capability.EDIT_IMPROVEMENT)
@require_POST
def measure_value_add(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.select_related("project"), pk=pk)
    if not measure.is_entered:
        raise Http404("This measure is worked out from the records, not entered by hand.")
    form = bind(MeasureValueForm, request, measure=measure)
    if form.is_valid():
        form.save()
        return done(
            request, "Value added.", reverse("improvement-measure-values", args=[measure.pk])
        )
    return _values_page(request, measure, form)


@requires(Capability.EDIT_IMPROVEMENT)
@require_POST
def measure_value_remove(request: HttpRequest, pk: int) -> HttpResponse:
    value = get_object_or_404(MeasureValue, pk=pk)
    measure_id = value.measure_id
    value.delete()
    return done(request, "Value removed.", reverse("improvement-measure-values", args=[measure_id]))
