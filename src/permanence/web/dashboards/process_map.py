"""The process map page: the journey as a flowchart drawn from the records, the map as a
table and in words, the routes back, the stability and balancing measures, and the
authority's notes on each step (who owns it, what is being tested there).

The page model (``permanence.pages.process_map``) is worked out once per data version
and filter set; the notes and the population figures are read on each request (a
handful of rows), so one saved shows at once. Notes are kept by ``ProcessStepNote`` with
their change history; only roles that keep the improvement record may change them. The
population the rates per 1,000 children divide by (``ChildPopulation``) is entered by
those who load the authority's data.
"""

from __future__ import annotations

import dataclasses
from typing import cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from permanence.analysis.process_map import OUTCOMES, STEPS
from permanence.charts.process_map import SHORT_LABELS, WIDTH
from permanence.charts.render import render_png, render_svg
from permanence.pages.flow_rates import Population, flow_rates, rates_text
from permanence.pages.process_map import (
    MapRow,
    ProcessMapPage,
    StepNote,
    balancing_text,
    process_map_page,
)
from permanence.pages.tables import to_csv
from permanence.web.accounts.access import requires
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability
from permanence.web.dashboards.models import ChildPopulation, ProcessStepNote
from permanence.web.dashboards.views import (
    FORMATS,
    TABLE_PAGE,
    Viewing,
    _addresses,
    _lead,
    _page,
    _table_page,
    _with_query,
    chart_block,
    viewing,
)
from permanence.web.kernel.addresses import tidy_address
from permanence.web.kernel.cache import cached

STEP_LABELS = {step.key: step.label for step in STEPS}
PLACE_LABELS = {**STEP_LABELS, **{outcome.key: outcome.label for outcome in OUTCOMES}}


def page_of(view: Viewing) -> ProcessMapPage:
    """The map for this view's filters, worked out once per data version."""
    data = view.data
    return cached(
        data,
        "process-map-page",
        view.key(),
        lambda: process_map_page(data.frame, view.filters, as_of=data.as_of, delays=data.decisions),
    )


def _with_notes(page: ProcessMapPage) -> ProcessMapPage:
    notes = {
        note.step: StepNote(owner=note.owner, testing=note.testing)
        for note in ProcessStepNote.objects.all()
    }
    rows = tuple(MapRow(row.step, notes.get(row.step.key, StepNote())) for row in page.rows)
    return dataclasses.replace(page, rows=rows)


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def process_map(request: HttpRequest) -> HttpResponse:
    """The process map, drawn from the records."""
    view = viewing(request)
    if tidied := tidy_address(request, view.query, problems=view.problems):
        return tidied
    page = _with_notes(page_of(view))
    user = cast(User, request.user)
    block = chart_block(page.chart, _addresses("dashboard-process-map-chart", ["map"], view.query))
    flows_block = chart_block(
        page.flows_chart, _addresses("dashboard-process-map-chart", ["flows"], view.query)
    )
    populations = _populations()
    rates = flow_rates(page.flows, populations)
    flows = [
        {
            "source": PLACE_LABELS[flow.source],
            "target": PLACE_LABELS[flow.target],
            "children": flow.children,
        }
        for flow in page.figures.flows
    ]
    body = render_to_string(
        "dashboards/process_map_body.html",
        {
            "page": page,
            "chart": block,
            "flows_chart": flows_block,
            "flows": flows,
            "balancing": [(figure, balancing_text(figure)) for figure in page.balancing],
            "can_note": user.can(Capability.EDIT_IMPROVEMENT),
            # Quarters earlier than every figure entered have no rate: counted, not listed.
            "rates": [rate for rate in rates if rate.population is not None],
            "quarters_without_rate": sum(rate.population is None for rate in rates),
            "rates_text": rates_text(rates, populations) if populations else "",
            "can_enter_population": user.can(Capability.IMPORT_DATA),
            "query": view.query,
        },
        request=request,
    )
    return _page(
        request,
        view,
        title="The process map",
        lead=_lead(
            view,
            "The journey to permanence as the records show it: where children wait, "
            "where their journeys end and the routes back",
        ),
        body=mark_safe(body),  # noqa: S308 - rendered by Django's autoescaping templates
        action=reverse("dashboard-process-map"),
        extra={"charts": True},
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def process_map_chart(request: HttpRequest, chart: str, fmt: str) -> HttpResponse:
    """The map as SVG or PNG (at the width it is drawn), its table as CSV or a page."""
    view = viewing(request)
    spec = page_of(view).charts.get(chart)
    if spec is None:
        raise Http404("There is no chart of that name.")
    if fmt == TABLE_PAGE:
        back = _with_query(reverse("dashboard-process-map"), view.query)
        return _table_page(request, view, spec, ("process-map", chart), back=back)
    if fmt not in FORMATS:
        raise Http404("Charts download as PNG, SVG or CSV.")

    def content() -> bytes:
        if fmt == "png":
            return render_png(spec, width=WIDTH)
        if fmt == "svg":
            return render_svg(spec, width=WIDTH).encode("utf-8")
        return to_csv(spec).encode("utf-8")

    body = cached(view.data, "download", view.key("process-map", chart, fmt), content)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{spec.name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _populations() -> dict[int, Population]:
    return {
        figure.year: Population(figure.children, figure.source)
        for figure in ChildPopulation.objects.all()
    }


class PopulationForm(forms.ModelForm[ChildPopulation]):
    class Meta:
        model = ChildPopulation
        fields = ["year", "children", "source"]


@requires(Capability.IMPORT_DATA)
def population(request: HttpRequest) -> HttpResponse:
    """The children aged 0 to 17 living in the authority, year by year, that the flows'
    rates per 1,000 children divide by. Entering a year again replaces its figure (the
    history keeps the one before)."""
    user = cast(User, request.user)
    assert user.authority_id is not None  # ``requires`` refuses people without one
    form = PopulationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # A year already entered is changed, not refused as a duplicate; two saves of
        # the same year at once (a double click) make one row.
        saved, _ = ChildPopulation.objects.update_or_create(
            authority_id=user.authority_id,
            year=form.cleaned_data["year"],
            defaults={
                "children": form.cleaned_data["children"],
                "source": form.cleaned_data["source"],
                "changed_by": user,
            },
        )
        messages.success(request, f"Saved the population for {saved.year}.")
        return HttpResponseRedirect(reverse("dashboard-process-map-population"))
    return render(
        request,
        "dashboards/population.html",
        {
            "title": "Children in the authority's population",
            "form": form,
            "figures": ChildPopulation.objects.select_related("changed_by"),
            "back": reverse("dashboard-process-map") + "#flows-heading",
        },
    )


class StepNoteForm(forms.ModelForm[ProcessStepNote]):
    class Meta:
        model = ProcessStepNote
        fields = ["owner", "testing"]
        widgets = {"testing": forms.Textarea(attrs={"rows": 4})}


@requires(Capability.EDIT_IMPROVEMENT)
def step_note(request: HttpRequest, step: str) -> HttpResponse:
    """Note who owns a step of the map and what is being tested there."""
    if step not in STEP_LABELS:
        raise Http404("The process map has no step of that name.")
    user = cast(User, request.user)
    assert user.authority_id is not None  # ``requires`` refuses people without one
    note = ProcessStepNote.objects.filter(step=step).first() or ProcessStepNote(
        authority_id=user.authority_id, step=step
    )
    back = reverse("dashboard-process-map")
    form = StepNoteForm(request.POST or None, instance=note)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.changed_by = user
        saved.save()
        messages.success(request, f"Saved the note on “{SHORT_LABELS[step]}”.")
        return HttpResponseRedirect(f"{back}#step-{step}")
    return render(
        request,
        "dashboards/step_note.html",
        {
            "title": f"Note on the step: {STEP_LABELS[step]}",
            "form": form,
            "cancel": back,
            "submit": "Save the note",
        },
    )
