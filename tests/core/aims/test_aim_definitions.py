"""Aims as data: the national aims exactly as DOMAIN.md defines them, local aims from the
templates, and the refusals that keep an aim measurable."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
import pytest

from permanence.analysis.aims import (
    AIM_1,
    AIM_2,
    AIM_3,
    AIM_4,
    AIM_TEMPLATES,
    NATIONAL_AIMS,
    AimDefinition,
    AimKind,
    local_aim,
)


def test_the_four_national_aims_follow_domain_md() -> None:
    # DOMAIN.md, "The four national PACE aims": clock starts, clock stops, timescale.
    assert [aim.id for aim in NATIONAL_AIMS] == ["aim_1", "aim_2", "aim_3", "aim_4"]
    assert (AIM_2.start_column, AIM_2.end_column, AIM_2.target_weeks) == (
        "accommodated_date",
        "recommendation_date",
        26,
    )
    assert (AIM_3.start_column, AIM_3.end_column, AIM_3.target_weeks) == (
        "decision_away_date",
        "agency_decision_date",
        14,
    )
    # Aim 4 starts when the plan is agreed, and stops at an application for a permanence
    # order (with or without authority to adopt) or adoption: the routes the seeds name.
    assert (AIM_4.start_column, AIM_4.end_column, AIM_4.target_weeks) == (
        "plan_agreed_date",
        "lodged_date",
        16,
    )
    assert AIM_4.court_routes == frozenset({"po", "poa", "adoption"})
    assert AIM_1.kind is AimKind.REVIEWED_AFTER
    # Aim 1 asks whether the child should still be on an order: a Children's Hearing
    # reviewing the order answers it, not any Looked After Child review.
    assert (AIM_1.start_column, AIM_1.end_column, AIM_1.target_months) == (
        "home_cso_start",
        "hearings",
        24,
    )
    assert AIM_1.target_text == "2 years"
    for aim in NATIONAL_AIMS:
        # National aims set timescales, never a percentage of their own.
        assert aim.national
        assert aim.target_percent is None
        assert "LAC" not in aim.statement


def test_a_local_aim_from_the_template_reads_as_the_sources_write_it() -> None:
    aim = local_aim(
        "recommendation",
        id="local_aim_2",
        title="Our Aim 2",
        by_date=date(2027, 3, 31),
        start_on_or_after=date(2025, 4, 1),
        target_percent=80,
    )
    assert aim.statement == (
        "By 31 March 2027, 80% of looked after and accommodated children, accommodated on "
        "or after 1 April 2025, will have a recommendation for permanence within 26 weeks."
    )
    assert (aim.start_column, aim.end_column, aim.target_weeks) == (
        "accommodated_date",
        "recommendation_date",
        26,
    )
    assert not aim.national


def test_every_template_builds_an_aim_with_its_own_timescale() -> None:
    timescales = {}
    for template_id in AIM_TEMPLATES:
        aim = local_aim(
            template_id,
            id=template_id,
            title=template_id,
            by_date=date(2027, 3, 31),
            start_on_or_after=date(2025, 4, 1),
            target_percent=90,
        )
        assert "{" not in aim.statement
        assert aim.target_text in aim.statement
        timescales[template_id] = aim.target_text
    assert timescales == {
        "recommendation": "26 weeks",
        "recommendation_at_legal_advice": "36 weeks",
        "recommendation_stretch": "40 weeks",
        "panel_after_decision": "12 weeks",
        "destination_decision": "6 months",
    }


def test_a_template_timescale_can_be_changed() -> None:
    aim = local_aim(
        "recommendation_stretch",
        id="a",
        title="A",
        by_date=date(2026, 3, 31),
        start_on_or_after=date(2024, 4, 1),
        target_percent=75,
        target_weeks=45,
    )
    assert aim.target_weeks == 45
    assert "within 45 weeks of becoming looked after" in aim.statement


@pytest.mark.parametrize("percent", [0, 100, 101, -5])
def test_an_aim_is_never_100_percent(percent: int) -> None:
    with pytest.raises(ValueError, match="between 1 and 99"):
        AimDefinition(
            id="x",
            title="X",
            statement="",
            start_column="accommodated_date",
            end_column="recommendation_date",
            target_weeks=26,
            target_percent=percent,
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"target_weeks": None}, "exactly one"),
        ({"target_months": 6}, "exactly one"),
        ({"target_weeks": 0}, "at least one"),
        ({"start_column": "favourite_colour"}, "not a date"),
        ({"start_column": "team"}, "not a date"),
        ({"end_column": "reviews"}, "not a date"),
        ({"end_column": "accommodated_date"}, "same milestone"),
        ({"age_bands": frozenset({"toddler"})}, "unknown age bands"),
        ({"routes": frozenset({"elsewhere"})}, "unknown routes"),
        ({"placement_types": frozenset({"tent"})}, "unknown placement types"),
        ({"by_date": date(2024, 1, 1), "start_on_or_after": date(2025, 1, 1)}, "before"),
        ({"id": " "}, "needs an id"),
    ],
)
def test_an_aim_that_cannot_be_measured_is_refused(
    changes: dict[str, object], message: str
) -> None:
    values: dict[str, object] = {
        "id": "x",
        "title": "X",
        "statement": "",
        "start_column": "accommodated_date",
        "end_column": "recommendation_date",
        "target_weeks": 26,
    }
    values.update(changes)
    with pytest.raises(ValueError, match=message):
        AimDefinition(**values)  # type: ignore[arg-type]


def test_a_review_aim_must_end_at_the_hearings() -> None:
    with pytest.raises(ValueError, match="hearings"):
        AimDefinition(
            id="x",
            title="X",
            statement="",
            start_column="home_cso_start",
            end_column="first_review_date",
            target_months=24,
            kind=AimKind.REVIEWED_AFTER,
        )


def test_stored_values_give_back_the_same_aim() -> None:
    aim = local_aim(
        "recommendation",
        id="a",
        title="A",
        by_date=date(2027, 3, 31),
        start_on_or_after=date(2025, 4, 1),
        target_percent=80,
        age_bands=["under_1", "1_4"],
        teams=["North"],
    )
    stored = aim.as_dict()
    assert stored["age_bands"] == ["1_4", "under_1"]
    assert stored["by_date"] == date(2027, 3, 31)
    as_text = {**stored, "by_date": "2027-03-31", "start_on_or_after": "2025-04-01"}
    assert AimDefinition.from_dict(as_text) == aim
    assert AimDefinition.from_dict(AIM_1.as_dict()) == AIM_1


def test_lists_given_for_filters_become_sets() -> None:
    aim = AimDefinition(
        id="x",
        title="X",
        statement="",
        start_column="accommodated_date",
        end_column="recommendation_date",
        target_weeks=26,
        teams=["North", "North"],  # type: ignore[arg-type]
    )
    assert aim.teams == frozenset({"North"})
    assert aim.population_text() == "in team North"


def test_the_population_is_described_in_words() -> None:
    aim = AimDefinition(
        id="x",
        title="X",
        statement="",
        start_column="accommodated_date",
        end_column="recommendation_date",
        target_weeks=26,
        age_bands=frozenset({"under_1", "1_4"}),
        placement_types=frozenset({"kinship"}),
    )
    assert aim.population_text() == (
        "aged Under 1 or 1 to 4 when the clock started; "
        "living in kinship care with friends or relatives"
    )
    assert AIM_2.population_text() == ""


@pytest.mark.parametrize(
    ("start", "weeks", "months", "deadline"),
    [
        (date(2024, 1, 1), 26, None, date(2024, 7, 1)),  # 182 days on
        (date(2024, 1, 1), 1, None, date(2024, 1, 8)),
        (date(2023, 3, 15), None, 24, date(2025, 3, 15)),  # the two-year point
        (date(2024, 2, 29), None, 24, date(2026, 2, 28)),  # no 29 February in 2026
        (date(2024, 8, 31), None, 6, date(2025, 2, 28)),  # no 31 February
    ],
)
def test_the_deadline_counts_weeks_in_days_and_months_on_the_calendar(
    start: date, weeks: int | None, months: int | None, deadline: date
) -> None:
    aim = AimDefinition(
        id="x",
        title="X",
        statement="",
        start_column="accommodated_date",
        end_column="recommendation_date",
        target_weeks=weeks,
        target_months=months,
    )
    got = pl.select(aim.deadline(pl.lit(start))).item()
    assert got == deadline


def test_a_target_in_months_is_drawn_at_its_average_length_in_weeks() -> None:
    # 6 months of 365.25 / 12 days is 182.6 days, 26.09 weeks; 24 months 104.36 weeks.
    # Every chart, survival curve and measure draws the aim line from this one property.
    from permanence.analysis.aims import AIM_1, AIM_2

    assert AIM_2.target_in_weeks == 26.0
    assert AIM_1.target_in_weeks == 104.4
    six_months = replace(AIM_2, target_weeks=None, target_months=6)
    assert six_months.target_in_weeks == 26.1
