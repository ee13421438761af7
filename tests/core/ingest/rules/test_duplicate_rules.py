"""One test per duplicate rule: a fixture that triggers it and one that does not."""

from __future__ import annotations

import polars as pl


def test_dup001_fires(check, extracts):
    # The same placement again, its dates written the UK way: the same record once read.
    tables = extracts.add_rows(
        extracts.base(), "placements", "A1,2022-01-10,foster_la,10/01/2022,30/09/2022"
    )
    validation = check(tables)
    issues = extracts.issues_of(validation, "DUP001")
    assert issues["row"].to_list() == [5]
    assert issues["value"].to_list() == ["repeats row 2 of placements.csv"]
    counts = validation.counts["placements"]
    assert (counts.read, counts.loaded, counts.refused, counts.duplicates) == (4, 3, 0, 1)
    # The repeat is not also taken for an overlapping placement.
    assert extracts.issues_of(validation, "PLACE002").is_empty()


def test_dup001_quiet(check, extracts):
    assert extracts.issues_of(check(extracts.base()), "DUP001").is_empty()


def test_dup002_fires(check, extracts):
    tables = extracts.add_rows(extracts.base(), "care_periods", "A1,2022-01-10,,,West")
    validation = check(tables)
    issues = extracts.issues_of(validation, "DUP002")
    assert issues["row"].to_list() == [2, 4]
    assert issues["value"].to_list() == ["rows 2, 4 differ in team"] * 2
    assert "A1" not in validation.tables.care_periods["child_ref"].to_list()
    # A1's placements have nothing to belong to, and say why.
    refused = extracts.issues_of(validation, "REF002").filter(pl.col("table") == "placements")
    assert refused["row"].to_list() == [2, 3]


def test_dup002_quiet(check, extracts):
    assert extracts.issues_of(check(extracts.base()), "DUP002").is_empty()


def test_dup002_meetings_are_known_by_review_number(check, extracts):
    # Review 2 given twice with different due dates: the same review, two versions.
    tables = extracts.add_rows(
        extracts.base(), "meetings", "A1,2022-01-10,review,2,2022-05-28,2022-05-20,"
    )
    issues = extracts.issues_of(check(tables), "DUP002")
    assert issues["row"].to_list() == [4, 6]
    assert "due_date" in issues["value"].to_list()[0]
