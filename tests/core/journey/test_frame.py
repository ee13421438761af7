"""The journeys frame: one row per care period, built as of a date."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from permanence.journey.frame import FRAME_COLUMNS, build_journeys_frame, frame_schema
from permanence.journey.tables import (
    SCHEMAS,
    JourneyTables,
    read_canonical_csv,
    write_canonical_csv,
)
from permanence.synth import generate

DOCS = Path(__file__).resolve().parents[3] / "docs" / "frame.md"


def _table(name: str, rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict(SCHEMAS[name]))


def _tables(**tables: list[dict[str, object]]) -> JourneyTables:
    return JourneyTables(**{name: _table(name, tables.get(name, [])) for name in SCHEMAS})


P1 = {"child_ref": "007", "period_start": date(2018, 1, 1)}
P2 = {"child_ref": "007", "period_start": date(2021, 1, 1)}

JOURNEY = _tables(
    children=[{"child_ref": "007", "date_of_birth": date(2015, 3, 1), "sex": "female"}],
    care_periods=[
        {**P1, "period_end": date(2019, 1, 1), "destination": "home", "team": "North"},
        {**P2, "team": "South"},
    ],
    placements=[
        {
            **P1,
            "placement_type": "home",
            "start_date": date(2018, 1, 1),
            "end_date": date(2018, 2, 1),
        },
        {
            **P1,
            "placement_type": "foster_la",
            "start_date": date(2018, 2, 1),
            "end_date": date(2018, 9, 1),
        },
        {
            **P1,
            "placement_type": "kinship",
            "start_date": date(2018, 9, 1),
            "end_date": date(2019, 1, 1),
        },
        {**P2, "placement_type": "residential_house", "start_date": date(2021, 1, 1)},
    ],
    legal_statuses=[
        {
            **P1,
            "legal_status": "cso_home",
            "start_date": date(2018, 1, 1),
            "end_date": date(2018, 2, 1),
        },
        {**P1, "legal_status": "cso_residence", "start_date": date(2018, 2, 1)},
    ],
    meetings=[
        {**P1, "meeting_kind": "planning_72h", "held_date": date(2018, 2, 4)},
        {
            **P1,
            "meeting_kind": "review",
            "review_number": 1,
            "due_date": date(2018, 3, 15),
            "held_date": date(2018, 3, 14),
        },
        {
            **P1,
            "meeting_kind": "review",
            "review_number": 2,
            "due_date": date(2018, 6, 14),
            "held_date": date(2018, 6, 20),
        },
        {**P1, "meeting_kind": "review", "review_number": 3, "due_date": date(2018, 12, 20)},
    ],
    milestones=[
        {
            **P1,
            "milestone": "permanence_recommendation",
            "date": date(2018, 8, 1),
            "detail": "kinship_order",
        },
        {**P1, "milestone": "order_granted", "date": date(2018, 12, 20), "detail": "kinship_order"},
        {
            **P1,
            "milestone": "permanence_recommendation",
            "date": date(2018, 10, 1),
            "detail": "return_home",
        },
    ],
)


def _row(frame: pl.DataFrame, period_start: date) -> dict[str, object]:
    return frame.filter(pl.col("period_start") == period_start).row(0, named=True)


def test_the_frame_has_exactly_the_declared_columns_and_types() -> None:
    frame = build_journeys_frame(JOURNEY, date(2022, 1, 1), authority="X")
    assert frame.schema == frame_schema()


def test_one_row_per_care_period_numbered_in_order() -> None:
    frame = build_journeys_frame(JOURNEY, date(2022, 1, 1), authority="X")
    assert frame.select("child_ref", "period_number").rows() == [("007", 1), ("007", 2)]
    assert frame.get_column("authority").to_list() == ["X", "X"]


def test_the_date_accommodated_is_the_first_day_away_from_home() -> None:
    row = _row(build_journeys_frame(JOURNEY, date(2022, 1, 1), authority="X"), date(2018, 1, 1))
    assert row["accommodated_date"] == date(2018, 2, 1)  # not the date looked after at home
    assert row["age_at_period_start"] == 2
    assert row["age_at_accommodation"] == 2
    assert row["age_band_at_accommodation"] == "1_4"
    assert row["first_placement_type"] == "home"
    assert row["current_placement_type"] == "kinship"
    assert row["current_care_setting"] == "kinship"
    assert row["placements_away_count"] == 2
    assert row["home_cso_start"] == date(2018, 1, 1)
    assert row["home_cso_end"] == date(2018, 2, 1)


def test_meetings_and_milestones_take_the_first_of_each() -> None:
    row = _row(build_journeys_frame(JOURNEY, date(2022, 1, 1), authority="X"), date(2018, 1, 1))
    assert row["planning_72h_date"] == date(2018, 2, 4)
    assert row["first_review_date"] == date(2018, 3, 14)
    assert row["second_review_date"] == date(2018, 6, 20)
    assert row["review_count"] == 2
    assert [r["review_number"] for r in row["reviews"]] == [1, 2, 3]
    assert row["reviews"][2]["held_date"] is None
    # Two recommendations: the clock stops at the first.
    assert row["recommendation_date"] == date(2018, 8, 1)
    assert row["recommendation_route"] == "kinship_order"
    # No decision recorded; a recommendation away from home stands for it.
    assert row["decision_away_date"] == date(2018, 8, 1)
    assert row["order_date"] == date(2018, 12, 20)
    assert row["period_end"] == date(2019, 1, 1)
    assert row["destination"] == "home"


def test_a_recorded_decision_away_from_home_is_used_when_there_is_one() -> None:
    tables = _tables(
        children=[{"child_ref": "1", "date_of_birth": date(2020, 1, 1)}],
        care_periods=[{"child_ref": "1", "period_start": date(2021, 1, 1)}],
        milestones=[
            {
                "child_ref": "1",
                "period_start": date(2021, 1, 1),
                "milestone": "permanence_recommendation",
                "date": date(2021, 6, 1),
                "detail": "adoption",
            },
            {
                "child_ref": "1",
                "period_start": date(2021, 1, 1),
                "milestone": "permanence_decision",
                "date": date(2021, 6, 15),
            },
        ],
    )
    row = build_journeys_frame(tables, date(2022, 1, 1), authority="X").row(0, named=True)
    assert row["decision_away_date"] == date(2021, 6, 15)


def test_a_recommendation_to_return_home_is_not_a_decision_away_from_home() -> None:
    tables = _tables(
        children=[{"child_ref": "1", "date_of_birth": date(2020, 1, 1)}],
        care_periods=[{"child_ref": "1", "period_start": date(2021, 1, 1)}],
        milestones=[
            {
                "child_ref": "1",
                "period_start": date(2021, 1, 1),
                "milestone": "permanence_recommendation",
                "date": date(2021, 6, 1),
                "detail": "return_home",
            },
        ],
    )
    row = build_journeys_frame(tables, date(2022, 1, 1), authority="X").row(0, named=True)
    assert row["decision_away_date"] is None


def test_as_of_hides_everything_recorded_later() -> None:
    frame = build_journeys_frame(JOURNEY, date(2018, 7, 1), authority="X")
    assert frame.height == 1  # the second period had not begun
    row = frame.row(0, named=True)
    assert row["period_end"] is None and row["destination"] is None  # still looked after
    assert row["recommendation_date"] is None  # still waiting
    assert row["order_date"] is None
    assert row["current_placement_type"] == "foster_la"
    assert row["review_count"] == 2
    assert row["as_of"] == date(2018, 7, 1)
    # The third review was not yet due on 1 July 2018.
    assert [r["review_number"] for r in row["reviews"]] == [1, 2]


def test_an_order_ending_after_as_of_is_still_running() -> None:
    row = build_journeys_frame(JOURNEY, date(2018, 1, 20), authority="X").row(0, named=True)
    assert row["home_cso_start"] == date(2018, 1, 1)
    assert row["home_cso_end"] is None
    assert row["accommodated_date"] is None  # still at home on 20 January


def test_birthdays_count_as_people_count_them() -> None:
    tables = _tables(
        children=[{"child_ref": "leap", "date_of_birth": date(2016, 2, 29)}],
        care_periods=[{"child_ref": "leap", "period_start": date(2021, 2, 28)}],
        placements=[
            {
                "child_ref": "leap",
                "period_start": date(2021, 2, 28),
                "placement_type": "foster_la",
                "start_date": date(2021, 3, 1),
            }
        ],
    )
    row = build_journeys_frame(tables, date(2022, 1, 1), authority="X").row(0, named=True)
    assert row["age_at_period_start"] == 4
    assert row["age_at_accommodation"] == 5
    assert row["age_band_at_accommodation"] == "5_11"


def test_tables_of_several_authorities_keep_them_apart() -> None:
    a = JOURNEY.with_authority("A")
    b = JOURNEY.with_authority("B")
    both = JourneyTables(**{name: pl.concat([t, getattr(b, name)]) for name, t in a.items()})
    frame = build_journeys_frame(both, date(2022, 1, 1))
    assert frame.group_by("authority").len().sort("authority").rows() == [("A", 2), ("B", 2)]


def test_tables_without_an_authority_need_one_named() -> None:
    with pytest.raises(ValueError, match="names no authority"):
        build_journeys_frame(JOURNEY, date(2022, 1, 1))


def test_a_missing_required_column_is_named() -> None:
    broken = JourneyTables(
        **{**dict(JOURNEY.items()), "milestones": JOURNEY.milestones.drop("date")}
    )
    with pytest.raises(ValueError, match="milestones table has no date column"):
        build_journeys_frame(broken, date(2022, 1, 1), authority="X")


def test_the_frame_builds_the_same_from_files(tmp_path: Path) -> None:
    write_canonical_csv(JOURNEY, tmp_path)
    from_files = build_journeys_frame(read_canonical_csv(tmp_path), date(2022, 1, 1), authority="X")
    assert_frame_equal(from_files, build_journeys_frame(JOURNEY, date(2022, 1, 1), authority="X"))


def test_references_keep_their_leading_zeros_through_files(tmp_path: Path) -> None:
    write_canonical_csv(JOURNEY, tmp_path)
    assert read_canonical_csv(tmp_path).children.get_column("child_ref").to_list() == ["007"]


def test_every_column_is_described_in_the_docs() -> None:
    documented = set(re.findall(r"^\| `(\w+)` \|", DOCS.read_text(), flags=re.MULTILINE))
    assert documented == set(FRAME_COLUMNS)


@given(
    shuffle_seed=st.integers(0, 2**32 - 1),
    as_of=st.dates(min_value=date(2017, 6, 1), max_value=date(2023, 1, 1)),
)
def test_the_order_of_the_input_rows_does_not_matter(shuffle_seed: int, as_of: date) -> None:
    shuffled = JourneyTables(
        **{
            name: t.sample(fraction=1.0, shuffle=True, seed=shuffle_seed)
            for name, t in JOURNEY.items()
        }
    )
    assert_frame_equal(
        build_journeys_frame(shuffled, as_of, authority="X"),
        build_journeys_frame(JOURNEY, as_of, authority="X"),
    )


@given(as_of=st.dates(min_value=date(2017, 1, 1), max_value=date(2023, 1, 1)))
def test_no_date_in_the_frame_is_after_as_of(as_of: date) -> None:
    frame = build_journeys_frame(JOURNEY, as_of, authority="X")
    dates = [
        name
        for name, column in FRAME_COLUMNS.items()
        if column.dtype == pl.Date() and name not in {"date_of_birth"}
    ]
    for row in frame.iter_rows(named=True):
        for name in dates:
            assert row[name] is None or row[name] <= as_of, name


@given(days=st.integers(0, 2000))
def test_a_milestone_known_on_one_day_is_known_on_every_later_day(days: int) -> None:
    earlier = date(2018, 1, 1) + timedelta(days=days)
    later = earlier + timedelta(days=30)
    before = build_journeys_frame(JOURNEY, earlier, authority="X")
    after = build_journeys_frame(JOURNEY, later, authority="X")
    for column in ("accommodated_date", "recommendation_date", "first_review_date", "order_date"):
        known = before.filter(pl.col(column).is_not_null()).select("period_start", column)
        joined = known.join(
            after.select("period_start", column), on="period_start", suffix="_later"
        )
        assert joined.get_column(column).to_list() == joined.get_column(f"{column}_later").to_list()


@cache
def _two_authorities(seed: int) -> JourneyTables:
    """Two authorities with the same children and care periods (references and dates) but
    different records of them, and a few records there twice."""
    first = generate(6, seed, end=date(2025, 3, 31))
    second = JourneyTables(
        **{
            name: table if name in {"children", "care_periods"} else table.gather_every(2)
            for name, table in first.items()
        }
    )
    return JourneyTables(
        **{
            name: pl.concat([table, other, table.head(3)])
            for (name, table), (_, other) in zip(
                first.with_authority("A").items(), second.with_authority("B").items(), strict=True
            )
        }
    )


# Each example builds the frame thirteen times: a few examples, not the default hundred.
@settings(max_examples=min(settings().max_examples, 5), deadline=None)
@given(
    seed=st.integers(0, 2),
    as_of=st.dates(min_value=date(2019, 1, 1), max_value=date(2025, 6, 30)),
)
def test_each_childs_rows_are_built_from_that_childs_records_alone(seed: int, as_of: date) -> None:
    # The builder tags every record with its care period once, by a number, and works on
    # the numbers after that: built for all the children at once, each child's rows must
    # be what the child's own records give.
    everyone = _two_authorities(seed)
    children = everyone.children.select("authority", "child_ref").unique(maintain_order=True)
    one_by_one = [
        build_journeys_frame(
            JourneyTables(
                **{
                    name: table.filter(
                        (pl.col("authority") == authority) & (pl.col("child_ref") == child_ref)
                    )
                    for name, table in everyone.items()
                }
            ),
            as_of,
        )
        for authority, child_ref in children.iter_rows()
    ]
    assert_frame_equal(
        build_journeys_frame(everyone, as_of),
        pl.concat(one_by_one).sort("authority", "child_ref", "period_start"),
    )
