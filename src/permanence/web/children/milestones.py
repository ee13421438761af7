"""Milestones typed on a child's journey page: add one to a care period, change or remove
one typed here, and see who typed each version (docs/meetings.md, "Milestones entered in
the app").

Writing needs ``EDIT_CHILD_RECORDS`` (practitioners, data leads, administrators); every
page names the child, so each writes to the audit log. A milestone an import brought is
never changed here: it is put right in the case recording system, or a corrected date is
typed here beside it, and the data lead sees both (``records.entered_milestones``).
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from permanence.journey.vocabulary import MilestoneKind
from permanence.web.accounts.access import requires
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability
from permanence.web.audit.log import log_record_view
from permanence.web.children.milestone_forms import MilestoneForm
from permanence.web.kernel.pages import done, save_page
from permanence.web.records.entered_milestones import TYPED_IN, is_typed_in
from permanence.web.records.loading import remove_with_history
from permanence.web.records.models import Child, Milestone

GET_OR_POST = ["GET", "POST"]


def _person(request: HttpRequest) -> User:
    return cast(User, request.user)


def _journey_url(child: Child) -> str:
    return reverse("child-journey", args=[child.pk]) + "#milestones-entered"


def _typed_in(pk: int) -> Milestone:
    """A milestone typed here (in scope); an imported one is not changed on these pages."""
    milestone = get_object_or_404(Milestone.objects.select_related("care_period__child"), pk=pk)
    if not is_typed_in(milestone):
        raise Http404("Only a milestone typed in here is changed here.")
    return milestone


def _form(request: HttpRequest, child: Child, instance: Milestone | None = None) -> MilestoneForm:
    form = MilestoneForm(
        request.POST if request.method == "POST" else None, instance=instance, child=child
    )
    if form.instance.pk is None:
        form.instance.authority = _person(request).authority
    return form


def _page(request: HttpRequest, form: MilestoneForm, context: dict[str, Any]) -> HttpResponse:
    def save(form: MilestoneForm) -> Milestone:
        milestone: Milestone = form.save(commit=False)
        if milestone.pk is None:
            milestone.entered_by = _person(request)
        milestone._history_user = _person(request)  # type: ignore[attr-defined]
        milestone.save()
        return milestone

    child = context["child"]
    log_record_view(request, child)
    return save_page(
        request,
        form,
        save=save,
        said=lambda milestone: f"Milestone saved: {milestone}.",
        then=_journey_url(child),
        show=lambda: render(
            request,
            "children/milestone_form.html",
            {"form": form, "cancel": _journey_url(child), **context},
        ),
    )


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(GET_OR_POST)
def milestone_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_object_or_404(Child, pk=pk)
    context = {"child": child, "title": f"Add a milestone for child {child.child_ref}"}
    return _page(request, _form(request, child), {**context, "submit": "Add the milestone"})


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(GET_OR_POST)
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _typed_in(pk)
    child = milestone.care_period.child
    context = {
        "child": child,
        "title": f"Change the milestone “{milestone}”",
        "submit": "Save",
        "milestone": milestone,
        "history": milestone.history.select_related("history_user").order_by("-history_date"),
        "remove_href": reverse("child-milestone-remove", args=[milestone.pk]),
    }
    return _page(request, _form(request, child, milestone), context)


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(GET_OR_POST)
def milestone_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then remove a milestone typed here (its history keeps who removed it)."""
    milestone = _typed_in(pk)
    child = milestone.care_period.child
    log_record_view(request, child)
    if request.method == "POST":
        said = f"Milestone removed: {milestone}."
        remove_with_history(milestone, _person(request), "Removed on the child's journey page")
        return done(request, said, _journey_url(child))
    return render(
        request,
        "children/milestone_remove.html",
        {"child": child, "milestone": milestone, "cancel": _journey_url(child)},
    )


def on_the_journey(child: Child) -> dict[str, Any]:
    """What the journey page shows of the milestones typed in: each with who typed it, and
    whether an import's of the same kind counts instead."""
    typed = (
        Milestone.objects.filter(TYPED_IN, care_period__child=child)
        .select_related("entered_by", "care_period")
        .order_by("care_period__period_start", "date", "pk")
    )
    imported = {
        (period, kind)
        for period, kind in Milestone.objects.filter(care_period__child=child)
        .exclude(TYPED_IN)
        .values_list("care_period_id", "milestone")
    }
    return {
        "milestones_entered": [
            {
                "record": milestone,
                "label": MilestoneKind(milestone.milestone).label,
                "detail": _detail_label(milestone),
                "outweighed": (milestone.care_period_id, milestone.milestone) in imported,
            }
            for milestone in typed
        ],
        "milestone_new_href": reverse("child-milestone-new", args=[child.pk]),
    }


def _detail_label(milestone: Milestone) -> str:
    vocabulary = MilestoneKind(milestone.milestone).detail_vocabulary
    if vocabulary is None or milestone.detail not in vocabulary.codes():
        return milestone.detail
    return str(vocabulary(milestone.detail).label)
