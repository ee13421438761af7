"""One test per overdue query, measured at the extract date (31 March 2024)."""

from __future__ import annotations

from datetime import date


def _child_c3(extracts, *, period_start: str, placement: str = "foster_la", **tables: list[str]):
    base = extracts.add_rows(extracts.base(), "children", "C3,CC,2020-01-01,male,,")
    base = extracts.add_rows(base, "care_periods", f"C3,{period_start},,,North")
    base = extracts.add_rows(base, "placements", f"C3,{period_start},{placement},{period_start},")
    for table, rows in tables.items():
        base = extracts.add_rows(base, table, *rows)
    return base


def test_overdue001_fires(check, extracts):
    validation = check(_child_c3(extracts, period_start="2023-01-01"))
    issues = extracts.issues_of(validation, "OVERDUE001")
    # 455 days from 1 January 2023 to 31 March 2024: 65 whole weeks.
    assert issues["row"].to_list() == [4]
    assert issues["value"].to_list() == [
        "accommodated 2023-01-01: 65 weeks 0 days by the extract date"
    ]
    # The care period it is about, so a data lead's answer is found again next time.
    assert issues["period_start"].to_list() == [date(2023, 1, 1)]


def test_overdue001_quiet(check, extracts):
    # 17 weeks accommodated: still within the 26.
    validation = check(_child_c3(extracts, period_start="2023-12-01"))
    assert extracts.issues_of(validation, "OVERDUE001").is_empty()


def test_overdue001_quiet_for_a_child_back_home_and_still_looked_after(check, extracts):
    # Finding 6 of issue 13: home with their parents since September, on an order at
    # home: not waiting away from home for a recommendation, so no query.
    tables = _child_c3(
        extracts,
        period_start="2023-01-01",
        placements=["C3,2023-01-01,home,2023-09-01,"],
        legal_statuses=["C3,2023-01-01,cso_home,2023-09-01,"],
    )
    assert extracts.issues_of(check(tables), "OVERDUE001").is_empty()


def test_overdue002_fires(check, extracts):
    tables = _child_c3(
        extracts,
        period_start="2023-01-01",
        milestones=["C3,2023-01-01,permanence_recommendation,2023-06-01,poa,"],
    )
    issues = extracts.issues_of(check(tables), "OVERDUE002")
    assert issues["value"].to_list() == ["decided 2023-06-01: 43 weeks 3 days by the extract date"]


def test_overdue002_quiet(check, extracts):
    # A recommendation to return home goes to no agency decision maker.
    tables = _child_c3(
        extracts,
        period_start="2023-01-01",
        milestones=["C3,2023-01-01,permanence_recommendation,2023-06-01,return_home,"],
    )
    assert extracts.issues_of(check(tables), "OVERDUE002").is_empty()


def _agency_decision(extracts, outcome: str):
    return _child_c3(
        extracts,
        period_start="2023-01-01",
        milestones=[
            "C3,2023-01-01,permanence_recommendation,2023-06-01,poa,",
            f"C3,2023-01-01,adm_decision,2023-07-01,{outcome},",
        ],
    )


def test_overdue003_fires(check, extracts):
    issues = extracts.issues_of(check(_agency_decision(extracts, "agreed")), "OVERDUE003")
    assert issues["value"].to_list() == ["agreed 2023-07-01: 39 weeks 1 day by the extract date"]


def test_overdue003_quiet(check, extracts):
    validation = check(_agency_decision(extracts, "not_agreed"))
    assert extracts.issues_of(validation, "OVERDUE003").is_empty()


def _at_home(extracts, review_held: str, kind: str = "hearing"):
    number = "1" if kind == "review" else ""
    return _child_c3(
        extracts,
        period_start="2021-01-01",
        placement="home",
        legal_statuses=["C3,2021-01-01,cso_home,2021-01-01,"],
        meetings=[f"C3,2021-01-01,{kind},{number},{review_held},{review_held},"],
    )


def test_overdue004_fires(check, extracts):
    # On the order since January 2021; last reviewed before its second anniversary.
    issues = extracts.issues_of(check(_at_home(extracts, "2021-06-01")), "OVERDUE004")
    assert issues["row"].to_list() == [4]
    assert issues["value"].to_list() == [
        "order began 2021-01-01: 169 weeks 2 days by the extract date"
    ]


def test_overdue004_quiet(check, extracts):
    # A Children's Hearing in February 2023, after the second anniversary.
    validation = check(_at_home(extracts, "2023-02-01"))
    assert extracts.issues_of(validation, "OVERDUE004").is_empty()


def test_overdue004_a_looked_after_child_review_is_not_the_hearing(check, extracts):
    # Aim 1 asks whether the child should still be on an order: only a Children's
    # Hearing can answer that, so a Looked After Child review leaves the query.
    validation = check(_at_home(extracts, "2023-02-01", kind="review"))
    assert extracts.issues_of(validation, "OVERDUE004")["row"].to_list() == [4]
