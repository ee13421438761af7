"""The PDF is tagged and accessible (PDF/UA-1), holds every section, and lays out cleanly.

Read back with pypdf (the catalogue, the structure tree, the text) and pypdfium2 (each
page drawn as an image), never with the code that wrote it.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pypdf
import pypdfium2 as pdfium
import pytest
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from permanence.reports.content import PackContent, long_date
from permanence.reports.files import PackFormat

from .conftest import INITIALS, REF_PREFIX


@pytest.fixture(scope="module")
def pdf(files: dict[PackFormat, bytes]) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(files[PackFormat.PDF]))


@pytest.fixture(scope="module")
def elements(pdf: pypdf.PdfReader) -> list[DictionaryObject]:
    """The structure tree's elements in document order."""
    root = pdf.trailer["/Root"]["/StructTreeRoot"].get_object()
    return list(_walk(root))


@pytest.fixture(scope="module")
def text(pdf: pypdf.PdfReader) -> str:
    """The whole document's text, with runs of white space made one space."""
    return " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)


def _walk(node: Any) -> Iterator[DictionaryObject]:
    node = node.get_object() if isinstance(node, IndirectObject) else node
    if not isinstance(node, DictionaryObject):
        return
    if "/S" in node:
        yield node
    kids = node.get("/K")
    if kids is None:
        return
    kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        yield from _walk(kid)


def _tag(element: DictionaryObject) -> str:
    return str(element["/S"])


def test_the_pdf_is_marked_as_tagged_with_a_language_and_a_title(
    pdf: pypdf.PdfReader, content: PackContent
) -> None:
    catalogue = pdf.trailer["/Root"]
    assert bool(catalogue["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in catalogue
    assert catalogue["/Lang"] == "en-GB"
    assert pdf.metadata is not None and pdf.metadata.title == content.title
    assert str(catalogue["/ViewerPreferences"]["/DisplayDocTitle"]).lower() == "true"
    metadata = pdf.xmp_metadata
    assert metadata is not None
    assert b"pdfuaid" in metadata.stream.get_data()


def test_headings_begin_with_one_h1_and_never_skip_a_level(
    elements: list[DictionaryObject], content: PackContent
) -> None:
    levels = [int(_tag(e)[2]) for e in elements if re.fullmatch(r"/H[1-6]", _tag(e))]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels
    # The contents list's heading, then one second-level heading per section.
    assert levels.count(2) == len(content.sections()) + 1


def test_every_chart_is_a_figure_with_its_text_alternative(
    elements: list[DictionaryObject], content: PackContent
) -> None:
    figures = [e for e in elements if _tag(e) == "/Figure"]
    assert len(figures) == len(content.charts())
    assert [str(f["/Alt"]) for f in figures] == [chart.alt_text for chart in content.charts()]


def test_tables_have_header_cells_linked_to_their_data(
    elements: list[DictionaryObject], content: PackContent
) -> None:
    # WeasyPrint tags each page's part of a long table as a table of its own (the flows,
    # a row per quarter, run over a page); only the first holds the caption.
    parts = [e for e in elements if _tag(e) == "/Table"]
    tables = [part for part in parts if any(_tag(kid) == "/Caption" for kid in _walk(part))]
    # The group's open actions, the aims, the local aims on the measures, the stages, the
    # process map, the flows, each cycle's record, the risks and two for the data quality.
    cycles = len(content.cycles_closed) + len(content.cycles_opened)
    assert len(tables) == 1 + 1 + 1 + 1 + 1 + 1 + cycles + 1 + 2
    headers = [e for e in elements if _tag(e) == "/TH"]
    cells = [e for e in elements if _tag(e) == "/TD"]
    assert headers and cells
    assert all(len(cell["/A"]["/Headers"]) >= 1 for cell in cells)
    captions = [e for e in elements if _tag(e) == "/Caption"]
    assert len(captions) >= len(tables)


def test_each_section_and_its_key_figures_are_in_the_text(text: str, content: PackContent) -> None:
    positions = []
    for section in content.sections():
        heading = " ".join(section.heading.split())
        assert heading in text, heading
        positions.append(text.index(heading, positions[-1] if positions else 0))
    assert positions == sorted(positions)
    for aim in content.aims:
        assert aim.met_text in text
    for aim in content.aim_charts:
        assert aim.findings[0] in text
        assert aim.waiting_words[0] in text
    assert content.stage_sentence in text
    assert content.competing is not None
    assert " ".join(content.competing.caption.split()) in " ".join(text.split())
    assert content.opening() in text
    assert "LEARNED-MARK" in text and "NEXT-MARK" in text and "RISK-MARK" in text
    assert "must not be reported" not in text
    assert content.quality is not None
    assert f"It found {content.quality.errors} error" in text
    assert long_date(content.since) in text
    # The measuring date and the day the data was taken, both said, kept apart.
    assert " ".join(content.dates_sentence().split()) in " ".join(text.split())
    assert "from an extract taken on" in content.dates_sentence()


def test_the_pdf_names_no_child_and_speaks_plainly(text: str) -> None:
    assert REF_PREFIX not in text
    assert INITIALS not in text
    assert not re.search(r"\bLAC\b", text)
    # "The case recording system" is the system's name; a child is never "a case".
    assert not re.search(r"\bcases\b|\bcase\b(?! recording)", text, flags=re.IGNORECASE)


def test_every_page_is_drawn_with_content_and_no_page_is_left_almost_empty(
    files: dict[PackFormat, bytes], content: PackContent
) -> None:
    document = pdfium.PdfDocument(files[PackFormat.PDF])
    assert len(document) >= len(content.sections())
    for number in range(len(document) - 1):  # the last page may rightly be short
        image = document[number].render(scale=0.5).to_pil().convert("L")
        width, height = image.size
        # The page between its running header and its page number.
        body = image.crop((0, int(height * 0.06), width, int(height * 0.93)))
        inked = float((np.asarray(body) < 200).mean())
        assert inked > 0.01, f"page {number + 1} is almost empty ({inked:.3%} inked)"
