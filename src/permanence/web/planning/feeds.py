"""Calendar feeds: the planned meetings at a secret address calendar apps can subscribe to.

Calendar apps cannot sign in, so a feed's address carries a secret instead: 32 random
bytes (``secrets.token_urlsafe``), of which only the SHA-256 hash is stored. The address
is shown to its owner once, when made; a lost or leaked address is revoked and a new one
made. A slow password hash is not needed: the token is random and long, not a password a
person chose, so nobody can guess it from its hash.

A feed holds every planned meeting not yet held or closed, for the children its owner
works with (a worker's feed) or for a team, as all-day events on the due date. Children
are named by pseudonym only: a calendar is shared, synchronised and shown on phones.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from permanence.analysis.schedule import PlanStatus
from permanence.web.accounts.models import Team, User
from permanence.web.accounts.roles import Capability
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning.lists import pseudonym_of, team_periods, worker_periods
from permanence.web.planning.models import CalendarFeed, PlannedMeeting

PRODUCT_ID = "-//permanence//review planning//EN"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_feed(owner: User, team: Team | None = None) -> tuple[CalendarFeed, str]:
    """A new feed for ``owner`` (of ``team``, or of their own children) and its token."""
    if owner.authority_id is None:
        raise ValueError("a calendar feed's owner must belong to an authority")
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        authority_id=owner.authority_id, owner=owner, team=team, token_hash=hash_token(token)
    )
    return feed, token


def revoke(feed: CalendarFeed) -> None:
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])


def renew(feed: CalendarFeed) -> tuple[CalendarFeed, str]:
    """Revoke ``feed`` and make another for the same owner and team."""
    revoke(feed)
    return make_feed(feed.owner, feed.team)


def feed_for_token(token: str) -> CalendarFeed | None:
    """The active feed whose token this is, or None.

    The feed is found across every authority (the token is the only thing the request
    carries), and only its owner's authority is then reached: see ``calendar_for``. A
    feed whose owner has left, lost the role, or moved authority stops working.
    """
    if not token or len(token) > 200:
        return None
    with scoped_to(Scope.everything()):
        feed = (
            CalendarFeed.objects.select_related("owner", "team")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
    if feed is None:
        return None
    owner = feed.owner
    if owner.authority_id != feed.authority_id or not owner.can(Capability.VIEW_CHILD_RECORDS):
        return None
    return feed


def calendar_for(feed: CalendarFeed, today: date) -> bytes:
    """The iCalendar text of the feed, built inside the feed's authority's scope only."""
    with scoped_to(Scope.authority(feed.authority_id)):
        periods = team_periods(feed.team) if feed.team else worker_periods(feed.owner, today)
        planned = (
            PlannedMeeting.objects.filter(care_period__in=periods, status=PlanStatus.PLANNED.value)
            .select_related("care_period__child", "care_period__team", "authority")
            .order_by("due_date", "pk")
        )
        calendar = Calendar()
        calendar.add("prodid", PRODUCT_ID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", feed_title(feed))
        stamp = timezone.now()
        for row in planned:
            calendar.add_component(_event(row, stamp))
    return bytes(calendar.to_ical())


def feed_title(feed: CalendarFeed) -> str:
    if feed.team is not None:
        return f"permanence: meetings due, {feed.team.name}"
    return f"permanence: meetings due, {feed.owner.get_full_name() or feed.owner.username}"


def _event(row: PlannedMeeting, stamp: datetime) -> Event:
    who = pseudonym_of(row.authority.code, row.care_period.child.child_ref)
    event = Event()
    event.add("uid", f"planned-meeting-{row.pk}@permanence")
    event.add("dtstamp", stamp)
    event.add("dtstart", row.due_date)
    event.add("dtend", row.due_date + timedelta(days=1))
    event.add("summary", f"{row.label} due: {who}")
    team = row.care_period.team.name if row.care_period.team else "no team recorded"
    event.add(
        "description",
        f"{row.label} for {who} ({team}), due by this date: {row.rule}. "
        "Sign in to permanence to see who the child is.",
    )
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["permanence"])
    return event
