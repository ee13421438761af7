"""One test per care period, placement, meeting and child rule: fires, and stays quiet."""

from __future__ import annotations

import polars as pl


def test_period001_fires(check, extracts):
    # B2 comes back before the first period has ended.
    tables = extracts.add_rows(extracts.base(), "care_periods", "B2,2021-01-15,,,West")
    issues = extracts.issues_of(check(tables), "PERIOD001")
    assert issues["row"].to_list() == [4]
    assert issues["value"].to_list() == ["overlaps the period that began 2020-03-01"]


def test_period001_fires_when_an_earlier_period_was_never_closed(check, extracts):
    tables = extracts.add_rows(extracts.base(), "care_periods", "A1,2023-06-01,,,East")
    assert extracts.rows_of(check(tables), "PERIOD001") == [4]


def test_period001_quiet(check, extracts):
    # Coming back on the day the first period ended is not an overlap.
    tables = extracts.add_rows(extracts.base(), "care_periods", "B2,2021-01-31,,,West")
    assert extracts.issues_of(check(tables), "PERIOD001").is_empty()


def test_period002_fires(check, extracts):
    tables = extracts.replace(extracts.base(), "care_periods", "2021-01-31,home,", "2021-01-31,,")
    validation = check(tables)
    issues = extracts.issues_of(validation, "PERIOD002")
    assert issues["row"].to_list() == [3]
    assert issues["severity"].to_list() == ["query"]
    assert validation.counts["care_periods"].loaded == 2


def test_period002_quiet(check, extracts):
    assert extracts.issues_of(check(extracts.base()), "PERIOD002").is_empty()


def test_period003_fires(check, extracts):
    # A placeholder date of birth makes B2 120 when looked after.
    tables = extracts.replace(extracts.base(), "children", "B2,BB,2015-06-01", "B2,BB,1900-01-01")
    issues = extracts.issues_of(check(tables), "PERIOD003")
    assert issues["row"].to_list() == [3]
    assert issues["value"].to_list() == ["aged 120 on 2020-03-01 (born 1900-01-01)"]


def test_period003_quiet(check, extracts):
    # Seventeen years and nine months old on the date looked after.
    tables = extracts.replace(extracts.base(), "children", "B2,BB,2015-06-01", "B2,BB,2002-06-01")
    assert extracts.issues_of(check(tables), "PERIOD003").is_empty()


def test_place001_fires_before_the_period(check, extracts):
    tables = extracts.replace(
        extracts.base(), "placements", "foster_la,2022-01-10", "foster_la,2022-01-05"
    )
    assert extracts.rows_of(check(tables), "PLACE001") == [2]


def test_place001_fires_after_the_period(check, extracts):
    tables = extracts.add_rows(extracts.base(), "placements", "B2,2020-03-01,kinship,2021-02-10,")
    issues = extracts.issues_of(check(tables), "PLACE001")
    assert issues["row"].to_list() == [5]
    assert "after the period ended 2021-01-31" in issues["value"].item()


def test_place001_quiet(check, extracts):
    assert extracts.issues_of(check(extracts.base()), "PLACE001").is_empty()


def test_place002_fires(check, extracts):
    tables = extracts.replace(
        extracts.base(), "placements", "2022-01-10,2022-09-30", "2022-01-10,2022-12-31"
    )
    validation = check(tables)
    issues = extracts.issues_of(validation, "PLACE002")
    assert issues["row"].to_list() == [3]
    assert issues["severity"].to_list() == ["query"]
    assert validation.counts["placements"].loaded == 3


def test_place002_quiet(check, extracts):
    # A move on the day: one placement ends the day the next begins.
    tables = extracts.replace(
        extracts.base(), "placements", "2022-01-10,2022-09-30", "2022-01-10,2022-10-01"
    )
    assert extracts.issues_of(check(tables), "PLACE002").is_empty()


def test_meet001_fires(check, extracts):
    tables = extracts.add_rows(extracts.base(), "meetings", "A1,2022-01-10,legal_advice,,,,")
    assert extracts.rows_of(check(tables), "MEET001") == [6]


def test_meet001_quiet(check, extracts):
    tables = extracts.add_rows(
        extracts.base(), "meetings", "A1,2022-01-10,legal_advice,,2024-06-01,,"
    )
    assert extracts.issues_of(check(tables), "MEET001").is_empty()


def test_meet002_fires(check, extracts):
    tables = extracts.add_rows(
        extracts.base(), "meetings", "A1,2022-01-10,review,,2022-11-21,2022-11-20,"
    )
    assert extracts.rows_of(check(tables), "MEET002") == [6]


def test_meet002_quiet(check, extracts):
    assert extracts.issues_of(check(extracts.base()), "MEET002").is_empty()


def _with_date_of_birth(tables: dict[str, str], a1: str, b2: str) -> dict[str, str]:
    changed = dict(tables)
    changed["care_periods"] = (
        "child_ref,period_start,period_end,destination,team,date_of_birth\n"
        f"A1,2022-01-10,,,East,{a1}\n"
        f"B2,2020-03-01,2021-01-31,home,West,{b2}\n"
    )
    return changed


def test_child001_fires(check, extracts):
    validation = check(_with_date_of_birth(extracts.base(), "2018-01-16", "01/06/2015"))
    issues = extracts.issues_of(validation, "CHILD001")
    assert issues["row"].to_list() == [2]
    assert issues["value"].to_list() == ["2018-01-16 here, 2018-01-15 in the children table"]
    # The repeated date of birth is checked, then dropped: never loaded.
    assert "date_of_birth" not in validation.tables.care_periods.columns


def test_child001_quiet(check, extracts):
    validation = check(_with_date_of_birth(extracts.base(), "15/01/2018", "2015-06-01"))
    assert validation.issues.is_empty()
    loaded = validation.tables.care_periods.filter(pl.col("child_ref") == "A1")
    assert loaded.height == 1


def test_child001_fires_on_a_repeated_date_of_birth_that_is_not_a_date(check, extracts):
    # The repeated date is only compared, so a bad one is a query, never a refusal.
    validation = check(_with_date_of_birth(extracts.base(), "15/13/2018", "2015-06-01"))
    issues = extracts.issues_of(validation, "CHILD001")
    assert issues["value"].to_list() == ["15/13/2018 here, 2018-01-15 in the children table"]
    assert validation.counts["care_periods"].refused == 0
