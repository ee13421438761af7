"""Outcomes against hand-worked journeys: every category, the boundary days, Aim 1's
two-year point, the as_of behaviour, local aim filters and entry periods.

Dates are worked by hand in the comments: 26 weeks is 182 days, so a child accommodated
on 1 January 2024 meets Aim 2 with a recommendation on or before 1 July 2024.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest

from permanence.analysis.aims import AIM_1, AIM_2, AIM_3, AIM_4, local_aim
from permanence.analysis.aims_outcomes import (
    CHILD_COLUMNS,
    AimFigures,
    aim_children,
    evaluate_aim,
    evaluate_aims,
)

JAN_1 = date(2024, 1, 1)
DEADLINE = date(2024, 7, 1)  # 1 January 2024 + 182 days
AS_OF = date(2025, 6, 30)


def outcomes(children: pl.DataFrame) -> dict[str, str]:
    return dict(zip(children["child_ref"], children["outcome"], strict=True))


@pytest.fixture
def six_children(build: Any) -> pl.DataFrame:
    """One child in each place against Aim 2, on the boundary days."""
    day = timedelta(days=1)
    frame: pl.DataFrame = build.journeys(
        [
            build.accommodated("on_the_day", JAN_1, recommendation=DEADLINE),
            build.accommodated("a_day_late", JAN_1, recommendation=DEADLINE + day),
            build.accommodated("waiting_on_the_day", AS_OF - 182 * day),
            build.accommodated("waiting_a_day_over", AS_OF - 183 * day),
            build.accommodated("left_on_the_day", JAN_1, left=DEADLINE),
            build.accommodated("left_a_day_late", JAN_1, left=DEADLINE + day),
        ],
        AS_OF,
    )
    return frame


def test_each_child_has_the_outcome_worked_by_hand(six_children: pl.DataFrame) -> None:
    children = aim_children(six_children, AIM_2)
    assert outcomes(children) == {
        "on_the_day": "met",  # exactly 26 weeks is met
        "a_day_late": "not_met",  # 26 weeks and a day is not
        "waiting_on_the_day": "pending",  # still waiting on the deadline day itself
        "waiting_a_day_over": "not_met",  # and the day after, already over the target
        "left_on_the_day": "stopped",  # left within the target: outcome unknown
        "left_a_day_late": "not_met",  # had already waited past the target
    }
    rows = {row["child_ref"]: row for row in children.iter_rows(named=True)}
    assert rows["on_the_day"]["days_waited"] == 182
    assert rows["on_the_day"]["weeks_waited"] == 26.0
    assert rows["on_the_day"]["days_past_deadline"] == 0
    assert rows["a_day_late"]["days_past_deadline"] == 1
    assert rows["waiting_on_the_day"]["days_waited"] == 182
    assert rows["waiting_on_the_day"]["still_waiting"]
    assert not rows["waiting_on_the_day"]["over_target"]
    assert rows["waiting_a_day_over"]["over_target"]
    assert rows["left_on_the_day"]["days_waited"] == 182
    assert rows["left_on_the_day"]["stopped_date"] == DEADLINE
    assert rows["left_a_day_late"]["left_without_end"]
    assert rows["on_the_day"]["deadline"] == DEADLINE
    assert children.columns == list(CHILD_COLUMNS)


def test_the_figures_are_the_hand_count(six_children: pl.DataFrame) -> None:
    result = evaluate_aim(six_children, AIM_2)
    assert result.overall == AimFigures(
        counted=6,
        met=1,
        not_met=3,
        reached_late=1,
        waiting_over_target=1,
        left_after_target=1,
        pending=1,
        stopped=1,
        end_before_start=0,
    )
    assert result.overall.known == 4
    assert result.overall.still_waiting == 2
    assert result.overall.left_without_end == 2
    assert result.overall.percent_met == 25.0  # 1 met of the 4 whose outcome is known
    # All six clocks started in 2024 (the waiting children on 30 and 29 December).
    assert [period.code for period in result.periods] == ["2024"]
    assert result.periods[0].figures == result.overall


def test_nobody_known_means_no_percentage(build: Any) -> None:
    frame = build.journeys([build.accommodated("new", AS_OF - timedelta(days=10))], AS_OF)
    result = evaluate_aim(frame, AIM_2)
    assert result.overall.pending == 1
    assert result.overall.percent_met is None
    assert result.progress.at_or_above_target is None


def test_children_never_accommodated_are_not_counted_for_aim_2(build: Any) -> None:
    at_home = build.Child("home", JAN_1, placements=[("home", JAN_1)])
    frame = build.journeys([at_home, build.accommodated("away", JAN_1)], AS_OF)
    assert aim_children(frame, AIM_2)["child_ref"].to_list() == ["away"]


def test_a_recommendation_after_as_of_is_not_yet_known(build: Any) -> None:
    child = build.accommodated("c", JAN_1, recommendation=date(2024, 6, 1))
    earlier = build.journeys([child], date(2024, 5, 31))
    later = build.journeys([child], date(2024, 6, 1))
    assert outcomes(aim_children(earlier, AIM_2)) == {"c": "pending"}
    assert outcomes(aim_children(later, AIM_2)) == {"c": "met"}
    # A child accommodated after as_of is not counted at all.
    before = build.journeys([child], date(2023, 12, 31))
    assert aim_children(before, AIM_2, as_of=date(2023, 12, 31)).height == 0


def test_the_frame_date_is_the_measurement_date(build: Any) -> None:
    frame = build.journeys([build.accommodated("c", JAN_1)], AS_OF)
    assert evaluate_aim(frame, AIM_2, as_of=AS_OF).as_of == AS_OF
    with pytest.raises(ValueError, match="built as of 2025-06-30"):
        evaluate_aim(frame, AIM_2, as_of=date(2025, 7, 1))


def test_an_empty_frame_needs_a_date(build: Any) -> None:
    empty = build.journeys([], AS_OF)
    with pytest.raises(ValueError, match="empty"):
        evaluate_aim(empty, AIM_2)
    result = evaluate_aim(empty, AIM_2, as_of=AS_OF)
    assert result.overall.counted == 0
    assert result.periods == ()


# ---------------------------------------------------------------------------------------
# Aim 1: the two-year point


def on_cso(build: Any, ref: str, start: date, **kwargs: Any) -> Any:
    hearings = kwargs.pop("hearings", [])
    reviews = kwargs.pop("reviews", [])
    ended = kwargs.pop("ended", None)
    child = build.Child(ref, start, placements=[("home", start)], **kwargs)
    child.legal_statuses.append(("cso_home", start, ended))
    for held in hearings:
        child.meetings.append(("hearing", held, None))
    for number, held in enumerate(reviews, start=1):
        child.meetings.append(("review", held, number))
    return child


CSO_START = date(2023, 3, 15)
TWO_YEAR_POINT = date(2025, 3, 15)


def test_aim_1_counts_orders_that_reached_two_years_reviewed_or_not(build: Any) -> None:
    day = timedelta(days=1)
    children = [
        on_cso(build, "heard_on_the_point", CSO_START, hearings=[TWO_YEAR_POINT]),
        on_cso(build, "heard_later", CSO_START, hearings=[date(2024, 1, 1), date(2025, 4, 1)]),
        on_cso(build, "heard_only_before", CSO_START, hearings=[TWO_YEAR_POINT - day]),
        # Finding 8: a Looked After Child review is not the Hearing's review of the order.
        on_cso(build, "reviewed_not_heard", CSO_START, reviews=[TWO_YEAR_POINT + day]),
        on_cso(build, "never_reviewed", CSO_START),
        on_cso(build, "not_two_years_yet", CSO_START + 30 * day),
        # The order ended after its two-year point: the question was answered.
        on_cso(build, "order_ended", CSO_START, ended=date(2025, 3, 20)),
        on_cso(build, "period_ended", CSO_START, period_end=date(2025, 3, 20)),
        # Ended before the point: never on an order for two years.
        on_cso(build, "ended_before", CSO_START, ended=TWO_YEAR_POINT - day),
    ]
    as_of = date(2025, 4, 10)
    result = evaluate_aim(build.journeys(children, as_of), AIM_1)
    assert outcomes(result.children) == {
        "heard_on_the_point": "met",
        "heard_later": "met",
        "heard_only_before": "not_met",
        "reviewed_not_heard": "not_met",
        "never_reviewed": "not_met",
        "order_ended": "met",
        "period_ended": "met",
    }
    rows = {row["child_ref"]: row for row in result.children.iter_rows(named=True)}
    assert rows["heard_later"]["end_date"] == date(2025, 4, 1)  # the first after the point
    assert rows["order_ended"]["end_date"] == date(2025, 3, 20)
    assert rows["never_reviewed"]["deadline"] == TWO_YEAR_POINT
    assert rows["never_reviewed"]["days_waited"] == (as_of - CSO_START).days
    assert result.overall.counted == 7
    assert result.overall.waiting_over_target == 3
    assert result.overall.percent_met == pytest.approx(100 * 4 / 7)


def test_aim_1_on_the_two_year_day_itself_is_pending(build: Any) -> None:
    frame = build.journeys([on_cso(build, "c", CSO_START)], TWO_YEAR_POINT)
    assert outcomes(aim_children(frame, AIM_1)) == {"c": "pending"}
    day_before = build.journeys([on_cso(build, "c", CSO_START)], TWO_YEAR_POINT - timedelta(1))
    assert aim_children(day_before, AIM_1).height == 0


def test_aim_1_two_years_from_29_february(build: Any) -> None:
    frame = build.journeys([on_cso(build, "leap", date(2024, 2, 29))], date(2026, 2, 28))
    assert aim_children(frame, AIM_1)["deadline"].to_list() == [date(2026, 2, 28)]


# ---------------------------------------------------------------------------------------
# Aims 3 and 4: decisions, reversals, agreed plans


def decided(build: Any, ref: str, **dates: Any) -> Any:
    """Recommended permanence away from home (a permanence order) on 1 March 2024."""
    child = build.accommodated(ref, JAN_1, recommendation=date(2024, 3, 1), route="po")
    if "adm" in dates:
        child.milestones.append(("adm_decision", dates["adm"], dates.get("outcome", "agreed")))
    if "lodged" in dates:
        child.milestones.append(("application_lodged", dates["lodged"], "po"))
    if "reversed" in dates:
        child.milestones.append(("decision_reversed", dates["reversed"], None))
    return child


def test_aim_3_runs_from_the_decision_away_from_home(build: Any) -> None:
    # 1 March 2024 + 14 weeks (98 days) = 7 June 2024.
    children = [
        decided(build, "in_time", adm=date(2024, 6, 7)),
        decided(build, "late", adm=date(2024, 6, 8)),
        decided(build, "reversed_early", reversed=date(2024, 4, 1)),
        decided(build, "reversed_late", reversed=date(2024, 7, 1)),
        build.accommodated("home", JAN_1, recommendation=date(2024, 3, 1)),  # return home
    ]
    frame = build.journeys(children, AS_OF)
    assert outcomes(aim_children(frame, AIM_3)) == {
        "in_time": "met",
        "late": "not_met",
        "reversed_early": "stopped",
        "reversed_late": "not_met",
    }
    # Aim 2's clock, from accommodation, is not stopped by a reversal.
    assert outcomes(aim_children(frame, AIM_2))["reversed_early"] == "met"


def test_aim_4_counts_agreed_plans_only(build: Any) -> None:
    # 1 June 2024 + 16 weeks (112 days) = 21 September 2024.
    children = [
        decided(build, "lodged_in_time", adm=date(2024, 6, 1), lodged=date(2024, 9, 21)),
        decided(build, "lodged_late", adm=date(2024, 6, 1), lodged=date(2024, 9, 22)),
        decided(build, "not_agreed", adm=date(2024, 6, 1), outcome="not_agreed"),
    ]
    frame = build.journeys(children, AS_OF)
    assert outcomes(aim_children(frame, AIM_4)) == {
        "lodged_in_time": "met",
        "lodged_late": "not_met",
    }


def test_an_end_milestone_before_the_start_is_flagged(build: Any) -> None:
    child = build.accommodated("odd", date(2024, 3, 1), recommendation=date(2024, 2, 1))
    child.placements.insert(0, ("home", JAN_1))
    child.period_start = JAN_1
    result = evaluate_aim(build.journeys([child], AS_OF), AIM_2)
    assert result.overall.end_before_start == 1
    assert result.children["days_waited"].to_list() == [-29]


# ---------------------------------------------------------------------------------------
# Local aims: filters, progress toward the percentage


def local(**kwargs: Any) -> Any:
    values: dict[str, Any] = {
        "id": "local",
        "title": "Local aim",
        "by_date": date(2026, 3, 31),
        "start_on_or_after": date(2024, 4, 1),
        "target_percent": 75,
    }
    values.update(kwargs)
    return local_aim("recommendation", **values)


def test_local_aim_filters_choose_who_is_counted(build: Any) -> None:
    children = [
        # age on the day accommodated: 0, 4 and 12
        build.accommodated("baby", JAN_1, born=date(2023, 6, 1), team="North"),
        build.accommodated("four", JAN_1, born=date(2019, 1, 2), team="South"),
        build.accommodated("twelve", JAN_1, born=date(2011, 6, 1), placement="kinship"),
        build.accommodated(
            "recommended",
            JAN_1,
            recommendation=date(2024, 2, 1),
            route="adoption",
            born=date(2010, 1, 1),
        ),
    ]
    frame = build.journeys(children, AS_OF)

    def counted(**filters: Any) -> list[str]:
        return sorted(aim_children(frame, local(**filters))["child_ref"].to_list())

    assert counted(age_bands=["under_1", "1_4"]) == ["baby", "four"]
    assert counted(teams=["South"]) == ["four"]
    assert counted(placement_types=["kinship"]) == ["twelve"]
    assert counted(routes=["adoption"]) == ["recommended"]
    assert counted() == ["baby", "four", "recommended", "twelve"]


def test_age_band_is_taken_when_the_clock_starts(build: Any) -> None:
    # Born 1 March 2023: 0 on accommodation (1 January 2024), 1 on the decision (1 March
    # 2024). An under-1s Aim 3 counts the child's age on the day of the decision.
    child = decided(build, "c", adm=date(2024, 4, 1))
    child.born = date(2023, 3, 1)
    frame = build.journeys([child], AS_OF)
    aim_3_under_1 = local_aim(
        "panel_after_decision",
        id="p",
        title="P",
        by_date=date(2026, 3, 31),
        start_on_or_after=JAN_1,
        target_percent=90,
        age_bands=["under_1"],
    )
    aim_2_under_1 = local(age_bands=["under_1"])
    assert aim_children(frame, aim_2_under_1).height == 1
    assert aim_children(frame, aim_3_under_1).height == 0


def test_progress_counts_children_from_the_from_date(build: Any) -> None:
    # From 1 April 2024: two met, one not met, one pending. Before it: one not met.
    children = [
        build.accommodated("before", JAN_1, recommendation=date(2024, 12, 1)),
        build.accommodated("met_1", date(2024, 4, 1), recommendation=date(2024, 5, 1)),
        build.accommodated("met_2", date(2024, 5, 1), recommendation=date(2024, 6, 1)),
        build.accommodated("late", date(2024, 5, 1), recommendation=date(2025, 5, 1)),
        build.accommodated("waiting", date(2025, 6, 1)),
    ]
    frame = build.journeys(children, AS_OF)
    result = evaluate_aim(frame, local(target_percent=67))
    progress = result.progress
    assert progress.figures.counted == 4
    assert (progress.figures.met, progress.figures.not_met, progress.figures.pending) == (2, 1, 1)
    assert progress.figures.percent_met == pytest.approx(200 / 3)
    assert progress.at_or_above_target is False  # 66.7% is below 67%
    assert evaluate_aim(frame, local(target_percent=66)).progress.at_or_above_target is True
    assert progress.days_until_by == (date(2026, 3, 31) - AS_OF).days == 274
    assert result.overall.counted == 5  # the per-period figures still show the baseline
    payload = progress.as_dict()
    assert payload["by_date_passed"] is False
    assert payload["percent_met"] == 66.7


# ---------------------------------------------------------------------------------------
# Entry periods


def test_children_are_counted_in_the_period_their_clock_started(build: Any) -> None:
    children = [
        build.accommodated("march", date(2024, 3, 31), recommendation=date(2024, 5, 1)),
        build.accommodated("april", date(2024, 4, 1), recommendation=date(2024, 5, 1)),
        build.accommodated("december", date(2024, 12, 31)),
        build.accommodated("next_year", date(2025, 1, 1)),
    ]
    frame = build.journeys(children, AS_OF)

    def periods(granularity: str) -> list[tuple[str, str, int]]:
        result = evaluate_aim(frame, AIM_2, granularity=granularity)  # type: ignore[arg-type]
        return [(p.code, p.label, p.figures.counted) for p in result.periods]

    assert periods("year") == [("2024", "2024", 3), ("2025", "2025", 1)]
    assert periods("quarter") == [
        ("2024-Q1", "January to March 2024", 1),
        ("2024-Q2", "April to June 2024", 1),
        ("2024-Q4", "October to December 2024", 1),
        ("2025-Q1", "January to March 2025", 1),
    ]
    assert periods("month") == [
        ("2024-03", "March 2024", 1),
        ("2024-04", "April 2024", 1),
        ("2024-12", "December 2024", 1),
        ("2025-01", "January 2025", 1),
    ]


def test_all_four_aims_at_once_and_as_json(build: Any) -> None:
    frame = build.journeys([build.accommodated("c", JAN_1, recommendation=DEADLINE)], AS_OF)
    results = evaluate_aims(frame)
    assert [result.aim.id for result in results] == ["aim_1", "aim_2", "aim_3", "aim_4"]
    payload = results[1].as_dict()
    assert set(payload) == {"aim", "as_of", "period", "overall", "periods", "progress"}
    assert payload["overall"]["met"] == 1
    assert payload["periods"][0]["period"] == "2024"
    assert payload["aim"]["target_text"] == "26 weeks"
