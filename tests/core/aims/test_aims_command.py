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


@pytest.mark.parametrize("command", ["aims", "stages"])
def test_an_extract_that_cannot_be_read_is_one_line(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "/no/such/folder", "--as-of", "2025-06-30"]) == 2
    error = capsys.readouterr().err
    assert "the extract cannot be read" in error
    assert error.count("\n") == 1
    assert "Traceback" not in error


def test_neither_an_extract_nor_an_authority_is_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["aims", "--as-of", "2025-06-30"]) == 2
    assert "give an extract (FILE...) or --authority CODE" in capsys.readouterr().err


def test_a_table_the_extract_lacks_is_measured_as_empty(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "meetings.csv").unlink()
    assert main(["aims", str(folder), "--as-of", "2025-06-30"]) == 0
    assert "Aim 2" in capsys.readouterr().out


def test_a_broken_date_refuses_its_row_and_says_so(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = folder / "care_periods.csv"
    path.write_text(path.read_text().replace("2024-01-01", "1st Jan 2024", 1))
    assert main(["aims", str(folder), "--as-of", "2025-06-30"]) == 0
    captured = capsys.readouterr()
    assert "refused rows of this extract" in captured.err
    assert "Aim 2" in captured.out
