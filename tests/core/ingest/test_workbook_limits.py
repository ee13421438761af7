"""Workbooks are read within limits set before anything is unpacked into memory.

Found: a 2 MB workbook that unpacked to 1 GB passed the size check and killed the web
worker; from the command line a 650 kB one took 52 s and 1.6 GB. Each test here crafts
a real hostile XLSX (a zip of a few XML parts, written by hand, as an attacker would)
and checks it is refused before the reader unpacks anything, with a message naming
the limit and what to do.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn
from unittest import mock

import pytest

from permanence.ingest import readers
from permanence.ingest.errors import ExtractError
from permanence.ingest.readers import (
    MAX_WORKBOOK_CELLS,
    MAX_WORKBOOK_COLUMNS,
    MAX_WORKBOOK_ROWS,
    check_workbook_limits,
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
    """The refusal, given before the reader is asked to unpack anything."""

    def never(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError("the reader was asked to unpack a workbook over the limits")

    with mock.patch.object(readers, "read_workbook", never), pytest.raises(ExtractError) as caught:
        read_file(path)
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


@pytest.mark.parametrize(
    "far_cell",
    [
        # XML allows each of these spellings, and the reader (python-calamine) honours
        # them all: each once slipped past the check and the reader asked for 4.7 GB.
        b"<row r='9000'><c r='XFD9000'><v>1</v></c></row>",  # single quotes
        b'<row r="9000"><c r = "XFD9000"><v>1</v></c></row>',  # spaces around =
        b'<row r="9000"><c s=">" r="XFD9000"><v>1</v></c></row>',  # ">" in a value
        b'<row r="9000"><c r="xfd9000"><v>1</v></c></row>',  # lower-case column
    ],
    ids=["single quotes", "spaces around =", "> in a value", "lower case"],
)
def test_a_far_cell_however_its_address_is_written_is_refused(
    tmp_path: Path, far_cell: bytes
) -> None:
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>', far_cell]
    path = crafted_workbook(tmp_path / "far.xlsx", rows)
    # The check alone: were it to pass the file, the reader would take gigabytes.
    with pytest.raises(ExtractError) as caught:
        check_workbook_limits(path, path.read_bytes())
    assert f"{MAX_WORKBOOK_COLUMNS:,} columns" in str(caught.value)


@pytest.mark.parametrize(
    ("far_cell", "limit"),
    [
        # Addresses longer than any real spreadsheet's: the reader lays them out all the same.
        (b'<row><c r="A50000000"><v>1</v></c></row>', f"{MAX_WORKBOOK_ROWS:,} rows"),
        (b'<row r="2000"><c r="ZZZZ2000"><v>1</v></c></row>', f"{MAX_WORKBOOK_COLUMNS:,} columns"),
    ],
    ids=["an eight-digit row", "a four-letter column"],
)
def test_a_cell_beyond_any_real_spreadsheets_address_is_refused(
    tmp_path: Path, far_cell: bytes, limit: str
) -> None:
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>', far_cell]
    path = crafted_workbook(tmp_path / "far.xlsx", rows)
    with pytest.raises(ExtractError) as caught:
        check_workbook_limits(path, path.read_bytes())
    assert limit in str(caught.value)


def test_one_long_text_repeated_in_every_cell_is_refused(tmp_path: Path) -> None:
    # Each cell names the same 30,000-character text: a small file, gigabytes unpacked.
    row = b"<row>" + b'<c t="s"><v>0</v></c>' * 100 + b"</row>"
    path = crafted_workbook(tmp_path / "long.xlsx", [row] * 2000, ["x" * 30_000])
    message = _refusal(path)
    assert "long.xlsx" in message and "memory" in message


@pytest.mark.parametrize(
    "cell",
    [b"<c t='s'><v>0</v></c>", b'<c t = "s"><v>0</v></c>', b'<c\nt="s"><v>0</v></c>'],
    ids=["single quotes", "spaces around =", "a new line"],
)
def test_a_long_text_named_however_the_cells_are_written_is_refused(
    tmp_path: Path, cell: bytes
) -> None:
    row = b"<row>" + cell * 100 + b"</row>"
    path = crafted_workbook(tmp_path / "long.xlsx", [row] * 2000, ["x" * 30_000])
    with pytest.raises(ExtractError, match="memory"):
        check_workbook_limits(path, path.read_bytes())


def test_millions_of_cells_written_with_other_white_space_are_refused(tmp_path: Path) -> None:
    # "<c" followed by a new line, a tab or a return is a cell as much as "<c ".
    cells = MAX_WORKBOOK_CELLS + 1_000_000
    written = b"<c\n><v>1</v></c>" + b"<c\t><v>1</v></c>" + b"<c\r><v>1</v></c>"
    row = b"<row>" + written * 33 + b"<c\n/></row>"
    path = crafted_workbook(tmp_path / "bomb.xlsx", (row for _ in range(cells // 100)))
    with pytest.raises(ExtractError) as caught:
        check_workbook_limits(path, path.read_bytes())
    assert f"{MAX_WORKBOOK_CELLS:,}" in str(caught.value)


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
