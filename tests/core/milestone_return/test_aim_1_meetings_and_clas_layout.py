"""The return's Aim 1, meeting and panel columns, and its CLAS-compatible layout."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import SCHEMAS, JourneyTables
from permanence.reports.milestone_return import (
    build_return,
    clas_destination_codes,
    clas_headings,
    read_return,
    validate_return,
    write_return,
)

KEY = "a-test-pseudonym-key"
YEAR = 2025
YEAR_END = date(2025, 7, 31)
AT_HOME = {"child_ref": "0081-HOME", "period_start": date(2022, 9, 1)}
AWAY = {"child_ref": "0082-AWAY", "period_start": date(2024, 9, 2)}


def _tables() -> JourneyTables:
    def table(name: str, rows: list[dict[str, object]]) -> pl.DataFrame:
        return pl.DataFrame(rows, schema=dict(SCHEMAS[name]))

    hearing = {**AT_HOME, "meeting_kind": "hearing"}
    return JourneyTables(
        children=table(
            "children",
            [
                {"child_ref": "0081-HOME", "date_of_birth": date(2015, 1, 1), "sex": "male"},
                {"child_ref": "0082-AWAY", "date_of_birth": date(2019, 2, 2), "sex": "female"},
            ],
        ),
        care_periods=table(
            "care_periods",
            [
                {**AT_HOME, "period_end": None},
                {**AWAY, "period_end": date(2025, 6, 30), "destination": "kinship_order"},
            ],
        ),
        placements=table(
            "placements",
            [
                {**AT_HOME, "placement_type": "home", "start_date": date(2022, 9, 1)},
                {**AWAY, "placement_type": "foster_la", "start_date": date(2024, 9, 2)},
            ],
        ),
        legal_statuses=table(
            "legal_statuses",
            [{**AT_HOME, "legal_status": "cso_home", "start_date": date(2022, 9, 1)}],
        ),
        meetings=table(
            "meetings",
            [
                # Before the order's two-year point (1 September 2024): not Aim 1's review.
                {**hearing, "held_date": date(2024, 5, 1)},
                {**hearing, "held_date": date(2024, 10, 15)},
                {**hearing, "held_date": date(2025, 2, 1)},
                {**AWAY, "meeting_kind": "planning_72h", "held_date": date(2024, 9, 4)},
                {**AWAY, "meeting_kind": "planning_2wk", "held_date": date(2024, 9, 13)},
                {
                    **AWAY,
                    "meeting_kind": "review",
                    "review_number": 1,
                    "held_date": date(2024, 10, 1),
                },
                {
                    **AWAY,
                    "meeting_kind": "review",
                    "review_number": 2,
                    "held_date": date(2025, 1, 6),
                },
                {**AWAY, "meeting_kind": "legal_advice", "held_date": date(2024, 12, 2)},
                {**AWAY, "meeting_kind": "permanence_panel", "held_date": date(2025, 2, 3)},
            ],
        ),
        milestones=table("milestones", []),
    )


@pytest.fixture
def rows() -> pl.DataFrame:
    frame = build_journeys_frame(_tables(), YEAR_END, authority="FIF")
    built = build_return(frame, authority="FIF", year=YEAR, key=KEY).rows
    assert validate_return(built, authority="FIF", year=YEAR, as_of=YEAR_END) == []
    return built


def _row(rows: pl.DataFrame, start: date) -> dict[str, object]:
    return rows.filter(pl.col("period_start") == start).row(0, named=True)


def test_aim_1_is_the_order_at_home_and_the_first_hearing_after_two_years(
    rows: pl.DataFrame,
) -> None:
    home = _row(rows, AT_HOME["period_start"])
    assert home["home_cso_start"] == date(2022, 9, 1)
    assert home["home_cso_end"] is None
    assert home["review_hearing_date"] == date(2024, 10, 15)
    away = _row(rows, AWAY["period_start"])
    assert away["home_cso_start"] is None and away["review_hearing_date"] is None


def test_the_meetings_and_the_panel_are_in_the_return(rows: pl.DataFrame) -> None:
    away = _row(rows, AWAY["period_start"])
    assert away["planning_72h_date"] == date(2024, 9, 4)
    assert away["planning_2wk_date"] == date(2024, 9, 13)
    assert away["first_review_date"] == date(2024, 10, 1)
    assert away["review_count"] == 2
    assert away["legal_advice_date"] == date(2024, 12, 2)
    assert away["permanence_panel_date"] == date(2025, 2, 3)
    assert away["permanence_panel_count"] == 1


def test_a_review_hearing_before_the_two_year_point_is_refused(rows: pl.DataFrame) -> None:
    early = rows.with_columns(
        pl.when(pl.col("review_hearing_date").is_not_null())
        .then(pl.lit(date(2024, 5, 1)))
        .alias("review_hearing_date")
    )
    rules = {p.rule for p in validate_return(early, authority="FIF", year=YEAR, as_of=YEAR_END)}
    assert rules == {"order:review_hearing_date"}
    orphan = rows.with_columns(pl.lit(None, dtype=pl.Date).alias("home_cso_start"))
    rules = {p.rule for p in validate_return(orphan, authority="FIF", year=YEAR, as_of=YEAR_END)}
    assert "needs:review_hearing_date" in rules


def test_the_permanence_layout_writes_the_formats_own_columns(
    rows: pl.DataFrame, tmp_path: Path
) -> None:
    frame = build_journeys_frame(_tables(), YEAR_END, authority="FIF")
    result = build_return(frame, authority="FIF", year=YEAR, key=KEY)
    csv_path, json_path = write_return(result, tmp_path / "FIF-2025.csv")
    header = csv_path.read_text().splitlines()[0].split(",")
    assert header[:5] == [
        "return_version",
        "authority",
        "collection_year",
        "child_id",
        "period_number",
    ]
    assert "2022-09-01" in csv_path.read_text()
    assert json.loads(json_path.read_text())["layout"] == {"name": "permanence"}
    again, _ = read_return(csv_path)
    assert again.equals(result.rows)


def test_the_clas_layout_has_clas_headings_codes_and_dates_and_reads_back(
    rows: pl.DataFrame, tmp_path: Path
) -> None:
    frame = build_journeys_frame(_tables(), YEAR_END, authority="FIF")
    result = build_return(frame, authority="FIF", year=YEAR, key=KEY)
    csv_path, json_path = write_return(result, tmp_path / "FIF-2025-clas.csv", layout="clas")
    text = csv_path.read_text()
    header = text.splitlines()[0].split(",")
    assert {"CHILD_ID", "EPISODE_START_DATE", "EPISODE_END_DATE", "DESTINATION"} <= set(header)
    assert "REVIEW_HEARING_DATE" in header and "PERMANENCE_PANEL_COUNT" in header
    assert "period_start" not in header
    laid = pl.read_csv(csv_path, infer_schema=False)
    away = laid.filter(pl.col("EPISODE_START_DATE") == "02/09/2024").row(0, named=True)
    assert away["EPISODE_END_DATE"] == "30/06/2025"
    # The destination is written in the code the shipped CLAS profile reads as kinship_order.
    assert away["DESTINATION"] == clas_destination_codes()["kinship_order"] == "20"
    described = json.loads(json_path.read_text())["layout"]
    assert described["name"] == "clas" and described["headings"] == clas_headings()
    again, _ = read_return(csv_path)
    assert again.equals(result.rows)
    assert validate_return(again, authority="FIF", year=YEAR, as_of=YEAR_END) == []


def test_an_unknown_layout_is_refused(tmp_path: Path) -> None:
    frame = build_journeys_frame(_tables(), YEAR_END, authority="FIF")
    result = build_return(frame, authority="FIF", year=YEAR, key=KEY)
    with pytest.raises(ValueError, match="layout"):
        write_return(result, tmp_path / "x.csv", layout="sideways")
