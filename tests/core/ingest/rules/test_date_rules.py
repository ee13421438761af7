"""One test per date rule: a fixture that triggers it and one that does not."""

from __future__ import annotations

import polars as pl


def test_date002_fires(check, extracts):
    # A1's date of birth moved after the date A1 became looked after.
    tables = extracts.replace(extracts.base(), "children", "A1,AA,2018-01-15", "A1,AA,2022-02-01")
    validation = check(tables)
    care = extracts.issues_of(validation, "DATE002").filter(pl.col("table") == "care_periods")
    assert care["row"].to_list() == [2]
    assert care["fields"].to_list() == [["period_start"]]


def test_date002_quiet_for_events_that_can_come_before_birth(check, extracts):
    # Born five days before being looked after; referred to the Reporter before birth.
    tables = extracts.replace(extracts.base(), "children", "A1,AA,2018-01-15", "A1,AA,2022-01-05")
    tables = extracts.add_rows(
        tables,
        "milestones",
        "A1,2022-01-10,reporter_referral,2021-12-01,,",
        "A1,2022-01-10,pca_started,2021-11-15,,",
    )
    assert extracts.issues_of(check(tables), "DATE002").is_empty()


def test_date004_fires(check, extracts):
    tables = extracts.replace(
        extracts.base(), "legal_statuses", "s25,2022-01-10,2022-02-20", "s25,2022-01-10,2022-01-09"
    )
    issues = extracts.issues_of(check(tables), "DATE004")
    assert issues["row"].to_list() == [2]
    assert issues["table"].to_list() == ["legal_statuses"]


def test_date004_quiet(check, extracts):
    # Ending on the day it started is a one-day status, not an error.
    tables = extracts.replace(
        extracts.base(), "legal_statuses", "s25,2022-01-10,2022-02-20", "s25,2022-01-10,2022-01-10"
    )
    assert extracts.issues_of(check(tables), "DATE004").is_empty()
