"""The data-quality report workbook and the figures kept for trends."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from permanence.ingest import quality_report
from permanence.ingest.quality_report import looks_like_formula, summarise, write_quality_report


@pytest.fixture
def hostile(check, extracts):
    """An extract whose values would be formulas if a spreadsheet evaluated them."""
    tables = extracts.add_rows(extracts.base(), "care_periods", "=1+1,2022-01-01,,,East")
    tables = extracts.add_rows(tables, "placements", "A1,2022-01-10,@SUM(A1:A9),2023-01-01,")
    tables = extracts.add_rows(tables, "meetings", "A1,2022-01-10,review,+44,2022-11-01,,")
    tables = extracts.add_rows(tables, "milestones", "A1,2022-01-10,decision_reversed,2022-07-01,,")
    return check(tables)


def sheets(path):
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_the_report_has_its_four_sheets(hostile, tmp_path):
    path = write_quality_report(hostile, tmp_path / "report.xlsx")
    read = sheets(path)
    assert list(read) == ["Summary", "By rule", "By child", "Issues"]
    assert len(read["Issues"]) == hostile.issues.height + 1
    assert read["Issues"][0][:3] == ["Rule", "Severity", "Table"]
    by_rule = {row[0]: row for row in read["By rule"][1:]}
    assert by_rule["MILE004"][2] == 1
    assert (
        by_rule["MILE004"][5]
        == hostile.issues.filter(hostile.issues["rule"] == "MILE004")["fix"].item()
    )
    children = [row[0] for row in read["By child"][1:]]
    assert "=1+1" in children and "A1" in children


def test_answers_recorded_in_the_app_show_beside_their_queries(hostile, tmp_path):
    """MILE004 (a reversal with no reason) is a query on A1's care period; the error on
    the same child is never answered."""
    answers = pl.DataFrame(
        {
            "child_ref": ["A1", "A1"],
            "period_start": [date(2022, 1, 10), date(2030, 1, 1)],
            "rule": ["MILE004", "MILE004"],
            "answer": ["Checked, right: reason on file (Jo Brown, 3 March 2025)", "elsewhere"],
        }
    )
    path = write_quality_report(hostile, tmp_path / "report.xlsx", answers=answers)
    read = sheets(path)
    heading = read["Issues"][0]
    answer_at, rule_at = heading.index("Answer recorded"), heading.index("Rule")
    answered = {(row[rule_at], row[answer_at]) for row in read["Issues"][1:] if row[answer_at]}
    assert answered == {("MILE004", "Checked, right: reason on file (Jo Brown, 3 March 2025)")}
    by_child = {row[0]: row for row in read["By child"][1:]}
    assert read["By child"][0][3] == "Answered" and by_child["A1"][3] == 1
    summary = {row[0]: row[1] for row in read["Summary"] if row and row[0]}
    assert summary["Queries answered in the app"] == 1


def test_formula_text_is_written_as_text_never_as_a_formula(hostile, tmp_path):
    path = write_quality_report(hostile, tmp_path / "report.xlsx")
    values = {cell for row in sheets(path)["Issues"] for cell in row}
    assert {"=1+1", "@SUM(A1:A9)", "+44"} <= values
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name).decode() for name in archive.namelist()}
    worksheets = [text for name, text in parts.items() if name.startswith("xl/worksheets/")]
    assert not any(re.search(r"<f[ >]", text) for text in worksheets)
    # Excel's quote prefix marks those cells as text, so editing one keeps it text.
    assert 'quotePrefix="1"' in parts["xl/styles.xml"]


@pytest.mark.parametrize(
    ("text", "risky"),
    [
        ("=1+1", True),
        ("+44", True),
        ("-3", True),
        ("@x", True),
        ("\tx", True),
        ("\rx", True),
        ("A1", False),
        ("", False),
        (" =1", False),
    ],
)
def test_looks_like_formula(text, risky):
    assert looks_like_formula(text) is risky


def test_a_report_larger_than_a_spreadsheet_says_so(hostile, tmp_path, monkeypatch):
    monkeypatch.setattr(quality_report, "EXCEL_MAX_ROWS", 3)
    path = write_quality_report(hostile, tmp_path / "report.xlsx")
    read = sheets(path)
    assert len(read["Issues"]) == 3
    notes = " ".join(str(cell) for row in read["Summary"] for cell in row)
    assert f"the first 2 of {hostile.issues.height}" in notes


def test_summarise_holds_figures_and_no_child(hostile):
    summary = summarise(hostile)
    text = json.dumps(summary)
    assert "A1" not in text and "=1+1" not in text
    assert summary["errors"] == hostile.error_count
    assert summary["queries"] == hostile.query_count
    assert summary["children_with_errors"] == 2  # "=1+1" and A1
    assert summary["counts"]["care_periods"]["refused"] == 1
    assert sum(row["count"] for row in summary["by_rule"]) == hostile.issues.height


def test_a_clean_extract_reports_nothing_wrong(check, extracts, tmp_path):
    validation = check(extracts.base())
    read = sheets(write_quality_report(validation, tmp_path / "clean.xlsx"))
    assert len(read["Issues"]) == 1
    assert summarise(validation)["by_rule"] == []
