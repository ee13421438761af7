"""Reading CSV files and workbooks: encodings, separators, identifiers, row numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter

from permanence.ingest import ExtractError
from permanence.ingest.readers import cell_text, read_file


def sheet_of(path: Path):
    [sheet] = read_file(path)
    return sheet


def values(sheet) -> list[list[str | None]]:
    return [list(row) for row in sheet.frame.drop("_row", "_surplus").iter_rows()]


def csv_file(tmp_path: Path, data: bytes, name: str = "children.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("child_ref,name\n007,Zoë\n".encode(), "UTF-8"),
        ("\ufeffchild_ref,name\n007,Zoë\n".encode(), "UTF-8"),
        ("child_ref,name\n007,Zoë\n".encode("cp1252"), "Windows-1252"),
        ("child_ref,name\n007,Zoë\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_encodings(tmp_path, data, encoding):
    sheet = sheet_of(csv_file(tmp_path, data))
    assert sheet.encoding == encoding
    assert sheet.header == ("child_ref", "name")
    assert values(sheet) == [["007", "Zoë"]]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_separators_are_sniffed(tmp_path, separator):
    text = separator.join(["child_ref", "date_of_birth", "team"]) + "\n"
    text += separator.join(["007", "01/02/2020", '"North, East"']) + "\n"
    sheet = sheet_of(csv_file(tmp_path, text.encode()))
    assert sheet.separator == separator
    assert values(sheet) == [["007", "01/02/2020", "North, East"]]


def test_identifiers_stay_text(tmp_path):
    sheet = sheet_of(csv_file(tmp_path, b"child_ref,n\n007,1.50\n0,00012\n"))
    assert values(sheet) == [["007", "1.50"], ["0", "00012"]]


def test_row_numbers_are_the_rows_a_spreadsheet_shows(tmp_path):
    # A blank line counts as a row; a value spanning two lines is one row.
    data = b'child_ref,note\n001,one\n\n002,"two\nlines"\n003,three\n'
    sheet = sheet_of(csv_file(tmp_path, data))
    assert sheet.frame["_row"].to_list() == [2, 4, 5]
    assert values(sheet)[1] == ["002", "two\nlines"]


def test_a_row_with_too_many_values_keeps_the_first_extra(tmp_path):
    sheet = sheet_of(csv_file(tmp_path, b"a,b\n1,2,3,4\n5,6\n"))
    assert sheet.frame["_surplus"].to_list() == ["3", None]


def test_a_quotation_mark_never_closed_refuses_the_file(tmp_path):
    with pytest.raises(ExtractError, match=r"children\.csv: row 3 opens a quotation mark"):
        read_file(csv_file(tmp_path, b'a,b\n1,2\n3,"four\n5,6\n'))


def test_a_stray_quotation_mark_inside_a_value_is_kept(tmp_path):
    sheet = sheet_of(csv_file(tmp_path, b"a,b\n1,5'7\"\n"))
    assert values(sheet) == [["1", "5'7\""]]


def test_formula_like_text_is_only_text(tmp_path):
    data = b"child_ref,team\n=1+1,+44\n@SUM(A1),-3\n"
    assert values(sheet_of(csv_file(tmp_path, data))) == [["=1+1", "+44"], ["@SUM(A1)", "-3"]]


def test_a_file_without_a_final_line_break_is_noted(tmp_path):
    assert not sheet_of(csv_file(tmp_path, b"a,b\n1,2")).ends_cleanly
    assert sheet_of(csv_file(tmp_path, b"a,b\r\n1,2\r\n")).ends_cleanly


# ---------------------------------------------------------------------------------------
# Workbooks


def workbook(path: Path, rows: list[list[object]], sheet: str = "children") -> Path:
    book = xlsxwriter.Workbook(str(path))
    worksheet = book.add_worksheet(sheet)
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime | dt.date):
                worksheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, str):
                worksheet.write_string(r, c, value)
            elif value is not None:
                worksheet.write(r, c, value)
    book.close()
    return path


def test_workbook_cells_are_read_as_the_text_a_person_means(tmp_path):
    path = workbook(
        tmp_path / "extract.xlsx",
        [
            ["child_ref", "date_of_birth", "n"],
            [7.0, dt.date(2020, 1, 5), 0.1],
            ["007", 45000, True],
            ["=1+1", dt.datetime(2021, 6, 1, 13, 30), 12.5],
        ],
    )
    sheet = sheet_of(path)
    assert sheet.source == "extract.xlsx, sheet 'children'"
    assert values(sheet) == [
        ["7", "2020-01-05", "0.1"],
        ["007", "45000", "TRUE"],
        ["=1+1", "2021-06-01 13:30:00", "12.5"],
    ]


def test_workbook_rows_keep_their_sheet_numbers(tmp_path):
    path = workbook(tmp_path / "x.xlsx", [[], [], ["a", "b"], ["1", "2"], [], ["3", "4"]])
    sheet = sheet_of(path)
    assert sheet.header == ("a", "b")
    assert sheet.frame["_row"].to_list() == [4, 6]


def test_workbook_values_right_of_the_header_are_surplus(tmp_path):
    path = workbook(tmp_path / "x.xlsx", [["a", "b"], ["1", "2", "stray"]])
    assert sheet_of(path).frame["_surplus"].to_list() == ["stray"]


def test_workbook_formulas_are_found_never_run(tmp_path):
    path = tmp_path / "f.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("children")
    sheet.write_row(0, 0, ["child_ref", "team"])
    sheet.write_string(1, 0, "001")
    sheet.write_formula(1, 1, '=CONCAT("No","rth")', None, "North")
    book.close()
    [read] = read_file(path)
    assert read.formula_cells == ("B2",)
    assert values(read) == [["001", "North"]]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (7.0, "7"),
        (-3.0, "-3"),
        (1e20, "1e+20"),
        (0.30000000000000004, "0.3"),
        (float("nan"), None),
        ("", None),
        (True, "TRUE"),
        (dt.date(2024, 1, 2), "2024-01-02"),
        (dt.datetime(2024, 1, 2), "2024-01-02"),
        (dt.time(9, 30), "09:30:00"),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text
