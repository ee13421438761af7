"""The pack's flows per quarter: the process map page's chart, its words and its data as a
table, in the PDF, the slides and the workbook, against docs/process-map.md's six
children worked by hand."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
from pptx import Presentation

from permanence.analysis.aims import AIM_2
from permanence.analysis.flows import quarterly_flows
from permanence.charts.flows import flows_chart
from permanence.reports.build import build_pack
from permanence.reports.content import PackContent, SectionKind
from permanence.reports.files import PackFormat, make_files
from permanence.reports.pdf import pack_html

from ..stages.conftest import Child, journeys
from .conftest import sheet_records

AS_OF = date(2025, 6, 30)


def six_children() -> pl.DataFrame:
    """A came into care in November 2024 and F on 31 December, who left the next day for
    independent living; B came in January and went home on 31 March; C came in February
    and was adopted in May; D came in on 1 April and E on 30 June."""

    def child(ref: str, start: date, end: date | None = None, to: str | None = None) -> Child:
        return Child(ref, start, period_end=end, destination=to, placements=[("foster_la", start)])

    return journeys(
        [
            child("A", date(2024, 11, 15)),
            child("F", date(2024, 12, 31), date(2025, 1, 1), "independent_living"),
            child("B", date(2025, 1, 10), date(2025, 3, 31), "home"),
            child("C", date(2025, 2, 1), date(2025, 5, 20), "adoption"),
            child("D", date(2025, 4, 1)),
            child("E", date(2025, 6, 30)),
        ],
        AS_OF,
    )


def six_children_pack() -> PackContent:
    return build_pack(
        six_children(), [AIM_2], authority_name="Hand Council", authority_code="T", as_of=AS_OF
    )


#: Quarter, came into care, left care, then left by each route (home, kinship care order,
#: adopted, continuing care, independent living, another authority, other), in care at
#: the quarter's end.
BY_HAND = [
    ("October to December 2024", 2, 0, 0, 0, 0, 0, 0, 0, 0, 2),
    ("January to March 2025", 2, 2, 1, 0, 0, 0, 1, 0, 0, 2),
    ("April to June 2025", 2, 1, 0, 0, 1, 0, 0, 0, 0, 3),
]


def test_the_flows_are_the_hand_worked_quarters_and_the_pages_chart() -> None:
    content = six_children_pack()
    assert content.process_map is not None
    chart = content.process_map.flows_chart
    assert chart.data.rows() == BY_HAND
    # The same Vega-Lite spec as the process map page draws.
    assert chart.spec == flows_chart(quarterly_flows(six_children(), as_of=AS_OF)).spec
    kinds = [section.kind for section in content.sections()]
    assert kinds.index(SectionKind.FLOWS) == kinds.index(SectionKind.PROCESS_MAP) + 1
    assert chart in content.charts()


def test_the_pdf_slides_and_workbook_hold_the_flows() -> None:
    content = six_children_pack()
    html = pack_html(content, {chart.name: "<svg/>" for chart in content.charts()})
    section = html[html.index('id="flows"') : html.index('id="cycles"')]
    words = (
        "3 quarters, from October to December 2024 to April to June 2025. In the latest, "
        "2 children came into care and 1 left it; 3 were in care at its end (2 at the end of "
        "the first)."
    )
    assert words in section
    assert f'alt="{words}"' in section
    assert '<th scope="row">January to March 2025</th>' in section
    assert section.count("<tr>") == 1 + len(BY_HAND)
    files = make_files(content)
    deck = Presentation(io.BytesIO(files[PackFormat.PPTX]))
    [slide] = [
        s for s in deck.slides if s.shapes.title.text == "Children coming into care and leaving it"
    ]
    [picture] = [shape for shape in slide.shapes if shape.shape_type == 13]
    assert picture._element.xpath("./*[1]/p:cNvPr")[0].get("descr") == words
    said = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert "April to June 2025: 2 came into care, 1 left, 3 in care at its end" in said
    rows = sheet_records(files[PackFormat.XLSX], "flows")
    assert [tuple(row.values()) for row in rows] == BY_HAND
