"""The views of children, parents and carers, and the risks and issues register."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from permanence.web.accounts.access import requires
from permanence.web.accounts.roles import Capability
from permanence.web.improvement.forms import FeedbackForm, RiskForm
from permanence.web.improvement.models import (
    RATING_FIELDS,
    Feedback,
    FeedbackGiver,
    ImprovementProject,
    Risk,
    RiskStatus,
)
from permanence.web.improvement.views._common import (
    bind,
    can_edit,
    save_page,
)
from permanence.web.improvement.views.projects import GET_OR_POST

# ---------------------------------------------------------------------------------------
# Feedback


def feedback_by_month(project: ImprovementProject) -> list[dict[str, Any]]:
    """Per month: how many gave feedback (and who), and the average of each rating among
    those who answered it. The qualitative measure beside the charts."""
    ratings = {f"{name}_average": Avg(name) for name, _ in RATING_FIELDS}
    givers = {
        f"{giver.value}_count": Count("pk", filter=Q(giver=giver.value)) for giver in FeedbackGiver
    }
    rows = (
        Feedback.objects.filter(project=project)
        .values("month")
        .annotate(total=Count("pk"), **givers, **ratings)
        .order_by("month")
    )
    months: list[dict[str, Any]] = [dict(row) for row in rows]
    for month in months:
        month["averages"] = [month[f"{name}_average"] for name, _ in RATING_FIELDS]
        month["givers"] = [month[f"{giver.value}_count"] for giver in FeedbackGiver]
    return months


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def feedback_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject, pk=pk)
    return render(
        request,
        "improvement/feedback_list.html",
        {
            "project": project,
            "section": "feedback",
            "months": feedback_by_month(project),
            "rating_titles": [title for _, title in RATING_FIELDS],
            "giver_titles": [giver.label for giver in FeedbackGiver],
            "words": Feedback.objects.filter(project=project).exclude(words=""),
            "count": Feedback.objects.filter(project=project).count(),
            "can_edit": can_edit(request),
        },
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def feedback_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject, pk=pk)
    form = bind(FeedbackForm, request)
    form.instance.project = project
    back = reverse("improvement-feedback", args=[project.pk])
    return save_page(
        request,
        form,
        said="Feedback added.",
        then=back,
        title="Record the views of a child, parent or carer",
        lead="A few questions about how a meeting or stage felt to them, and their own words.",
        cancel=back,
        submit="Save their views",
        template="improvement/feedback_form.html",
    )


# ---------------------------------------------------------------------------------------
# Risks and issues


_STATUS_ORDER = {RiskStatus.OPEN: 0, RiskStatus.MANAGED: 1, RiskStatus.CLOSED: 2}


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def risk_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject, pk=pk)
    risks = sorted(
        Risk.objects.filter(project=project),
        key=lambda risk: (_STATUS_ORDER[RiskStatus(risk.status)], -risk.rating, risk.pk),
    )
    return render(
        request,
        "improvement/risk_list.html",
        {"project": project, "section": "risks", "risks": risks, "can_edit": can_edit(request)},
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def risk_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(ImprovementProject, pk=pk)
    form = bind(RiskForm, request)
    form.instance.project = project
    back = reverse("improvement-risks", args=[project.pk])
    return save_page(
        request,
        form,
        said="Risk added.",
        then=back,
        title="Add a risk or issue",
        lead=f"To the register of {project.title}.",
        cancel=back,
        submit="Add to the register",
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_object_or_404(Risk, pk=pk)
    form = bind(RiskForm, request, instance=risk)
    back = reverse("improvement-risks", args=[risk.project_id]) + f"#risk-{risk.pk}"
    return save_page(
        request, form, said="Risk saved.", then=back, title="Review a risk or issue", cancel=back
    )
