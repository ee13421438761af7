"""Every route through the journey, counted once by a written rule: the worked examples of
docs/aims.md ("Routes through the journey"), child by child, with the outcome for each aim.

Each test is the docs' example with the same dates. Days are worked by hand: 26 weeks is
182 days, 14 weeks 98 and 16 weeks 112.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from permanence.analysis.aims import AIM_1, AIM_2, AIM_3, AIM_4, aim_4_with_routes
from permanence.analysis.aims_outcomes import aim_children

AS_OF = date(2025, 6, 30)
JAN_1 = date(2024, 1, 1)


def standing(frame: pl.DataFrame, ref: str) -> dict[str, tuple[str, date | None] | None]:
    """The child's outcome and end date against each national aim (None: not counted)."""
    found: dict[str, tuple[str, date | None] | None] = {}
    for aim in (AIM_1, AIM_2, AIM_3, AIM_4):
        rows = aim_children(frame, aim).filter(pl.col("child_ref") == ref)
        found[aim.id] = None if rows.is_empty() else (rows["outcome"][0], rows["start_date"][0])
    return found


def a_return_home_that_breaks_down(build: Any) -> Any:
    child = build.Child("breaks_down", JAN_1, placements=[("foster_la", JAN_1)])
    child.placements += [("home", date(2024, 3, 1)), ("foster_la", date(2024, 6, 1))]
    child.legal_statuses += [
        ("s25", JAN_1, date(2024, 3, 1)),
        ("cso_home", date(2024, 3, 1), date(2024, 6, 1)),
        ("cso_residence", date(2024, 6, 1), None),
    ]
    child.milestones += [
        ("permanence_recommendation", date(2024, 9, 1), "po"),
        ("adm_decision", date(2024, 11, 1), "agreed"),
        ("application_lodged", date(2025, 2, 1), "po"),
    ]
    return child


def test_a_return_home_that_breaks_down(build: Any) -> None:
    frame = build.journeys([a_return_home_that_breaks_down(build)], AS_OF)
    assert standing(frame, "breaks_down") == {
        "aim_1": None,  # at home on an order for three months, not two years
        # The clock runs from the first day accommodated: the time at home counts, and the
        # recommendation on day 244 is late.
        "aim_2": ("not_met", JAN_1),
        "aim_3": ("met", date(2024, 9, 1)),  # 61 days to the agreement
        "aim_4": ("met", date(2024, 11, 1)),  # 92 days to the application
    }
    # Measured while the child was at home, the return home had stopped Aim 2's clock.
    while_home = build.journeys([a_return_home_that_breaks_down(build)], date(2024, 5, 1))
    assert standing(while_home, "breaks_down")["aim_2"] == ("stopped", JAN_1)
    row = frame.row(0, named=True)
    assert (row["home_returns_count"], row["returned_home_date"]) == (1, None)


def test_a_return_home_reversed_then_permanence_away_from_home(build: Any) -> None:
    # Finding 2: the child dropped out of Aim 3.
    child = build.Child("reversed_home", JAN_1, placements=[("foster_la", JAN_1)])
    child.milestones += [
        ("permanence_recommendation", date(2024, 4, 1), "return_home"),
        ("decision_reversed", date(2024, 7, 1), None),
        ("permanence_recommendation", date(2024, 8, 1), "po"),
        ("adm_decision", date(2024, 10, 1), "agreed"),
        ("application_lodged", date(2024, 12, 1), "poa"),
    ]
    frame = build.journeys([child], AS_OF)
    assert standing(frame, "reversed_home") == {
        "aim_1": None,
        "aim_2": ("met", JAN_1),  # the first recommendation, day 91
        "aim_3": ("met", date(2024, 8, 1)),  # the recommendation away from home, 61 days
        "aim_4": ("met", date(2024, 10, 1)),  # 61 days
    }


def not_agreed_then_agreed(build: Any, lodged: date) -> Any:
    child = build.Child("second_panel", JAN_1, placements=[("foster_la", JAN_1)])
    child.meetings += [
        ("permanence_panel", date(2024, 6, 1), None),
        ("permanence_panel", date(2024, 9, 1), None),
    ]
    child.milestones += [
        ("permanence_recommendation", date(2024, 5, 1), "po"),
        ("permanence_decision", date(2024, 5, 1), None),
        ("adm_decision", date(2024, 6, 15), "not_agreed"),
        ("adm_decision", date(2024, 9, 15), "agreed"),
        ("application_lodged", lodged, "po"),
    ]
    return child


def test_a_plan_not_agreed_then_agreed_after_a_second_panel(build: Any) -> None:
    # Finding 3: the child was missing from Aim 4.
    frame = build.journeys([not_agreed_then_agreed(build, date(2024, 12, 1))], AS_OF)
    assert standing(frame, "second_panel") == {
        "aim_1": None,
        "aim_2": ("met", JAN_1),  # day 121
        # Aim 3 stops when the plan is agreed: 137 days, the delay of the second panel shows.
        "aim_3": ("not_met", date(2024, 5, 1)),
        "aim_4": ("met", date(2024, 9, 15)),  # 77 days from the agreement
    }
    assert frame["permanence_panel_count"].to_list() == [2]
    # Between the two decisions the plan waits in Aim 3, and is not yet in Aim 4.
    between = build.journeys([not_agreed_then_agreed(build, date(2024, 12, 1))], date(2024, 7, 1))
    assert standing(between, "second_panel")["aim_3"] == ("pending", date(2024, 5, 1))
    assert standing(between, "second_panel")["aim_4"] is None
    assert between["agency_decision_outcome"].to_list() == ["not_agreed"]


def reversed_and_made_again(build: Any) -> Any:
    child = build.Child("made_again", JAN_1, placements=[("foster_la", JAN_1)])
    child.milestones += [
        ("permanence_recommendation", date(2024, 3, 1), "adoption"),
        ("adm_decision", date(2024, 5, 1), "agreed"),
        ("decision_reversed", date(2024, 6, 1), None),
        ("permanence_recommendation", date(2024, 11, 1), "po"),
        ("adm_decision", date(2025, 1, 1), "agreed"),
        ("application_lodged", date(2025, 3, 1), "po"),
    ]
    return child


def test_a_plan_reversed_and_made_again_is_counted_once(build: Any) -> None:
    frame = build.journeys([reversed_and_made_again(build)], AS_OF)
    assert standing(frame, "made_again") == {
        "aim_1": None,
        "aim_2": ("met", JAN_1),  # the first recommendation, day 60
        "aim_3": ("met", date(2024, 11, 1)),  # the standing decision: 61 days
        "aim_4": ("met", date(2025, 1, 1)),  # the standing agreement: 59 days
    }
    # Between the reversal and the new plan, the reversed plan's clocks had stopped.
    between = build.journeys([reversed_and_made_again(build)], date(2024, 7, 15))
    assert standing(between, "made_again") == {
        "aim_1": None,
        "aim_2": ("met", JAN_1),
        "aim_3": ("met", date(2024, 3, 1)),  # agreed on day 61, before the reversal
        "aim_4": ("stopped", date(2024, 5, 1)),  # reversed on day 31, inside 16 weeks
    }


def home_and_still_looked_after(build: Any, ref: str, recommended: date | None) -> Any:
    child = build.Child(ref, JAN_1, placements=[("foster_la", JAN_1), ("home", date(2024, 3, 1))])
    child.legal_statuses += [("s25", JAN_1, date(2024, 3, 1)), ("cso_home", date(2024, 3, 1), None)]
    if recommended is not None:
        child.milestones.append(("permanence_recommendation", recommended, "return_home"))
    return child


def test_a_child_back_home_but_still_looked_after(build: Any) -> None:
    # Finding 6: Aim 2 counted the child as waiting for ever.
    children = [
        home_and_still_looked_after(build, "home_no_recommendation", None),
        home_and_still_looked_after(build, "home_recommended", date(2024, 2, 15)),
    ]
    frame = build.journeys(children, AS_OF)
    assert standing(frame, "home_no_recommendation") == {
        "aim_1": None,  # the order at home began on 1 March 2024: two years on 1 March 2026
        "aim_2": ("stopped", JAN_1),  # went home on day 60, within 26 weeks
        "aim_3": None,
        "aim_4": None,
    }
    assert standing(frame, "home_recommended")["aim_2"] == ("met", JAN_1)
    # Two years on the order at home with no Children's Hearing since: Aim 1 asks.
    later = build.journeys(children, date(2026, 3, 2))
    assert standing(later, "home_no_recommendation")["aim_1"] == ("not_met", date(2024, 3, 1))


def kinship_and_permanence_plans(build: Any) -> list[Any]:
    kinship = build.Child("kinship_plan", JAN_1, placements=[("kinship", JAN_1)])
    kinship.milestones += [
        ("permanence_recommendation", date(2024, 3, 1), "kinship_order"),
        ("adm_decision", date(2024, 5, 1), "agreed"),
        ("application_lodged", date(2024, 7, 1), "kinship_order"),
    ]
    changed = build.Child("po_plan_kinship_application", JAN_1, placements=[("kinship", JAN_1)])
    changed.milestones += [
        ("permanence_recommendation", date(2024, 3, 1), "po"),
        ("adm_decision", date(2024, 5, 1), "agreed"),
        ("application_lodged", date(2024, 7, 1), "kinship_order"),
    ]
    return [kinship, changed]


def test_aim_4_follows_permanence_orders_and_adoption_unless_chosen_otherwise(build: Any) -> None:
    # Finding 9: any application, a kinship order's included, stopped the clock.
    frame = build.journeys(kinship_and_permanence_plans(build), AS_OF)
    assert standing(frame, "kinship_plan")["aim_4"] is None  # not a route Aim 4 follows
    # A permanence order plan is not met by a kinship order application.
    assert standing(frame, "po_plan_kinship_application")["aim_4"] == (
        "not_met",
        date(2024, 5, 1),
    )
    with_kinship = aim_4_with_routes({"po", "poa", "adoption", "kinship_order"})
    chosen = dict(aim_children(frame, with_kinship).select("child_ref", "outcome").iter_rows())
    assert chosen == {"kinship_plan": "met", "po_plan_kinship_application": "met"}
