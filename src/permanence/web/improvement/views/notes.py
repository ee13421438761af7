"""Adding, changing and removing the notes typed on a chart's points.

Only the roles that keep the improvement record (``EDIT_IMPROVEMENT``) may write on the
charts; every view refuses everyone else. A note is added on one of the chart's own
points (a date posted that the chart does not have is refused), and each change is kept
in the note's history with who made it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods, require_POST

from permanence.charts.words import day_text
from permanence.web.accounts.access import requires
from permanence.web.accounts.roles import Capability
from permanence.web.improvement.chart_notes import (
    AIM_PREFIX,
    MEASURE_PREFIX,
    ChartNoteForm,
    ChartPoint,
    NoteTextForm,
    aim_points,
    chart_address,
    series_points,
)
from permanence.web.improvement.models import ChartNote, Measure
from permanence.web.improvement.views._common import (
    authority_id_of,
    bind,
    person,
    remove_page,
    save_page,
)
from permanence.web.improvement.views.measures import aim_problem, measure_series
from permanence.web.improvement.views.projects import GET_OR_POST
from permanence.web.kernel.cache import authority_data


def chart_points(request: HttpRequest, key: str) -> list[ChartPoint]:
    """The points of the chart ``key`` names, in the person's scope; 404 for a chart that
    is not theirs (another authority's measure, an aim they do not have)."""
    authority_id = authority_id_of(request)
    if key.startswith(MEASURE_PREFIX) and key.removeprefix(MEASURE_PREFIX).isdigit():
        measure = get_object_or_404(Measure, pk=int(key.removeprefix(MEASURE_PREFIX)))
        if aim_problem(measure):
            return []
        return series_points(measure_series(measure, authority_id))
    if key.startswith(AIM_PREFIX):
        data = authority_data(authority_id)
        aim = data.aim(key.removeprefix(AIM_PREFIX))
        if aim is not None:
            return aim_points(data.frame, aim)
    raise Http404("No chart has that name here.")


@requires(Capability.EDIT_IMPROVEMENT)
@require_POST
def note_add(request: HttpRequest) -> HttpResponse:
    """Add a note on one of the chart's points, kept with who wrote it and when."""
    key = request.POST.get("chart", "")
    points = chart_points(request, key)
    form = ChartNoteForm(request.POST, points=points)
    back = chart_address(key)
    if not form.is_valid():
        problem = (
            "Type the note before adding it."
            if "text" in form.errors
            else "Choose one of the chart's points for the note."
        )
        messages.error(request, problem)
        return HttpResponseRedirect(back)
    ChartNote.objects.create(
        authority_id=authority_id_of(request),
        chart=key,
        on=form.cleaned_data["on"],
        text=form.cleaned_data["text"],
        written_by=person(request),
    )
    messages.success(request, "Note added: it is marked on the chart and goes in the pack.")
    return HttpResponseRedirect(back)


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(ChartNote, pk=pk)
    back = chart_address(note.chart)
    return save_page(
        request,
        bind(NoteTextForm, request, instance=note),
        said="Note saved.",
        then=back,
        title=f"Change the note on {day_text(note.on)}",
        cancel=back,
        submit="Save the note",
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def note_remove(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(ChartNote, pk=pk)
    back = chart_address(note.chart)
    return remove_page(
        request,
        note,
        said="Note removed.",
        then=back,
        title=f"Remove the note on {day_text(note.on)}?",
        consequence=f"“{note.text}” comes off the chart and out of the pack. Its history "
        "keeps who wrote it and who removed it.",
        cancel=back,
    )
