"""The spreadsheet, opened with python-calamine: one sheet per chart holding exactly the
chart's data, no child's reference, initials or date of birth anywhere, and text that
looks like a formula kept as text."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from typing import Any
from xml.etree import ElementTree  # our own file, just written: S314 does not apply

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from permanence.reports.content import PackContent
from permanence.reports.files import PackFormat
from permanence.reports.workbook_sheets import ACTIONS_SHEET, MEASURE_AIMS_SHEET
from permanence.reports.xlsx import ABOUT_SHEET, AIMS_SHEET, DATA_ROW, STAGES_SHEET

from .conftest import INITIALS, LOCAL_TITLE, REF_PREFIX, Synthetic
from .conftest import plain as _plain

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture(scope="module")
def workbook(files: dict[PackFormat, bytes]) -> CalamineWorkbook:
    return CalamineWorkbook.from_filelike(io.BytesIO(files[PackFormat.XLSX]))


@pytest.fixture(scope="module")
def sheets(workbook: CalamineWorkbook) -> dict[str, list[list[Any]]]:
    return {
        name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for name in workbook.sheet_names
    }


def test_one_sheet_per_chart_between_the_about_sheet_and_the_tables(
    workbook: CalamineWorkbook, content: PackContent
) -> None:
    charts = [chart.name for chart in content.charts()]
    assert workbook.sheet_names == [
        ABOUT_SHEET,
        *charts,
        AIMS_SHEET,
        STAGES_SHEET,
        ACTIONS_SHEET,
        MEASURE_AIMS_SHEET,
    ]


def test_each_chart_sheet_holds_exactly_the_charts_data(
    sheets: dict[str, list[list[Any]]], content: PackContent
) -> None:
    for chart in content.charts():
        rows = sheets[chart.name]
        assert rows[0][0] == chart.title
        assert rows[1][0] == chart.alt_text
        assert rows[DATA_ROW][: chart.data.width] == chart.data.columns
        body = [row[: chart.data.width] for row in rows[DATA_ROW + 1 :] if any(row)]
        assert len(body) == chart.data.height, chart.name
        for column, (heading, dtype) in enumerate(chart.data.schema.items()):
            expected = chart.data.get_column(heading).to_list()
            found = [_plain(row[column]) for row in body]
            if dtype.is_float():
                assert found == pytest.approx([v if v is not None else "" for v in expected])
            else:
                assert found == [_plain(v) if v is not None else "" for v in expected], heading


def test_no_cell_holds_a_childs_reference_initials_or_date_of_birth(
    sheets: dict[str, list[list[Any]]], world: Synthetic
) -> None:
    cells = [cell for rows in sheets.values() for row in rows for cell in row if cell != ""]
    text = "\n".join(str(cell) for cell in cells)
    references = world.tables.children.get_column("child_ref").to_list()
    assert len(references) > 100
    assert REF_PREFIX not in text
    assert not any(reference in text for reference in references)
    assert not re.search(rf"\b{INITIALS}\b", text)
    headings = [str(cell).lower() for rows in sheets.values() for cell in rows[DATA_ROW]]
    assert not any(word in heading for heading in headings for word in ("birth", "initial"))
    # Every date in the workbook is a date in a child's journey: none can be earlier than
    # the earliest of them. A date of birth before that day can only have come from the
    # children table; none may appear, as a date or as text.
    earliest = _earliest_journey_date(world.frame)
    births = [
        born
        for born in world.tables.children.get_column("date_of_birth").to_list()
        if born < earliest
    ]
    assert len(births) > 30, "too few children born before the journeys to mean anything"
    dates = {_plain(cell) for cell in cells if isinstance(cell, (date, datetime))}
    assert dates and not dates & set(births)
    for born in births:
        assert born.isoformat() not in text
        assert f"{born.day} {born:%b %Y}" not in text


def _earliest_journey_date(frame: pl.DataFrame) -> date:
    columns = [name for name, dtype in frame.schema.items() if dtype == pl.Date]
    columns = [name for name in columns if "birth" not in name]
    earliest: date = frame.select(pl.min_horizontal(pl.col(columns).min())).item()
    return earliest


def test_text_that_looks_like_a_formula_stays_text(
    files: dict[PackFormat, bytes], sheets: dict[str, list[list[Any]]]
) -> None:
    # The local aim's title begins with "=": it reads back exactly as written ...
    assert [row[0] for row in sheets[AIMS_SHEET]].count(LOCAL_TITLE) == 1
    # ... and the workbook holds no formula, and quote-prefixes that cell.
    with zipfile.ZipFile(io.BytesIO(files[PackFormat.XLSX])) as archive:
        names = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert names
        for name in names:
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
        strings = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))  # noqa: S314
        texts = ["".join(item.itertext()) for item in strings.findall(f"{MAIN}si")]
        index = str(texts.index(LOCAL_TITLE))
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))  # noqa: S314
        formats = styles.find(f"{MAIN}cellXfs")
        assert formats is not None
        quoted = {
            str(number)
            for number, xf in enumerate(formats.findall(f"{MAIN}xf"))
            if xf.get("quotePrefix") == "1"
        }
        found = 0
        for name in names:
            sheet = ElementTree.fromstring(archive.read(name))  # noqa: S314
            for cell in sheet.iter(f"{MAIN}c"):
                value = cell.find(f"{MAIN}v")
                if cell.get("t") == "s" and value is not None and value.text == index:
                    assert cell.get("s") in quoted, (name, cell.attrib)
                    found += 1
        assert found == 1


def test_the_stage_sheet_matches_the_stage_table(
    sheets: dict[str, list[list[Any]]], content: PackContent
) -> None:
    rows = [row for row in sheets[STAGES_SHEET][DATA_ROW + 1 :] if any(row)]
    assert [row[0] for row in rows] == [stage.label for stage in content.stages]
    assert [_plain(row[3]) for row in rows] == [stage.reached for stage in content.stages]
