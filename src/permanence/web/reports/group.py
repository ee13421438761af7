"""The Champions' Group's own meetings: the date, who came by agency, the pack presented,
the decisions, and the actions with their owners, carried forward to every later meeting
until done. The records are the improvement record's (``improvement.GroupMeeting``,
``GroupAction``); the pages sit here, beside the pack, because a meeting links the pack
it was shown and the next pack opens with the actions still open."""

from __future__ import annotations

from datetime import date
from typing import cast

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from permanence.web.accounts.access import requires
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability
from permanence.web.improvement.forms import GroupActionForm, GroupMeetingForm
from permanence.web.improvement.models import GroupAction, GroupMeeting
from permanence.web.improvement.views._common import (
    bind,
    can_edit,
    done,
    form_page,
    save_page,
    today,
)
from permanence.web.reports import storage

GET_OR_POST = ["GET", "POST"]


def _packs(request: HttpRequest) -> list[tuple[str, str, date]]:
    """The packs made here and still kept, as the meeting form offers them."""
    authority_id = cast(User, request.user).authority_id
    assert authority_id is not None  # ``requires`` refuses people without one
    return [
        (
            made.token,
            f"The pack for {made.meeting_date.day} {made.meeting_date:%B %Y}, made "
            f"{made.made_at:%d/%m/%Y %H:%M}",
            made.meeting_date,
        )
        for made in storage.recent(authority_id)
    ]


def pack_kept(request: HttpRequest, meeting: GroupMeeting) -> bool:
    """Whether the pack the meeting links is still kept (a week after it was made)."""
    authority_id = cast(User, request.user).authority_id
    if not meeting.pack_token or authority_id is None:
        return False
    return storage.load(authority_id, meeting.pack_token) is not None


def open_actions() -> list[GroupAction]:
    """Every action of the group not yet done, the soonest due first."""
    return list(
        GroupAction.objects.filter(done_on__isnull=True)
        .select_related("meeting")
        .order_by(F("due_on").asc(nulls_last=True), "meeting__held_on", "pk")
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def group_meetings(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/group_meetings.html",
        {
            "meetings": GroupMeeting.objects.prefetch_related("actions"),
            "open_actions": open_actions(),
            "today": today(),
            "can_edit": can_edit(request),
        },
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def group_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(GroupMeeting, pk=pk)
    return render(
        request,
        "reports/group_meeting.html",
        {
            "meeting": meeting,
            "actions": meeting.actions.all(),
            "carried": list(meeting.carried_forward()),
            "pack_kept": pack_kept(request, meeting),
            "can_edit": can_edit(request),
        },
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def group_meeting_new(request: HttpRequest) -> HttpResponse:
    form = bind(GroupMeetingForm, request, packs=_packs(request))
    form.instance.recorded_by = cast(User, request.user)
    back = reverse("reports-group")
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        return done(
            request,
            "Meeting recorded. Add the actions the group agreed.",
            reverse("reports-group-meeting", args=[meeting.pk]),
        )
    return form_page(
        request,
        form,
        title="Record a Champions' Group meeting",
        lead="Its date, who came, the pack presented and what the group decided. The "
        "actions come next, on the meeting's page.",
        cancel=back,
        submit="Save the meeting",
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def group_meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(GroupMeeting, pk=pk)
    form = bind(GroupMeetingForm, request, instance=meeting, packs=_packs(request))
    back = reverse("reports-group-meeting", args=[meeting.pk])
    return save_page(
        request,
        form,
        said="Meeting changed.",
        then=back,
        title=f"Change the meeting of {meeting.held_on.day} {meeting.held_on:%B %Y}",
        cancel=back,
        submit="Save the meeting",
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def group_action_new(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(GroupMeeting, pk=pk)
    form = bind(GroupActionForm, request)
    form.instance.meeting = meeting
    back = reverse("reports-group-meeting", args=[meeting.pk])
    return save_page(
        request,
        form,
        said="Action added.",
        then=back,
        title="Add an action the group agreed",
        lead="What, who owns it and when it is due. It is carried forward to every later "
        "meeting, and opens the next pack, until it is done.",
        cancel=back,
        submit="Save the action",
    )


@requires(Capability.EDIT_IMPROVEMENT)
@require_http_methods(GET_OR_POST)
def group_action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(GroupAction.objects.select_related("meeting"), pk=pk)
    form = bind(GroupActionForm, request, instance=action)
    back = reverse("reports-group-meeting", args=[action.meeting_id])
    return save_page(
        request,
        form,
        said="Action changed.",
        then=back,
        title="Change an action, or say it is done",
        lead=f"Agreed at the meeting of {action.meeting.held_on.day} "
        f"{action.meeting.held_on:%B %Y}.",
        cancel=back,
        submit="Save the action",
    )
