"""The sentences people read, and the whole-number percentages in them."""

from __future__ import annotations

from datetime import date

import pytest

from permanence.analysis.aims import AIM_1, AIM_2, AIM_3, local_aim
from permanence.analysis.aims_outcomes import AimFigures, AimPeriod, AimProgress
from permanence.analysis.aims_text import (
    describe_period,
    describe_progress,
    describe_review_aim,
    whole_percent,
)


def figures(**counts: int) -> AimFigures:
    values = dict.fromkeys(
        (
            "counted",
            "met",
            "not_met",
            "reached_late",
            "waiting_over_target",
            "left_after_target",
            "pending",
            "stopped",
            "end_before_start",
        ),
        0,
    )
    values.update(counts)
    values["not_met"] = (
        values["reached_late"] + values["waiting_over_target"] + values["left_after_target"]
    )
    values["counted"] = values["met"] + values["not_met"] + values["pending"] + values["stopped"]
    return AimFigures(**values)


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [(5, 8, 63), (1, 8, 13), (1, 3, 33), (2, 3, 67), (54, 88, 61), (0, 7, 0), (7, 7, 100)],
)
def test_percentages_round_halves_up(part: int, whole: int, percent: int) -> None:
    assert whole_percent(part, whole) == percent


def test_the_example_sentence() -> None:
    # 54 of 88 known (61.4%); 12 still waiting, 5 of them past 26 weeks; 3 left care.
    period = AimPeriod(
        first_day=date(2024, 1, 1),
        code="2024",
        label="2024",
        figures=figures(met=54, reached_late=29, waiting_over_target=5, pending=7, stopped=3),
    )
    assert describe_period(AIM_2, period) == (
        "Aim 2: 61% of the 88 children accommodated in 2024 whose outcome is known had a "
        "permanence recommendation within 26 weeks; 12 are still waiting, 5 of them past "
        "26 weeks; 3 left care or went home without a permanence recommendation."
    )


def test_a_period_with_nobody_known_and_children_who_left_late() -> None:
    period = AimPeriod(
        first_day=date(2024, 4, 1),
        code="2024-Q2",
        label="April to June 2024",
        figures=figures(pending=1, stopped=2),
    )
    assert describe_period(AIM_2, period) == (
        "Aim 2: none of the 3 children accommodated in April to June 2024 has a known "
        "outcome yet; 1 is still waiting; 2 left care or went home without a permanence "
        "recommendation."
    )
    late = AimPeriod(
        first_day=date(2024, 1, 1),
        code="2024",
        label="2024",
        figures=figures(met=1, left_after_target=1, stopped=1),
    )
    assert describe_period(AIM_3, late).endswith(
        "2 left care or had the decision reversed without the agency decision maker's "
        "decision (1 of them after 14 weeks had passed, so counted as not met)."
    )


def test_aim_1_in_a_sentence() -> None:
    assert describe_review_aim(AIM_1, figures(met=25, waiting_over_target=15)) == (
        "Aim 1: 40 children have been at home on a Compulsory Supervision Order for 2 years "
        "or more; 25 (63%) have had the order reviewed by a Children's Hearing (or ended) "
        "since it reached 2 years and 15 have not."
    )
    assert "no child" in describe_review_aim(AIM_1, figures())


def test_progress_toward_a_local_aim() -> None:
    aim = local_aim(
        "recommendation",
        id="a",
        title="Our aim",
        by_date=date(2027, 3, 31),
        start_on_or_after=date(2025, 4, 1),
        target_percent=80,
    )
    progress = AimProgress(
        start_on_or_after=aim.start_on_or_after,
        by_date=aim.by_date,
        target_percent=80,
        figures=figures(met=35, reached_late=15),
        days_until_by=274,
    )
    assert describe_progress(aim, progress) == (
        "Our aim toward 80% by 31 March 2027, counting children accommodated on or after "
        "1 April 2025: 70% of the 50 children whose outcome is known met it, below the aim; "
        "274 days to go."
    )


def test_one_day_is_said_in_the_singular() -> None:
    aim = local_aim(
        "recommendation",
        id="a",
        title="Our aim",
        by_date=date(2027, 3, 31),
        start_on_or_after=date(2025, 4, 1),
        target_percent=80,
    )
    for days, words in ((1, "; 1 day to go."), (-1, "; the 'by' date passed 1 day ago.")):
        progress = AimProgress(
            start_on_or_after=aim.start_on_or_after,
            by_date=aim.by_date,
            target_percent=80,
            figures=figures(met=35, reached_late=15),
            days_until_by=days,
        )
        assert describe_progress(aim, progress).endswith(words)
