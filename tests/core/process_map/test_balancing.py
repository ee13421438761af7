"""Stability and balancing measures: each against a hand-worked example (docs/process-map.md)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl

from permanence.analysis.balancing import (
    BALANCING_MEASURES,
    balancing_figures,
    moves_after_decision,
    moves_before_permanence,
    permanence_ended,
    purposeful_delays,
    reentry_after_return_home,
    time_to_order,
)

AS_OF = date(2025, 6, 30)


def rows(table: pl.DataFrame, *columns: str) -> list[tuple[Any, ...]]:
    return list(table.select("month", *columns).iter_rows())


def moved(build: Any) -> pl.DataFrame:
    # P1: accommodated 1 January 2024, moved 1 February, 1 March and 1 April (3 moves), a
    # permanence order on 10 May, then moved again on 1 June (after the order).
    p1 = build.accommodated("P1", date(2024, 1, 1))
    p1.placements += [
        ("foster_purchased", date(2024, 2, 1)),
        ("residential_house", date(2024, 3, 1)),
        ("foster_la", date(2024, 4, 1)),
        ("prospective_adopters", date(2024, 6, 1)),
    ]
    p1.milestones.append(("order_granted", date(2024, 5, 10), "po"))
    # P2: accommodated 1 January 2024, moved once (15 February), home 20 May, and the
    # Children's Hearing ended the supervision order on 25 May: permanence at home.
    p2 = build.accommodated("P2", date(2024, 1, 1))
    p2.placements += [("foster_purchased", date(2024, 2, 15)), ("home", date(2024, 5, 20))]
    p2.milestones.append(("order_granted", date(2024, 5, 25), "cso_terminated"))
    # P3: still waiting; not counted.
    p3 = build.accommodated("P3", date(2024, 2, 1))
    p3.placements.append(("kinship", date(2024, 3, 1)))
    return build.journeys([p1, p2, p3], AS_OF)


def test_moves_before_permanence(build: Any) -> None:
    table = moves_before_permanence(moved(build))
    # May 2024: P1 (3 moves before the order) and P2 (1): one of two; 2 moves on average
    assert rows(table, "numerator", "denominator", "percentage", "mean_moves") == [
        (date(2024, 5, 1), 1, 2, 50.0, 2.0)
    ]


def test_permanent_placements_that_ended_and_time_to_the_order(build: Any) -> None:
    frame = moved(build)
    # P1 moved on 1 June after the order of 10 May; P2's order was not a court's
    assert rows(permanence_ended(frame), "numerator", "denominator") == [(date(2024, 5, 1), 1, 1)]
    # 1 January to 10 May 2024: 31 + 29 + 31 + 30 + 9 = 130 days
    assert rows(time_to_order(frame), "children", "median_days") == [(date(2024, 5, 1), 1, 130.0)]


def test_an_adopted_child_who_comes_back_into_care_is_a_permanence_that_ended(build: Any) -> None:
    a = build.accommodated("A", date(2022, 1, 1), left=date(2023, 3, 1))
    a.destination = "adoption"
    a.milestones.append(("order_granted", date(2023, 3, 1), "adoption"))
    again = build.accommodated("A", date(2024, 9, 1))
    assert rows(permanence_ended(build.journeys([a, again], AS_OF)), "numerator") == [
        (date(2023, 3, 1), 1)
    ]


def test_moves_after_the_decision(build: Any) -> None:
    # P4: decision (a recommendation of a permanence order) 1 March 2023; moves on 1 April
    # and 1 September 2023 fall within the 365 days to 29 February 2024, 1 April 2024's not.
    p4 = build.accommodated("P4", date(2023, 1, 1))
    p4.milestones.append(("permanence_recommendation", date(2023, 3, 1), "po"))
    p4.placements += [
        ("foster_purchased", date(2023, 4, 1)),
        ("foster_la", date(2023, 9, 1)),
        ("prospective_adopters", date(2024, 4, 1)),
    ]
    # P6: decision 10 March 2023, one move: not 2 or more.
    p6 = build.accommodated("P6", date(2023, 1, 5))
    p6.milestones.append(("permanence_recommendation", date(2023, 3, 10), "adoption"))
    p6.placements.append(("prospective_adopters", date(2023, 5, 1)))
    # P5: decision 15 January 2025: 12 months have not passed by 30 June 2025.
    p5 = build.accommodated("P5", date(2024, 10, 1))
    p5.milestones.append(("permanence_recommendation", date(2025, 1, 15), "po"))
    table = moves_after_decision(build.journeys([p4, p5, p6], AS_OF))
    assert rows(table, "numerator", "denominator", "percentage") == [(date(2023, 3, 1), 1, 2, 50.0)]


def test_reentry_within_12_months_of_a_return_home(build: Any) -> None:
    # R went home on 30 June 2023 and came back on 1 March 2024 (245 days): a re-entry.
    r1 = build.accommodated("R", date(2023, 1, 1), left=date(2023, 6, 30))
    r2 = build.accommodated("R", date(2024, 3, 1))
    # S went home on 10 June 2023 and stayed home.
    s = build.accommodated("S", date(2023, 1, 1), left=date(2023, 6, 10))
    # U went home on 5 June 2023 and came back on 6 June 2024: 367 days, not within 12 months.
    u1 = build.accommodated("U", date(2023, 1, 1), left=date(2023, 6, 5))
    u2 = build.accommodated("U", date(2023, 6, 5) + timedelta(days=367))
    # T went home on 1 December 2024: 12 months have not passed.
    t = build.accommodated("T", date(2024, 1, 1), left=date(2024, 12, 1))
    table = reentry_after_return_home(build.journeys([r1, r2, s, u1, u2, t], AS_OF))
    assert rows(table, "numerator", "denominator") == [(date(2023, 6, 1), 1, 3)]


def test_purposeful_delays(build: Any) -> None:
    p = build.accommodated("P", date(2024, 2, 1))
    q = build.accommodated("Q", date(2024, 2, 10))
    delays = pl.DataFrame(
        {
            "child_ref": ["P", "Q"],
            "period_start": [date(2024, 2, 1), date(2024, 2, 10)],
            "clock": ["accommodated_date", "decision_away_date"],  # Q's is another clock
            "reason": ["sibling assessment", "court timetable"],
        }
    )
    table = purposeful_delays(build.journeys([p, q], AS_OF), delays)
    assert rows(table, "numerator", "denominator") == [(date(2024, 2, 1), 1, 2)]
    assert rows(purposeful_delays(build.journeys([p, q], AS_OF)), "numerator") == [
        (date(2024, 2, 1), 0)
    ]


def test_the_figures_beside_the_aims(build: Any) -> None:
    figures = {f.measure.key: f for f in balancing_figures(moved(build))}
    assert set(figures) == {m.key for m in BALANCING_MEASURES}
    before = figures["moves_before_permanence"]
    assert (before.numerator, before.denominator, before.value) == (1, 2, 50.0)
    assert figures["time_to_order"].value == 130.0
    assert figures["reentry_after_return_home"].value is None  # nobody counted yet
    later = {f.measure.key: f for f in balancing_figures(moved(build), since=date(2024, 6, 1))}
    assert later["moves_before_permanence"].denominator == 0
