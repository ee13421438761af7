"""A pack for an authority with almost nothing to show still makes all three files."""

from __future__ import annotations

import io

import pypdf
from pptx import Presentation
from python_calamine import CalamineWorkbook

from permanence.analysis.aims import NATIONAL_AIMS
from permanence.journey.frame import build_journeys_frame
from permanence.reports.build import build_pack
from permanence.reports.files import PackFormat, make_files

from .test_build import HAND_AS_OF, HAND_KIDS, hand_tables


def test_a_pack_with_aims_no_child_has_reached_yet_is_complete() -> None:
    frame = build_journeys_frame(hand_tables(HAND_KIDS[:1]), HAND_AS_OF, authority="T")
    content = build_pack(
        frame, NATIONAL_AIMS, authority_name="Tiny", authority_code="T", as_of=HAND_AS_OF
    )
    # One child, recommended for adoption after 20 weeks: Aim 2 met; Aim 3's clock then ran
    # past 14 weeks with no agency decision (not met); no order at home, no agency decision.
    assert [aim.known for aim in content.aims] == [0, 1, 1, 0]
    files = make_files(content)
    assert set(files) == set(PackFormat)
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(files[PackFormat.PDF])).pages
    )
    assert "No import has been loaded yet" in " ".join(text.split())
    assert "No PDSA cycle was opened or closed" in " ".join(text.split())
    deck = Presentation(io.BytesIO(files[PackFormat.PPTX]))
    assert len(deck.slides) == 1 + len(content.sections())
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(files[PackFormat.XLSX]))
    # About, the aims, the stages and the open actions, beside a sheet per chart.
    assert len(workbook.sheet_names) == 4 + len(content.charts())
