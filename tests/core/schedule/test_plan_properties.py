"""Properties every plan keeps, whatever the dates: Hypothesis tries thousands of journeys."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from permanence.analysis.schedule import (
    STATUTORY_POLICY,
    HeldMeeting,
    JourneyEvents,
    PlannedKind,
    PlanStatus,
    PolicyHistory,
    ReviewPolicy,
    add_months,
    plan_meetings,
)
from permanence.journey.vocabulary import MeetingKind

accommodated_days = st.dates(min_value=date(2015, 1, 1), max_value=date(2028, 12, 31))
gaps = st.lists(st.integers(min_value=1, max_value=400), max_size=8)


def held_reviews(start: date, day_gaps: list[int]) -> list[HeldMeeting]:
    held, day = [], start
    for gap in day_gaps:
        day += timedelta(days=gap)
        held.append(HeldMeeting(MeetingKind.REVIEW, day, ref=len(held) + 1))
    return held


@given(accommodated=accommodated_days, day_gaps=gaps, horizon_days=st.integers(0, 900))
def test_each_review_is_counted_from_the_one_before_as_held(
    accommodated: date, day_gaps: list[int], horizon_days: int
) -> None:
    held = held_reviews(accommodated, day_gaps)
    through = accommodated + timedelta(days=horizon_days)
    plan = plan_meetings(STATUTORY_POLICY, accommodated, held, through=through)
    planned = [item for item in plan if item.kind is PlannedKind.REVIEW]

    # The rule restated as a loop over the reviews: 6 weeks, 3 months, then 6 months,
    # each from the date the one before was held, or is due while it is not.
    anchor = accommodated
    for number, item in enumerate(planned, start=1):
        assert item.number == number
        if number == 1:
            assert item.due == accommodated + timedelta(days=42)
        else:
            assert item.due == add_months(anchor, 3 if number == 2 else 6)
        anchor = item.held if item.held is not None else item.due

    # Every review held is met by exactly one planned review, in order.
    assert [item.fulfilled_by for item in planned[: len(held)]] == [m.ref for m in held]
    assert all(item.status is PlanStatus.PLANNED for item in planned[len(held) :])
    # Planned to the horizon, and exactly one review beyond it.
    beyond = [item for item in planned[len(held) :] if item.due > through]
    assert len(beyond) == 1
    assert planned[-1] is beyond[0]


@given(
    accommodated=accommodated_days,
    day_gaps=gaps,
    change_after=st.integers(min_value=0, max_value=1500),
    months=st.integers(min_value=1, max_value=6),
    weeks=st.integers(min_value=1, max_value=8),
)
def test_a_new_policy_version_never_changes_a_date_whose_clock_started_before_it(
    accommodated: date, day_gaps: list[int], change_after: int, months: int, weeks: int
) -> None:
    held = held_reviews(accommodated, day_gaps)
    through = accommodated + timedelta(days=1200)
    effective = accommodated + timedelta(days=change_after)
    new = ReviewPolicy(
        effective_from=effective,
        name="local",
        later_review_months=months,
        first_review_weeks=min(weeks, 6),
        planning_meeting_weeks=weeks,
    )
    before = plan_meetings(STATUTORY_POLICY, accommodated, held, through=through)
    after = plan_meetings(PolicyHistory((new,)), accommodated, held, through=through)
    after_by_key = {item.key: item for item in after}

    anchor = accommodated
    for item in before:
        if item.kind is not PlannedKind.REVIEW:
            continue
        # A review whose clock started before the change is the same in both plans.
        if anchor < effective:
            assert after_by_key[item.key].due == item.due
            assert after_by_key[item.key].policy_from == date.min
        anchor = item.held if item.held is not None else item.due
    if effective > accommodated:
        assert not any(item.kind is PlannedKind.PLANNING_MEETING for item in after)


@given(
    accommodated=accommodated_days,
    day_gaps=gaps,
    left_after=st.integers(min_value=1, max_value=1500),
    ended=st.booleans(),
)
def test_nothing_is_left_planned_once_the_child_has_left(
    accommodated: date, day_gaps: list[int], left_after: int, ended: bool
) -> None:
    held = held_reviews(accommodated, day_gaps)
    left = accommodated + timedelta(days=left_after)
    events = JourneyEvents(ended=left) if ended else JourneyEvents(returned_home=left)
    plan = plan_meetings(
        STATUTORY_POLICY, accommodated, held, through=left + timedelta(days=700), events=events
    )
    if not ended:
        # Back home but still looked after: the placement's meetings close, and the
        # reviews go on being planned (finding 6 of issue 13).
        placed = [item for item in plan if item.kind is not PlannedKind.REVIEW]
        assert all(item.status is not PlanStatus.PLANNED for item in placed)
        assert any(
            item.kind is PlannedKind.REVIEW and item.status is PlanStatus.PLANNED for item in plan
        )
        return
    assert all(item.status is not PlanStatus.PLANNED for item in plan)
    closed = [item for item in plan if item.status is PlanStatus.CLOSED]
    assert all(item.closed_on == left for item in closed)
    # Only reviews held while placed count, and at most one review was pending.
    reviews = [item for item in plan if item.kind is PlannedKind.REVIEW]
    assert sum(item.status is PlanStatus.HELD for item in reviews) == sum(
        meeting.held <= left for meeting in held
    )
    assert sum(item.status is PlanStatus.CLOSED for item in reviews) == 1
