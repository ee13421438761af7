"""The driver diagram: seen as a picture and an outline, edited driver by driver,
downloaded as SVG or as a Markdown outline."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from permanence.charts.driver_diagram import driver_diagram_svg, outline_html, outline_markdown
from permanence.web.accounts.access import requires
from permanence.web.accounts.roles import Capability
from permanence.web.improvement.diagram import project_diagram
from permanence.web.improvement.forms import PrimaryDriverForm, SecondaryDriverForm
from permanence.web.improvement.models import ChangeIdea, Driver, ImprovementProject
from permanence.web.improvement.views._common import (
    bind,
    can_edit,
    done,
    form_page,
    remove_page,
    save_page,
)
from permanence.web.improvement.views.projects import GET_OR_POST


def _diagram_url(project_id: int) -> str:
    return reverse("improvement-diagram", args=[project_id])


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def diagram(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject, pk=pk)
    drawn = project_diagram(project)
    drivers = list(Driver.objects.filter(project=project))
    primary = [
        (driver, [child for child in drivers if child.parent_id == driver.pk])
        for driver in drivers
        if driver.parent_id is None
    ]
    return render(
        request,
        "improvement/diagram.html",
        {
            "project": project,
            "section": "diagram",
            # Both are built from escaped text by the charts module.
            "svg": mark_safe(driver_diagram_svg(drawn)),  # noqa: S308
            "outline": mark_safe(outline_html(drawn)),  # noqa: S308
            "primary": primary,
            "ideas": ChangeIdea.objects.filter(project=project),
            "can_edit": can_edit(request),
        },
    )


def _download_name(project: ImprovementProject, suffix: str) -> str:
    return f"driver-diagram-{slugify(project.title) or project.pk}.{suffix}"


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def diagram_svg(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject, pk=pk)
    svg = driver_diagram_svg(project_diagram(project, links=False))
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + svg, content_type="image/svg+xml"
    )
    response["Content-Disposition"] = f'attachment; filename="{_download_name(project, "svg")}"'
    return response


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def diagram_markdown(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject, pk=pk)
    text = outline_markdown(project_diagram(project, links=False))
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(project, "md")}"'
    return response


# ---------------------------------------------------------------------------------------
# Editing


def _next_position(drivers: QuerySet[Driver]) -> int:
    return (drivers.aggregate(Max("position"))["position__max"] or 0) + 1


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def primary_driver_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject, pk=pk)
    form = bind(PrimaryDriverForm, request)
    form.instance.project = project
    if request.method == "POST" and form.is_valid():
        driver = form.save(commit=False)
        driver.position = _next_position(Driver.objects.filter(project=project, parent=None))
        driver.save()
        return done(request, "Primary driver added.", _diagram_url(project.pk))
    return form_page(
        request,
        form,
        title="Add a primary driver",
        lead=f"For the aim of {project.title}.",
        cancel=_diagram_url(project.pk),
        submit="Add the primary driver",
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def secondary_driver_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject, pk=pk)
    form = bind(SecondaryDriverForm, request, project=project)
    form.instance.project = project
    parent = request.GET.get("parent", "")
    if request.method == "GET" and parent.isdigit():
        form.initial["parent"] = int(parent)
    if request.method == "POST" and form.is_valid():
        driver = form.save(commit=False)
        driver.position = _next_position(
            Driver.objects.filter(project=project, parent=driver.parent)
        )
        driver.save()
        return done(request, "Secondary driver added.", _diagram_url(project.pk))
    return form_page(
        request,
        form,
        title="Add a secondary driver",
        cancel=_diagram_url(project.pk),
        submit="Add the secondary driver",
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def driver_edit(request: HttpRequest, pk: int) -> HttpResponse:
    driver = get_object_or_404(Driver, pk=pk)
    project = driver.project
    if driver.is_primary:
        form = bind(PrimaryDriverForm, request, instance=driver)
    else:
        form = bind(SecondaryDriverForm, request, instance=driver, project=project)
    return save_page(
        request,
        form,
        said="Driver saved.",
        then=_diagram_url(project.pk),
        title=f"Rename the {driver.level}",
        cancel=_diagram_url(project.pk),
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_POST
def driver_move(request: HttpRequest, pk: int) -> HttpResponse:
    driver = get_object_or_404(Driver, pk=pk)
    move_within(list(driver.siblings()), driver, request.POST.get("direction", ""))
    return done(request, "Driver moved.", _diagram_url(driver.project_id) + f"#driver-{driver.pk}")


def move_within(
    rows: list[Driver] | list[ChangeIdea], row: Driver | ChangeIdea, direction: str
) -> None:
    """Move ``row`` one place up or down among ``rows`` and number them all afresh."""
    if direction not in {"up", "down"}:
        raise Http404("Move up or down.")
    ordered: list[Driver | ChangeIdea] = list(rows)
    index = next(i for i, other in enumerate(ordered) if other.pk == row.pk)
    swap = index - 1 if direction == "up" else index + 1
    if 0 <= swap < len(ordered):
        ordered[index], ordered[swap] = ordered[swap], ordered[index]
    with transaction.atomic():
        for position, other in enumerate(ordered, start=1):
            if other.position != position:
                other.position = position
                other.save(update_fields=["position"])


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def driver_remove(request: HttpRequest, pk: int) -> HttpResponse:
    driver = get_object_or_404(Driver, pk=pk)
    back = _diagram_url(driver.project_id)
    below = driver.secondary_drivers.count()
    consequence = "Change ideas linked to it stay in the project, unlinked from it."
    if below:
        consequence = (
            f"Its {below} secondary driver{'s' if below != 1 else ''} will be removed too. "
            + consequence
        )
    return remove_page(
        request,
        driver,
        said="Driver removed.",
        then=back,
        title=f"Remove the {driver.level} “{driver.text}”?",
        consequence=consequence,
        cancel=back,
    )
