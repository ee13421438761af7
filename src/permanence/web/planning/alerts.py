"""The daily alerts: one digest email per person, and the same notices in the app.

``run_alerts`` is what ``permanence alerts`` runs each day. For every authority it first
brings the plans up to date (the horizon moves on, periods that ended are closed), then,
for each person who works with children, works out what is overdue, due soon, or near or
past an aim's deadline for the children they work with (``lists``). Each of those is a
``Notification`` made once per person, item, state and due date, so nobody is told the
same thing twice. New notices go out in one digest email a day: a second run on the same
day sends nothing (the ``AlertDigest`` row for the person and day says so, and its
unique constraint stops two runs at once from both sending).

Emails name children by pseudonym only (mail passes through systems the authority does
not control); the app, behind sign-in, shows who they are.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from permanence.analysis.periods import long_date
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import CAPABILITIES, Capability, Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning.lists import DueLists, due_lists, pseudonym_of, worker_periods
from permanence.web.planning.models import (
    WORK_STATES,
    AlertDigest,
    NoticeState,
    Notification,
    PlanningSettings,
)
from permanence.web.planning.planner import periods_needing_planning, replan_periods

_SECTIONS = (
    (NoticeState.OVERDUE, "Overdue"),
    (NoticeState.DUE_SOON, "Due soon"),
    (NoticeState.AIM_PAST, "Past an aim's deadline"),
    (NoticeState.AIM_APPROACHING, "Approaching an aim's deadline"),
)


@dataclass(frozen=True)
class Notice:
    """One thing to tell one person, before it is stored."""

    key: str
    state: NoticeState
    what: str
    due: date
    care_period_id: int
    planned_meeting_id: int | None
    aim: str
    pseudonym: str
    team: str
    detail: str


@dataclass
class AlertRunSummary:
    day: date
    dry_run: bool
    replanned_periods: int = 0
    people: int = 0
    new_notices: int = 0
    emails_sent: int = 0
    already_sent_today: int = 0
    failures: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def run_alerts(
    day: date,
    *,
    dry_run: bool = False,
    site_url: str = "",
    connection: Any = None,
    replan: bool = True,
    authority_ids: Sequence[int] | None = None,
) -> AlertRunSummary:
    """Notify everyone, in every authority (or those of ``authority_ids``), of what is due
    on ``day``; see the module."""
    summary = AlertRunSummary(day=day, dry_run=dry_run)
    with scoped_to(Scope.everything()):
        found = LocalAuthority.objects.order_by("code")
        if authority_ids is not None:
            found = found.filter(pk__in=authority_ids)
        authorities = list(found)
    mail = connection if connection is not None else (None if dry_run else get_connection())
    for authority in authorities:
        with scoped_to(Scope.authority(authority.pk)):
            _run_for_authority(authority, day, summary, site_url, mail, replan=replan)
    return summary


def recipients() -> list[User]:
    """People in scope who work with children and can be emailed."""
    roles = [role.value for role in Role if Capability.VIEW_CHILD_RECORDS in CAPABILITIES[role]]
    return list(
        User.in_scope.filter(is_active=True, role__in=roles)
        .exclude(email="")
        .select_related("team", "authority")
        .order_by("username")
    )


def notices_for(user: User, day: date, planning: PlanningSettings) -> list[Notice]:
    """Everything ``user`` should hear about on ``day``, for the children they work with."""
    lists = due_lists(worker_periods(user, day), day, planning)
    return notices_from(lists, user.authority.code if user.authority else "")


def notices_from(lists: DueLists, authority_code: str) -> list[Notice]:
    notices: list[Notice] = []
    for state, rows in (
        (NoticeState.OVERDUE, lists.overdue),
        (NoticeState.DUE_SOON, lists.due_soon),
    ):
        for row in rows:
            planned = row.planned
            when = (
                f"was due {long_date(planned.due_date)} ({_days(row.days)} ago)"
                if state is NoticeState.OVERDUE
                else f"due {long_date(planned.due_date)} ({_in_days(row.days)})"
            )
            notices.append(
                Notice(
                    key=f"planned:{planned.pk}:{state.value}:{planned.due_date.isoformat()}",
                    state=state,
                    what=planned.label,
                    due=planned.due_date,
                    care_period_id=planned.care_period_id,
                    planned_meeting_id=planned.pk,
                    aim="",
                    pseudonym=pseudonym_of(authority_code, row.child.child_ref),
                    team=row.child.team,
                    detail=when,
                )
            )
    for state, aims in (
        (NoticeState.AIM_PAST, lists.aims_past),
        (NoticeState.AIM_APPROACHING, lists.aims_approaching),
    ):
        for aim in aims:
            when = (
                f"the deadline was {long_date(aim.deadline)} ({_days(-aim.days_to_deadline)} ago)"
                if state is NoticeState.AIM_PAST
                else f"the deadline is {long_date(aim.deadline)} ({_in_days(aim.days_to_deadline)})"
            )
            notices.append(
                Notice(
                    key=f"aim:{aim.aim}:{aim.care_period_id}:{state.value}:{aim.deadline.isoformat()}",
                    state=state,
                    what=f"{aim.aim_title} deadline",
                    due=aim.deadline,
                    care_period_id=aim.care_period_id,
                    planned_meeting_id=None,
                    aim=aim.aim,
                    pseudonym=pseudonym_of(authority_code, aim.child.child_ref),
                    team=aim.child.team,
                    detail=when,
                )
            )
    return notices


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def _in_days(count: int) -> str:
    if count == 0:
        return "today"
    return f"in {_days(count)}"


def _run_for_authority(
    authority: LocalAuthority,
    day: date,
    summary: AlertRunSummary,
    site_url: str,
    mail: Any,
    *,
    replan: bool,
) -> None:
    if replan and not summary.dry_run:
        summary.replanned_periods += replan_periods(
            periods_needing_planning(day), today=day
        ).periods
    planning = PlanningSettings.for_authority(authority.pk)
    for user in recipients():
        notices = notices_for(user, day, planning)
        if not notices:
            continue
        summary.people += 1
        known = set(
            Notification.objects.filter(
                recipient=user, key__in=[n.key for n in notices]
            ).values_list("key", flat=True)
        )
        new = [notice for notice in notices if notice.key not in known]
        summary.new_notices += len(new)
        sent_today = AlertDigest.objects.filter(recipient=user, run_date=day).exists()
        if summary.dry_run:
            summary.lines.append(_dry_run_line(authority, user, notices, new, sent_today))
            continue
        store_notices(user, authority, day, new)
        if sent_today:
            summary.already_sent_today += 1
            continue
        _send_digest(user, authority, day, notices, summary, site_url, mail)


def _dry_run_line(
    authority: LocalAuthority, user: User, notices: list[Notice], new: list[Notice], sent: bool
) -> str:
    counts = ", ".join(
        f"{sum(1 for n in new if n.state is state)} {title.lower()}" for state, title in _SECTIONS
    )
    if sent:
        action = "already sent today's digest"
    elif new:
        action = f"would email {user.email}"
    else:
        action = "nothing new to send"
    who = f"{authority.code} {user.username}"
    return f"{who}: {len(notices)} current, {len(new)} new ({counts}); {action}"


def store_notices(user: User, authority: LocalAuthority, day: date, new: list[Notice]) -> None:
    Notification.objects.bulk_create(
        [
            Notification(
                authority=authority,
                recipient=user,
                care_period_id=notice.care_period_id,
                planned_meeting_id=notice.planned_meeting_id,
                aim=notice.aim,
                state=notice.state.value,
                what=notice.what[:200],
                due_date=notice.due,
                key=notice.key,
                created_on=day,
            )
            for notice in new
        ],
        ignore_conflicts=True,  # a run at the same moment made it first: still once
    )


def _send_digest(
    user: User,
    authority: LocalAuthority,
    day: date,
    notices: list[Notice],
    summary: AlertRunSummary,
    site_url: str,
    mail: Any,
) -> None:
    """Email the notices the person has not yet been emailed, at most once a day."""
    current = {notice.key: notice for notice in notices}
    unsent = Notification.objects.filter(
        recipient=user, emailed_at__isnull=True, key__in=list(current)
    )
    to_send = [current[key] for key in unsent.values_list("key", flat=True)]
    if not to_send:
        return
    message = digest_message(user, day, to_send, site_url, authority)
    try:
        with transaction.atomic():
            # The row first: a second run at the same time fails here and sends nothing.
            AlertDigest.objects.create(
                authority=authority,
                recipient=user,
                run_date=day,
                notices=len(to_send),
                subject=message.subject[:200],
            )
            unsent.update(emailed_at=timezone.now())
            message.connection = mail
            message.send()
    except IntegrityError:
        summary.already_sent_today += 1
        return
    except (smtplib.SMTPException, OSError) as error:
        summary.failures.append(f"{authority.code} {user.username}: {error}")
        return
    summary.emails_sent += 1


def digest_message(
    user: User, day: date, notices: list[Notice], site_url: str, authority: LocalAuthority
) -> EmailMessage:
    sections = [
        (title, sorted((n for n in notices if n.state is state), key=lambda n: n.due))
        for state, title in _SECTIONS
    ]
    counts = [f"{len(rows)} {title.lower()}" for title, rows in sections if rows]
    subject = f"permanence, {long_date(day)}: " + ", ".join(counts)
    body = render_to_string(
        "planning/email/digest.txt",
        {
            "user": user,
            "day": long_date(day),
            "sections": [(title, rows) for title, rows in sections if rows],
            "site_url": site_url.rstrip("/"),
            "authority": authority,
        },
    )
    return EmailMessage(subject=subject, body=body, to=[user.email])


def unread_count(user: Any) -> int:
    """How many of the person's notices they have not yet read (for the menu)."""
    if not getattr(user, "is_authenticated", False) or not user.can(Capability.VIEW_AGGREGATES):
        return 0
    unread = Notification.objects.filter(Q(recipient=user) & Q(read_at__isnull=True))
    if not user.can(Capability.VIEW_CHILD_RECORDS):
        unread = unread.filter(state__in=WORK_STATES)  # the only notices they are shown
    return unread.count()
