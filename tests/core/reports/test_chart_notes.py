"""Notes typed on a chart's points reach the report pack: the run chart marks them (N1),
its text alternative and data table say them, and the PDF and the slides list them under
the chart with who wrote each and when."""

from __future__ import annotations

import io
from datetime import date, timedelta

from pptx import Presentation

from permanence.analysis.aims import AIM_2
from permanence.charts import Annotation, AnnotationKind, ImprovementMarks
from permanence.journey.frame import build_journeys_frame
from permanence.reports.build import build_pack
from permanence.reports.content import PackContent
from permanence.reports.pdf import pack_html
from permanence.reports.pptx import render_pptx

from .test_build import HAND_AS_OF, HAND_KIDS, hand_tables

#: MET's recommendation: 20 weeks after 1 January 2024, a dot on Aim 2's run chart.
MET_DAY = date(2024, 1, 1) + timedelta(weeks=20)
NOTE = Annotation(
    MET_DAY, "The new court officer started", AnnotationKind.NOTE, said_by="Jo Bloggs, 3 Jun 2024"
)
TEST = Annotation(date(2024, 2, 1), "Cycle 1 of early planning", AnnotationKind.PDSA)
LINE = "N1, 20 May 2024: The new court officer started (Jo Bloggs, 3 Jun 2024)"


def _pack() -> PackContent:
    frame = build_journeys_frame(hand_tables(HAND_KIDS), HAND_AS_OF, authority="T")
    return build_pack(
        frame,
        [AIM_2],
        authority_name="Hand Council",
        authority_code="T",
        as_of=HAND_AS_OF,
        marks={AIM_2.id: ImprovementMarks(annotations=(TEST, NOTE))},
    )


def test_the_packs_run_chart_marks_the_note_and_says_it() -> None:
    (aim,) = _pack().aim_charts
    assert date(2024, 5, 20) == MET_DAY
    assert aim.notes == (LINE,)
    chart = aim.run_chart
    # The marker's number is drawn (N1), the test of change keeps its own number (1).
    numbers = {
        row["number"]
        for layer in chart.spec["layer"]
        for row in layer.get("data", {}).get("values", [])
        if "number" in row
    }
    assert numbers == {"1", "N1"}
    assert "Notes on the chart's points: N1, 20 May 2024: The new court officer started." in (
        chart.alt_text
    )
    assert chart.spec["description"] == chart.alt_text
    assert any(
        line.startswith("Notes: N1 The new court officer started")
        for line in (chart.spec["title"]["subtitle"])
    )
    # The data table: the note on the row of its dot, and nowhere else.
    notes = chart.data.get_column("Notes").to_list()
    assert notes.count("N1 The new court officer started") == 1
    assert sum(cell is not None for cell in notes) == 1


def test_the_pdf_lists_the_notes_under_the_run_chart() -> None:
    content = _pack()
    html = pack_html(content, {chart.name: "<svg/>" for chart in content.charts()})
    assert "<h3>Notes on the chart's points</h3>" in html
    assert LINE in html


def test_the_slides_list_the_notes_beside_the_run_chart() -> None:
    content = _pack()
    deck = Presentation(io.BytesIO(render_pptx(content)))
    text = [
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    assert any("Notes on the chart's points:" in t and LINE in t for t in text)


def test_a_chart_without_notes_has_no_notes_column_or_list() -> None:
    frame = build_journeys_frame(hand_tables(HAND_KIDS), HAND_AS_OF, authority="T")
    content = build_pack(
        frame,
        [AIM_2],
        authority_name="Hand Council",
        authority_code="T",
        as_of=HAND_AS_OF,
        marks={AIM_2.id: ImprovementMarks(annotations=(TEST,))},
    )
    (aim,) = content.aim_charts
    assert aim.notes == ()
    assert "Notes" not in aim.run_chart.data.columns
    assert "Notes on the chart" not in aim.run_chart.alt_text
