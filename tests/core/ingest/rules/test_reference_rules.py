"""One test per reference rule: fires, and stays quiet."""

from __future__ import annotations

import polars as pl


def test_ref001_fires(check, extracts):
    tables = extracts.add_rows(extracts.base(), "care_periods", "C3,2022-01-01,,,East")
    tables = extracts.add_rows(
        tables, "placements", "A1,2021-01-01,foster_la,2021-01-01,2021-02-01"
    )
    validation = check(tables)
    issues = extracts.issues_of(validation, "REF001")
    assert sorted(zip(issues["table"], issues["row"], strict=True)) == [
        ("care_periods", 4),
        ("placements", 5),
    ]
    assert validation.counts["placements"].refused == 1


def test_ref001_quiet(check, extracts):
    assert extracts.issues_of(check(extracts.base()), "REF001").is_empty()


def test_ref002_fires_down_the_cascade(check, extracts):
    # A1's date of birth does not exist, so A1 is refused, then A1's care period, then
    # everything that belongs to it; each issue names the row and rule before it.
    tables = extracts.replace(extracts.base(), "children", "A1,AA,2018-01-15", "A1,AA,2018-02-30")
    validation = check(tables)
    refused = extracts.issues_of(validation, "REF002")
    care = refused.filter(pl.col("table") == "care_periods")
    assert care["row"].to_list() == [2]
    assert care["value"].to_list() == ["the child on row 2 of children.csv was refused (DATE001)"]
    placements = refused.filter(pl.col("table") == "placements")
    assert (
        placements["value"].to_list()
        == ["the care period on row 2 of care_periods.csv was refused (REF002)"] * 2
    )
    for table in ("care_periods", "placements", "legal_statuses", "meetings", "milestones"):
        assert "A1" not in validation.tables.__getattribute__(table)["child_ref"].to_list()
    # B2 is untouched.
    assert validation.counts["placements"].loaded == 1


def test_ref002_quiet(check, extracts):
    assert extracts.issues_of(check(extracts.base()), "REF002").is_empty()


def test_ref003_fires_when_the_parents_file_cannot_be_read(check, extracts):
    # The children file's reference column is headed wrongly: no child can be read, so the
    # care periods are refused because of that file, not reported as children missing from
    # the extract; what belongs to the periods follows as REF002.
    tables = extracts.replace(
        extracts.base(), "children", "child_ref,initials", "child_reference,initials"
    )
    validation = check(tables)
    assert extracts.issues_of(validation, "REF001").is_empty()
    knock_on = extracts.issues_of(validation, "REF003")
    assert knock_on["table"].to_list() == ["care_periods", "care_periods"]
    assert set(knock_on["value"]) == {"children.csv could not be read (COLUMN001)"}
    assert validation.counts["children"].refused == 2
    assert validation.counts["care_periods"].refused == 2
    # Every row of every table is refused, each counted once: 2+2+3+3+4+6.
    assert validation.rows_refused == 20


def test_ref003_quiet(check, extracts):
    assert extracts.issues_of(check(extracts.base()), "REF003").is_empty()
