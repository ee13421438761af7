"""``permanence check``: the summary, JSON, the report, and its exit status."""

from __future__ import annotations

import json

from permanence.cli.main import main


def test_a_clean_extract_exits_0(check, extracts, tmp_path, capsys):
    folder = extracts.write(tmp_path / "extract", extracts.base())
    assert main(["check", str(folder), "--extract-date", "2024-03-31"]) == 0
    out = capsys.readouterr().out
    assert "with the canonical profile; extract date 2024-03-31." in out
    assert "No issues found." in out


def test_rows_refused_exit_1(extracts, tmp_path, capsys):
    tables = extracts.replace(extracts.base(), "placements", "2022-10-01", "31/02/2022")
    folder = extracts.write(tmp_path / "extract", tables)
    assert main(["check", str(folder), "--extract-date", "2024-03-31"]) == 1
    out = capsys.readouterr().out
    assert "placements.csv row 3 child A1  DATE001 error start_date: 31/02/2022" in out


def test_queries_alone_exit_0(extracts, tmp_path):
    tables = extracts.replace(extracts.base(), "care_periods", "2021-01-31,home,", "2021-01-31,,")
    folder = extracts.write(tmp_path / "extract", tables)
    assert main(["check", str(folder), "--extract-date", "2024-03-31"]) == 0


def test_unreadable_input_exits_2_naming_the_file(tmp_path, capsys):
    (tmp_path / "children.csv").write_bytes(b"")
    assert main(["check", str(tmp_path / "children.csv")]) == 2
    assert "children.csv: is empty" in capsys.readouterr().err


def test_unreadable_input_as_json(tmp_path, capsys):
    (tmp_path / "children.csv").write_bytes(b"")
    assert main(["check", str(tmp_path / "children.csv"), "--json"]) == 2
    assert json.loads(capsys.readouterr().out) == {
        "readable": False,
        "problems": ["children.csv: is empty"],
    }


def test_json_output_and_the_report(extracts, tmp_path, capsys):
    tables = extracts.add_rows(extracts.base(), "care_periods", "C3,2022-01-01,,,East")
    folder = extracts.write(tmp_path / "extract", tables)
    report = tmp_path / "issues.xlsx"
    arguments = ["check", str(folder), "--extract-date", "2024-03-31", "--json"]
    assert main([*arguments, "--report", str(report)]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["issues"][0]["rule"] == "REF001"
    assert payload["issues"][0]["child_ref"] == "C3"
    assert payload["counts"]["care_periods"]["refused"] == 1
    assert report.stat().st_size > 0


def test_only_the_first_issues_are_listed(extracts, tmp_path, capsys):
    tables = extracts.add_rows(
        extracts.base(), "care_periods", *(f"C{n},2022-01-01,,,East" for n in range(5))
    )
    folder = extracts.write(tmp_path / "extract", tables)
    main(["check", str(folder), "--extract-date", "2024-03-31", "--show", "2"])
    out = capsys.readouterr().out
    assert "Issues (the first 2 of 5):" in out
    assert "use --show N, --json or --report FILE.xlsx" in out


def test_a_file_over_the_limit(extracts, tmp_path, capsys):
    folder = extracts.write(tmp_path / "extract", extracts.base())
    assert main(["check", str(folder), "--max-mb", "0.0001"]) == 2
    assert "over the limit" in capsys.readouterr().err
