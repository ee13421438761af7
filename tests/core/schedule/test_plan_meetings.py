"""Real journeys through the planner, every date worked out by hand in the comments."""

from __future__ import annotations

from datetime import date

import pytest

from permanence.analysis.schedule import (
    STATUTORY_POLICY,
    HeldMeeting,
    JourneyEvents,
    PlannedKind,
    PlannedMeeting,
    PlanStatus,
    PolicyHistory,
    ReviewPolicy,
    expected_application,
    plan_meetings,
)
from permanence.journey.vocabulary import MeetingKind

FAR = date(2030, 1, 1)


def reviews(*days: date) -> list[HeldMeeting]:
    return [
        HeldMeeting(MeetingKind.REVIEW, day, number, ref=100 + number)
        for number, day in enumerate(days, start=1)
    ]


def by_key(plan: list[PlannedMeeting]) -> dict[tuple[str, int], PlannedMeeting]:
    return {item.key: item for item in plan}


def review_dues(plan: list[PlannedMeeting]) -> list[date]:
    return [item.due for item in plan if item.kind is PlannedKind.REVIEW]


def test_the_statutory_schedule_for_a_child_placed_on_14_march_2025() -> None:
    held = [HeldMeeting(MeetingKind.PLANNING_72_HOUR, date(2025, 3, 16), ref=1)]
    held += reviews(date(2025, 4, 22), date(2025, 7, 22))
    plan = plan_meetings(STATUTORY_POLICY, date(2025, 3, 14), held, through=date(2026, 1, 1))
    items = by_key(plan)

    # 72 hours after Friday 14 March is Monday 17 March.
    assert items[("planning_72h", 0)].due == date(2025, 3, 17)
    assert items[("planning_72h", 0)].held == date(2025, 3, 16)
    assert items[("planning_72h", 0)].fulfilled_by == 1
    # 6 weeks = 42 days: 17 days to 31 March, 25 more to 25 April.
    assert items[("review", 1)].due == date(2025, 4, 25)
    # The second within 3 months of the first as held (22 April): 22 July.
    assert items[("review", 2)].due == date(2025, 7, 22)
    # Then within 6 months of the second as held (22 July): 22 January 2026.
    assert items[("review", 3)].due == date(2026, 1, 22)
    assert items[("review", 3)].status is PlanStatus.PLANNED
    # The horizon is 1 January 2026; review 3 is the next not held, so it is planned,
    # and nothing after it.
    assert review_dues(plan) == [date(2025, 4, 25), date(2025, 7, 22), date(2026, 1, 22)]
    assert [item.status for item in plan if item.kind is PlannedKind.REVIEW] == [
        PlanStatus.HELD,
        PlanStatus.HELD,
        PlanStatus.PLANNED,
    ]
    assert [item.fulfilled_by for item in plan if item.kind is PlannedKind.REVIEW] == [
        101,
        102,
        None,
    ]
    # The statutory minimum needs no planning meeting at 2 weeks and no local deadlines.
    assert {item.kind for item in plan} == {PlannedKind.PLANNING_72_HOUR, PlannedKind.REVIEW}
    assert items[("review", 2)].rule == "within 3 months of the first review, held on 22 April 2025"
    assert all(item.policy_from == date.min for item in plan)


def test_reviews_are_planned_ahead_to_the_horizon() -> None:
    # Nothing held yet: every due date is provisional, counted from the one before.
    plan = plan_meetings(STATUTORY_POLICY, date(2025, 3, 14), through=date(2026, 8, 1))
    assert review_dues(plan) == [
        date(2025, 4, 25),  # 14 March + 42 days
        date(2025, 7, 25),  # + 3 months
        date(2026, 1, 25),  # + 6 months
        date(2026, 7, 25),  # + 6 months (on or before the horizon)
        date(2027, 1, 25),  # the next one, beyond the horizon
    ]
    assert "due on 25 April 2025" in by_key(plan)[("review", 2)].rule


def test_a_late_first_review_moves_every_later_date() -> None:
    # Due 25 April, held a fortnight late on 9 May.
    plan = plan_meetings(
        STATUTORY_POLICY, date(2025, 3, 14), reviews(date(2025, 5, 9)), through=date(2026, 3, 1)
    )
    assert review_dues(plan) == [
        date(2025, 4, 25),
        date(2025, 8, 9),  # 3 months from 9 May, the date actually held
        date(2026, 2, 9),  # 6 months from 9 August, while review 2 is not yet held
        date(2026, 8, 9),
    ]


def test_an_early_review_brings_later_dates_forward() -> None:
    plan = plan_meetings(
        STATUTORY_POLICY,
        date(2025, 3, 14),
        reviews(date(2025, 4, 1), date(2025, 6, 2)),
        through=date(2025, 11, 1),
    )
    assert review_dues(plan) == [date(2025, 4, 25), date(2025, 7, 1), date(2025, 12, 2)]


def test_month_ends_clamp_through_a_leap_year() -> None:
    # Placed 19 April 2023: 11 days to 30 April, 31 more to 31 May.
    plan = plan_meetings(
        STATUTORY_POLICY,
        date(2023, 4, 19),
        reviews(date(2023, 5, 31), date(2023, 8, 31), date(2024, 2, 29)),
        through=date(2024, 6, 1),
    )
    assert review_dues(plan) == [
        date(2023, 5, 31),
        date(2023, 8, 31),  # 31 May + 3 months
        date(2024, 2, 29),  # 31 August + 6 months: February 2024 has 29 days
        date(2024, 8, 29),  # 29 February + 6 months
    ]


def test_a_policy_change_applies_from_its_date_and_never_backwards() -> None:
    local = ReviewPolicy(
        effective_from=date(2025, 6, 1),
        name="3-monthly reviews and a 2-week meeting",
        planning_meeting_weeks=2,
        later_review_months=3,
    )
    history = PolicyHistory((local,))

    # Accommodated 1 March 2025, under the statutory minimum: no 2-week meeting, ever.
    # 1 March + 42 days = 12 April. The first review is held 10 April; the second is due
    # 3 months later, 10 July, under either policy. It is held 8 July, after the change,
    # so the third is due 3 months later (8 October), not 6 (8 January); and the fourth
    # 3 months after the third's due date.
    plan = plan_meetings(
        history,
        date(2025, 3, 1),
        reviews(date(2025, 4, 10), date(2025, 7, 8)),
        through=date(2025, 12, 31),
    )
    assert PlannedKind.PLANNING_MEETING not in {item.kind for item in plan}
    assert review_dues(plan) == [
        date(2025, 4, 12),
        date(2025, 7, 10),
        date(2025, 10, 8),
        date(2026, 1, 8),
    ]
    items = by_key(plan)
    assert items[("review", 2)].policy_from == date.min  # counted from 10 April
    assert items[("review", 3)].policy_from == date(2025, 6, 1)  # counted from 8 July

    # The same child with the second review held early, on 20 May, before the change:
    # the third was set under the statutory policy, 6 months on (20 November), and
    # stays so. The fourth is counted from 20 November, after the change: 3 months.
    earlier = plan_meetings(
        history,
        date(2025, 3, 1),
        reviews(date(2025, 4, 10), date(2025, 5, 20)),
        through=date(2025, 12, 31),
    )
    assert review_dues(earlier) == [
        date(2025, 4, 12),
        date(2025, 7, 10),
        date(2025, 11, 20),
        date(2026, 2, 20),
    ]

    # A child accommodated on 2 June 2025 follows the new policy from the start:
    # a 2-week planning meeting on 16 June.
    later = plan_meetings(history, date(2025, 6, 2), through=date(2025, 7, 1))
    meeting = by_key(later)[("planning_2wk", 2)]
    assert meeting.due == date(2025, 6, 16)
    assert meeting.label == "2-week planning meeting"


def test_a_return_home_closes_the_placements_meetings_and_keeps_planning_reviews() -> None:
    # Finding 6 of issue 13: a child back home but still looked after is still reviewed.
    held = [HeldMeeting(MeetingKind.PLANNING_72_HOUR, date(2025, 3, 17))]
    held += reviews(date(2025, 4, 22))
    policy = ReviewPolicy(planning_meeting_weeks=4, name="4-week meeting")
    plan = plan_meetings(
        policy,
        date(2025, 3, 14),
        held,
        through=date(2026, 9, 1),
        events=JourneyEvents(returned_home=date(2025, 5, 1)),
    )
    items = by_key(plan)
    assert items[("planning_72h", 0)].status is PlanStatus.HELD
    assert items[("review", 1)].status is PlanStatus.HELD
    # The 4-week planning meeting, due 11 April, belonged to the placement: closed.
    meeting = items[("planning_2wk", 4)]
    assert meeting.status is PlanStatus.CLOSED
    assert meeting.closed_reason == "the child returned home on 1 May 2025"
    # The reviews go on: review 2 three months after the first, then every six months.
    assert review_dues(plan) == [
        date(2025, 4, 25),
        date(2025, 7, 22),
        date(2026, 1, 22),
        date(2026, 7, 22),
        date(2027, 1, 22),
    ]
    assert all(
        item.status is PlanStatus.PLANNED
        for item in plan
        if item.kind is PlannedKind.REVIEW and item.number > 1
    )


def test_the_review_pending_when_a_period_ends_is_closed_not_dropped() -> None:
    plan = plan_meetings(
        STATUTORY_POLICY,
        date(2025, 3, 14),
        reviews(date(2025, 4, 22)),
        through=date(2026, 9, 1),
        events=JourneyEvents(ended=date(2025, 6, 30)),
    )
    second = by_key(plan)[("review", 2)]
    assert second.due == date(2025, 7, 22)  # after the end, but it was what came next
    assert second.status is PlanStatus.CLOSED
    assert second.closed_reason == "the care period ended on 30 June 2025"
    assert review_dues(plan) == [date(2025, 4, 25), date(2025, 7, 22)]


def test_reviews_held_after_a_return_home_count() -> None:
    plan = plan_meetings(
        STATUTORY_POLICY,
        date(2025, 3, 14),
        reviews(date(2025, 4, 22), date(2025, 10, 1)),
        through=date(2026, 9, 1),
        events=JourneyEvents(returned_home=date(2025, 9, 1)),
    )
    second = by_key(plan)[("review", 2)]
    assert (second.status, second.held) == (PlanStatus.HELD, date(2025, 10, 1))


def test_a_planning_meeting_not_held_by_the_first_review_is_closed() -> None:
    policy = ReviewPolicy(planning_meeting_weeks=3, name="3-week meeting")
    plan = plan_meetings(policy, date(2025, 3, 14), reviews(date(2025, 4, 20)), through=FAR)
    items = by_key(plan)
    meeting = items[("planning_2wk", 3)]
    assert meeting.due == date(2025, 4, 4)  # 14 March + 21 days
    assert meeting.label == "3-week planning meeting"
    assert meeting.status is PlanStatus.CLOSED
    assert meeting.closed_reason == "not held before the first review on 20 April 2025"
    assert items[("planning_72h", 0)].status is PlanStatus.CLOSED


def test_reviews_before_a_referral_to_the_reporter() -> None:
    held = reviews(date(2025, 4, 22))
    # A referral 3 weeks after the review: a review in the 28 days before it counts.
    met = plan_meetings(
        STATUTORY_POLICY,
        date(2025, 3, 14),
        held,
        through=FAR,
        events=JourneyEvents(reporter_referrals=(date(2025, 5, 13), date(2025, 3, 14))),
    )
    # The referral on the day accommodated is how the child came to be looked after.
    before = [item for item in met if item.kind is PlannedKind.REVIEW_BEFORE_REFERRAL]
    assert [(item.number, item.due, item.status) for item in before] == [
        (2, date(2025, 5, 13), PlanStatus.HELD)
    ]
    assert before[0].held == date(2025, 4, 22)
    # 7 weeks after the review is too long: the referral was made without one.
    missed = plan_meetings(
        STATUTORY_POLICY,
        date(2025, 3, 14),
        held,
        through=FAR,
        events=JourneyEvents(reporter_referrals=(date(2025, 6, 10),)),
    )
    item = by_key(missed)[("review_before_referral", 1)]
    assert item.status is PlanStatus.CLOSED
    assert item.closed_reason == "no review was held in the 28 days before 10 June 2025"


def test_a_review_before_an_application_for_a_permanence_order() -> None:
    # The agency decision maker agreed a permanence order plan on 2 June 2025: the
    # application is expected by Aim 4's 16 weeks, 22 September 2025.
    application, lodged = expected_application(
        agency_decision=date(2025, 6, 2),
        agency_decision_outcome="agreed",
        route="poa",
        lodged=None,
        order_sought=None,
    )
    assert (application, lodged) == (date(2025, 9, 22), False)
    events = JourneyEvents(permanence_application=application, application_lodged=lodged)
    plan = plan_meetings(STATUTORY_POLICY, date(2025, 3, 14), through=FAR, events=events)
    item = by_key(plan)[("review_before_application", 0)]
    assert (item.due, item.status) == (date(2025, 9, 22), PlanStatus.PLANNED)
    # Lodged on 1 September after a review on 20 August: met.
    lodged_events = JourneyEvents(permanence_application=date(2025, 9, 1), application_lodged=True)
    done = plan_meetings(
        STATUTORY_POLICY,
        date(2025, 3, 14),
        reviews(date(2025, 4, 22), date(2025, 8, 20)),
        through=FAR,
        events=lodged_events,
    )
    assert by_key(done)[("review_before_application", 0)].held == date(2025, 8, 20)
    # Adoption petitions and kinship care orders need no review first.
    assert expected_application(
        agency_decision=date(2025, 6, 2),
        agency_decision_outcome="agreed",
        route="adoption",
        lodged=None,
        order_sought=None,
    ) == (None, False)
    assert expected_application(
        agency_decision=None,
        agency_decision_outcome=None,
        route=None,
        lodged=date(2025, 8, 1),
        order_sought="kinship_order",
    ) == (None, False)


def test_local_deadlines_for_young_children() -> None:
    policy = ReviewPolicy(
        name="Under-threes",
        refer_young_children=True,
        assessment_limit_days=40,
        legal_advice_week=12,
    )
    events = JourneyEvents(
        born=date(2023, 5, 1),  # aged 1 when accommodated
        reporter_referrals=(date(2025, 3, 14),),
        assessment_started=date(2025, 4, 1),
        assessment_completed=date(2025, 5, 5),
    )
    plan = by_key(plan_meetings(policy, date(2025, 3, 14), through=FAR, events=events))
    referral = plan[("reporter_referral", 0)]
    assert (referral.due, referral.held) == (date(2025, 3, 14), date(2025, 3, 14))
    # 40 days from 1 April: 29 days to 30 April, 11 more to 11 May.
    assessment = plan[("pca_completed", 0)]
    assert (assessment.due, assessment.held) == (date(2025, 5, 11), date(2025, 5, 5))
    # Week 12 after 14 March: 84 days, 6 June.
    assert plan[("legal_advice", 0)].due == date(2025, 6, 6)
    assert ("review_before_referral", 1) not in plan  # the automatic referral

    # A child of three is not a young child under this policy.
    older = by_key(
        plan_meetings(
            policy,
            date(2025, 3, 14),
            through=FAR,
            events=JourneyEvents(born=date(2022, 3, 14), assessment_started=date(2025, 4, 1)),
        )
    )
    assert ("reporter_referral", 0) not in older
    assert ("pca_completed", 0) not in older


def test_two_reviews_on_one_day_are_one_review() -> None:
    held = [*reviews(date(2025, 4, 22)), HeldMeeting(MeetingKind.REVIEW, date(2025, 4, 22), 1)]
    plan = plan_meetings(STATUTORY_POLICY, date(2025, 3, 14), held, through=date(2025, 5, 1))
    assert review_dues(plan) == [date(2025, 4, 25), date(2025, 7, 22)]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"later_review_months": 7}, "within 6 months"),
        ({"first_review_weeks": 8}, "within 6 weeks"),
        ({"second_review_months": 4}, "within 3 months"),
        ({"planning_72h_days": 5}, "within 3 days"),
        ({"planning_meeting_weeks": 0}, "1 to 8 weeks"),
    ],
)
def test_a_local_policy_may_shorten_statutory_timescales_never_lengthen_them(
    change: dict[str, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ReviewPolicy(name="too slow", **change)  # type: ignore[arg-type]


def test_policy_versions_are_found_by_date() -> None:
    first = ReviewPolicy(effective_from=date(2024, 1, 1), name="first", later_review_months=5)
    second = ReviewPolicy(effective_from=date(2025, 1, 1), name="second", later_review_months=3)
    history = PolicyHistory((second, first))
    assert history.in_force_on(date(2023, 12, 31)) is STATUTORY_POLICY
    assert history.in_force_on(date(2024, 1, 1)) is first
    assert history.in_force_on(date(2024, 12, 31)) is first
    assert history.in_force_on(date(2025, 1, 1)) is second
    with pytest.raises(ValueError, match="same date"):
        PolicyHistory((first, first))
