"""The headings found beside those expected, with "did you mean"."""

from __future__ import annotations

from permanence.ingest import read_extract
from permanence.ingest.headings import did_you_mean, heading_report


def test_a_file_with_wrong_headings_is_reported_with_what_they_probably_are(tmp_path, extracts):
    tables = extracts.replace(
        extracts.base(),
        "children",
        "child_ref,initials,date_of_birth,sex",
        "Child Reference,initials,DOB,gender",
    )
    extract = read_extract(
        extracts.write(tmp_path, tables), None, extract_date=extracts.EXTRACT_DATE
    )
    [report] = heading_report(extract)  # only the children file has a missing column
    assert report["source"] == "children.csv"
    assert report["found"] == [
        "Child Reference",
        "initials",
        "DOB",
        "gender",
        "ethnicity",
        "disability",
    ]
    assert report["expected"] == [
        "child_ref",
        "initials",
        "date_of_birth",
        "sex",
        "ethnicity",
        "disability",
    ]
    assert [(m["heading"], m["required"], m["suggestion"]) for m in report["missing"]] == [
        ("child_ref", True, "Child Reference"),
        ("date_of_birth", True, "DOB"),
        ("sex", False, None),
    ]
    assert report["unknown"] == ["Child Reference", "DOB", "gender"]


def test_a_clean_extract_has_no_heading_report(tmp_path, extracts):
    extract = read_extract(
        extracts.write(tmp_path, extracts.base()), None, extract_date=extracts.EXTRACT_DATE
    )
    assert heading_report(extract) == []


def test_did_you_mean_offers_only_what_is_like_the_heading():
    assert did_you_mean("period_start", ["Period Start Date", "team"]) == "Period Start Date"
    assert did_you_mean("date_of_birth", ["dob"]) == "dob"
    assert did_you_mean("child_ref", ["ChildRef"]) == "ChildRef"
    assert did_you_mean("sex", ["gender", "team"]) is None
    assert did_you_mean("child_ref", []) is None
