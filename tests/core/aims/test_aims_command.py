"""``permanence aims`` on a folder of canonical CSV files."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from permanence.cli.main import main
from permanence.journey.tables import write_canonical_csv

JAN_1 = date(2024, 1, 1)


@pytest.fixture
def folder(build: Any, tmp_path: Path) -> Path:
    children = [
        build.accommodated("met", JAN_1, recommendation=JAN_1 + timedelta(days=182)),
        build.accommodated("late", JAN_1, recommendation=JAN_1 + timedelta(days=183)),
        build.accommodated("waiting", date(2025, 1, 1)),
        build.accommodated("left", JAN_1, left=JAN_1 + timedelta(days=30)),
    ]
    write_canonical_csv(build.tables(children), tmp_path / "north")
    return tmp_path / "north"


def test_json_holds_every_aim(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["aims", str(folder), "--as-of", "2025-06-30", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["as_of"] == "2025-06-30"
    assert [aim["aim"]["id"] for aim in payload["aims"]] == ["aim_1", "aim_2", "aim_3", "aim_4"]
    aim_2 = payload["aims"][1]
    # Accommodated 1 January 2025, still waiting: 26 weeks run to 2 July 2025, so pending.
    assert aim_2["overall"] == {
        "counted": 4,
        "met": 1,
        "not_met": 1,
        "reached_late": 1,
        "waiting_over_target": 0,
        "left_after_target": 0,
        "pending": 1,
        "stopped": 1,
        "known": 2,
        "still_waiting": 1,
        "left_without_end": 1,
        "percent_met": 50.0,
        "end_before_start": 0,
    }
    assert [period["period"] for period in aim_2["periods"]] == ["2024", "2025"]


def test_sentences_without_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["aims", str(folder), "--as-of", "2025-06-30", "--period", "quarter"]) == 0
    out = capsys.readouterr().out
    assert "Aim 2: 50% of the 2 children accommodated in January to March 2024" in out
    assert "LAC" not in out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["aims", "/no/such/folder", "--as-of", "2025-06-30"], "is not a folder"),
        (["stages", "/no/such/folder", "--as-of", "2025-06-30"], "is not a folder"),
    ],
)
def test_problems_are_one_line(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(arguments) == 2
    error = capsys.readouterr().err
    assert message in error
    assert error.count("\n") == 1
    assert "Traceback" not in error


def test_a_folder_missing_a_table_is_one_line(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "meetings.csv").unlink()
    assert main(["aims", str(folder), "--as-of", "2025-06-30"]) == 2
    error = capsys.readouterr().err
    assert "has no meetings.csv" in error
    assert error.count("\n") == 1


def test_a_broken_date_is_one_line(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = folder / "care_periods.csv"
    path.write_text(path.read_text().replace("2024-01-01", "1st Jan 2024", 1))
    assert main(["aims", str(folder), "--as-of", "2025-06-30"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("permanence aims: could not read")
    assert error.count("\n") == 1
