"""One test per file rule: a fixture that triggers it and one that does not."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import xlsxwriter

from permanence.ingest import read_extract, validate


def write_workbook(path: Path, tables: dict[str, str], formula: bool = False) -> Path:
    """The tables as one workbook, a sheet each, every cell written as text."""
    workbook = xlsxwriter.Workbook(str(path))
    for name, text in tables.items():
        sheet = workbook.add_worksheet(name)
        for row, values in enumerate(csv.reader(io.StringIO(text))):
            for column, value in enumerate(values):
                if value:
                    sheet.write_string(row, column, value)
        if formula and name == "care_periods":
            sheet.write_formula(1, 4, '=UPPER("east")', None, "EAST")
    workbook.close()
    return path


def test_table001_fires(check, extracts):
    validation = check(extracts.without(extracts.base(), "care_periods"))
    issues = extracts.issues_of(validation, "TABLE001")
    assert issues["table"].to_list() == ["care_periods"]
    assert issues["severity"].to_list() == ["error"]
    # Without care periods nothing that belongs to one can load.
    assert validation.counts["placements"].loaded == 0
    assert not extracts.issues_of(validation, "REF001").is_empty()


def test_table001_quiet(check, extracts):
    assert extracts.issues_of(check(extracts.base()), "TABLE001").is_empty()


def test_table002_fires(check, extracts):
    validation = check(extracts.without(extracts.base(), "meetings"))
    issues = extracts.issues_of(validation, "TABLE002")
    assert issues["table"].to_list() == ["meetings"]
    assert issues["severity"].to_list() == ["query"]
    assert validation.counts["placements"].loaded == 3


def test_table002_quiet(check, extracts):
    assert extracts.issues_of(check(extracts.base()), "TABLE002").is_empty()


def _drop_column(text: str, column: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    index = rows[0].index(column)
    kept = [row[:index] + row[index + 1 :] for row in rows]
    return "".join(",".join(row) + "\n" for row in kept)


def test_column001_fires(check, extracts):
    tables = extracts.base()
    tables["placements"] = _drop_column(tables["placements"], "start_date")
    validation = check(tables)
    issues = extracts.issues_of(validation, "COLUMN001")
    assert issues["table"].to_list() == ["placements"]
    assert issues["fields"].to_list() == [["start_date"]]
    assert issues["source"].to_list() == ["placements.csv"]
    counts = validation.counts["placements"]
    assert (counts.read, counts.loaded, counts.refused) == (3, 0, 3)
    # One issue explains the whole file: no issue per row.
    assert validation.issues.filter(pl.col("table") == "placements").height == 1


def test_column001_quiet(check, extracts):
    assert extracts.issues_of(check(extracts.base()), "COLUMN001").is_empty()


def test_column002_fires(check, extracts):
    tables = extracts.base()
    tables["children"] = _drop_column(tables["children"], "ethnicity")
    validation = check(tables)
    issues = extracts.issues_of(validation, "COLUMN002")
    assert issues["fields"].to_list() == [["ethnicity"]]
    assert validation.counts["children"].loaded == 2


def test_column002_quiet_when_the_profile_says_the_system_lacks_it(check, extracts, tmp_path):
    tables = extracts.base()
    tables["children"] = _drop_column(tables["children"], "ethnicity")
    profile = tmp_path / "no_ethnicity.toml"
    profile.write_text('[tables.children.columns]\nethnicity = ""\n')
    validation = check(tables, profile=str(profile))
    assert extracts.issues_of(validation, "COLUMN002").is_empty()


def test_file001_fires(extracts, tmp_path):
    path = write_workbook(tmp_path / "extract.xlsx", extracts.base(), formula=True)
    validation = validate(read_extract(path, extract_date=extracts.EXTRACT_DATE))
    issues = extracts.issues_of(validation, "FILE001")
    assert issues["source"].to_list() == ["extract.xlsx, sheet 'care_periods'"]
    assert "E2" in issues["value"].item()
    # The value the spreadsheet calculated is read; the formula is never run.
    assert "EAST" in validation.tables.care_periods["team"].to_list()


def test_file001_quiet(extracts, tmp_path):
    path = write_workbook(tmp_path / "extract.xlsx", extracts.base())
    validation = validate(read_extract(path, extract_date=extracts.EXTRACT_DATE))
    assert validation.issues.is_empty()


def test_file002_fires(check, extracts):
    tables = {**extracts.base(), "notes": "anything\nat all\n"}
    issues = extracts.issues_of(check(tables), "FILE002")
    assert issues["source"].to_list() == ["notes.csv"]


def test_file002_quiet(check, extracts):
    assert extracts.issues_of(check(extracts.base()), "FILE002").is_empty()


def test_file003_fires(check, extracts):
    tables = extracts.base()
    tables["children"] = tables["children"].rstrip("\n")
    issues = extracts.issues_of(check(tables), "FILE003")
    assert issues["row"].to_list() == [3]
    assert issues["table"].to_list() == ["children"]


def test_file003_quiet(check, extracts):
    assert extracts.issues_of(check(extracts.base()), "FILE003").is_empty()
