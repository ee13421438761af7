"""The pages for a child's planning meetings and decisions, the data lead's list of
dates entered here that differ from an import's, and the authority's own agendas.

Reading needs ``VIEW_CHILD_RECORDS`` and writing ``EDIT_CHILD_RECORDS`` (practitioners,
data leads and administrators); every page names the child, so each writes to the audit
log. Every row is found through the authority scope. The agendas show no child: anyone
who sees the figures may read them, and an administrator or data lead (``IMPORT_DATA``)
makes the authority's own versions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, cast

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from permanence.analysis.meetings import DecisionKind, ItemState, MeetingKind, agenda_in_force
from permanence.web.accounts.access import requires
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability
from permanence.web.audit.log import log_children_shown, log_record_view
from permanence.web.kernel.pages import Said, done, save_page
from permanence.web.meetings.forms import (
    ActionForm,
    AgendaForm,
    ChecklistForm,
    DecisionForm,
    MeetingForm,
)
from permanence.web.meetings.measures import (
    dated_meetings,
    decision_differences,
    detail_differences,
    differences,
    entered_meetings,
    imported_dates,
)
from permanence.web.meetings.models import (
    AgendaItemRecord,
    AgendaVersion,
    LocalMeetingKind,
    MeetingAction,
    PlanDecision,
    PlanningMeeting,
    agenda_versions,
)
from permanence.web.records.models import CarePeriod, Child

GET_OR_POST = ["GET", "POST"]


def _person(request: HttpRequest) -> User:
    return cast(User, request.user)


def _bound(form_class: type[forms.ModelForm], request: HttpRequest, **kwargs: Any) -> Any:  # type: ignore[type-arg]
    """The form bound to what was sent (unbound on GET), a new row owned by the person's
    authority so validation sees the right scope."""
    form = form_class(request.POST if request.method == "POST" else None, **kwargs)
    if form.instance.pk is None:
        form.instance.authority = _person(request).authority
    return form


def _entered(request: HttpRequest) -> Callable[[Any], Any]:
    """Saving a new row: with who typed it in."""

    def save(form: Any) -> Any:
        row = form.save(commit=False)
        row.entered_by = _person(request)
        row.save()
        return row

    return save


def _record_page(
    request: HttpRequest,
    form: Any,
    *,
    child: Child,
    said: Said,
    then: Said,
    title: str,
    cancel: str,
    submit: str = "Save",
    save: Callable[[Any], Any] | None = None,
) -> HttpResponse:
    """Every new and change page of a child's meetings and decisions: the child shown
    (and logged), a valid form saved with a banner, else the form page."""
    log_record_view(request, child)
    context = {"form": form, "child": child, "title": title, "cancel": cancel, "submit": submit}
    return save_page(
        request,
        form,
        said=said,
        then=then,
        save=save,
        show=lambda: render(request, "meetings/form_page.html", context),
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

    def start(form: Any) -> PlanningMeeting:
        meeting: PlanningMeeting = form.save(commit=False)
        meeting.entered_by = _person(request)
        meeting.start_agenda()
        return meeting

    return _record_page(
        request,
        _bound(MeetingForm, request, child=child),
        child=child,
        save=start,
        said=lambda meeting: f"{meeting.kind_label} recorded. Now say how far its agenda got.",
        then=lambda meeting: _meeting_url(meeting.pk),
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
    from_import = meeting.imported_meeting_id is not None
    if from_import and request.method == "POST":
        raise Http404(FROM_IMPORT)
    form = ChecklistForm(
        request.POST if request.method == "POST" else None, items=list(meeting.items.all())
    )
    if from_import:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        changed = form.save()
        said = f"The checklist is saved ({changed} item{'s' if changed != 1 else ''} changed)."
        return done(request, said, _meeting_url(meeting.pk))
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
            "from_import": from_import,
            "from_import_words": FROM_IMPORT,
        },
    )


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(GET_OR_POST)
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        entered_meetings().select_related("care_period__child", "local_kind"), pk=pk
    )
    child = meeting.care_period.child
    return _record_page(
        request,
        _bound(MeetingForm, request, instance=meeting, child=child),
        child=child,
        said="The meeting is saved.",
        then=_meeting_url(meeting.pk),
        title=f"Change the {meeting.kind_label.lower()} of {meeting.held_date:%d %B %Y}",
        cancel=_meeting_url(meeting.pk),
    )


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(GET_OR_POST)
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(entered_meetings().select_related("care_period__child"), pk=pk)
    form = _bound(ActionForm, request)
    form.instance.meeting = meeting
    return _record_page(
        request,
        form,
        child=meeting.care_period.child,
        save=_entered(request),
        said="Action logged.",
        then=_meeting_url(meeting.pk),
        title="Log an action agreed at the meeting",
        cancel=_meeting_url(meeting.pk),
        submit="Log the action",
    )


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(GET_OR_POST)
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(
        MeetingAction.objects.filter(meeting__imported_meeting__isnull=True).select_related(
            "meeting__care_period__child"
        ),
        pk=pk,
    )
    return _record_page(
        request,
        _bound(ActionForm, request, instance=action),
        child=action.meeting.care_period.child,
        said="Action saved.",
        then=_meeting_url(action.meeting_id),
        title=f"Change the action “{action.what}”",
        cancel=_meeting_url(action.meeting_id),
    )


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(GET_OR_POST)
def decision_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_object_or_404(Child, pk=pk)
    return _record_page(
        request,
        _bound(DecisionForm, request, child=child),
        child=child,
        save=_entered(request),
        said=lambda decision: f"Decision recorded: {decision.label}.",
        then=_child_url(child.pk),
        title=f"Record a decision that shapes the plan of child {child.child_ref}",
        cancel=_child_url(child.pk),
        submit="Record the decision",
    )


@requires(Capability.EDIT_CHILD_RECORDS)
@require_http_methods(GET_OR_POST)
def decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(PlanDecision.objects.select_related("care_period__child"), pk=pk)
    child = decision.care_period.child
    return _record_page(
        request,
        _bound(DecisionForm, request, instance=decision, child=child),
        child=child,
        said="Decision saved.",
        then=_child_url(child.pk),
        title=f"Change the decision “{decision.label}”",
        cancel=_child_url(child.pk),
    )


@requires(Capability.IMPORT_DATA)
@require_GET
def date_differences(request: HttpRequest) -> HttpResponse:
    """Meetings whose date entered here differs from the import's: the import's counts,
    and the data lead puts one side right."""
    found = differences()
    log_children_shown(request, [d.meeting.care_period for d in found], "meeting dates that differ")
    return render(request, "meetings/differences.html", {"found": found})


@requires(Capability.IMPORT_DATA)
@require_GET
def decision_date_differences(request: HttpRequest) -> HttpResponse:
    """Decisions typed in here whose date differs from the one the import brings for the
    same care period and kind: the import's counts, and the data lead puts one side right."""
    found = decision_differences()
    periods = CarePeriod.objects.select_related("child").in_bulk({pk for pk, _, _ in found})
    listed = sorted(
        ((periods[pk], DecisionKind(kind).label, resolved) for pk, kind, resolved in found),
        key=lambda row: (row[0].child.child_ref, row[0].period_start, row[1]),
    )
    rows = [
        {"period": period, "decision": label, "resolved": resolved}
        for period, label, resolved in listed
    ]
    log_children_shown(request, [period for period, _, _ in listed], "decision dates that differ")
    return render(request, "meetings/decision_differences.html", {"rows": rows})


@requires(Capability.IMPORT_DATA)
@require_GET
def checklist_differences(request: HttpRequest) -> HttpResponse:
    """Meetings typed in here whose checklist answers or actions differ from those the
    import brought for the same meeting: the import's count, and the data lead puts one
    side right (docs/meetings.md)."""
    found = sorted(
        detail_differences(),
        key=lambda d: (d.meeting.care_period.child.child_ref, d.meeting.held_date),
    )
    texts = dict(
        AgendaItemRecord.objects.filter(meeting__in=[d.meeting for d in found]).values_list(
            "key", "text"
        )
    )
    rows = [
        {
            "meeting": difference.meeting,
            "child": difference.meeting.care_period.child,
            "items": [texts.get(key, key) for key in difference.items],
            "actions": difference.actions,
        }
        for difference in found
    ]
    log_children_shown(
        request, [d.meeting.care_period for d in found], "checklists and actions that differ"
    )
    return render(request, "meetings/checklist_differences.html", {"rows": rows})


#: Why a meeting the extract brought (its checklist and actions) cannot be changed here:
#: the next extract would put back what the case recording system holds.
FROM_IMPORT = (
    "This meeting's checklist and actions came with the extract from the case recording "
    "system: correct them there, and the next extract brings the correction."
)


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


# ---------------------------------------------------------------------------------------
# The agendas: the authority's own versions, made on these pages


def _versions_of(code: str) -> list[AgendaVersion]:
    return sorted(
        (v for v in AgendaVersion.objects.select_related("local_kind") if v.kind_code == code),
        key=lambda v: v.effective_from,
        reverse=True,
    )


def _version_url(pk: int) -> str:
    return reverse("meetings-agenda-version", args=[pk])


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def agendas(request: HttpRequest) -> HttpResponse:
    """Each kind of meeting: the agenda in force today and every version of the
    authority's own, newest first."""
    today = timezone.localdate()
    own = agenda_versions()
    kinds: list[tuple[str, str, str]] = [
        (kind.value, kind.label, reverse("meetings-agenda-new", args=[kind.value]))
        for kind in (MeetingKind.PLANNING_72H, MeetingKind.PLANNING_2WK)
    ]
    kinds += [
        (local.code, local.name, reverse("meetings-agenda-new-local", args=[local.pk]))
        for local in LocalMeetingKind.objects.all()
    ]
    rows = [
        {
            "code": code,
            "label": label,
            "new_href": href,
            "in_force": agenda_in_force(code, today, own),
            "versions": _versions_of(code),
        }
        for code, label, href in kinds
    ]
    return render(
        request,
        "meetings/agendas.html",
        {
            "rows": rows,
            "today": today,
            "can_edit": _person(request).can(Capability.IMPORT_DATA),
        },
    )


def _agenda_page(request: HttpRequest, kind: str, local: LocalMeetingKind | None) -> HttpResponse:
    code = local.code if local is not None else kind
    latest = _versions_of(code)
    follows = latest[0].as_agenda() if latest else agenda_in_force(code, date.min)
    form = _bound(AgendaForm, request, follows=follows.items)
    form.instance.kind = kind
    form.instance.local_kind = local
    label = local.name if local is not None else MeetingKind(kind).label
    context = {
        "form": form,
        "title": f"Make a new version of the {label.lower()} agenda",
        "follows": follows,
        "cancel": reverse("meetings-agendas"),
        "submit": "Save the new version",
    }
    return save_page(
        request,
        form,
        said=lambda version: (
            f"{version.name} saved: meetings held from {version.effective_from:%d %B %Y} follow it."
        ),
        then=lambda version: _version_url(version.pk),
        show=lambda: render(request, "meetings/agenda_form.html", context),
    )


@requires(Capability.IMPORT_DATA)
@require_http_methods(GET_OR_POST)
def agenda_new(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in (MeetingKind.PLANNING_72H, MeetingKind.PLANNING_2WK):
        raise Http404("No such kind of meeting.")
    return _agenda_page(request, kind, None)


@requires(Capability.IMPORT_DATA)
@require_http_methods(GET_OR_POST)
def agenda_new_local(request: HttpRequest, pk: int) -> HttpResponse:
    return _agenda_page(
        request, MeetingKind.LOCAL.value, get_object_or_404(LocalMeetingKind, pk=pk)
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def agenda_version(request: HttpRequest, pk: int) -> HttpResponse:
    """One version of an agenda: its items, how many meetings recorded follow it, and
    every change to it with who made it."""
    version = get_object_or_404(AgendaVersion.objects.select_related("local_kind"), pk=pk)
    meetings = PlanningMeeting.objects.filter(
        kind=version.kind, local_kind=version.local_kind, agenda_version=version.name
    )
    local = version.local_kind
    return render(
        request,
        "meetings/agenda_version.html",
        {
            "version": version,
            "agenda": version.as_agenda(),
            "label": local.name if local is not None else version.get_kind_display(),
            "meetings": meetings.count(),
            "history": version.history.select_related("history_user").order_by("-history_date"),
        },
    )
