"""Children approaching and past the aims' deadlines, worked out by hand on 1 July 2025."""

from __future__ import annotations

from datetime import date

import polars as pl

from permanence.analysis.schedule import AIM_DEADLINE_COLUMNS, aim_deadlines

from ..conftest import Journey, frame_of

AS_OF = date(2025, 7, 1)


def rows(frame: pl.DataFrame) -> set[tuple[str, str, date, int, str]]:
    return {
        (r["child_ref"], r["aim"], r["deadline"], r["days_to_deadline"], r["state"])
        for r in frame.iter_rows(named=True)
    }


def journeys() -> list[Journey]:
    return [
        # Aim 2: 26 weeks = 182 days. 6 January + 182 days: 25 to 31 January, then
        # February 28, March 31, April 30, May 31, June 30 (175), 7 more: 7 July.
        Journey("A", date(2025, 1, 6)),
        # 1 December 2024 + 182 days = 1 June 2025: 30 days past on 1 July.
        Journey("B", date(2024, 12, 1)),
        # 1 March + 182 days = 30 August: 60 days away, beyond the 4 weeks' warning.
        Journey("C", date(2025, 3, 1)),
        # A recommendation stops Aim 2's clock.
        Journey(
            "D",
            date(2025, 1, 6),
            milestones=[("permanence_recommendation", date(2025, 6, 1), "return_home")],
        ),
        # A recommendation of adoption on 1 April starts Aim 3: 14 weeks = 98 days,
        # 8 July, 7 days away.
        Journey(
            "E",
            date(2025, 1, 20),
            milestones=[("permanence_recommendation", date(2025, 4, 1), "adoption")],
        ),
        # An agreed agency decision on 1 March starts Aim 4: 16 weeks = 112 days,
        # 21 June, 10 days past.
        Journey(
            "F",
            date(2024, 9, 1),
            milestones=[
                ("permanence_recommendation", date(2024, 12, 1), "poa"),
                ("adm_decision", date(2025, 3, 1), "agreed"),
            ],
        ),
        # A plan the agency decision maker did not agree has no Aim 4 clock, and is still
        # waiting on Aim 3's: 1 December 2024 + 98 days = 9 March 2025, 114 days past.
        Journey(
            "G",
            date(2024, 9, 1),
            milestones=[
                ("permanence_recommendation", date(2024, 12, 1), "po"),
                ("adm_decision", date(2025, 3, 1), "not_agreed"),
            ],
        ),
        # A child who has left care is on no list.
        Journey("H", date(2024, 12, 1), ended=date(2025, 5, 1)),
    ]


def test_children_approaching_and_past_each_aim() -> None:
    found = aim_deadlines(frame_of(journeys(), AS_OF))
    assert tuple(found.columns) == AIM_DEADLINE_COLUMNS
    assert rows(found) == {
        ("A", "aim_2", date(2025, 7, 7), 6, "approaching"),
        ("B", "aim_2", date(2025, 6, 1), -30, "past"),
        ("E", "aim_3", date(2025, 7, 8), 7, "approaching"),
        ("F", "aim_4", date(2025, 6, 21), -10, "past"),
        ("G", "aim_3", date(2025, 3, 9), -114, "past"),
        # Children G and F were accommodated in September 2024 and recommended in
        # December, so Aim 2's clock stopped; E's recommendation stopped it too.
    }
    # Soonest deadline first.
    assert found.get_column("deadline").to_list() == sorted(found.get_column("deadline"))


def test_aim_1_puts_the_hearings_review_of_an_order_at_home_on_the_due_list() -> None:
    # Finding 8 of issue 13. Orders at home since 1 August 2023 reach two years on
    # 1 August 2025: 31 days away on 1 July, inside an 8-week warning.
    def at_home(ref: str, hearings: list[date], began: date = date(2023, 8, 1)) -> Journey:
        return Journey(
            ref,
            began,
            placements=[("home", began)],
            legal_statuses=[("cso_home", began, None)],
            meetings=[("hearing", None, day, None) for day in hearings],
        )

    children = [
        at_home("due", []),
        at_home("heard_before_the_point", [date(2024, 8, 1)]),
        at_home("past", [], began=date(2023, 5, 1)),  # two years on 1 May 2025
        at_home("heard_since", [date(2025, 5, 10)], began=date(2023, 5, 1)),
        at_home("not_yet", [], began=date(2024, 1, 1)),
    ]
    found = aim_deadlines(frame_of(children, AS_OF), warning_weeks={"aim_1": 8})
    assert {r for r in rows(found) if r[1] == "aim_1"} == {
        ("due", "aim_1", date(2025, 8, 1), 31, "approaching"),
        ("heard_before_the_point", "aim_1", date(2025, 8, 1), 31, "approaching"),
        ("past", "aim_1", date(2025, 5, 1), -61, "past"),
    }


def test_a_child_back_home_still_looked_after_is_not_waiting_on_aim_2() -> None:
    # Finding 6 of issue 13: went home on 1 March 2025 without a recommendation.
    child = Journey(
        "home",
        date(2024, 12, 1),
        placements=[("foster_la", date(2024, 12, 1)), ("home", date(2025, 3, 1))],
    )
    assert aim_deadlines(frame_of([child], AS_OF)).is_empty()


def test_the_warning_period_is_set_per_aim() -> None:
    frame = frame_of(journeys(), AS_OF)
    none_for_aim_2 = aim_deadlines(frame, warning_weeks={"aim_2": 0})
    assert ("A", "aim_2") not in {(r[0], r[1]) for r in rows(none_for_aim_2)}
    assert ("B", "aim_2") in {(r[0], r[1]) for r in rows(none_for_aim_2)}  # past is past
    nine_weeks = aim_deadlines(frame, warning_weeks={"aim_2": 9})
    assert ("C", "aim_2", date(2025, 8, 30), 60, "approaching") in rows(nine_weeks)


def test_the_deadline_day_itself_is_still_approaching() -> None:
    found = aim_deadlines(frame_of([Journey("A", date(2025, 1, 6))], date(2025, 7, 7)))
    assert rows(found) == {("A", "aim_2", date(2025, 7, 7), 0, "approaching")}
    after = aim_deadlines(frame_of([Journey("A", date(2025, 1, 6))], date(2025, 7, 8)))
    assert rows(after) == {("A", "aim_2", date(2025, 7, 7), -1, "past")}
