"""The pack opens with the Champions' Group's actions still open: the soonest due first,
those with no date last, none agreed after the pack's date; in the PDF and the slides."""

from __future__ import annotations

import io
from datetime import date

from pptx import Presentation

from permanence.analysis.aims import AIM_2
from permanence.journey.frame import build_journeys_frame
from permanence.reports.build import build_pack
from permanence.reports.content import GroupActionItem, PackContent, SectionKind
from permanence.reports.files import PackFormat
from permanence.reports.pdf import pack_html

from .test_build import HAND_AS_OF, HAND_KIDS, hand_tables

# 31 March 2025.
ACTIONS = [
    GroupActionItem("No date", "Chair", date(2025, 3, 17), None),
    GroupActionItem("Due in April", "Legal services", date(2025, 3, 17), date(2025, 4, 14)),
    GroupActionItem("Was due in March", "Data lead", date(2025, 3, 3), date(2025, 3, 10)),
    GroupActionItem("Agreed after the pack", "Chair", date(2025, 4, 1), date(2025, 4, 2)),
]


def hand_pack(actions: list[GroupActionItem], last: date | None) -> PackContent:
    frame = build_journeys_frame(hand_tables(HAND_KIDS), HAND_AS_OF, authority="T")
    return build_pack(
        frame,
        [AIM_2],
        authority_name="Hand Council",
        authority_code="T",
        as_of=HAND_AS_OF,
        group_actions=actions,
        last_group_meeting=last,
    )


def test_the_open_actions_come_first_the_soonest_due_first() -> None:
    pack = hand_pack(ACTIONS, date(2025, 3, 17))
    assert pack.sections()[0].kind is SectionKind.ACTIONS
    assert [action.what for action in pack.group_actions] == [
        "Was due in March",
        "Due in April",
        "No date",
    ]
    assert [action.due_text(pack.meeting_date) for action in pack.group_actions] == [
        "Was due 10 Mar 2025",
        "Due 14 Apr 2025",
        "No date set",
    ]
    assert pack.actions_sentence() == (
        "3 actions agreed at the group's meetings are not done yet, 1 of them past the date "
        "they were due, the soonest due first. The group's last meeting recorded was on "
        "17 March 2025."
    )


def test_with_no_action_open_the_section_says_so() -> None:
    pack = hand_pack([], None)
    assert pack.sections()[0].kind is SectionKind.ACTIONS
    assert pack.actions_sentence() == (
        "No action of the group is open. No meeting of the group is recorded yet."
    )


def test_the_pdf_and_the_slides_open_with_the_actions(
    content: PackContent, files: dict[PackFormat, bytes]
) -> None:
    html = pack_html(content, {})
    assert html.index('id="actions"') < html.index('id="aims"')
    assert "Ask the sheriff clerk for the court&#39;s timescales" in html
    deck = Presentation(io.BytesIO(files[PackFormat.PPTX]))
    first = deck.slides[1]  # after the title slide
    text = "\n".join(
        cell.text
        for shape in first.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    )
    assert "Agree the legal advice template" in text
    assert "Invite the health visitors' lead" in text
