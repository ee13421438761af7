"""One test per field rule: a fixture that triggers it and one that does not."""

from __future__ import annotations

from datetime import date

import polars as pl


def test_row001_fires(check, extracts):
    tables = extracts.add_rows(
        extracts.base(), "placements", "A1,2022-01-10,kinship,2023-01-01,,spare"
    )
    validation = check(tables)
    assert extracts.rows_of(validation, "ROW001") == [5]
    assert validation.counts["placements"].refused == 1


def test_row001_quiet(check, extracts):
    tables = extracts.replace(
        extracts.base(),
        "meetings",
        "Kinship care order recommended",
        '"Kinship, order recommended"',
    )
    validation = check(tables)
    assert extracts.issues_of(validation, "ROW001").is_empty()
    assert "Kinship, order recommended" in validation.tables.meetings["outcome"].to_list()


def test_req001_fires(check, extracts):
    tables = extracts.replace(extracts.base(), "placements", "kinship,2022-10-01,", "kinship,,")
    validation = check(tables)
    issues = extracts.issues_of(validation, "REQ001")
    assert issues["row"].to_list() == [3]
    assert issues["fields"].to_list() == [["start_date"]]
    assert issues["severity"].to_list() == ["error"]


def test_req001_quiet(check, extracts):
    # Blank optional values (end dates, destinations of open periods) are not required.
    assert extracts.issues_of(check(extracts.base()), "REQ001").is_empty()


def test_date001_fires(check, extracts):
    tables = extracts.replace(extracts.base(), "placements", "2022-10-01", "31/02/2022")
    validation = check(tables)
    issues = extracts.issues_of(validation, "DATE001")
    assert issues["row"].to_list() == [3]
    assert issues["value"].to_list() == ["31/02/2022"]
    assert validation.counts["placements"].refused == 1


def test_date001_quiet(check, extracts):
    tables = extracts.replace(extracts.base(), "placements", "2022-10-01", "01/10/2022")
    validation = check(tables)
    assert validation.issues.is_empty()
    assert date(2022, 10, 1) in validation.tables.placements["start_date"].to_list()


def test_num001_fires(check, extracts):
    tables = extracts.replace(extracts.base(), "meetings", "review,2,", "review,second,")
    assert extracts.rows_of(check(tables), "NUM001") == [4]


def test_num001_quiet(check, extracts):
    tables = extracts.replace(extracts.base(), "meetings", "review,2,", "review,2.0,")
    validation = check(tables)
    assert validation.issues.is_empty()
    assert sorted(validation.tables.meetings["review_number"].drop_nulls().to_list()) == [1, 1, 2]


def test_code001_fires(check, extracts):
    tables = extracts.replace(extracts.base(), "placements", "kinship,2022-10-01", "KC,2022-10-01")
    validation = check(tables)
    issues = extracts.issues_of(validation, "CODE001")
    assert issues["row"].to_list() == [3]
    assert issues["value"].to_list() == ["KC"]
    assert validation.counts["placements"].refused == 1


def test_code001_quiet(check, extracts):
    # A code's label, in any case, is accepted in its place.
    tables = extracts.replace(
        extracts.base(),
        "placements",
        "kinship,2022-10-01",
        "KINSHIP CARE WITH FRIENDS OR RELATIVES,2022-10-01",
    )
    validation = check(tables)
    assert validation.issues.is_empty()
    assert "kinship" in validation.tables.placements["placement_type"].to_list()


def test_code002_fires(check, extracts):
    tables = extracts.replace(extracts.base(), "children", "2018-01-15,female", "2018-01-15,F")
    validation = check(tables)
    issues = extracts.issues_of(validation, "CODE002")
    assert issues["row"].to_list() == [2]
    assert issues["severity"].to_list() == ["query"]
    children = validation.tables.children
    assert children.filter(pl.col("child_ref") == "A1")["sex"].to_list() == [None]


def test_code002_fires_on_a_detail_of_the_wrong_vocabulary(check, extracts):
    # "agreed" is a code, but not a Route: a recommendation's detail must be a route.
    tables = extracts.replace(
        extracts.base(), "milestones", "2022-05-20,kinship_order", "2022-05-20,agreed"
    )
    issues = extracts.issues_of(check(tables), "CODE002")
    assert issues["fields"].to_list() == [["detail"]]


def test_code002_quiet(check, extracts):
    tables = extracts.replace(extracts.base(), "children", "2018-01-15,female", "2018-01-15,Female")
    validation = check(tables)
    assert validation.issues.is_empty()
    assert validation.tables.children["sex"].to_list() == ["female", "male"]


def test_date003_fires(check, extracts):
    tables = extracts.add_rows(
        extracts.base(), "meetings", "A1,2022-01-10,review,3,2024-08-20,2024-08-21,"
    )
    issues = extracts.issues_of(check(tables), "DATE003")
    assert issues["row"].to_list() == [6]
    assert issues["fields"].to_list() == [["held_date"]]


def test_date003_quiet(check, extracts):
    # A meeting may be due after the extract date; it just cannot have been held yet.
    tables = extracts.add_rows(extracts.base(), "meetings", "A1,2022-01-10,review,3,2024-08-20,,")
    assert check(tables).issues.is_empty()
