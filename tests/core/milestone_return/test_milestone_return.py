"""The permanence milestone return: which periods, what it holds, its rules, its files.

The hand-built authority below has one child per boundary case of the collection year
(1 August 2024 to 31 July 2025), so which rows belong in the return can be counted by
hand; pseudonyms are recomputed here from the documented recipe with hmac directly.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import SCHEMAS, JourneyTables
from permanence.reports.milestone_return import (
    COLUMN_NAMES,
    RETURN_VERSION,
    CollectionYear,
    build_return,
    child_id,
    errors,
    read_return,
    sidecar_path,
    validate_return,
    write_return,
)
from permanence.synth import generate

KEY = "a-test-pseudonym-key"
YEAR = 2025  # 1 August 2024 to 31 July 2025
YEAR_END = date(2025, 7, 31)

# child_ref: (date of birth, period start, period end)
CHILDREN = {
    "0071-BEFORE": (date(2015, 3, 3), date(2022, 1, 5), date(2024, 7, 31)),  # ended the day before
    "0072-EDGE": (date(2016, 4, 4), date(2023, 2, 6), date(2024, 8, 1)),  # ended on the first day
    "0073-ACROSS": (date(2017, 5, 5), date(2023, 9, 7), None),  # open all year
    "0074-INSIDE": (date(2018, 6, 6), date(2024, 10, 8), date(2025, 3, 9)),  # began and ended
    "0075-LASTDAY": (date(2019, 7, 7), date(2025, 7, 31), None),  # began on the last day
    "0076-AFTER": (date(2020, 8, 8), date(2025, 8, 1), None),  # after the year
}


def _tables() -> JourneyTables:
    def table(name: str, rows: list[dict[str, object]]) -> pl.DataFrame:
        return pl.DataFrame(rows, schema=dict(SCHEMAS[name]))

    children, periods, placements, milestones = [], [], [], []
    for ref, (born, start, end) in CHILDREN.items():
        children.append({"child_ref": ref, "initials": "QZ", "date_of_birth": born, "sex": "male"})
        periods.append(
            {
                "child_ref": ref,
                "period_start": start,
                "period_end": end,
                "destination": "home" if end else None,
                "team": "North",
            }
        )
        placements.append(
            {
                "child_ref": ref,
                "period_start": start,
                "placement_type": "foster_la",
                "start_date": start,
            }
        )
    across = {"child_ref": "0073-ACROSS", "period_start": date(2023, 9, 7)}
    milestones += [
        {
            **across,
            "milestone": "permanence_recommendation",
            "date": date(2024, 2, 1),
            "detail": "adoption",
        },
        {**across, "milestone": "adm_decision", "date": date(2024, 5, 2), "detail": "agreed"},
        {**across, "milestone": "application_lodged", "date": date(2024, 9, 3), "detail": "poa"},
        # Granted after the year: not yet known to the year's return.
        {**across, "milestone": "order_granted", "date": date(2025, 9, 4), "detail": "poa"},
    ]
    return JourneyTables(
        children=table("children", children),
        care_periods=table("care_periods", periods),
        placements=table("placements", placements),
        legal_statuses=table("legal_statuses", []),
        meetings=table("meetings", []),
        milestones=table("milestones", milestones),
    )


@pytest.fixture
def frame() -> pl.DataFrame:
    return build_journeys_frame(_tables(), YEAR_END, authority="FIF")


def test_the_collection_year_runs_to_31_july() -> None:
    year = CollectionYear(2025)
    assert (year.first_day, year.last_day) == (date(2024, 8, 1), date(2025, 7, 31))
    assert year.label == "1 August 2024 to 31 July 2025"


def test_the_return_holds_every_period_open_at_any_time_in_the_year(frame: pl.DataFrame) -> None:
    result = build_return(frame, authority="FIF", year=YEAR, key=KEY)
    expected = {
        child_id(KEY, "FIF", ref)
        for ref in ("0072-EDGE", "0073-ACROSS", "0074-INSIDE", "0075-LASTDAY")
    }
    assert set(result.rows.get_column("child_id")) == expected
    assert result.complete


def test_the_pseudonym_follows_the_documented_recipe(frame: pl.DataFrame) -> None:
    # HMAC-SHA256(PSEUDONYM_KEY, use + U+001F + authority + U+001F + reference), in hex.
    by_hand = hmac.new(
        KEY.encode(),
        b"permanence milestone return child_id v1\x1fFIF\x1f0073-ACROSS",
        hashlib.sha256,
    ).hexdigest()
    result = build_return(frame, authority="FIF", year=YEAR, key=KEY)
    row = result.rows.filter(pl.col("child_id") == by_hand)
    assert row.height == 1
    assert row["period_start"].item() == date(2023, 9, 7)


def test_milestones_are_those_known_by_the_end_of_the_year(frame: pl.DataFrame) -> None:
    result = build_return(frame, authority="FIF", year=YEAR, key=KEY)
    row = result.rows.filter(pl.col("child_id") == child_id(KEY, "FIF", "0073-ACROSS")).row(
        0, named=True
    )
    assert row["recommendation_date"] == date(2024, 2, 1)
    assert row["recommendation_route"] == "adoption"
    assert row["decision_away_date"] == date(2024, 2, 1)  # an adoption recommendation
    assert row["agency_decision_outcome"] == "agreed"
    assert row["lodged_date"] == date(2024, 9, 3)
    assert row["order_sought"] == "poa"
    assert row["order_date"] is None  # granted in September 2025, after the year
    assert row["age_band_at_accommodation"] == "5_11"  # born May 2017, accommodated Sep 2023


def test_the_same_child_has_the_same_id_every_year_and_nowhere_else() -> None:
    tables = _tables()
    ids = {}
    for year in (2024, 2025):
        frame = build_journeys_frame(tables, CollectionYear(year).last_day, authority="FIF")
        rows = build_return(frame, authority="FIF", year=year, key=KEY).rows
        ids[year] = set(rows.get_column("child_id"))
    assert ids[2024] & ids[2025]  # the children looked after in both years
    assert child_id(KEY, "FIF", "0073-ACROSS") in ids[2024] & ids[2025]
    other_authority = child_id(KEY, "GLA", "0073-ACROSS")
    rotated = child_id("another-key", "FIF", "0073-ACROSS")
    assert other_authority not in ids[2025]
    assert rotated not in ids[2025]


def test_the_child_id_cannot_be_matched_with_the_pages_short_reference() -> None:
    # The same keyed hash without the use's name is the short reference the authority's
    # own pages show; with it, the return's pseudonym shares nothing with that one.
    short_digest = hmac.new(KEY.encode(), b"FIF\x1f0073-ACROSS", hashlib.sha256).hexdigest()
    assert child_id(KEY, "FIF", "0073-ACROSS") != short_digest


def test_a_return_needs_a_key(frame: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="PSEUDONYM_KEY"):
        build_return(frame, authority="FIF", year=YEAR, key="")


def test_the_files_name_no_child_and_carry_no_date_of_birth(
    frame: pl.DataFrame, tmp_path: Path
) -> None:
    result = build_return(frame, authority="FIF", year=YEAR, key=KEY)
    csv_path, json_path = write_return(result, tmp_path / "FIF-2025.csv")
    text = csv_path.read_text() + json_path.read_text()
    for ref, (born, _, _) in CHILDREN.items():
        assert ref not in text
        assert born.isoformat() not in text
    assert "QZ" not in text  # initials
    header = csv_path.read_text().splitlines()[0].split(",")
    assert tuple(header) == COLUMN_NAMES
    assert not {"child_ref", "date_of_birth", "initials"} & set(header)


def test_the_sidecar_describes_the_file(frame: pl.DataFrame, tmp_path: Path) -> None:
    result = build_return(frame, authority="FIF", year=YEAR, key=KEY)
    csv_path, json_path = write_return(result, tmp_path / "FIF-2025.csv")
    assert json_path == sidecar_path(csv_path) == tmp_path / "FIF-2025.csv.json"
    metadata = json.loads(json_path.read_text())
    assert metadata["version"] == RETURN_VERSION
    assert metadata["collection_year"]["year"] == YEAR
    assert metadata["rows"] == 4
    assert metadata["sha256"] == hashlib.sha256(csv_path.read_bytes()).hexdigest()
    assert [column["name"] for column in metadata["columns"]] == list(COLUMN_NAMES)
    route = next(c for c in metadata["columns"] if c["name"] == "recommendation_route")
    assert route["codes"]["poa"] == "Permanence order with authority to adopt"
    rows, again = read_return(csv_path)
    assert again == metadata
    assert rows.equals(result.rows)
    assert validate_return(rows, authority="FIF", year=YEAR, as_of=YEAR_END) == []


def test_a_return_made_before_the_year_ends_says_it_is_provisional() -> None:
    frame = build_journeys_frame(_tables(), date(2025, 3, 31), authority="FIF")
    result = build_return(frame, authority="FIF", year=YEAR, key=KEY)
    assert not result.complete
    assert result.metadata()["complete"] is False


# ---- the return's own rules -------------------------------------------------------------


def _valid(frame: pl.DataFrame) -> pl.DataFrame:
    rows = build_return(frame, authority="FIF", year=YEAR, key=KEY).rows
    assert validate_return(rows, authority="FIF", year=YEAR, as_of=YEAR_END) == []
    return rows


def _rules(rows: pl.DataFrame) -> set[str]:
    return {p.rule for p in validate_return(rows, authority="FIF", year=YEAR, as_of=YEAR_END)}


def test_dates_out_of_order_are_errors(frame: pl.DataFrame) -> None:
    rows = _valid(frame)
    swapped = rows.with_columns(
        pl.when(pl.col("lodged_date").is_not_null())
        .then(pl.col("agency_decision_date") - pl.duration(days=1))
        .otherwise(pl.col("lodged_date"))
        .alias("lodged_date")
    )
    problems = validate_return(swapped, authority="FIF", year=YEAR, as_of=YEAR_END)
    assert [p.rule for p in errors(problems)] == ["order:lodged_date"]
    assert problems[0].rows == (
        swapped.with_row_index(offset=1)
        .filter(pl.col("lodged_date").is_not_null())["index"]
        .item(),
    )


def test_a_milestone_after_the_period_ended_is_an_error(frame: pl.DataFrame) -> None:
    rows = _valid(frame).with_columns(
        pl.when(pl.col("period_end").is_not_null())
        .then(pl.col("period_end") + pl.duration(days=3))
        .alias("recommendation_date")
    )
    assert "order:period_end" in _rules(rows)


def test_unknown_codes_are_errors(frame: pl.DataFrame) -> None:
    rows = _valid(frame).with_columns(
        pl.when(pl.col("recommendation_route").is_not_null())
        .then(pl.lit("foster"))
        .alias("recommendation_route")
    )
    assert "code:recommendation_route" in _rules(rows)


def test_an_identifying_column_is_refused(frame: pl.DataFrame) -> None:
    rows = _valid(frame).with_columns(pl.lit(date(2018, 1, 1)).alias("date_of_birth"))
    problems = validate_return(rows, authority="FIF", year=YEAR, as_of=YEAR_END)
    assert {"identifying", "columns"} <= {p.rule for p in problems}


def test_a_reference_in_place_of_the_pseudonym_is_refused(frame: pl.DataFrame) -> None:
    rows = _valid(frame).with_columns(pl.lit("0073-ACROSS").alias("child_id"))
    assert {"child_id", "unique"} <= _rules(rows)


def test_dates_after_the_day_the_return_describes_are_refused(frame: pl.DataFrame) -> None:
    rows = _valid(frame).with_columns(pl.lit(date(2025, 9, 4)).alias("order_date"))
    assert "not_after_known_on" in _rules(rows)


def test_a_period_outside_the_year_is_refused(frame: pl.DataFrame) -> None:
    rows = _valid(frame).with_columns(pl.lit(date(2024, 7, 1)).alias("period_end"))
    assert "in_year" in _rules(rows)


def test_another_authoritys_rows_are_refused(frame: pl.DataFrame) -> None:
    rows = _valid(frame).with_columns(pl.lit("GLA").alias("authority"))
    assert "authority" in _rules(rows)


# ---- properties ---------------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(1, 10_000), year=st.sampled_from([2023, 2024, 2025]))
def test_synthetic_authorities_make_valid_returns(seed: int, year: int) -> None:
    tables = generate(150, seed, end=date(2026, 3, 31), years=6)
    collection = CollectionYear(year)
    frame = build_journeys_frame(tables, collection.last_day, authority="SYN")
    result = build_return(frame, authority="SYN", year=year, key=KEY)
    problems = validate_return(result.rows, authority="SYN", year=year, as_of=collection.last_day)
    assert errors(problems) == []
    # Exactly the periods open at some time in the year, counted another way.
    periods = tables.care_periods
    open_in_year = periods.filter(
        (pl.col("period_start") <= collection.last_day)
        & (pl.col("period_end").is_null() | (pl.col("period_end") >= collection.first_day))
    )
    assert result.rows.height == open_in_year.height
    refs = set(tables.children.get_column("child_ref"))
    assert not refs & set(result.rows.get_column("child_id"))
