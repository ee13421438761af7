"""The deck, opened with python-pptx: a title slide and one slide per section, each
chart a picture with its description, the stage table a real table."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide

from permanence.reports.content import PACK_TITLE, PackContent, SectionKind
from permanence.reports.files import PackFormat
from permanence.reports.pptx import SLIDE_HEIGHT, SLIDE_WIDTH, png_size

from .conftest import INITIALS, REF_PREFIX


@pytest.fixture(scope="module")
def deck(files: dict[PackFormat, bytes]) -> Deck:
    return Presentation(io.BytesIO(files[PackFormat.PPTX]))


def _descr(shape: object) -> str | None:
    element = shape._element  # type: ignore[attr-defined]
    found = element.xpath("./*[1]/p:cNvPr")
    return found[0].get("descr") if found else None


def _title(slide: Slide) -> str:
    assert slide.shapes.title is not None
    return slide.shapes.title.text_frame.text


def test_a_title_slide_then_one_slide_per_section(deck: Deck, content: PackContent) -> None:
    slides = list(deck.slides)
    sections = content.sections()
    assert len(slides) == 1 + len(sections)
    assert _title(slides[0]) == PACK_TITLE
    assert content.authority_name in slides[0].placeholders[1].text_frame.text
    assert [_title(slide) for slide in slides[1:]] == [section.heading for section in sections]


def test_each_chart_is_a_picture_described_by_its_text_alternative(
    deck: Deck, content: PackContent
) -> None:
    pictures = [
        shape
        for slide in deck.slides
        for shape in slide.shapes
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    assert [_descr(picture) for picture in pictures] == [c.alt_text for c in content.charts()]
    for picture in pictures:
        assert picture.left + picture.width <= SLIDE_WIDTH
        assert picture.top + picture.height <= SLIDE_HEIGHT
        width, height = png_size(picture.image.blob)
        assert width >= 1900  # drawn at twice the charts' 960 pixels, sharp on a screen
        assert picture.width / picture.height == pytest.approx(width / height, rel=0.01)


def test_each_chart_slide_has_its_findings_in_words(deck: Deck, content: PackContent) -> None:
    slides = list(deck.slides)[1:]
    for slide, section in zip(slides, content.sections(), strict=True):
        if section.kind is not SectionKind.RUN_CHART:
            continue
        assert section.aim is not None
        words = " ".join(
            shape.text_frame.text
            for shape in slide.shapes
            if shape.has_text_frame and shape != slide.shapes.title
        )
        assert all(line in words for line in section.aim.findings)
        notes = slide.notes_slide.notes_text_frame
        assert notes is not None and section.aim.run_chart.alt_text in notes.text


def test_the_stage_table_is_a_real_table(deck: Deck, content: PackContent) -> None:
    index = next(i for i, s in enumerate(content.sections()) if s.kind is SectionKind.STAGES)
    slide = list(deck.slides)[1 + index]
    tables = [shape for shape in slide.shapes if shape.has_table]
    assert len(tables) == 1
    table = tables[0].table
    assert len(table.rows) == 1 + len(content.stages)
    assert table.cell(0, 0).text == "Stage (ended by)"
    assert [table.cell(r, 0).text for r in range(1, len(table.rows))] == [
        row.label for row in content.stages
    ]
    assert table.cell(1, 1).text == f"{round(content.stages[0].share)}%"
    assert _descr(tables[0]) is not None


def test_the_deck_is_uk_english_with_its_properties_set(deck: Deck, content: PackContent) -> None:
    assert deck.core_properties.title == content.title
    assert deck.core_properties.language == "en-GB"
    runs = [
        run
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
    ]
    assert runs and all(run.font.language_id == MSO_LANGUAGE_ID.ENGLISH_UK for run in runs)


def test_the_deck_names_no_child(files: dict[PackFormat, bytes], deck: Deck) -> None:
    texts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
            texts.append(_descr(shape) or "")
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            texts.append(slide.notes_slide.notes_text_frame.text)
    text = "\n".join(texts)
    assert REF_PREFIX not in text and INITIALS not in text
    assert "LEARNED-MARK" in text and "RISK-MARK" in text
