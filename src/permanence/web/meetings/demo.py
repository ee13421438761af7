"""Planning meetings in the demo: what the two-week meetings achieved, their actions, and
the decisions that shape the plan, for the children accommodated in the last 18 months.

Deterministic: the same seed, extract and measuring date make the same records. The
variation is what PACE areas saw: meetings late, agenda items missed, actions not done by
their date; each gets better over the months, so the measures have something to show.
One meeting's date differs from the import's, so the data lead's list is not empty.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import polars as pl
from django.db import transaction

from permanence.analysis.meetings import AGENDA_2WK, DecisionKind, ItemState
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.cache import authority_data
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.measures import DECISION_CODES, imported_dates
from permanence.web.meetings.models import (
    AgendaItemRecord,
    MeetingAction,
    PlanDecision,
    PlanningMeeting,
)
from permanence.web.records.models import CarePeriod, Milestone

MONTHS_BACK = 18
MOST_MEETINGS = 120
ACTIONS = (
    ("Start the parenting capacity assessment", "social worker"),
    ("Send the care plan to the parents", "team leader"),
    ("Ask health for the child's assessment", "health visitor"),
    ("Book the legal advice meeting", "team leader"),
)


def prepare_demo_meetings(authority: LocalAuthority, *, as_of: date, seed: int = 1) -> int:
    """Make the demo's meeting records (none if it has some already); how many meetings."""
    rng = random.Random(seed)  # noqa: S311 - synthetic demo records, not a secret
    with scoped_to(Scope.authority(authority.pk)), transaction.atomic():
        # Those an import made for its checklists and actions are not the demo's.
        if PlanningMeeting.objects.filter(imported_meeting__isnull=True).exists():
            return 0
        recorder = User.objects.filter(authority=authority, role=Role.PRACTITIONER).first()
        since = as_of - timedelta(days=MONTHS_BACK * 30)
        frame = authority_data(authority.pk).frame.filter(
            pl.col("accommodated_date").is_not_null()
            & (pl.col("accommodated_date") >= since)
            & (pl.col("accommodated_date") <= as_of - timedelta(days=21))
        )
        rows = frame.sort("accommodated_date", "child_ref").select(
            "child_ref", "period_start", "accommodated_date", "age_at_accommodation"
        )
        periods = {
            (period.child.child_ref, period.period_start): period
            for period in CarePeriod.objects.select_related("child")
        }
        imported = imported_dates()
        # Decisions the extract already brings are not typed in again: the app records
        # what the extract lacks (docs/meetings.md).
        brought_decisions = set(
            Milestone.objects.filter(milestone__in=DECISION_CODES).values_list(
                "care_period_id", "milestone"
            )
        )
        made = 0
        conflict_made = False
        for ref, start, accommodated, age in rows.head(MOST_MEETINGS).iter_rows():
            period = periods.get((ref, start))
            if period is None:
                continue
            # How far through the 18 months: later meetings do better.
            progress = min(1.0, (accommodated - since).days / (MONTHS_BACK * 30))
            brought = imported.get((period.pk, "planning_2wk"))
            held = brought or accommodated + timedelta(days=rng.randint(7, 24 - int(8 * progress)))
            if brought is not None and not conflict_made:
                held, conflict_made = brought + timedelta(days=2), True
            held = min(held, as_of)
            if period.period_end is not None and held > period.period_end:
                continue
            meeting = PlanningMeeting(
                authority=authority,
                care_period=period,
                kind="planning_2wk",
                held_date=held,
                attended=_attended(rng, progress),
                entered_by=recorder,
            )
            meeting.start_agenda()
            _checklist(rng, meeting, progress, young=age is not None and age < 1)
            _actions(rng, meeting, progress, as_of)
            _decisions(
                rng, authority, period, accommodated, held, age, progress, as_of, brought_decisions
            )
            made += 1
        return made


def _attended(rng: random.Random, progress: float) -> list[str]:
    attended = ["social_worker", "team_leader"]
    for agency, chance in (
        ("parents", 0.6 + 0.3 * progress),
        ("carers", 0.7),
        ("health", 0.3 + 0.3 * progress),
        ("education", 0.3),
        ("reviewing_officer", 0.5),
        ("legal", 0.2 + 0.3 * progress),
    ):
        if rng.random() < chance:
            attended.append(agency)
    return attended


def _checklist(rng: random.Random, meeting: PlanningMeeting, progress: float, young: bool) -> None:
    done_chance = 0.55 + 0.4 * progress
    keys = {item.key for item in AGENDA_2WK.items}
    for item in AgendaItemRecord.objects.filter(meeting=meeting):
        if item.key == "childs_views" and young and item.key in keys:
            item.state, item.reason = ItemState.NOT_APPLICABLE, "a baby: views through their carers"
        elif rng.random() < 0.05:
            continue  # not recorded
        else:
            item.state = ItemState.DONE if rng.random() < done_chance else ItemState.NOT_DONE
        item.save()


def _actions(rng: random.Random, meeting: PlanningMeeting, progress: float, as_of: date) -> None:
    for what, owner in rng.sample(ACTIONS, rng.randint(1, 3)):
        due = meeting.held_date + timedelta(days=rng.randint(5, 28))
        on_time = rng.random() < 0.5 + 0.4 * progress
        done = due - timedelta(days=rng.randint(0, 4)) if on_time else None
        if done is None and rng.random() < 0.6:
            done = due + timedelta(days=rng.randint(1, 20))
        if done is not None and (done > as_of or done < meeting.held_date):
            done = None
        MeetingAction.objects.create(
            authority_id=meeting.authority_id,
            meeting=meeting,
            what=what,
            owner=owner,
            due_date=due,
            done_on=done,
            entered_by=meeting.entered_by,
        )


def _decisions(
    rng: random.Random,
    authority: LocalAuthority,
    period: CarePeriod,
    accommodated: date,
    held: date,
    age: int | None,
    progress: float,
    as_of: date,
    brought: set[tuple[int, str]],
) -> None:
    def decide(kind: DecisionKind, on: date, **more: object) -> None:
        if (period.pk, kind.value) in brought:
            return
        if on <= as_of and on >= period.period_start:
            PlanDecision.objects.create(
                authority=authority,
                care_period=period,
                kind=kind.value,
                decided_on=on,
                decided_by="team leader",
                **more,
            )

    if rng.random() < 0.3 + 0.3 * progress:
        decide(DecisionKind.CONCURRENT_PLANNING, held)
    requested = held + timedelta(days=rng.randint(0, 20))
    decide(DecisionKind.LEGAL_ADVICE_REQUESTED, requested)
    decide(
        DecisionKind.LEGAL_ADVICE_RECEIVED,
        requested + timedelta(days=rng.randint(10, 90 - int(50 * progress))),
        written=rng.random() < 0.5,
    )
    if age is not None and age < 3:
        referred = accommodated if rng.random() < 0.5 + 0.4 * progress else held
        decide(DecisionKind.UNDER_3_REFERRED, referred)
        if rng.random() < 0.4:
            decide(DecisionKind.ASSESSMENT_LIMIT, held)
    if rng.random() < 0.08:
        decide(
            DecisionKind.PURPOSEFUL_DELAY,
            held,
            reason="waiting for a brother's assessment, so the children can be placed together",
            look_again_on=held + timedelta(days=42),
        )
