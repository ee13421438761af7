"""Pages of review planning: what is due for me, my team and the authority; a child's
plan; notifications; calendar feeds; the policy and the process measures.

Lists that name children need ``VIEW_CHILD_RECORDS``; the summary, the policy and the
process measures are figures only and open to every role. The calendar feed is the one
public address: its secret token is the credential, and a wrong one is a 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import polars as pl
from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from permanence.analysis.schedule import STATUTORY_POLICY, STATUTORY_SOURCE, add_months
from permanence.web.accounts.access import public, requires
from permanence.web.accounts.models import Team, User
from permanence.web.accounts.roles import Capability
from permanence.web.audit.log import log_children_shown, log_record_view
from permanence.web.kernel.cache import authority_data
from permanence.web.planning import feeds
from permanence.web.planning.lists import (
    DueLists,
    authority_periods,
    counts_by_team,
    due_lists,
    team_periods,
    worker_periods,
)
from permanence.web.planning.measures import authority_process_measures
from permanence.web.planning.models import (
    WORK_STATES,
    CalendarFeed,
    Notification,
    PlannedMeeting,
    PlanningSettings,
    ReviewPolicyVersion,
)
from permanence.web.records.models import CarePeriod, Child

MEASURE_MONTHS = 24


def _today() -> date:
    return timezone.localdate()


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _settings(request: HttpRequest) -> PlanningSettings:
    return PlanningSettings.for_authority(cast(int, _user(request).authority_id))


def _render_lists(request: HttpRequest, title: str, lists: DueLists, **extra: Any) -> HttpResponse:
    shown = [
        *lists.overdue,
        *lists.due_soon,
        *lists.look_again,
        *lists.aims_past,
        *lists.aims_approaching,
    ]
    log_children_shown(request, shown, "what's due")
    return render(
        request,
        "planning/due.html",
        {"title": title, "lists": lists, "teams": Team.objects.order_by("name"), **extra},
    )


@requires(Capability.VIEW_CHILD_RECORDS)
@require_GET
def due_mine(request: HttpRequest) -> HttpResponse:
    user, today = _user(request), _today()
    lists = due_lists(worker_periods(user, today), today, _settings(request))
    return _render_lists(
        request,
        "What's due for the children you work with",
        lists,
        scope="mine",
        no_team=user.team_id is None,
    )


@requires(Capability.VIEW_CHILD_RECORDS)
@require_GET
def due_team(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    today = _today()
    lists = due_lists(team_periods(team), today, _settings(request))
    return _render_lists(request, f"What's due for {team.name}", lists, scope="team", team=team)


@requires(Capability.VIEW_CHILD_RECORDS)
@require_GET
def due_authority(request: HttpRequest) -> HttpResponse:
    today = _today()
    lists = due_lists(authority_periods(), today, _settings(request))
    authority = _user(request).authority
    return _render_lists(request, f"What's due across {authority}", lists, scope="authority")


@requires(Capability.VIEW_CHILD_RECORDS)
@require_GET
def child_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Every meeting planned for one child, period by period, with its state."""
    child = get_object_or_404(Child, pk=pk)
    log_record_view(request, child)
    periods = [
        {
            "period": period,
            "planned": list(
                PlannedMeeting.objects.filter(care_period=period)
                .select_related("meeting")
                .order_by("due_date", "kind", "number")
            ),
        }
        for period in CarePeriod.objects.filter(child=child).order_by("-period_start")
    ]
    return render(
        request,
        "planning/child_plan.html",
        {"child": child, "periods": periods, "today": _today()},
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    """Figures only: what is overdue and due soon per team, and the process measures."""
    today = _today()
    planning = _settings(request)
    # The dashboards' cached frame: built once per data version and day, not per view.
    frame = authority_data(planning.authority_id, as_of=today).frame
    measures = authority_process_measures(planning.authority_id, frame, today).values()
    first_month = add_months(today.replace(day=1), 1 - MEASURE_MONTHS)
    team_ids = dict(Team.objects.values_list("name", "pk"))
    return render(
        request,
        "planning/summary.html",
        {
            "today": today,
            "planning": planning,
            "teams": [
                {**row, "pk": team_ids.get(row["team"])}
                for row in counts_by_team(today, planning).iter_rows(named=True)
            ],
            "measures": [
                {
                    "title": measure.title,
                    "note": measure.note,
                    "rows": measure.table.filter(pl.col("month") >= first_month).iter_rows(
                        named=True
                    ),
                }
                for measure in measures
            ],
            "can_see_children": _user(request).can(Capability.VIEW_CHILD_RECORDS),
        },
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def policy(request: HttpRequest) -> HttpResponse:
    versions = list(ReviewPolicyVersion.objects.order_by("effective_from"))
    today = _today()
    in_force = [version for version in versions if version.effective_from <= today]
    return render(
        request,
        "planning/policy.html",
        {
            "versions": versions,
            "in_force": in_force[-1] if in_force else None,
            "statutory": STATUTORY_POLICY,
            "source": STATUTORY_SOURCE,
            "settings": _settings(request),
            "today": today,
            "can_see_children": _user(request).can(Capability.VIEW_CHILD_RECORDS),
        },
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """The person's notices: long work they started that has ended (everyone who can start
    a load or a report pack), and the children they work with (those who see children)."""
    user = _user(request)
    mine = Notification.objects.filter(recipient=user).order_by(
        "read_at", "-created_on", "due_date"
    )
    work = list(mine.filter(state__in=WORK_STATES)[:100])
    notices: list[Notification] = []
    if user.can(Capability.VIEW_CHILD_RECORDS):
        notices = list(
            mine.exclude(state__in=WORK_STATES).select_related(
                "care_period__child", "care_period__team"
            )[:500]
        )
        log_children_shown(request, notices, "notifications")
    return render(
        request,
        "planning/notifications.html",
        {
            "notices": notices,
            "work": work,
            "can_see_children": user.can(Capability.VIEW_CHILD_RECORDS),
        },
    )


@requires(Capability.VIEW_AGGREGATES)
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(recipient=_user(request), read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, "Every notification is marked as read.")
    return HttpResponseRedirect(reverse("planning-notifications"))


class FeedForm(forms.Form):
    """What a new calendar feed holds: the person's own children, or their team's."""

    of = forms.ChoiceField(label="What the feed holds", widget=forms.RadioSelect, initial="mine")

    def __init__(self, *args: Any, team: Team | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("mine", "The children you work with")]
        if team is not None:
            choices.append(("team", f"Everyone in your team, {team.name}"))
        self.fields["of"].choices = choices  # type: ignore[attr-defined]


def _feed_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    return {
        "form": FeedForm(team=user.team),
        "feeds": CalendarFeed.objects.filter(owner=user, revoked_at__isnull=True).select_related(
            "team"
        ),
        "team": user.team,
        **extra,
    }


@requires(Capability.VIEW_CHILD_RECORDS)
@require_GET
def feed_list(request: HttpRequest) -> HttpResponse:
    return render(request, "planning/feeds.html", _feed_context(request))


def _show_new_address(request: HttpRequest, feed: CalendarFeed, token: str) -> HttpResponse:
    # Rendered in the response, never stored: this is the only time the address is shown.
    address = request.build_absolute_uri(reverse("calendar-feed", args=[token]))
    response = render(
        request, "planning/feeds.html", _feed_context(request, new_feed=feed, address=address)
    )
    response["Cache-Control"] = "no-store"
    return response


@requires(Capability.VIEW_CHILD_RECORDS)
@require_POST
def feed_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    team: Team | None = None
    if request.POST.get("of") == "team":
        if user.team_id is None:
            raise Http404("You are not in a team.")
        team = get_object_or_404(Team, pk=user.team_id)
    feed, token = feeds.make_feed(user, team)
    messages.success(request, "Feed made: copy its address below, which is shown only once.")
    return _show_new_address(request, feed, token)


def _own_feed(request: HttpRequest, pk: int) -> CalendarFeed:
    return get_object_or_404(CalendarFeed, pk=pk, owner=_user(request), revoked_at__isnull=True)


@requires(Capability.VIEW_CHILD_RECORDS)
@require_POST
def feed_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    feeds.revoke(_own_feed(request, pk))
    messages.success(request, "Feed revoked: its address no longer works.")
    return HttpResponseRedirect(reverse("planning-feeds"))


@requires(Capability.VIEW_CHILD_RECORDS)
@require_POST
def feed_renew(request: HttpRequest, pk: int) -> HttpResponse:
    feed, token = feeds.renew(_own_feed(request, pk))
    messages.success(request, "New address made: the old one no longer works.")
    return _show_new_address(request, feed, token)


@public
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed at its secret address: no sign-in, the token is the key."""
    feed = feeds.feed_for_token(token)
    if feed is None:
        raise Http404("No such calendar.")
    response = HttpResponse(
        feeds.calendar_for(feed, _today()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="permanence.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
