"""The workbook's open actions and progress scores, read back from the file: the figures
worked by hand."""

from __future__ import annotations

from datetime import date

from permanence.analysis.aims import AIM_2
from permanence.journey.frame import build_journeys_frame
from permanence.reports.build import build_pack
from permanence.reports.content import ProgressAssessment, ProgressItem
from permanence.reports.files import PackFormat
from permanence.reports.workbook_sheets import ACTIONS_SHEET, PROGRESS_SHEET
from permanence.reports.xlsx import render_xlsx

from .conftest import sheet_records
from .test_build import HAND_AS_OF, HAND_KIDS, hand_tables


def test_the_open_actions_sheet_lists_each_action_with_its_days_overdue(
    files: dict[PackFormat, bytes],
) -> None:
    # The pack of 30 September 2026 (conftest's GROUP_ACTIONS), the soonest due first:
    # due 16 September, 14 days before the meeting; due 7 October, not yet due; no date.
    rows = sheet_records(files[PackFormat.XLSX], ACTIONS_SHEET)
    assert rows == [
        {
            "Action": "Agree the legal advice template",
            "Owner": "Legal services",
            "Due": date(2026, 9, 16),
            "Agreed at the meeting of": date(2026, 9, 2),
            "Days overdue": 14,
        },
        {
            "Action": "Ask the sheriff clerk for the court's timescales",
            "Owner": "Chair",
            "Due": date(2026, 10, 7),
            "Agreed at the meeting of": date(2026, 9, 16),
            "Days overdue": 0,
        },
        {
            "Action": "Invite the health visitors' lead",
            "Owner": "Data lead",
            "Due": "",
            "Agreed at the meeting of": date(2026, 9, 16),
            "Days overdue": "",
        },
    ]


def test_the_progress_sheet_holds_every_assessment_with_the_date_it_changed() -> None:
    reviews = ProgressItem(
        "Reviews on time",
        "National Aim 2",
        "Testing",
        "3.0",
        date(2025, 3, 3),
        "2.5",
        history=(
            ProgressAssessment(date(2025, 3, 3), "Testing", "3.0"),
            ProgressAssessment(date(2024, 9, 2), "Baseline", "1.5"),
            ProgressAssessment(date(2024, 12, 2), "Developing", "2.5"),
        ),
    )
    never = ProgressItem("Family meetings", "National Aim 1", "", "")
    frame = build_journeys_frame(hand_tables(HAND_KIDS[:1]), HAND_AS_OF, authority="T")
    content = build_pack(
        frame,
        [AIM_2],
        authority_name="Hand Council",
        authority_code="T",
        as_of=HAND_AS_OF,
        progress=[reviews, never],
    )
    rows = sheet_records(render_xlsx(content), PROGRESS_SHEET)
    # Sorted by project; each project's assessments the earliest first, the latest "now".
    assert [
        (row["Project"], row["Changed on"], row["Phase"], row["Score"], row["Score before"])
        for row in rows
    ] == [
        ("Family meetings", "", "Not assessed yet", "", ""),
        ("Reviews on time", date(2024, 9, 2), "Baseline", 1.5, ""),
        ("Reviews on time", date(2024, 12, 2), "Developing", 2.5, 1.5),
        ("Reviews on time", date(2025, 3, 3), "Testing", 3, 2.5),
    ]
    assert [row["Now"] for row in rows] == ["Yes", "No", "No", "Yes"]
