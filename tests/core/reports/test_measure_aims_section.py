"""The pack's local aims on the measures: each aim's target, latest month and whether it is
met, worked by hand from docs/meetings.md's example, in the PDF, the slides and the
workbook."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from pptx import Presentation

from permanence.reports.content import PackContent, SectionKind
from permanence.reports.files import PackFormat
from permanence.reports.measure_aims import measure_aims_sentence
from permanence.reports.pdf import pack_html
from permanence.reports.workbook_sheets import MEASURE_AIMS_SHEET

from .conftest import MEASURE_AIMS, measure_aim, sheet_records

MEASURE = "Two-week planning meetings that set every review date"
# On 30 September 2026 the months counted from November 2025 are November (60%),
# January (90%), February (78%), March (95%) and April (50%): December counted nobody.
# Two of the five reached 90%. Judged on the last month counted by the "by" date.
EXPECTED = [
    (
        "Review dates by March",
        MEASURE,
        "90% by 31 March 2026",
        "April 2026: 4 of 8 (50%)",
        "2 of 5 months",
        "Met: March 2026 was 19 of 20 (95%)",
    ),
    (
        "Review dates by February",
        MEASURE,
        "90% by 28 February 2026",
        "April 2026: 4 of 8 (50%)",
        "2 of 5 months",
        "Not met: February 2026 was 7 of 9 (78%)",
    ),
    (
        "Review dates by next March",
        MEASURE,
        "90% by 31 March 2027",
        "April 2026: 4 of 8 (50%)",
        "2 of 5 months",
        "Not yet due; the latest month is below the target",
    ),
]


def test_each_local_aim_on_a_measure_is_judged_as_worked_by_hand(content: PackContent) -> None:
    assert [item.cells() for item in content.measure_aims] == EXPECTED
    assert content.measure_aims_sentence() == (
        "3 local aims on a process measure: 1 met, 1 not met, 1 not yet due. Each is judged "
        "on the last month counted by its date; until then the latest month says where it "
        "stands."
    )
    # Before March has ended the first is not yet due: its latest month is March so far.
    early = measure_aim("Review dates by March", date(2026, 3, 31), as_of=date(2026, 3, 15))
    assert early.current_text == "March 2026: 19 of 20 (95%)"
    assert early.met_text == "Not yet due; the latest month is at the target"
    assert measure_aims_sentence([]) == "No local aim is set on a process measure."


def test_the_section_follows_the_aims_only_when_there_are_local_aims_on_measures(
    content: PackContent,
) -> None:
    kinds = [section.kind for section in content.sections()]
    assert kinds.index(SectionKind.MEASURE_AIMS) == kinds.index(SectionKind.AIMS) + 1
    without = replace(content, measure_aims=())
    assert SectionKind.MEASURE_AIMS not in {s.kind for s in without.sections()}


def test_the_pdf_has_a_sentence_and_a_table_of_the_aims(content: PackContent) -> None:
    html = pack_html(content, {chart.name: "<svg/>" for chart in content.charts()})
    section = html[html.index('id="measure-aims"') : html.index('id="aim_1-run-chart"')]
    assert "3 local aims on a process measure: 1 met, 1 not met, 1 not yet due." in section
    assert "<caption>Each local aim on a process measure on 30 September 2026" in section
    for row in EXPECTED:
        assert f'<th scope="row">{row[0]}</th>' in section
        assert f"<td>{row[5]}</td>" in section
    assert "By 31 March 2026 the aim was met" in section


def test_the_slide_holds_the_table(files: dict[PackFormat, bytes]) -> None:
    deck = Presentation(io.BytesIO(files[PackFormat.PPTX]))
    [slide] = [s for s in deck.slides if s.shapes.title.text == "Local aims on the measures"]
    cells = [
        [cell.text for cell in row.cells]
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
    ]
    assert [tuple(row) for row in cells[1:]] == EXPECTED


def test_the_workbook_has_the_aims_figures(files: dict[PackFormat, bytes]) -> None:
    rows = sheet_records(files[PackFormat.XLSX], MEASURE_AIMS_SHEET)
    assert [row["Local aim"] for row in rows] == [item.title for item in MEASURE_AIMS]
    first = rows[0]
    assert first["Measure"] == MEASURE
    assert (first["Target (%)"], first["Counting from"]) == (90, date(2025, 11, 1))
    assert first["To be met by"] == date(2026, 3, 31)
    assert first["Latest month"] == date(2026, 4, 1)
    assert (first["Counted in it"], first["Of them, meeting the measure"]) == (8, 4)
    assert first["Latest (%)"] == 50
    assert (first["Months counted"], first["Months at the target"]) == (5, 2)
    assert first["Met?"] == "Met: March 2026 was 19 of 20 (95%)"
    assert rows[1]["Met?"] == "Not met: February 2026 was 7 of 9 (78%)"
