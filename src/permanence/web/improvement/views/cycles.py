"""Change ideas and their PDSA cycles: planning, recording, closing, ramps and spread."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from permanence.web.accounts.access import requires
from permanence.web.accounts.models import Team
from permanence.web.accounts.roles import Capability
from permanence.web.improvement.forms import ChangeIdeaForm, CloseCycleForm, CycleForm
from permanence.web.improvement.models import (
    MINIMUM_RECORD,
    ChangeIdea,
    ImprovementProject,
    PdsaCycle,
)
from permanence.web.improvement.ramps import ramps, spread
from permanence.web.improvement.views._common import (
    bind,
    can_edit,
    done,
    form_page,
    remove_page,
    save_page,
)
from permanence.web.improvement.views.diagram import move_within
from permanence.web.improvement.views.projects import GET_OR_POST


def _idea_url(pk: int) -> str:
    return reverse("improvement-idea", args=[pk])


def _cycle_url(pk: int) -> str:
    return reverse("improvement-cycle", args=[pk])


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def idea_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject, pk=pk)
    ideas = ChangeIdea.objects.filter(project=project).prefetch_related("cycles", "drivers")
    return render(
        request,
        "improvement/idea_list.html",
        {"project": project, "section": "ideas", "ideas": ideas, "can_edit": can_edit(request)},
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def idea_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject, pk=pk)
    form = bind(ChangeIdeaForm, request, project=project)
    form.instance.project = project
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            idea = form.save(commit=False)
            highest = ChangeIdea.objects.filter(project=project).aggregate(Max("position"))
            idea.position = (highest["position__max"] or 0) + 1
            idea.save()
            form.save_m2m()
        return done(request, "Change idea added.", _idea_url(idea.pk))
    return form_page(
        request,
        form,
        title="Add a change idea",
        lead=f"For {project.title}: a change that could bring about improvement. Link it to "
        "the secondary drivers it works on, so it takes its place in the driver diagram.",
        cancel=reverse("improvement-ideas", args=[project.pk]),
        submit="Add the change idea",
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(ChangeIdea.objects.select_related("project"), pk=pk)
    cycles = list(PdsaCycle.objects.filter(change_idea=idea).select_related("team", "follows"))
    teams = list(Team.objects.order_by("name").values_list("name", flat=True))
    return render(
        request,
        "improvement/idea_detail.html",
        {
            "project": idea.project,
            "section": "ideas",
            "idea": idea,
            "drivers": idea.drivers.all(),
            "cycles": cycles,
            "ramps": ramps(cycles),
            "spread": spread(cycles, teams),
            "can_edit": can_edit(request),
        },
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def idea_edit(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(ChangeIdea, pk=pk)
    form = bind(ChangeIdeaForm, request, instance=idea, project=idea.project)
    return save_page(
        request,
        form,
        said="Change idea saved.",
        then=_idea_url(idea.pk),
        title=f"Change “{idea.title}”",
        cancel=_idea_url(idea.pk),
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_POST
def idea_move(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(ChangeIdea, pk=pk)
    move_within(list(idea.siblings()), idea, request.POST.get("direction", ""))
    return done(
        request,
        "Change idea moved.",
        reverse("improvement-ideas", args=[idea.project_id]) + f"#idea-{idea.pk}",
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def idea_remove(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(ChangeIdea, pk=pk)
    back = reverse("improvement-ideas", args=[idea.project_id])
    cycles = idea.cycles.count()
    return remove_page(
        request,
        idea,
        said="Change idea removed.",
        then=back,
        title=f"Remove the change idea “{idea.title}”?",
        consequence=(
            f"Its {cycles} PDSA cycle{'s' if cycles != 1 else ''} and what they taught will be "
            "removed too, and it will leave the driver diagram and the charts."
            if cycles
            else "It will leave the driver diagram."
        ),
        cancel=_idea_url(idea.pk),
    )


# ---------------------------------------------------------------------------------------
# Cycles


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def cycle_new(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(ChangeIdea, pk=pk)
    form = bind(CycleForm, request, change_idea=idea)
    form.instance.change_idea = idea
    follows = request.GET.get("follows", "")
    if request.method == "GET" and follows.isdigit():
        form.initial["follows"] = int(follows)
    if request.method == "POST" and form.is_valid():
        cycle = form.save()
        return done(request, "PDSA cycle started.", _cycle_url(cycle.pk))
    return form_page(
        request,
        form,
        title=f"Plan a PDSA cycle of “{idea.title}”",
        lead="Only the first two questions are needed to start. When the cycle ends you will "
        "be asked what was learned and the next steps.",
        cancel=_idea_url(idea.pk),
        submit="Start the cycle",
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(
        PdsaCycle.objects.select_related("change_idea__project", "team", "follows"), pk=pk
    )
    return render(
        request,
        "improvement/cycle_detail.html",
        {
            "project": cycle.change_idea.project,
            "section": "ideas",
            "cycle": cycle,
            "idea": cycle.change_idea,
            "followed_by": cycle.followed_by.all(),
            "missing": [dict(MINIMUM_RECORD)[name] for name in cycle.missing_for_closing()],
            "can_edit": can_edit(request),
        },
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(PdsaCycle.objects.select_related("change_idea"), pk=pk)
    form = bind(CycleForm, request, instance=cycle, change_idea=cycle.change_idea)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            saved.record_adoption()
        return done(request, "PDSA cycle saved.", _cycle_url(cycle.pk))
    return form_page(
        request,
        form,
        title=f"Cycle {cycle.number} of “{cycle.change_idea.title}”",
        lead="Record what happened as the test runs. Close the cycle from its page when the "
        "group has studied it.",
        cancel=_cycle_url(cycle.pk),
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def cycle_close(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(PdsaCycle.objects.select_related("change_idea"), pk=pk)
    form = bind(CloseCycleForm, request, instance=cycle)
    if request.method == "POST" and form.is_valid():
        closed: PdsaCycle = form.save(commit=False)
        closed_on = closed.closed_on
        assert closed_on is not None  # the form requires it
        try:
            with transaction.atomic():
                # ``close`` checks the minimum record once more, in the model.
                closed.closed_on = None
                closed.close(closed_on, closed.decision)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return done(request, "PDSA cycle closed.", _cycle_url(cycle.pk))
    return form_page(
        request,
        form,
        title=f"Close cycle {cycle.number} of “{cycle.change_idea.title}”",
        lead="A cycle is closed when the group has studied what happened and decided what "
        "to do next. Record at least what the change was hoped to achieve, what was learned "
        "and the next steps.",
        cancel=_cycle_url(cycle.pk),
        submit="Close the cycle",
    )
