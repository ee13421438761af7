"""Workbooks are read within limits set before anything is unpacked into memory.

Found: a 2 MB workbook that unpacked to 1 GB passed the size check and killed the web
worker; from the command line a 650 kB one took 52 s and 1.6 GB. Each test here crafts
a real hostile XLSX (a zip of a few XML parts, written by hand, as an attacker would)
and checks it is refused quickly, with a message naming the limit and what to do.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest

from permanence.ingest.errors import ExtractError
from permanence.ingest.readers import (
    MAX_WORKBOOK_CELLS,
    MAX_WORKBOOK_COLUMNS,
    read_file,
)

# The parts of a minimal XLSX, as the format's specification spells them.
# ruff: noqa: E501
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="children" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_END = b"</sheetData></worksheet>"


def crafted_workbook(
    path: Path,
    rows: Iterable[bytes],
    shared_strings: list[str] = ("child_ref",),  # type: ignore[assignment]
) -> Path:
    """An XLSX whose one sheet holds ``rows`` (each a ``<row>`` element, as bytes)."""
    strings = "".join(f"<si><t>{text}</t></si>" for text in shared_strings)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8"?><sst '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{strings}</sst>",
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_SHEET_START)
            for row in rows:
                sheet.write(row)
            sheet.write(_SHEET_END)
    return path


def _refusal(path: Path) -> str:
    started = time.perf_counter()
    with pytest.raises(ExtractError) as caught:
        read_file(path)
    assert time.perf_counter() - started < 20, "refusing took as long as reading"
    return str(caught.value)


def test_a_sheet_of_millions_of_repeated_cells_is_refused(tmp_path: Path) -> None:
    # Four million one-digit cells: about 60 MB of XML in a zip of well under 1 MB.
    cells = MAX_WORKBOOK_CELLS + 1_000_000
    row = b"<row>" + b"<c><v>1</v></c>" * 100 + b"</row>"
    path = crafted_workbook(tmp_path / "bomb.xlsx", (row for _ in range(cells // 100)))
    assert path.stat().st_size < 2_000_000
    message = _refusal(path)
    assert "bomb.xlsx" in message and "cells" in message
    assert f"{MAX_WORKBOOK_CELLS:,}" in message
    assert "CSV" in message and "split" in message


def test_two_cells_far_apart_are_refused(tmp_path: Path) -> None:
    # A spreadsheet reader lays a sheet out from its first cell to its last: these two
    # cells would take 147 million.
    rows = [
        b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        b'<row r="9000"><c r="XFD9000"><v>1</v></c></row>',
    ]
    message = _refusal(crafted_workbook(tmp_path / "far.xlsx", rows))
    assert "far.xlsx" in message
    assert f"{MAX_WORKBOOK_COLUMNS:,} columns" in message


def test_one_long_text_repeated_in_every_cell_is_refused(tmp_path: Path) -> None:
    # Each cell names the same 30,000-character text: a small file, gigabytes unpacked.
    row = b"<row>" + b'<c t="s"><v>0</v></c>' * 100 + b"</row>"
    path = crafted_workbook(tmp_path / "long.xlsx", [row] * 2000, ["x" * 30_000])
    message = _refusal(path)
    assert "long.xlsx" in message and "memory" in message


def test_a_workbook_within_the_limits_is_read(tmp_path: Path) -> None:
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'] + [
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'.encode() for n in range(2, 500)
    ]
    (sheet,) = read_file(crafted_workbook(tmp_path / "fine.xlsx", rows))
    assert sheet.header == ("child_ref",) and sheet.frame.height == 498


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("extract.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
        ("extract.ods", b"PK\x03\x04" + b"\x00" * 600),
    ],
)
def test_workbooks_that_cannot_be_checked_first_are_refused(
    tmp_path: Path, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    message = _refusal(path)
    assert name in message and "XLSX or CSV" in message
