"""One test per decision and milestone rule: fires, and stays quiet."""

from __future__ import annotations


def test_mile001_fires(check, extracts):
    # The agency decision before the recommendation it decides on.
    tables = extracts.replace(
        extracts.base(), "milestones", "adm_decision,2022-06-15", "adm_decision,2022-05-01"
    )
    issues = extracts.issues_of(check(tables), "MILE001")
    assert issues["row"].to_list() == [3]
    assert issues["value"].to_list() == [
        "2022-05-01 is before the permanence recommendation of 2022-05-20"
    ]


def test_mile001_fires_before_the_date_looked_after(check, extracts):
    tables = extracts.replace(
        extracts.base(),
        "milestones",
        "permanence_recommendation,2020-10-01",
        "permanence_recommendation,2020-02-01",
    )
    issues = extracts.issues_of(check(tables), "MILE001")
    assert issues["row"].to_list() == [6]
    assert "before the date looked after 2020-03-01" in issues["value"].item()


def test_mile001_quiet_on_the_same_day(check, extracts):
    tables = extracts.replace(
        extracts.base(), "milestones", "adm_decision,2022-06-15", "adm_decision,2022-05-20"
    )
    assert extracts.issues_of(check(tables), "MILE001").is_empty()


def test_mile001_quiet_after_a_reversed_decision(check, extracts):
    # A second recommendation after a reversal is later than the first agency decision;
    # steps are compared with the earliest of each earlier step, so this is in order.
    tables = extracts.add_rows(
        extracts.base(),
        "milestones",
        "A1,2022-01-10,decision_reversed,2022-07-01,,Kinship carer withdrew",
        "A1,2022-01-10,permanence_recommendation,2022-07-20,kinship_order,",
    )
    assert extracts.issues_of(check(tables), "MILE001").is_empty()


def test_mile002_fires(check, extracts):
    # A1 at home until July 2022, so accommodated after the May recommendation.
    tables = extracts.replace(
        extracts.base(),
        "placements",
        "A1,2022-01-10,foster_la,2022-01-10,2022-09-30",
        "A1,2022-01-10,home,2022-01-10,2022-06-30\nA1,2022-01-10,foster_la,2022-07-01,2022-09-30",
    )
    validation = check(tables)
    issues = extracts.issues_of(validation, "MILE002")
    assert issues["row"].to_list() == [2]
    assert issues["severity"].to_list() == ["query"]
    assert issues["value"].to_list() == ["2022-05-20, accommodated 2022-07-01"]


def test_mile002_quiet(check, extracts):
    assert extracts.issues_of(check(extracts.base()), "MILE002").is_empty()


def _adoption_without_decision(tables: dict[str, str], extracts) -> dict[str, str]:
    tables = extracts.replace(
        tables, "milestones", "A1,2022-01-10,adm_decision,2022-06-15,agreed,\n", ""
    )
    return extracts.replace(
        tables,
        "milestones",
        "order_granted,2023-02-01,kinship_order",
        "order_granted,2023-02-01,poa",
    )


def test_mile003_fires(check, extracts):
    tables = _adoption_without_decision(extracts.base(), extracts)
    tables = extracts.add_rows(tables, "legal_statuses", "A1,2022-01-10,poa,2023-02-01,")
    validation = check(tables)
    issues = extracts.issues_of(validation, "MILE003")
    assert sorted(zip(issues["table"], issues["row"], strict=True)) == [
        ("legal_statuses", 5),
        ("milestones", 4),
    ]


def test_mile003_quiet(check, extracts):
    tables = extracts.replace(
        extracts.base(),
        "milestones",
        "order_granted,2023-02-01,kinship_order",
        "order_granted,2023-02-01,poa",
    )
    assert extracts.issues_of(check(tables), "MILE003").is_empty()


def test_mile004_fires(check, extracts):
    tables = extracts.add_rows(
        extracts.base(), "milestones", "A1,2022-01-10,decision_reversed,2022-07-01,,"
    )
    issues = extracts.issues_of(check(tables), "MILE004")
    assert issues["row"].to_list() == [8]
    assert issues["severity"].to_list() == ["query"]


def test_mile004_quiet(check, extracts):
    tables = extracts.add_rows(
        extracts.base(),
        "milestones",
        "A1,2022-01-10,decision_reversed,2022-07-01,,Kinship carer withdrew",
    )
    assert extracts.issues_of(check(tables), "MILE004").is_empty()


def _b2_order(tables: dict[str, str], extracts, born: str) -> dict[str, str]:
    tables = extracts.replace(tables, "children", "B2,BB,2015-06-01", f"B2,BB,{born}")
    return extracts.replace(
        tables, "milestones", "2021-01-31,cso_terminated", "2021-01-31,kinship_order"
    )


def test_mile005_fires(check, extracts):
    # 17 when looked after, 18 on 15 January 2021, the order granted on 31 January.
    issues = extracts.issues_of(
        check(_b2_order(extracts.base(), extracts, "2003-01-15")), "MILE005"
    )
    assert issues["row"].to_list() == [7]
    assert issues["value"].to_list() == ["aged 18 on 2021-01-31"]


def test_mile005_quiet(check, extracts):
    # 18 only on 15 February 2021, a fortnight after the order.
    validation = check(_b2_order(extracts.base(), extracts, "2003-02-15"))
    assert extracts.issues_of(validation, "MILE005").is_empty()


def test_mile006_fires(check, extracts):
    tables = extracts.replace(
        extracts.base(), "milestones", "adm_decision,2022-06-15,agreed", "adm_decision,2022-06-15,"
    )
    issues = extracts.issues_of(check(tables), "MILE006")
    assert issues["row"].to_list() == [3]
    assert issues["value"].to_list() == ["adm_decision"]


def test_mile006_quiet(check, extracts):
    assert extracts.issues_of(check(extracts.base()), "MILE006").is_empty()
