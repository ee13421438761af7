"""A shared measure's months under disclosure control, worked by hand."""

from __future__ import annotations

from datetime import date

from permanence.analysis.shared_measure import MonthValue, shared_point, shared_points

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def test_a_percentage_is_shown_rounded_half_up_when_every_part_is_safe():
    # 5 of 8: the 3 children left out are a small count, so the month is hidden.
    assert shared_point(MonthValue(JAN, numerator=5, denominator=8)).hidden
    # 5 of 10 = 50%, left out 5: shown.
    point = shared_point(MonthValue(JAN, numerator=5, denominator=10))
    assert (point.value, point.hidden, point.shown) == (50, False, "50")
    # 25 of 40 = 62.5%: halves go up.
    assert shared_point(MonthValue(JAN, numerator=25, denominator=40)).value == 63


def test_a_small_numerator_denominator_or_remainder_hides_the_month():
    for numerator, denominator in ((1, 20), (4, 20), (16, 20), (3, 3), (0, 4)):
        point = shared_point(MonthValue(JAN, numerator=numerator, denominator=denominator))
        assert point.hidden and point.shown == "c", (numerator, denominator)
    # Zero of twenty and twenty of twenty say nothing about any one child.
    assert shared_point(MonthValue(JAN, numerator=0, denominator=20)).value == 0
    assert shared_point(MonthValue(JAN, numerator=20, denominator=20)).value == 100


def test_counts_from_one_to_four_are_hidden_and_zero_is_shown():
    shown = [shared_point(MonthValue(JAN, count=n)).shown for n in range(7)]
    assert shown == ["0", "c", "c", "c", "c", "5", "6"]


def test_months_come_in_order_and_go_through_json():
    points = shared_points([MonthValue(MAR, count=9), MonthValue(JAN, count=2), MonthValue(FEB)])
    assert [p.month for p in points] == [JAN, FEB, MAR]
    assert [p.shown for p in points] == ["c", "", "9"]
    again = [type(p).from_dict(p.as_dict()) for p in points]
    assert again == points
