"""The pages for a child's planning meetings and decisions, and the data lead's list of
dates entered here that differ from an import's.

Reading needs ``VIEW_CHILD_RECORDS`` and writing ``EDIT_CHILD_RECORDS`` (practitioners,
data leads and administrators); every page names the child, so each writes to the audit
log. Every row is found through the authority scope.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from permanence.analysis.meetings import ItemState
from permanence.web.accounts.access import requires
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability
from permanence.web.audit.log import log_children_shown, log_record_view
from permanence.web.meetings.forms import ActionForm, ChecklistForm, DecisionForm, MeetingForm
from permanence.web.meetings.measures import dated_meetings, differences, imported_dates
from permanence.web.meetings.models import MeetingAction, PlanDecision, PlanningMeeting
from permanence.web.records.models import Child

GET_OR_POST = ["GET", "POST"]


def _person(request: HttpRequest) -> User:
    return cast(User, request.user)


def _done(request: HttpRequest, said: str, url: str) -> HttpResponseRedirect:
    messages.success(request, said)
    return HttpResponseRedirect(url)


def _form_page(
    request: HttpRequest, form: Any, *, child: Child, title: str, cancel: str, submit: str
) -> HttpResponse:
    return render(
        request,
        "meetings/form_page.html",
        {"form": form, "child": child, "title": title, "cancel": cancel, "submit": submit},
    )


def _child_url(child_pk: int) -> str:
    return reverse("meetings-child", args=[child_pk])


def _meeting_url(meeting_pk: int) -> str:
    return reverse("meetings-meeting", args=[meeting_pk])


@requires(Capability.VIEW_CHILD_RECORDS)
@require_GET
def child_meetings(request: HttpRequest, pk: int) -> HttpResponse:
    """The child's planning meetings (with how far each agenda got and the open actions)
    and the decisions that shape the plan."""
    child = get_object_or_404(Child, pk=pk)
    log_record_view(request, child)
    meetings = list(
        PlanningMeeting.objects.filter(care_period__child=child)
        .select_related("care_period", "local_kind")
        .prefetch_related("items", "actions")
    )
    periods = sorted({m.care_period_id for m in meetings})
    dated = {d.meeting.pk: d for d in dated_meetings(meetings, imported_dates(periods))}
    rows = []
    for meeting in sorted(meetings, key=lambda m: (m.held_date, m.pk), reverse=True):
        items = list(meeting.items.all())
        rows.append(
            {
                "meeting": meeting,
                "resolved": dated[meeting.pk].resolved,
                "done": sum(item.state == ItemState.DONE for item in items),
                "not_applicable": sum(item.state == ItemState.NOT_APPLICABLE for item in items),
                "items": len(items),
                "open_actions": [a for a in meeting.actions.all() if not a.is_done],
            }
        )
    decisions = PlanDecision.objects.filter(care_period__child=child).select_related("care_period")
    return render(
        request,
        "meetings/child_meetings.html",
        {
            "child": child,
            "rows": rows,
            "decisions": decisions.order_by("-decided_on", "-pk"),
            "can_edit": _person(request).can(Capability.EDIT_CHILD_RECORDS),
            "today": timezone.localdate(),
        },
    )


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(GET_OR_POST)
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_object_or_404(Child, pk=pk)
    log_record_view(request, child)
    form = MeetingForm(request.POST if request.method == "POST" else None, child=child)
    form.instance.authority = _person(request).authority
    if request.method == "POST" and form.is_valid():
        meeting = form.save(commit=False)
        meeting.entered_by = _person(request)
        meeting.start_agenda()
        return _done(
            request,
            f"{meeting.kind_label} recorded. Now say how far its agenda got.",
            _meeting_url(meeting.pk),
        )
    return _form_page(
        request,
        form,
        child=child,
        title=f"Record a planning meeting for child {child.child_ref}",
        cancel=_child_url(child.pk),
        submit="Record the meeting",
    )


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(GET_OR_POST)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting, its agenda as a checklist (the form) and its actions."""
    meeting = get_object_or_404(
        PlanningMeeting.objects.select_related("care_period__child", "local_kind"), pk=pk
    )
    child = meeting.care_period.child
    log_record_view(request, child)
    form = ChecklistForm(
        request.POST if request.method == "POST" else None, items=list(meeting.items.all())
    )
    if request.method == "POST" and form.is_valid():
        changed = form.save()
        said = f"The checklist is saved ({changed} item{'s' if changed != 1 else ''} changed)."
        return _done(request, said, _meeting_url(meeting.pk))
    same_kind = list(
        PlanningMeeting.objects.filter(care_period=meeting.care_period, kind=meeting.kind)
    )
    imported = imported_dates([meeting.care_period_id])
    resolved = next(
        d.resolved for d in dated_meetings(same_kind, imported) if d.meeting.pk == meeting.pk
    )
    return render(
        request,
        "meetings/meeting.html",
        {
            "meeting": meeting,
            "child": child,
            "form": form,
            "resolved": resolved,
            "actions": meeting.actions.all(),
            "decisions": meeting.decisions.all(),
            "today": timezone.localdate(),
        },
    )


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(GET_OR_POST)
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        PlanningMeeting.objects.select_related("care_period__child", "local_kind"), pk=pk
    )
    child = meeting.care_period.child
    log_record_view(request, child)
    form = MeetingForm(
        request.POST if request.method == "POST" else None, instance=meeting, child=child
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        return _done(request, "The meeting is saved.", _meeting_url(meeting.pk))
    return _form_page(
        request,
        form,
        child=child,
        title=f"Change the {meeting.kind_label.lower()} of {meeting.held_date:%d %B %Y}",
        cancel=_meeting_url(meeting.pk),
        submit="Save",
    )


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(GET_OR_POST)
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(PlanningMeeting.objects.select_related("care_period__child"), pk=pk)
    child = meeting.care_period.child
    log_record_view(request, child)
    form = ActionForm(request.POST if request.method == "POST" else None)
    form.instance.authority = _person(request).authority
    form.instance.meeting = meeting
    if request.method == "POST" and form.is_valid():
        action = form.save(commit=False)
        action.entered_by = _person(request)
        action.save()
        return _done(request, "Action logged.", _meeting_url(meeting.pk))
    return _form_page(
        request,
        form,
        child=child,
        title="Log an action agreed at the meeting",
        cancel=_meeting_url(meeting.pk),
        submit="Log the action",
    )


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(GET_OR_POST)
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(
        MeetingAction.objects.select_related("meeting__care_period__child"), pk=pk
    )
    child = action.meeting.care_period.child
    log_record_view(request, child)
    form = ActionForm(request.POST if request.method == "POST" else None, instance=action)
    if request.method == "POST" and form.is_valid():
        form.save()
        return _done(request, "Action saved.", _meeting_url(action.meeting_id))
    return _form_page(
        request,
        form,
        child=child,
        title=f"Change the action “{action.what}”",
        cancel=_meeting_url(action.meeting_id),
        submit="Save",
    )


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(GET_OR_POST)
def decision_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_object_or_404(Child, pk=pk)
    log_record_view(request, child)
    form = DecisionForm(request.POST if request.method == "POST" else None, child=child)
    form.instance.authority = _person(request).authority
    if request.method == "POST" and form.is_valid():
        decision = form.save(commit=False)
        decision.entered_by = _person(request)
        decision.save()
        return _done(request, f"Decision recorded: {decision.label}.", _child_url(child.pk))
    return _form_page(
        request,
        form,
        child=child,
        title=f"Record a decision that shapes the plan of child {child.child_ref}",
        cancel=_child_url(child.pk),
        submit="Record the decision",
    )


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(GET_OR_POST)
def decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(PlanDecision.objects.select_related("care_period__child"), pk=pk)
    child = decision.care_period.child
    log_record_view(request, child)
    form = DecisionForm(
        request.POST if request.method == "POST" else None, instance=decision, child=child
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        return _done(request, "Decision saved.", _child_url(child.pk))
    return _form_page(
        request,
        form,
        child=child,
        title=f"Change the decision “{decision.label}”",
        cancel=_child_url(child.pk),
        submit="Save",
    )


@requires(Capability.IMPORT_DATA)
@require_GET
def date_differences(request: HttpRequest) -> HttpResponse:
    """Meetings whose date entered here differs from the import's: the import's counts,
    and the data lead puts one side right."""
    found = differences()
    log_children_shown(request, [d.meeting.care_period for d in found], "meeting dates that differ")
    return render(request, "meetings/differences.html", {"found": found})


def on_the_journey(child: Child) -> dict[str, Any]:
    """What the child's journey page shows of the meetings: the decisions, the meetings
    recorded and the actions still open, with the address of the child's meetings page."""
    meetings = PlanningMeeting.objects.filter(care_period__child=child)
    return {
        "meetings_href": _child_url(child.pk),
        "meetings_count": meetings.count(),
        "open_actions": list(
            MeetingAction.objects.filter(
                meeting__care_period__child=child, done_on__isnull=True
            ).order_by("due_date")
        ),
        "plan_decisions": list(
            PlanDecision.objects.filter(care_period__child=child).order_by("-decided_on", "-pk")
        ),
    }
