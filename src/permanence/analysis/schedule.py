"""Review policies and the meetings they require: every due date, from the day accommodated.

A ``ReviewPolicy`` is one version of an authority's rules for the meetings a child placed
away from home must have; ``PolicyHistory`` holds the versions by the date each takes
effect. ``plan_meetings`` turns a policy history, the date a child was accommodated and
what has happened since (meetings held, a referral, an assessment, the period ending)
into every meeting and deadline the policy requires, each with its due date, whether it
has been met, and a sentence saying why it falls due when it does.

The statutory default (``STATUTORY_POLICY``) follows the Looked After Children
(Scotland) Regulations 2009, regulation 45(2) and (4): the first review within 6 weeks of
the placement, the second within 3 months of the first, later ones within 6 months of the
previous one, and a review before a referral to the Reporter and before an application
for a permanence order. docs/review-planning.md says what was and was not verified.

The rules that matter when reading a schedule:

- **Clocks run from what actually happened.** The second review is due 3 months from the
  date the first was *held*, not from the date it was due, so a review held late or early
  moves every later due date with it. While a review is not yet held, the next is planned
  provisionally from the date it is due.
- **A policy never applies backwards.** Each due date is worked out by the policy version
  in force on the day its clock started (the date accommodated for the meetings counted
  from it; the date the previous review was held, or is due, for later reviews). A new
  version changes the meetings whose clocks start on or after its date, and no others.
- **Calendar months.** "3 months after 14 March" is 14 June; a day the later month lacks
  falls back to its last day (31 August + 6 months = 28 February, or 29 in a leap year).
  Weeks and days are counted in days. "Within" includes the last day.
- **Nothing is deleted.** When the period ends, every meeting not yet held is closed with
  the reason and the date, and kept. When the child returns home but stays looked after
  (on a supervision order at home), the meetings that belong to being placed away (the
  planning meetings, legal advice set in advance, the local deadlines) are closed the
  same way, and the statutory Looked After Child reviews go on being planned: a child
  looked after at home is still reviewed.

Pure Python on dates, no Django: the web app stores the result and the alerts read it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

import polars as pl

from permanence.analysis.aims import (
    AIM_1,
    AIM_2,
    AIM_3,
    AIM_4,
    HEARINGS_COLUMN,
    AimDefinition,
    AimKind,
)
from permanence.analysis.aims_outcomes import aim_children
from permanence.analysis.periods import frame_as_of, long_date
from permanence.journey.vocabulary import Coded, MeetingKind, plural

# ---------------------------------------------------------------------------------------
# Calendar arithmetic


def add_months(day: date, months: int) -> date:
    """``day`` moved on by whole calendar months, clamped to the end of a shorter month.

    14 March + 3 months = 14 June; 31 August + 6 months = 28 February (29 in a leap year).
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_years(born: date, on: date) -> int:
    """Age in completed years on ``on``, as birthdays are counted."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# ---------------------------------------------------------------------------------------
# Policies


STATUTORY_SOURCE = "Looked After Children (Scotland) Regulations 2009, regulation 45"


@dataclass(frozen=True, slots=True)
class ReviewPolicy:
    """One version of an authority's review policy, in force from ``effective_from``.

    The defaults are the statutory minimum. A local policy may make any timescale
    shorter (reviews every 3 months instead of 6, say) and add the local meetings and
    deadlines the PACE sources describe, but may never make a statutory timescale longer:
    ``__post_init__`` refuses that, saying why.
    """

    effective_from: date = date.min
    name: str = "Statutory minimum"
    # The care planning meeting after accommodation: "72 hours" counted as 3 days.
    planning_72h_days: int = 3
    # A local planning meeting 2, 3 or 4 weeks after accommodation (None: not held).
    planning_meeting_weeks: int | None = None
    # Regulation 45(2)(a), (b) and (c).
    first_review_weeks: int = 6
    second_review_months: int = 3
    later_review_months: int = 6
    # Regulation 45(4)(a) and (b), and how recent a review must be to count as "before".
    review_before_referral: bool = True
    review_before_application: bool = True
    prior_review_window_days: int = 28
    # Local: a legal advice meeting set in advance, this many weeks after accommodation.
    legal_advice_week: int | None = None
    # Local: a parenting capacity assessment completed within this many days of its start,
    # for children under ``young_child_age`` when accommodated (40 days for under-threes).
    assessment_limit_days: int | None = None
    # Local: children under ``young_child_age`` referred to the Reporter on the day
    # they are accommodated.
    refer_young_children: bool = False
    young_child_age: int = 3

    def __post_init__(self) -> None:
        for problem in _policy_problems(self):
            raise ValueError(f"review policy {self.name!r}: {problem}")

    @property
    def planning_meeting_label(self) -> str:
        return f"{self.planning_meeting_weeks or 2}-week planning meeting"


def _policy_problems(policy: ReviewPolicy) -> Iterator[str]:
    """Every reason ``policy`` cannot be used, as sentences (the web form shows them)."""
    limits = (
        ("planning_72h_days", 1, 3, "the 72-hour planning meeting must be due within 3 days"),
        ("first_review_weeks", 1, 6, "the first review must be due within 6 weeks (statute)"),
        ("second_review_months", 1, 3, "the second review must be due within 3 months"),
        ("later_review_months", 1, 6, "later reviews must be due within 6 months (statute)"),
        ("prior_review_window_days", 1, 183, "the window for a prior review is 1 to 183 days"),
        ("young_child_age", 1, 17, "the age for young children is 1 to 17 years"),
    )
    for name, low, high, message in limits:
        if not low <= getattr(policy, name) <= high:
            yield message
    optional = (
        ("planning_meeting_weeks", 1, 8, "the planning meeting must be 1 to 8 weeks"),
        ("legal_advice_week", 1, 104, "the legal advice meeting must be in week 1 to 104"),
        ("assessment_limit_days", 1, 365, "the assessment limit must be 1 to 365 days"),
    )
    for name, low, high, message in optional:
        value = getattr(policy, name)
        if value is not None and not low <= value <= high:
            yield message


STATUTORY_POLICY = ReviewPolicy()
"""The statutory minimum, in force whenever an authority has set no policy of its own."""


@dataclass(frozen=True, slots=True)
class PolicyHistory:
    """An authority's policy versions; before the first, the statutory minimum applies."""

    versions: tuple[ReviewPolicy, ...] = ()

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.versions, key=lambda version: version.effective_from))
        dates = [version.effective_from for version in ordered]
        if len(set(dates)) != len(dates):
            raise ValueError("two policy versions take effect on the same date")
        object.__setattr__(self, "versions", ordered)

    def in_force_on(self, day: date) -> ReviewPolicy:
        """The version in force on ``day``: the latest to take effect on or before it."""
        in_force = STATUTORY_POLICY
        for version in self.versions:
            if version.effective_from > day:
                break
            in_force = version
        return in_force


# ---------------------------------------------------------------------------------------
# What is planned


class PlannedKind(Coded):
    """What a planned item is: a meeting, or a deadline for a decision or assessment.

    The codes of the meetings are the MeetingKind codes of the meetings that fulfil them.
    """

    PLANNING_72_HOUR = MeetingKind.PLANNING_72_HOUR.value, MeetingKind.PLANNING_72_HOUR.label
    PLANNING_MEETING = MeetingKind.PLANNING_2_WEEK.value, MeetingKind.PLANNING_2_WEEK.label
    REVIEW = MeetingKind.REVIEW.value, MeetingKind.REVIEW.label
    LEGAL_ADVICE = MeetingKind.LEGAL_ADVICE.value, MeetingKind.LEGAL_ADVICE.label
    REVIEW_BEFORE_REFERRAL = (
        "review_before_referral",
        "Looked After Child review before a referral to the Reporter",
    )
    REVIEW_BEFORE_APPLICATION = (
        "review_before_application",
        "Looked After Child review before an application for a permanence order",
    )
    REPORTER_REFERRAL = "reporter_referral", "Referral to the Children's Reporter"
    ASSESSMENT_COMPLETED = "pca_completed", "Parenting capacity assessment completed"


class PlanStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class HeldMeeting:
    """A meeting that took place. ``ref`` is the caller's own identifier, passed back."""

    kind: MeetingKind
    held: date
    review_number: int | None = None
    ref: int | None = None


@dataclass(frozen=True, slots=True)
class JourneyEvents:
    """What else has happened in the care period, as far as planning needs to know."""

    born: date | None = None
    # Every referral to the Children's Reporter made in the period, in any order.
    reporter_referrals: tuple[date, ...] = ()
    # The date an application for a permanence order was lodged or, before then, the date
    # it is expected by (``expected_application``).
    permanence_application: date | None = None
    application_lodged: bool = False
    assessment_started: date | None = None
    assessment_completed: date | None = None
    ended: date | None = None
    returned_home: date | None = None


NO_EVENTS = JourneyEvents()


@dataclass(frozen=True, slots=True)
class PlannedMeeting:
    """One meeting or deadline the policy requires, with its due date and its state.

    ``number`` is the review's number for reviews, the weeks of the planning meeting
    (2, 3 or 4), the referral's number for a review before a referral, and 0 for the
    rest; ``(kind, number)`` identifies an item within its care period. ``rule`` says in a
    sentence why it is due when it is; ``policy_from`` is the ``effective_from`` of the
    policy version that set the date. ``fulfilled_by`` is the ``ref`` of the held meeting
    that met it, where a meeting did.
    """

    kind: PlannedKind
    number: int
    due: date
    rule: str
    policy_from: date
    status: PlanStatus = PlanStatus.PLANNED
    held: date | None = None
    fulfilled_by: int | None = None
    closed_reason: str = ""
    closed_on: date | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind.value, self.number)

    @property
    def label(self) -> str:
        return item_label(self.kind, self.number)


def item_label(kind: PlannedKind, number: int) -> str:
    """What a planned item is called where people read it: "Looked After Child review 3"."""
    if kind is PlannedKind.REVIEW:
        return f"{kind.label} {number}"
    if kind is PlannedKind.PLANNING_MEETING and number:
        return f"{number}-week planning meeting"
    return kind.label


# ---------------------------------------------------------------------------------------
# Planning


def plan_meetings(
    policy: ReviewPolicy | PolicyHistory,
    accommodated: date,
    held: Iterable[HeldMeeting] = (),
    *,
    through: date,
    events: JourneyEvents = NO_EVENTS,
) -> list[PlannedMeeting]:
    """Every meeting and deadline the policy requires of a child accommodated on a date.

    Reviews are planned while they fall due on or before ``through`` (a planning horizon,
    for example a year ahead), and always as far as the next one not yet held (closed,
    with the reason, once the child has returned home or the period has ended). Every
    review held while the child was placed counts, in date order. Items come back in
    due-date order; see the module docstring for the rules.
    """
    history = policy if isinstance(policy, PolicyHistory) else PolicyHistory((policy,))
    closing = _closing(events, accommodated)
    ended = _ended(events)
    meetings = _held_by_kind(held, accommodated, ended[0] if ended else None)
    at_start = history.in_force_on(accommodated)
    young = events.born is not None and whole_years(events.born, accommodated) < (
        at_start.young_child_age
    )
    reviews = meetings.get(MeetingKind.REVIEW.value, [])
    horizon = through if ended is None else min(through, ended[0])

    # Reviews (and reviews before a referral or an application) go on while the child is
    # looked after, at home or away; the rest belongs to being placed away from home.
    while_looked_after = [
        *_reviews(history, accommodated, reviews, horizon, still_placed=ended is None),
        *_reviews_before(history, accommodated, reviews, events, automatic_referral=young),
    ]
    while_placed = [
        *_planning_meetings(at_start, accommodated, meetings),
        *_local_deadlines(at_start, accommodated, events, young=young),
    ]
    first_review = reviews[0].held if reviews else None
    items = [_close_if_needed(item, ended, first_review) for item in while_looked_after] + [
        _close_if_needed(item, closing, first_review) for item in while_placed
    ]
    return sorted(items, key=lambda item: (item.due, item.kind.value, item.number))


def _held_by_kind(
    held: Iterable[HeldMeeting], accommodated: date, closed_on: date | None
) -> dict[str, list[HeldMeeting]]:
    """Held meetings by kind, in date order.

    Only reviews held while the child was looked after count toward the schedule (from
    the date accommodated to the period's end, a return home included: a child looked
    after at home is still reviewed), and two reviews on one day are one review.
    """
    by_kind: dict[str, list[HeldMeeting]] = {}
    for meeting in sorted(held, key=lambda m: (m.held, m.review_number or 0)):
        same_kind = by_kind.setdefault(meeting.kind.value, [])
        if meeting.kind == MeetingKind.REVIEW:
            placed = meeting.held >= accommodated and (
                closed_on is None or meeting.held <= closed_on
            )
            if not placed or (same_kind and same_kind[-1].held == meeting.held):
                continue
        same_kind.append(meeting)
    return by_kind


def _ended(events: JourneyEvents) -> tuple[date, str] | None:
    """The day the care period ended, and why nothing more is needed after it."""
    if events.ended is None:
        return None
    return events.ended, f"the care period ended on {long_date(events.ended)}"


def _closing(events: JourneyEvents, accommodated: date) -> tuple[date, str] | None:
    """The date from which nothing more is needed, and why: whichever came first of a
    return home and the end of the period."""
    reasons: list[tuple[date, str]] = []
    if events.returned_home is not None and events.returned_home > accommodated:
        reasons.append(
            (events.returned_home, f"the child returned home on {long_date(events.returned_home)}")
        )
    if events.ended is not None:
        reasons.append((events.ended, f"the care period ended on {long_date(events.ended)}"))
    return min(reasons) if reasons else None


def _item(
    kind: PlannedKind,
    due: date,
    rule: str,
    policy: ReviewPolicy,
    *,
    met_on: date | None = None,
    ref: int | None = None,
    number: int = 0,
) -> PlannedMeeting:
    status = PlanStatus.PLANNED if met_on is None else PlanStatus.HELD
    return PlannedMeeting(
        kind, number, due, rule, policy.effective_from, status, held=met_on, fulfilled_by=ref
    )


def _first(meetings: Mapping[str, Sequence[HeldMeeting]], kind: MeetingKind) -> HeldMeeting | None:
    of_kind = meetings.get(kind.value, [])
    return of_kind[0] if of_kind else None


def _planning_meetings(
    policy: ReviewPolicy, accommodated: date, meetings: Mapping[str, Sequence[HeldMeeting]]
) -> Iterator[PlannedMeeting]:
    on = long_date(accommodated)
    held_72h = _first(meetings, MeetingKind.PLANNING_72_HOUR)
    yield _item(
        PlannedKind.PLANNING_72_HOUR,
        accommodated + timedelta(days=policy.planning_72h_days),
        f"within 72 hours of being accommodated on {on}",
        policy,
        met_on=held_72h.held if held_72h else None,
        ref=held_72h.ref if held_72h else None,
    )
    weeks = policy.planning_meeting_weeks
    if weeks is not None:
        held_planning = _first(meetings, MeetingKind.PLANNING_2_WEEK)
        yield _item(
            PlannedKind.PLANNING_MEETING,
            accommodated + timedelta(weeks=weeks),
            f"the {policy.planning_meeting_label}, within {plural(weeks, 'week')} of being "
            f"accommodated on {on}",
            policy,
            met_on=held_planning.held if held_planning else None,
            ref=held_planning.ref if held_planning else None,
            number=weeks,
        )
    week = policy.legal_advice_week
    if week is not None:
        held_advice = _first(meetings, MeetingKind.LEGAL_ADVICE)
        yield _item(
            PlannedKind.LEGAL_ADVICE,
            accommodated + timedelta(weeks=week),
            f"set in advance for week {week} after being accommodated on {on}",
            policy,
            met_on=held_advice.held if held_advice else None,
            ref=held_advice.ref if held_advice else None,
        )


def _reviews(
    history: PolicyHistory,
    accommodated: date,
    held: Sequence[HeldMeeting],
    horizon: date,
    *,
    still_placed: bool,
) -> Iterator[PlannedMeeting]:
    """The chain of Looked After Child reviews (regulation 45(2)).

    Review n is met by the n-th review held. Review n+1 is counted from the date review
    n was held or, while it is not, from the date it is due, by the policy in force on
    that date. Reviews are planned up to the horizon, and the next review not yet held
    is planned even when it falls beyond it. Once the child has left, the review that
    was pending is the last.
    """
    number = 1
    anchor = accommodated
    while True:
        policy = history.in_force_on(anchor)
        due, rule = _review_due(policy, number, anchor, held_count=len(held))
        fulfilled = held[number - 1] if number <= len(held) else None
        if fulfilled is None and (due > horizon or not still_placed):
            # The next review not yet held is always planned: while the child is placed
            # it is what comes next; once they have left, it is what was pending, and
            # is closed with the reason (nothing is planned after it).
            yield _item(PlannedKind.REVIEW, due, rule, policy, number=number)
            return
        yield _item(
            PlannedKind.REVIEW,
            due,
            rule,
            policy,
            met_on=fulfilled.held if fulfilled else None,
            ref=fulfilled.ref if fulfilled else None,
            number=number,
        )
        anchor = fulfilled.held if fulfilled is not None else due
        number += 1


def _review_due(
    policy: ReviewPolicy, number: int, anchor: date, *, held_count: int
) -> tuple[date, str]:
    if number == 1:
        return (
            anchor + timedelta(weeks=policy.first_review_weeks),
            f"within {plural(policy.first_review_weeks, 'week')} of the placement on "
            f"{long_date(anchor)}",
        )
    previous = "held" if number - 1 <= held_count else "due"
    months = policy.second_review_months if number == 2 else policy.later_review_months
    of = "the first review" if number == 2 else f"review {number - 1}"
    return (
        add_months(anchor, months),
        f"within {months} months of {of}, {previous} on {long_date(anchor)}",
    )


def _local_deadlines(
    policy: ReviewPolicy, accommodated: date, events: JourneyEvents, *, young: bool
) -> Iterator[PlannedMeeting]:
    """The referral of young children on the day accommodated, and the assessment limit."""
    if policy.refer_young_children and young:
        yield _item(
            PlannedKind.REPORTER_REFERRAL,
            accommodated,
            f"children under {policy.young_child_age} are referred on the day they are "
            f"accommodated ({long_date(accommodated)})",
            policy,
            met_on=min(events.reporter_referrals, default=None),
        )
    started = events.assessment_started
    if policy.assessment_limit_days is not None and young and started is not None:
        completed = events.assessment_completed
        yield _item(
            PlannedKind.ASSESSMENT_COMPLETED,
            started + timedelta(days=policy.assessment_limit_days),
            f"within {plural(policy.assessment_limit_days, 'day')} of the assessment starting on "
            f"{long_date(started)}, for children under {policy.young_child_age}",
            policy,
            met_on=completed if completed is not None and completed >= started else None,
        )


def _reviews_before(
    history: PolicyHistory,
    accommodated: date,
    reviews: Sequence[HeldMeeting],
    events: JourneyEvents,
    *,
    automatic_referral: bool,
) -> Iterator[PlannedMeeting]:
    """A review before a referral to the Reporter and before an application for a
    permanence order (regulation 45(4)(a) and (b)).

    Each is due on the date of the referral or application, and met by any review held
    within the policy's window before it (28 days unless set otherwise). A referral made
    as the child is accommodated (within the 72-hour meeting's time) is how the child
    came to be looked after, not a decision about a child already placed, so it needs
    none; nor does the first referral of a young child where the policy refers young
    children automatically on the day accommodated: that is the authority's standing
    decision. Each referral needing a review is numbered (1 for the first referral of
    the period, and so on), so a second referral has its own review before it.
    """
    at_start = history.in_force_on(accommodated)
    automatic = automatic_referral and at_start.refer_young_children
    for number, referral in enumerate(sorted(set(events.reporter_referrals)), start=1):
        at_accommodation = referral <= accommodated + timedelta(days=at_start.planning_72h_days)
        if referral < accommodated or (number == 1 and automatic) or at_accommodation:
            continue
        policy = history.in_force_on(referral)
        if policy.review_before_referral:
            yield _review_before(
                PlannedKind.REVIEW_BEFORE_REFERRAL,
                referral,
                "before the referral to the Reporter on",
                policy,
                reviews,
                happened=True,
                number=number,
            )
    application = events.permanence_application
    if application is not None and application >= accommodated:
        policy = history.in_force_on(application)
        if policy.review_before_application:
            lodged = events.application_lodged
            yield _review_before(
                PlannedKind.REVIEW_BEFORE_APPLICATION,
                application,
                "before the application for a permanence order lodged on"
                if lodged
                else "before the application for a permanence order, expected by",
                policy,
                reviews,
                happened=lodged,
            )


def _review_before(
    kind: PlannedKind,
    event: date,
    words: str,
    policy: ReviewPolicy,
    reviews: Sequence[HeldMeeting],
    *,
    happened: bool,
    number: int = 0,
) -> PlannedMeeting:
    window = policy.prior_review_window_days
    in_window = [r for r in reviews if event - timedelta(days=window) <= r.held <= event]
    latest = in_window[-1] if in_window else None
    item = _item(
        kind,
        event,
        f"{words} {long_date(event)} (a review in the {plural(window, 'day')} before it counts)",
        policy,
        met_on=latest.held if latest else None,
        ref=latest.ref if latest else None,
        number=number,
    )
    if item.status is PlanStatus.PLANNED and happened:
        return replace(
            item,
            status=PlanStatus.CLOSED,
            closed_reason=(
                f"no review was held in the {plural(window, 'day')} before {long_date(event)}"
            ),
            closed_on=event,
        )
    return item


_MISSED_AT_FIRST_REVIEW = frozenset({PlannedKind.PLANNING_72_HOUR, PlannedKind.PLANNING_MEETING})


def _close_if_needed(
    item: PlannedMeeting, closing: tuple[date, str] | None, first_review: date | None
) -> PlannedMeeting:
    """Close what is no longer needed: everything not held once the child has returned
    home or the period has ended, and a planning meeting not held by the first review
    (its purpose has passed; leaving it overdue for years helps nobody)."""
    if item.status is not PlanStatus.PLANNED:
        return item
    if closing is not None:
        return replace(
            item, status=PlanStatus.CLOSED, closed_reason=closing[1], closed_on=closing[0]
        )
    if item.kind in _MISSED_AT_FIRST_REVIEW and first_review is not None:
        return replace(
            item,
            status=PlanStatus.CLOSED,
            closed_reason=f"not held before the first review on {long_date(first_review)}",
            closed_on=first_review,
        )
    return item


# ---------------------------------------------------------------------------------------
# When a permanence order application is expected


PERMANENCE_ORDER_ROUTES = frozenset({"po", "poa"})


def expected_application(
    *,
    agency_decision: date | None,
    agency_decision_outcome: str | None,
    route: str | None,
    lodged: date | None,
    order_sought: str | None,
) -> tuple[date | None, bool]:
    """When an application for a permanence order is, or is expected to be, lodged.

    Returns (date, lodged). An application lodged for a permanence order (with or
    without authority to adopt) gives its date. Before one is lodged, an agreed agency
    decision on a permanence order route gives the date Aim 4 expects it by (16 weeks
    after the decision). Adoption petitions are the adopters', not the authority's, and
    kinship care orders are not permanence orders: neither needs a review first.
    """
    if lodged is not None:
        if order_sought in PERMANENCE_ORDER_ROUTES:
            return lodged, True
        return None, False
    if agency_decision is None or agency_decision_outcome != "agreed":
        return None, False
    if route not in PERMANENCE_ORDER_ROUTES:
        return None, False
    weeks = AIM_4.target_weeks or 16
    return agency_decision + timedelta(weeks=weeks), False


# ---------------------------------------------------------------------------------------
# Aim clocks: children approaching and past the national aims' deadlines


DEFAULT_WARNING_WEEKS = 4
AIM_CLOCKS: tuple[AimDefinition, ...] = (AIM_1, AIM_2, AIM_3, AIM_4)

AIM_DEADLINE_COLUMNS = (
    "authority",
    "child_ref",
    "period_start",
    "team",
    "aim",
    "aim_title",
    "clock_started",
    "deadline",
    "days_to_deadline",
    "state",
)


class ClockState(StrEnum):
    APPROACHING = "approaching"
    PAST = "past"


def aim_deadlines(
    frame: pl.DataFrame,
    *,
    warning_weeks: Mapping[str, int] | None = None,
    aims: Sequence[AimDefinition] = AIM_CLOCKS,
) -> pl.DataFrame:
    """Children approaching or past an aim's deadline on the frame's ``as_of`` date.

    For Aims 2, 3 and 4 (and any aim whose end milestone should come within a target):
    the children the aim counts as still waiting (``aim_children``, so its population,
    its clock and what stops it are the aim's own: a return home, a reversed plan, the
    routes Aim 4 follows), whose deadline is at most ``warning_weeks[aim id]`` weeks away
    (4 unless set) or already past. For Aim 1: each order at home still in force, with no
    Children's Hearing since its two-year point, whose point is that near or past: the
    Hearing's review of whether the child should still be on an order is due then. One
    row per child and aim, ``days_to_deadline`` negative once past.
    """
    warnings = dict(warning_weeks or {})
    parts = [_aim_rows(frame, aim, warnings.get(aim.id, DEFAULT_WARNING_WEEKS)) for aim in aims]
    if not parts:
        return pl.DataFrame(schema=_aim_schema())
    return pl.concat(parts).sort(["deadline", "authority", "child_ref", "aim"])


def _aim_schema() -> dict[str, pl.DataType]:
    return {
        "authority": pl.String(),
        "child_ref": pl.String(),
        "period_start": pl.Date(),
        "team": pl.String(),
        "aim": pl.String(),
        "aim_title": pl.String(),
        "clock_started": pl.Date(),
        "deadline": pl.Date(),
        "days_to_deadline": pl.Int32(),
        "state": pl.String(),
    }


def _aim_rows(frame: pl.DataFrame, aim: AimDefinition, warning_weeks: int) -> pl.DataFrame:
    if frame.is_empty():
        return pl.DataFrame(schema=_aim_schema())
    as_of = frame_as_of(frame)
    if aim.kind is AimKind.REVIEWED_AFTER:
        waiting = _orders_reaching_their_point(frame, aim)
    else:
        keys = frame.select("authority", "child_ref", "period_number", "period_start")
        waiting = (
            aim_children(frame, aim, as_of=as_of)
            .filter(pl.col("still_waiting"))
            .join(keys, on=["authority", "child_ref", "period_number"], how="left")
            .select("authority", "child_ref", "period_start", "team", "start_date", "deadline")
        )
    days_left = (pl.col("deadline") - pl.lit(as_of)).dt.total_days().cast(pl.Int32)
    return (
        waiting.select(
            "authority",
            "child_ref",
            "period_start",
            "team",
            pl.lit(aim.id).alias("aim"),
            pl.lit(aim.title).alias("aim_title"),
            pl.col("start_date").alias("clock_started"),
            "deadline",
            days_left.alias("days_to_deadline"),
        )
        .filter(pl.col("days_to_deadline") <= 7 * warning_weeks)
        .with_columns(
            pl.when(pl.col("days_to_deadline") < 0)
            .then(pl.lit(ClockState.PAST.value))
            .otherwise(pl.lit(ClockState.APPROACHING.value))
            .alias("state")
        )
        .cast(_aim_schema())  # type: ignore[arg-type]
    )


def _orders_reaching_their_point(frame: pl.DataFrame, aim: AimDefinition) -> pl.DataFrame:
    """Aim 1 on the due lists: orders at home in force at ``as_of`` with no Children's
    Hearing held on or after their two-year point (the ``deadline``)."""
    start = pl.col(aim.start_column)
    point = aim.deadline(start)
    heard_since = (pl.col(HEARINGS_COLUMN).list.max() >= point).fill_null(value=False)
    return (
        frame.filter(
            start.is_not_null() & pl.col("home_cso_end").is_null() & pl.col("period_end").is_null()
        )
        .select(
            "authority",
            "child_ref",
            "period_start",
            "team",
            start.alias("start_date"),
            point.alias("deadline"),
            heard_since.alias("_heard"),
        )
        .filter(~pl.col("_heard"))
    )
