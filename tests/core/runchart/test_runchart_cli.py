"""``permanence runchart`` end to end, through the same entry point a person uses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from permanence.cli.main import main

HEADER = "child_ref,recommended_on,weeks,note\n"
ROWS = [
    ("C01", "2019-01-10", "30", ""),
    ("C02", "2019-02-11", "28", ""),
    ("C03", "2019-01-20", "35", ""),
    ("C04", "2019-03-01", "25", ""),
    ("C05", "2019-03-15", "40", ""),
    ("C06", "2019-04-02", "31", ""),
    ("C07", "2019-04-20", "22", ""),
    ("C08", "2019-05-01", "330", "weeks entered as days"),
    ("C09", "2019-05-11", "38", ""),
    ("C10", "2019-06-01", "29", ""),
    ("C11", "2019-06-20", "20", ""),
    ("C12", "2019-07-01", "18", ""),
    ("C13", "2019-07-21", "17", ""),
    ("C14", "2019-08-01", "19", ""),
    ("C15", "2019-08-11", "15", ""),
    ("C16", "2019-09-01", "16", ""),
    ("C17", "2019-09-20", "14", ""),
    ("C18", "2019-10-01", "21", ""),
    ("C19", "2019-10-15", "13", ""),
    ("C20", "2019-11-01", "11", ""),
]


@pytest.fixture
def waits(tmp_path: Path) -> Path:
    path = tmp_path / "waits.csv"
    path.write_text(HEADER + "".join(",".join(row) + "\n" for row in ROWS))
    return path


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(list(argv)) == 0
    payload: dict[str, Any] = json.loads(capsys.readouterr().out)
    return payload


def test_json_holds_the_issue_keys_in_time_order(
    waits: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = _json(
        capsys, "runchart", str(waits), "--value", "weeks", "--order", "recommended_on",
        "--baseline-until", "2019-06-01", "--exclude", "note", "--json",
    )  # fmt: skip
    assert payload["rules"] == "ihi"
    # Time order puts C03 (20 January) second. The baseline is the ten points up to
    # 1 June less the one set aside: 30 35 28 25 40 31 22 38 29, median 30.
    assert payload["order"][:3] == ["2019-01-10", "2019-01-20", "2019-02-11"]
    assert payload["lines"][:3] == [2, 4, 3]
    assert payload["baseline_n"] == 9
    assert payload["median"] == [30.0] * 20
    assert payload["n"] == 19 and payload["n_useful"] == 18
    assert payload["excluded"] == [{"point": 7, "reason": "weeks entered as days"}]
    shifts = [s["points"] for s in payload["signals"] if s["rule"] == "shift"]
    assert shifts == [list(range(9, 20))]
    assert payload["runs_range"] == [6, 14]
    assert payload["longest_run_max"] is None and payload["crossings_min"] is None
    assert payload["rephase_suggestions"][0]["start"] == 9


def test_anhoej_json(waits: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = _json(
        capsys, "runchart", str(waits), "--value", "weeks", "--order", "recommended_on",
        "--baseline", "9", "--rules", "anhoej", "--exclude", "note", "--json",
    )  # fmt: skip
    assert payload["rules"] == "anhoej"
    assert payload["longest_run_max"] == 7 and payload["crossings_min"] == 5
    assert payload["runs_range"] is None
    assert {s["rule"] for s in payload["signals"]} == {"long_run"}


def test_phase_breaks_by_position_and_by_date_agree(
    waits: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ("runchart", str(waits), "--value", "weeks", "--order", "recommended_on", "--json")
    by_position = _json(capsys, *common, "--phase-breaks", "9:9")
    by_date = _json(capsys, *common, "--phase-breaks", "2019-06-01:9")
    assert by_position["phases"] == by_date["phases"]
    assert by_position["phases"][1]["start"] == 9 and by_position["phases"][1]["baseline_n"] == 9


def test_summary_is_plain_words(waits: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["runchart", str(waits), "--value", "weeks", "--order", "recommended_on",
         "--baseline-until", "2019-06-01", "--exclude", "note"]
    )  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0
    assert "11 points in a row below the median: a shift (points 10 to 20, 2019-06-01 to " in text
    assert "point 8, 2019-05-01 (weeks entered as days)" in text
    assert "--phase-breaks 9:9" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--value", "child_ref"], "line 2 of waits.csv: 'C01' in column 'child_ref' is not"),
        (["--value", "wait"], "waits.csv has no column 'wait'"),
        (["--value", "weeks", "--order", "child_ref"], "neither a date (YYYY-MM-DD) nor a number"),
        (["--value", "weeks", "--baseline-until", "2019-06-01"], "needs --order to name a column"),
        (["--value", "weeks", "--phase-breaks", "soon"], "give a point position (from 0)"),
        (["--value", "weeks", "--phase-breaks", "40"], "a phase cannot begin at point 40"),
    ],
)  # fmt: skip
def test_mistakes_are_one_line_errors(
    waits: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["runchart", str(waits), *argv]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def test_empty_cell_names_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("weeks\n3\n\n5\n")  # a blank line is skipped by CSV readers; use a blank cell
    path.write_text("ref,weeks\nA,3\nB,\nC,5\n")
    assert main(["runchart", str(path), "--value", "weeks"]) == 2
    assert "line 3 of gaps.csv: no value in column 'weeks'" in capsys.readouterr().err


def test_a_missing_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["runchart", str(tmp_path / "absent.csv"), "--value", "weeks"]) == 2
    assert "there is no file" in capsys.readouterr().err


def test_identifiers_keep_their_leading_zeros(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("ref,day,weeks\n007,1,4\n010,2,5\n002,2,6\n")
    payload = _json(
        capsys, "runchart", str(path), "--value", "weeks", "--order", "day", "--tie-break", "ref",
        "--json",
    )  # fmt: skip
    assert payload["lines"] == [2, 4, 3]  # the tie on day 2 broken by ref: 002 before 010


def test_the_help_names_the_rule_sets_as_every_result_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from permanence.analysis.runchart import RULE_SET_NAMES

    with pytest.raises(SystemExit):
        main(["runchart", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    for name in RULE_SET_NAMES.values():
        assert name in said
