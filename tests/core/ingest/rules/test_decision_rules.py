"""The decisions that shape a plan and who attended a meeting, brought by an import: one
test per rule, fires and stays quiet. The rules are the app's own (journey.meeting_rules)."""

from __future__ import annotations

from datetime import date

HEADER = "child_ref,period_start,milestone,date,detail,reason,look_again_on,decided_by\n"
# A1 (born 15 January 2018) was looked after on 10 January 2022, aged 3.
JOURNEY = """\
A1,2022-01-10,permanence_recommendation,2022-05-20,kinship_order,,,
A1,2022-01-10,adm_decision,2022-06-15,agreed,,,
A1,2022-01-10,application_lodged,2022-08-01,kinship_order,,,
A1,2022-01-10,order_granted,2023-02-01,kinship_order,,,
B2,2020-03-01,permanence_recommendation,2020-10-01,return_home,,,
B2,2020-03-01,order_granted,2021-01-31,cso_terminated,,,
"""


def with_decisions(extracts, *rows: str):
    tables = extracts.base()
    tables["milestones"] = HEADER + JOURNEY + "".join(f"{row}\n" for row in rows)
    return tables


def test_decision001_fires(check, extracts):
    tables = with_decisions(
        extracts,
        # Row 8: a purposeful delay with no reason and no date to look again.
        "A1,2022-01-10,purposeful_delay,2022-03-01,,,,team leader",
        # Row 9: the date to look again before the decision.
        "A1,2022-01-10,purposeful_delay,2022-03-08,,Sibling assessment,2022-02-01,team leader",
        # Row 10: A1 was 3 on the date looked after: not an under-3 referral.
        "A1,2022-01-10,under_3_referred,2022-01-10,,,,social worker",
        # Row 11: concurrent planning before the date looked after.
        "A1,2022-01-10,concurrent_planning,2021-12-01,,,,team leader",
    )
    validation = check(tables)
    issues = extracts.issues_of(validation, "DECISION001")
    assert issues["row"].to_list() == [8, 9, 10, 11]
    assert issues["severity"].unique().to_list() == ["error"]
    assert issues["value"].to_list() == [
        "Say why the delay is in the child's interest. "
        "Give the date the delay will be looked at again.",
        "The date to look again must come after the decision.",
        "The child was 3 or older on the day accommodated.",
        "A decision cannot come before the date looked after.",
    ]
    # Refused rows are not loaded.
    assert validation.tables.milestones.height == 6


def test_decision001_quiet(check, extracts):
    tables = with_decisions(
        extracts,
        "A1,2022-01-10,concurrent_planning,2022-01-24,,,,team leader",
        "A1,2022-01-10,purposeful_delay,2022-03-01,,Sibling assessment,2022-06-01,team leader",
        "A1,2022-01-10,legal_advice_requested,2022-01-24,,,,team leader",
        "A1,2022-01-10,legal_advice_received,2022-03-10,written,,,legal services",
        "A1,2022-01-10,assessment_limit,2022-01-24,,,,team leader",
    )
    validation = check(tables)
    assert extracts.issues_of(validation, "DECISION001").is_empty()
    assert validation.issues.is_empty()
    loaded = validation.tables.milestones.filter(
        validation.tables.milestones["milestone"] == "purposeful_delay"
    )
    assert loaded.select("reason", "look_again_on", "decided_by").row(0) == (
        "Sibling assessment",
        date(2022, 6, 1),
        "team leader",
    )


def _with_attendance(extracts, attended: str):
    tables = extracts.base()
    tables["meetings"] = tables["meetings"].replace(
        "held_date,outcome\n", "held_date,outcome,attended\n"
    )
    lines = tables["meetings"].splitlines()
    lines[1:] = [f"{line}," for line in lines[1:]]
    lines[1] = lines[1] + attended
    tables["meetings"] = "\n".join(lines) + "\n"
    return tables


def test_meet010_fires(check, extracts):
    validation = check(_with_attendance(extracts, '"Parents; social_worker; the dog"'))
    issues = extracts.issues_of(validation, "MEET010")
    assert issues["row"].to_list() == [2]
    assert issues["value"].to_list() == ["the dog"]
    assert issues["severity"].to_list() == ["query"]
    # The meeting is loaded, its attendance as given.
    assert validation.tables.meetings.height == 4


def test_meet010_quiet(check, extracts):
    validation = check(_with_attendance(extracts, '"parents;Social worker;team_leader"'))
    assert extracts.issues_of(validation, "MEET010").is_empty()
    assert validation.issues.is_empty()
    assert validation.tables.meetings["attended"].to_list()[0] == (
        "parents;Social worker;team_leader"
    )
