"""The placement strip's key and text alternative, worked out by hand from the dates."""

from __future__ import annotations

from datetime import date

from permanence.charts.placement_strip import placement_strip
from permanence.charts.spec import SETTING_COLOURS


def test_the_strip_has_a_key_of_the_settings_it_shows_and_says_itself_in_words():
    # 1 Jan to 11 Apr 2024 is 101 days: 31 + 29 + 31 + 10. Foster care until 1 Mar
    # (60 days), then kinship care to the end of the period (41 days).
    strip = placement_strip(
        date(2024, 1, 1),
        date(2024, 4, 11),
        date(2025, 1, 1),
        [("foster_la", date(2024, 1, 1), date(2024, 3, 1)), ("kinship", date(2024, 3, 1), None)],
    )
    assert [(p.days, p.offset, p.percent) for p in strip.parts] == [
        (60, 0.0, round(6000 / 101, 2)),
        (41, round(6000 / 101, 2), round(4100 / 101, 2)),
    ]
    assert [(k.label, k.colour) for k in strip.key] == [
        ("Kinship care", SETTING_COLOURS["kinship"]),
        ("Foster care", SETTING_COLOURS["foster"]),
    ]
    assert [p.colour for p in strip.parts] == [
        SETTING_COLOURS["foster"],
        SETTING_COLOURS["kinship"],
    ]
    assert strip.alt_text == (
        "Where the child lived in this care period, from 1 Jan 2024 to 11 Apr 2024 "
        "(101 days): foster care (local authority) for 60 days (59%), then kinship care "
        "with friends or relatives for 41 days (41%)."
    )


def test_a_period_with_no_placement_says_so():
    strip = placement_strip(date(2024, 1, 1), None, date(2024, 1, 2), [])
    assert strip.parts == () and strip.key == ()
    assert strip.alt_text == (
        "No placement is recorded in this care period, from 1 Jan 2024 to 2 Jan 2024 (1 day)."
    )
