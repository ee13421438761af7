"""Pages of sharing learning across authorities (docs/sharing.md): the change-idea
library, projects' progress, and advisers' access to an authority's improvement record.

Who may use each page is declared on it. The library is read by everyone signed in with
an authority (``VIEW_AGGREGATES``) and by the national team (``VIEW_NATIONAL``); what it
shows of another authority goes through ``learning.py``, which shows nothing of an
authority whose decision in force does not share what it learns.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import replace
from io import StringIO
from typing import Any, TypeVar, cast
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from permanence.analysis.disclosure import SUPPRESSION_NOTE
from permanence.analysis.shared_measure import SharedPoint
from permanence.charts.spec import ChartSpec
from permanence.pages.measure_chart import measure_chart
from permanence.pages.measure_reading import read_series
from permanence.pages.measure_series import MeasurePoint, MeasureSeries
from permanence.web.accounts.access import requires, requires_one_of
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability
from permanence.web.improvement.models import NATIONAL_AIM_CHOICES
from permanence.web.national import learning
from permanence.web.national.learning_forms import (
    AddFileForm,
    AdoptForm,
    CurateForm,
    GrantForm,
    ProgressForm,
    PublishForm,
    read_upload,
)
from permanence.web.national.models import (
    STAGE_CHOICES,
    AdviserGrant,
    AdviserVisit,
    ProjectProgress,
    SharedChangeIdea,
    SharedTemplate,
)
from permanence.web.national.sharing import shares_learning

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
GET_OR_POST = ["GET", "POST"]


def _person(request: HttpRequest) -> User:
    return cast(User, request.user)


def _own_authority_id(request: HttpRequest) -> int:
    authority_id = _person(request).authority_id
    if authority_id is None:
        raise Http404("No authority")
    return authority_id


def _points(idea: SharedChangeIdea) -> list[SharedPoint]:
    return [SharedPoint.from_dict(point) for point in idea.chart]


def shared_run_chart(idea: SharedChangeIdea) -> ChartSpec | None:
    """The shared measure as a run chart, read by the project's run chart rules, from the
    months as published: a month withheld under disclosure control (``c``) or not recorded
    is not drawn, and the text alternative says how many were withheld. The page keeps the
    month-by-month table beneath it."""
    points = _points(idea)
    drawn = [point for point in points if point.value is not None and not point.hidden]
    if not drawn:
        return None
    percent = idea.chart_unit == "percent"
    series = MeasureSeries(
        y_title="Percentage" if percent else "Count",
        unit="percent" if percent else "count",
        points=tuple(
            MeasurePoint(
                first=point.month,
                last=point.month,
                value=float(point.value or 0),
                label=f"{point.month:%B %Y}",
            )
            for point in drawn
        ),
    )
    chart = measure_chart(
        name=f"shared-{idea.pk}",
        title=idea.measure_title or "The shared measure",
        series=series,
        reading=read_series(series),
        annotations=(),
        improvement_start=None,
    )
    withheld = sum(1 for point in points if point.hidden)
    if not withheld:
        return chart
    said = (
        f" {withheld} {'month was' if withheld == 1 else 'months were'} withheld under "
        "disclosure control and not drawn."
    )
    spec = {**chart.spec, "description": chart.spec.get("description", "") + said}
    return replace(chart, alt_text=chart.alt_text + said, spec=spec)


# ---- the library ----------------------------------------------------------------------


@requires_one_of(Capability.VIEW_AGGREGATES, Capability.VIEW_NATIONAL)
@require_GET
def library(request: HttpRequest) -> HttpResponse:
    chosen = {
        key: request.GET.get(key, "").strip()[:100] for key in ("aim", "driver", "stage", "q")
    }
    ideas = learning.listed_ideas(
        aim=chosen["aim"], driver=chosen["driver"], stage=chosen["stage"], text=chosen["q"]
    )
    person = _person(request)
    return render(
        request,
        "national/library.html",
        {
            "ideas": ideas,
            "chosen": chosen,
            "aims": NATIONAL_AIM_CHOICES,
            "stages": STAGE_CHOICES,
            "drivers": learning.drivers_in_library(),
            "can_publish": person.can(Capability.EDIT_IMPROVEMENT),
            "sharing": person.authority_id is not None and shares_learning(person.authority_id),
            "can_manage_sharing": person.can(Capability.MANAGE_SHARING),
            "is_national": person.can(Capability.VIEW_NATIONAL),
        },
    )


@requires_one_of(Capability.VIEW_AGGREGATES, Capability.VIEW_NATIONAL)
@require_GET
def library_idea(request: HttpRequest, pk: int) -> HttpResponse:
    idea = learning.library_idea(pk)
    person = _person(request)
    own = person.authority_id == idea.authority_id
    context: dict[str, Any] = {
        "idea": idea,
        "points": _points(idea),
        "chart": shared_run_chart(idea),
        "note": SUPPRESSION_NOTE,
        "templates": list(idea.templates.all()) if own else _templates_of(idea),
        "own": own,
        "is_national": person.can(Capability.VIEW_NATIONAL),
        "merged_into": idea.merged_into
        if idea.merged_into_id and idea.merged_into in learning.library_ideas()
        else None,
    }
    if person.can(Capability.EDIT_IMPROVEMENT) and not own:
        context["adopt_form"] = AdoptForm()
    if own and person.can(Capability.EDIT_IMPROVEMENT):
        context["file_form"] = AddFileForm()
    if person.can(Capability.VIEW_NATIONAL):
        context["curate_form"] = CurateForm(others=learning.library_ideas().exclude(pk=idea.pk))
    return render(request, "national/library_idea.html", context)


def _templates_of(idea: SharedChangeIdea) -> list[Any]:
    return list(SharedTemplate.everywhere.filter(shared_idea=idea).defer("content"))


@requires_one_of(Capability.VIEW_AGGREGATES, Capability.VIEW_NATIONAL)
@require_GET
def library_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    idea = learning.library_idea(pk)
    template = learning.library_template(idea, file_pk)
    response = HttpResponse(bytes(template.content), content_type=template.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(template.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def library_publish(request: HttpRequest) -> HttpResponse:
    authority_id = _own_authority_id(request)
    sharing = shares_learning(authority_id)
    form = PublishForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not sharing:
            raise PermissionDenied("Your authority does not share what it learns.")
        if form.is_valid():
            upload = form.cleaned_data.get("template")
            shared = learning.publish(
                form.cleaned_data["change_idea"],
                by=_person(request),
                stage=form.cleaned_data.get("stage") or "",
                measure=form.cleaned_data.get("measure"),
                files=[read_upload(upload)] if upload else [],
            )
            messages.success(request, f"Published “{shared.title}” to the library.")
            return redirect("national-library-idea", pk=shared.pk)
    published = list(SharedChangeIdea.objects.filter(unpublished_at__isnull=True))
    return render(
        request,
        "national/library_publish.html",
        {
            "form": form,
            "sharing": sharing,
            "published": published,
            "can_manage_sharing": _person(request).can(Capability.MANAGE_SHARING),
        },
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_POST
def library_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    shared = get_object_or_404(SharedChangeIdea, pk=pk, unpublished_at__isnull=True)
    learning.unpublish(shared)
    messages.success(request, f"“{shared.title}” is no longer in the library.")
    return redirect("national-library-publish")


@requires(Capability.EDIT_IMPROVEMENT)
@require_POST
def library_add_file(request: HttpRequest, pk: int) -> HttpResponse:
    shared = get_object_or_404(SharedChangeIdea, pk=pk, unpublished_at__isnull=True)
    form = AddFileForm(request.POST, request.FILES)
    if form.is_valid():
        name, content_type, content = read_upload(form.cleaned_data["template"])
        learning.add_template(shared, name, content_type, content)
        messages.success(request, f"Added {name}.")
    else:
        messages.error(
            request, " ".join(str(e) for e in form.errors.get("template", [])) or "Choose a file."
        )
    return redirect("national-library-idea", pk=shared.pk)


@requires(Capability.EDIT_IMPROVEMENT)
@require_POST
def library_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    shared = learning.library_idea(pk)
    if shared.authority_id == _own_authority_id(request):
        raise Http404("An authority's own idea is already in its driver diagram")
    form = AdoptForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "national/library_idea.html",
            {
                "idea": shared,
                "points": _points(shared),
                "note": SUPPRESSION_NOTE,
                "templates": _templates_of(shared),
                "adopt_form": form,
            },
            status=400,
        )
    idea = learning.adopt(
        shared,
        project=form.cleaned_data["project"],
        driver=form.cleaned_data.get("driver"),
        by=_person(request),
    )
    messages.success(request, f"“{idea.title}” is now in your driver diagram, with its origin.")
    return redirect(reverse("improvement-idea", args=[idea.pk]))


@requires(Capability.VIEW_NATIONAL)
@require_POST
def library_curate(request: HttpRequest, pk: int) -> HttpResponse:
    shared = learning.library_idea(pk)
    form = CurateForm(request.POST, others=learning.library_ideas().exclude(pk=shared.pk))
    if form.is_valid():
        learning.curate(
            shared,
            form.cleaned_data["action"],
            note=form.cleaned_data.get("note") or "",
            into=form.cleaned_data.get("into"),
        )
        messages.success(request, "Saved the library's curation.")
    else:
        messages.error(request, "Choose what to do (and, to merge, the idea to merge into).")
    return redirect("national-library-idea", pk=shared.pk)


# ---- progress -------------------------------------------------------------------------


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def progress_ours(request: HttpRequest) -> HttpResponse:
    authority_id = _own_authority_id(request)
    form = ProgressForm(request.POST or None)
    form.instance.authority_id = authority_id
    if request.method == "POST" and form.is_valid():
        progress = form.save(commit=False)
        progress.recorded_by = _person(request)
        progress.save()
        messages.success(request, f"Recorded: {progress}.")
        return redirect("national-progress-ours")
    return render(
        request,
        "national/progress_ours.html",
        {
            "form": form,
            "history": list(ProjectProgress.objects.select_related("project", "recorded_by")),
            "sharing": shares_learning(authority_id),
        },
    )


@requires(Capability.VIEW_NATIONAL)
@require_GET
def progress_national(request: HttpRequest) -> HttpResponse:
    return render(request, "national/progress.html", {"standings": learning.progress_across()})


@requires(Capability.VIEW_NATIONAL)
@require_GET
def progress_download(request: HttpRequest) -> HttpResponse:
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(["authority", "project", "aim", "assessed_on", "phase", "score", "note"])
    for standing in learning.progress_across():
        for row in standing.history:
            writer.writerow(
                [
                    standing.authority,
                    standing.project,
                    standing.aim,
                    row.assessed_on.isoformat(),
                    row.get_phase_display(),
                    str(row.score),
                    row.note,
                ]
            )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="progress-across-authorities.csv"'
    return response


# ---- advisers -------------------------------------------------------------------------


@requires(Capability.MANAGE_SHARING)
@require_http_methods(GET_OR_POST)
def advisers(request: HttpRequest) -> HttpResponse:
    authority_id = _own_authority_id(request)
    form = GrantForm(request.POST or None)
    form.instance.authority_id = authority_id
    if request.method == "POST" and form.is_valid():
        grant = form.save(commit=False)
        grant.granted_by = _person(request)
        grant.save()
        messages.success(
            request,
            f"{grant.adviser.get_full_name() or grant.adviser.username} may read your "
            f"improvement record until {grant.ends_on:%-d %B %Y}.",
        )
        return redirect("national-advisers")
    today = timezone.localdate()
    grants = list(AdviserGrant.objects.select_related("adviser", "granted_by", "revoked_by"))
    return render(
        request,
        "national/advisers.html",
        {
            "form": form,
            "grants": [(grant, grant.is_active(today)) for grant in grants],
            "visits": list(AdviserVisit.objects.select_related("adviser")[:100]),
        },
    )


@requires(Capability.MANAGE_SHARING)
@require_POST
def adviser_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(AdviserGrant, pk=pk, revoked_at__isnull=True)
    learning.revoke(grant, _person(request))
    messages.success(request, "Access revoked: the adviser can no longer read your record.")
    return redirect("national-advisers")


@requires(Capability.VIEW_NATIONAL)
@require_GET
def advised(request: HttpRequest) -> HttpResponse:
    grants = learning.grants_for(_person(request), timezone.localdate())
    return render(request, "national/advised.html", {"grants": grants})


@requires(Capability.VIEW_NATIONAL)
@require_GET
def advised_record(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    grant = learning.grant_in_force(person, pk, timezone.localdate())
    learning.record_visit(grant, person, "the improvement record")
    return render(
        request,
        "national/advised_record.html",
        {"grant": grant, **learning.improvement_record(grant)},
    )
