"""The report pack's projects' progress: each project's phase and IHI score now."""

from __future__ import annotations

import io
from datetime import date

from pptx import Presentation

from permanence.analysis.aims import NATIONAL_AIMS
from permanence.journey.frame import build_journeys_frame
from permanence.reports.build import build_pack
from permanence.reports.content import PackContent, ProgressItem, SectionKind
from permanence.reports.pdf import pack_html
from permanence.reports.pptx import render_pptx

from .test_build import HAND_AS_OF, HAND_KIDS, hand_tables

PROGRESS = [
    ProgressItem("Reviews on time", "Aim 2", "Testing", "3.0", date(2026, 1, 5), "2.5"),
    ProgressItem("Earlier panels", "Aim 3", "Baseline", "1.5", date(2026, 1, 5), "1.5"),
    ProgressItem("Family meetings", "Aim 1", "", ""),
]


def _pack(progress: list[ProgressItem]) -> PackContent:
    frame = build_journeys_frame(hand_tables(HAND_KIDS[:1]), HAND_AS_OF, authority="T")
    return build_pack(
        frame,
        NATIONAL_AIMS,
        authority_name="Test Council",
        authority_code="T",
        as_of=HAND_AS_OF,
        progress=progress,
    )


def test_the_pack_has_a_progress_section_only_with_projects() -> None:
    assert SectionKind.PROGRESS not in {s.kind for s in _pack([]).sections()}
    content = _pack(PROGRESS)
    kinds = [s.kind for s in content.sections()]
    assert kinds.index(SectionKind.PROGRESS) == kinds.index(SectionKind.CYCLES) - 1
    assert content.progress_sentence() == (
        "2 projects assessed on the IHI progress scale (0.5 to 5.0), scoring from 1.5 to 3 now."
    )
    assert [item.change for item in content.progress] == [
        "Unchanged from 1.5",
        "Not assessed yet",
        "From 2.5",
    ]


def test_the_pdf_and_the_slides_show_each_projects_phase_and_score() -> None:
    content = _pack(PROGRESS)
    html = pack_html(content, {chart.name: "<svg/>" for chart in content.charts()})
    section = html[html.index('id="progress"') : html.index('id="cycles"')]
    for words in ("Reviews on time", "Testing", "3.0", "From 2.5", "Not assessed yet"):
        assert words in section
    deck = Presentation(io.BytesIO(render_pptx(content)))
    texts = [
        " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        + " ".join(
            cell.text
            for shape in slide.shapes
            if shape.has_table
            for row in shape.table.rows
            for cell in row.cells
        )
        for slide in deck.slides
    ]
    [slide] = [text for text in texts if "Projects' progress" in text]
    assert "Earlier panels" in slide and "Unchanged from 1.5" in slide
