"""Projects, their Champions' Group, and the local aims they may be linked to."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from permanence.analysis.aims import AIM_TEMPLATES
from permanence.analysis.aims_outcomes import evaluate_aim
from permanence.analysis.aims_text import describe
from permanence.web.accounts.access import requires
from permanence.web.accounts.roles import Capability
from permanence.web.improvement.forms import LocalAimForm, MemberForm, ProjectForm
from permanence.web.improvement.measure_aims import measure_aim_context
from permanence.web.improvement.models import (
    Agency,
    ChampionsGroupMember,
    ImprovementProject,
    LocalAim,
    Measure,
    MeasureKind,
    MeasureSource,
    PdsaCycle,
    RiskStatus,
)
from permanence.web.improvement.views._common import (
    authority_id_of,
    bind,
    can_edit,
    done,
    form_page,
    remove_page,
    save_page,
)
from permanence.web.kernel.cache import authority_data

GET_OR_POST = ["GET", "POST"]


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    projects = ImprovementProject.objects.select_related("local_aim")
    return render(
        request,
        "improvement/project_list.html",
        {
            "projects": projects,
            "local_aims": LocalAim.objects.all(),
            "can_edit": can_edit(request),
        },
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def project_new(request: HttpRequest) -> HttpResponse:
    form = bind(ProjectForm, request)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            project = form.save()
            add_outcome_measure(project)
        return done(request, "Project created.", reverse("improvement-project", args=[project.pk]))
    return form_page(
        request,
        form,
        title="New improvement project",
        lead="Start with the aim. The project's outcome measure (the aim's run chart) is "
        "added for you.",
        cancel=reverse("improvement-projects"),
        submit="Create the project",
    )


def add_outcome_measure(project: ImprovementProject) -> Measure:
    """Every project starts with its aim's run chart as its outcome measure."""
    measure = Measure(
        authority=project.authority,
        project=project,
        kind=MeasureKind.OUTCOME,
        source=MeasureSource.AIM_WEEKS,
        national_aim=project.national_aim,
        local_aim=project.local_aim,
    )
    # Titled from the aim's title, not its definition: an aim that cannot be measured
    # must not stop the project being made.
    measure.title = f"{measure.aim_title or 'The aim'}: weeks each child waited"
    measure.save()
    return measure


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject.objects.select_related("local_aim"), pk=pk)
    ideas = list(project.change_ideas.prefetch_related("cycles"))
    open_cycles = (
        PdsaCycle.objects.filter(change_idea__project=project, closed_on__isnull=True)
        .select_related("change_idea", "team")
        .order_by("started_on")
    )
    risks = [r for r in project.risks.all() if r.status != RiskStatus.CLOSED]
    risks.sort(key=lambda risk: (-risk.rating, risk.pk))
    return render(
        request,
        "improvement/project_detail.html",
        {
            "project": project,
            "section": "overview",
            "members": project.members.all(),
            "agencies": _agency_counts(project),
            "idea_statuses": sorted(Counter(idea.status for idea in ideas).items()),
            "ideas": ideas,
            "open_cycles": open_cycles,
            "measures": project.measures.all(),
            "risks": risks[:5],
            "can_edit": can_edit(request),
        },
    )


def _agency_counts(project: ImprovementProject) -> list[tuple[str, int]]:
    """How many members each agency has, agencies with none included: a gap shows."""
    counts = Counter(project.members.values_list("agency", flat=True))
    return [(str(label), counts.get(value, 0)) for value, label in Agency.choices]


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject, pk=pk)
    form = bind(ProjectForm, request, instance=project)
    return save_page(
        request,
        form,
        said="Project saved.",
        then=reverse("improvement-project", args=[project.pk]),
        title=f"Change {project.title}",
        cancel=reverse("improvement-project", args=[project.pk]),
    )


# ---------------------------------------------------------------------------------------
# The Champions' Group


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def member_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject, pk=pk)
    form = bind(MemberForm, request)
    form.instance.project = project
    return save_page(
        request,
        form,
        said="Member added.",
        then=reverse("improvement-project", args=[project.pk]) + "#members",
        title="Add a member of the Champions' Group",
        lead=f"For {project.title}. Name the agency each member represents, so the "
        "group can see which agencies are missing.",
        cancel=reverse("improvement-project", args=[project.pk]),
        submit="Add the member",
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(ChampionsGroupMember, pk=pk)
    form = bind(MemberForm, request, instance=member)
    back = reverse("improvement-project", args=[member.project_id]) + "#members"
    return save_page(
        request, form, said="Member saved.", then=back, title=f"Change {member.name}", cancel=back
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(ChampionsGroupMember, pk=pk)
    back = reverse("improvement-project", args=[member.project_id]) + "#members"
    return remove_page(
        request,
        member,
        said="Member removed.",
        then=back,
        title=f"Remove {member.name} from the Champions' Group?",
        consequence="They will no longer be listed as a member.",
        cancel=back,
    )


# ---------------------------------------------------------------------------------------
# Local aims


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def aim_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "improvement/aim_list.html",
        {"aims": LocalAim.objects.all(), "can_edit": can_edit(request)},
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def aim_new(request: HttpRequest) -> HttpResponse:
    form = bind(LocalAimForm, request)
    if request.method == "POST" and form.is_valid():
        aim = form.save()
        return done(request, "Local aim created.", reverse("improvement-aim", args=[aim.pk]))
    return form_page(
        request,
        form,
        title="New local aim",
        lead="Choose a PACE aim statement, then say how many children, from when and by "
        "when. Aims are never 100%: where a decision takes longer it should be a purposeful "
        "decision in the child's interest, not the system's delay.",
        cancel=reverse("improvement-aims"),
        submit="Save the aim",
        extra={"templates": AIM_TEMPLATES.values()},
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def aim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    aim = get_object_or_404(LocalAim, pk=pk)
    form = bind(LocalAimForm, request, instance=aim)
    return save_page(
        request,
        form,
        said="Local aim saved.",
        then=reverse("improvement-aim", args=[aim.pk]),
        title=f"Change {aim.title}",
        lead="Leave the statement blank to write it again from the template.",
        cancel=reverse("improvement-aim", args=[aim.pk]),
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def aim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    aim = get_object_or_404(LocalAim, pk=pk)
    context: dict[str, Any] = {
        "aim": aim,
        "projects": aim.projects.all(),
        "can_edit": can_edit(request),
    }
    if aim.on_a_measure:
        context.update(measure_aim_context(aim, authority_id_of(request)))
        return render(request, "improvement/aim_on_a_measure.html", context)
    try:
        definition = aim.to_definition()
    except ValueError as error:
        # A stored aim can stop being measurable (a milestone the analysis no longer
        # knows): the page says why instead of failing.
        context["problem"] = aim.problem(error)
        return render(request, "improvement/aim_detail.html", context)
    # The journeys frame as the dashboards keep it, built once per data version and day.
    result = evaluate_aim(authority_data(authority_id_of(request)).frame, definition)
    context.update(
        definition=definition,
        population=definition.population_text(),
        sentences=describe(result),
        progress=result.progress,
    )
    return render(request, "improvement/aim_detail.html", context)
