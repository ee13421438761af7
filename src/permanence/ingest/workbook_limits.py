"""Limits a workbook is held to before anything in it is unpacked into memory.

An XLSX file is a zip of XML parts, and a small one can unpack to gigabytes: a sheet of
millions of repeated cells compresses to almost nothing, two cells far apart make a
spreadsheet reader lay out billions of empty ones between them, and one long text
named by every cell is copied into each. The reader (python-calamine) builds the whole
sheet in memory at once, so a hostile file would kill the process that opens it.

So before the reader opens a workbook, this module reads the zip's directory (the
unpacked size of every part, which costs nothing) and then streams each worksheet
through, a megabyte at a time, counting rows, cells, the furthest row and column any
cell names, and the text its cells take from the shared strings. From those it
estimates the memory reading would need. A workbook over any limit is refused with a
message naming the limit and what to do (save the sheets as CSV files, or split the
extract), before a single cell is materialised.

XLS (the older binary format), XLSB and ODS cannot be checked like this, so they are
refused with a request to save the workbook as XLSX or CSV.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from permanence.ingest.errors import ExtractError

MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
"""The most all the parts of a workbook may unpack to: 256 MB (a large authority's full
history as a workbook unpacks to about 40 MB)."""

MAX_WORKBOOK_ROWS = 1_000_000
MAX_WORKBOOK_COLUMNS = 200
"""Rows and columns of any one sheet (an extract has a few dozen columns)."""

MAX_WORKBOOK_CELLS = 3_000_000
"""Cells of all the sheets together, counting the empty ones a reader lays out between
the first cell and the last: 100,000 rows of 30 columns."""

MAX_WORKBOOK_MEMORY = 1024 * 1024 * 1024
"""The memory reading the workbook may take, estimated as below: 1 GB."""

# What reading takes, measured on python-calamine 0.9 and Python 3.11: the reader's own
# cell (32 bytes) for every cell of the laid-out sheet, a Python object for every cell
# with a value (about 100 bytes with its list slot), and every text twice (the reader's
# copy and Python's).
_BYTES_PER_LAID_OUT_CELL = 32
_BYTES_PER_FILLED_CELL = 100
_COPIES_OF_TEXT = 2

_UNCHECKABLE = {
    ".xls": "an older Excel workbook (XLS)",
    ".xlsb": "a binary Excel workbook (XLSB)",
    ".ods": "an OpenDocument spreadsheet (ODS)",
}
_CHUNK = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
WHAT_TO_DO = (
    "save each sheet as a CSV file (one per table), or split the extract into smaller "
    "workbooks, and import those"
)

# The patterns allow every way XML lets an element or attribute be written that the
# reader honours: single or double quotes, white space around "=" and after the element's
# name, a ">" inside an attribute's value, lower-case column letters and addresses longer
# than any real spreadsheet's. Each of these once let a hostile workbook past the check.
_VALUE = rb"""(?:"[^"]*"|'[^']*')"""
_ATTRIBUTES = rb"""((?:[^>"']|"[^"]*"|'[^']*')*)"""
_CELL = re.compile(rb"<(?:\w+:)?c(?=[\s>/])" + _ATTRIBUTES + rb">")
# A cell's address, wherever its attribute sits (a row's address has no letters).
_CELL_REF = re.compile(rb"""\br\s*=\s*["']\s*([A-Za-z]+)\s*([0-9]+)""")
_ROW = re.compile(rb"<(?:\w+:)?row(?=[\s>/])" + _ATTRIBUTES + rb">")
_ROW_REF = re.compile(rb"""\br\s*=\s*["']\s*([0-9]+)""")
_SHARED_TYPE = re.compile(rb"""\bt\s*=\s*["']\s*s\s*["']""")
_SHARED_INDEX = re.compile(
    rb"<(?:\w+:)?c(?=[\s>/])(?:[^>\"']|"
    + _VALUE
    + rb""")*?\bt\s*=\s*["']\s*s\s*["']"""
    + _ATTRIBUTES
    + rb">\s*<(?:\w+:)?v(?=[\s>])[^>]*>\s*([0-9]+)"
)
_STRING_ITEM = re.compile(rb"<(?:\w+:)?si[\s>/]")
_SHEET = re.compile(r"<(?:\w+:)?sheet\b([^>]*)>")
_RELATIONSHIP = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTR_NAME = re.compile(r'\bname="([^"]*)"')
_ATTR_REL_ID = re.compile(r'\b\w+:id="([^"]*)"')
_ATTR_ID = re.compile(r'\bId="([^"]*)"')
_ATTR_TARGET = re.compile(r'\bTarget="([^"]*)"')


@dataclass
class SheetSize:
    """What one worksheet holds, counted without unpacking it into memory."""

    rows: int = 0
    cells: int = 0
    last_row: int = 0
    last_column: int = 0
    widest_row: int = 0
    shared_text_bytes: int = 0

    @property
    def laid_out_cells(self) -> int:
        """The cells a reader lays out: from A1 to the furthest row and column."""
        return max(self.last_row, self.rows) * max(self.last_column, self.widest_row)


def check_workbook_limits(path: Path, data: bytes) -> None:
    """Refuse (``ExtractError``) a workbook over any limit, or one that cannot be checked."""
    suffix = path.suffix.lower()
    if suffix in _UNCHECKABLE:
        raise ExtractError([_cannot_check(path, _UNCHECKABLE[suffix])])
    if not data.startswith(_ZIP_MAGIC):
        raise ExtractError([_cannot_check(path, _UNCHECKABLE[".xls"])])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check(path, archive)
    except zipfile.BadZipFile:
        raise ExtractError(
            [f"{path.name}: cannot be opened as a workbook; it may be damaged or truncated"]
        ) from None
    except (zlib.error, EOFError, NotImplementedError, RuntimeError, zipfile.LargeZipFile):
        raise ExtractError(
            [f"{path.name}: a part of the workbook cannot be unpacked; it may be damaged"]
        ) from None


def _cannot_check(path: Path, what: str) -> str:
    return (
        f"{path.name}: is {what}, which cannot be checked for size before it is opened; "
        "save it from the spreadsheet program as a workbook (XLSX or CSV files) and import that"
    )


def _check(path: Path, archive: zipfile.ZipFile) -> None:
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names or "content.xml" in names:
            what = _UNCHECKABLE[".xlsb" if "xl/workbook.bin" in names else ".ods"]
            raise ExtractError([_cannot_check(path, what)])
        raise ExtractError(
            [f"{path.name}: cannot be opened as a workbook; it may be damaged or truncated"]
        )
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise _over(path, "unpacks to", unpacked, MAX_UNCOMPRESSED_BYTES, "bytes", sheet=None)
    text_lengths = _shared_text_lengths(archive, names)
    cells = 0
    memory = 0
    for sheet, member in _worksheets(archive):
        if member not in names:
            continue
        size = _measure(archive, member, text_lengths)
        if size.rows > MAX_WORKBOOK_ROWS or size.last_row > MAX_WORKBOOK_ROWS:
            rows = max(size.rows, size.last_row)
            raise _over(path, "has", rows, MAX_WORKBOOK_ROWS, "rows", sheet=sheet)
        columns = max(size.last_column, size.widest_row)
        if columns > MAX_WORKBOOK_COLUMNS:
            raise _over(path, "reaches", columns, MAX_WORKBOOK_COLUMNS, "columns", sheet=sheet)
        cells += size.laid_out_cells
        if cells > MAX_WORKBOOK_CELLS:
            raise _over(path, "lays out", cells, MAX_WORKBOOK_CELLS, "cells", sheet=None)
        memory += (
            size.laid_out_cells * _BYTES_PER_LAID_OUT_CELL
            + size.cells * _BYTES_PER_FILLED_CELL
            + size.shared_text_bytes * _COPIES_OF_TEXT
        )
        if memory > MAX_WORKBOOK_MEMORY:
            raise ExtractError(
                [
                    f"{path.name}: reading it would take about {_megabytes(memory)} of memory, "
                    f"over the limit of {_megabytes(MAX_WORKBOOK_MEMORY)} (its cells repeat "
                    f"long texts); {WHAT_TO_DO}"
                ]
            )


def _over(
    path: Path, verb: str, found: int, limit: int, unit: str, *, sheet: str | None
) -> ExtractError:
    where = f"{path.name}, sheet {sheet!r}" if sheet else path.name
    amount = (
        f"{_megabytes(found)}, over the limit of {_megabytes(limit)}"
        if unit == "bytes"
        else f"{found:,} {unit}, over the limit of {limit:,} {unit}"
    )
    return ExtractError([f"{where}: {verb} {amount}; {WHAT_TO_DO}"])


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"


def _chunks(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """A part's XML in pieces that end at the end of an element, a megabyte at a time."""
    carried = b""
    with archive.open(member) as stream:
        while piece := stream.read(_CHUNK):
            buffer = carried + piece
            cut = max(
                _end_after(buffer, buffer.rfind(b"</c>"), 4),
                _end_after(buffer, buffer.rfind(b"</si>"), 5),
                _end_after(buffer, buffer.rfind(b"/>"), 2),
                _end_after(buffer, buffer.rfind(b":c>"), 3),  # </x:c>, a prefixed writer's
            )
            if cut == 0 and len(buffer) > 64 * _CHUNK:
                raise zlib.error("an element longer than 64 MB")
            carried = buffer[cut:]
            yield buffer[:cut]
    if carried:
        yield carried


def _end_after(buffer: bytes, found: int, length: int) -> int:
    return found + length if found >= 0 else 0


def _shared_text_lengths(archive: zipfile.ZipFile, names: set[str]) -> array[int]:
    """The length in bytes of each shared string, in order (its text and markup)."""
    lengths: array[int] = array("Q")
    member = "xl/sharedStrings.xml"
    if member not in names:
        return lengths
    start = None
    offset = 0
    for chunk in _chunks(archive, member):
        for match in _STRING_ITEM.finditer(chunk):
            position = offset + match.start()
            if start is not None:
                lengths.append(position - start)
            start = position
        offset += len(chunk)
    if start is not None:
        lengths.append(max(offset - start, 0))
    return lengths


def _measure(archive: zipfile.ZipFile, member: str, text_lengths: array[int]) -> SheetSize:
    """Count a sheet's rows and cells and find its furthest cell, streaming its XML.

    Counting is done with ``bytes.count`` and ``re.findall`` over whole pieces (in C),
    never cell by cell in Python: the point is to look at millions of cells quickly.
    """
    size = SheetSize()
    in_row = 0
    for chunk in _chunks(archive, member):
        pieces = _ROW.split(chunk)
        # split() alternates text and a row's attributes: text, attrs, text, attrs, ...
        for index, piece in enumerate(pieces):
            if index % 2 == 1:
                size.widest_row = max(size.widest_row, in_row)
                in_row = 0
                size.rows += 1
                if reference := _ROW_REF.search(piece):
                    size.last_row = max(size.last_row, int(reference[1]))
                continue
            cells = _count_cells(piece)
            size.cells += cells
            in_row += cells
            references = set(_CELL_REF.findall(piece))
            if references:
                size.last_column = max(
                    size.last_column, max(_column_number(letters) for letters, _ in references)
                )
                size.last_row = max(size.last_row, max(int(row) for _, row in references))
            if _SHARED_TYPE.search(piece):
                for _, shared in _SHARED_INDEX.findall(piece):
                    index_of_text = int(shared)
                    if index_of_text < len(text_lengths):
                        size.shared_text_bytes += text_lengths[index_of_text]
    size.widest_row = max(size.widest_row, in_row)
    return size


def _count_cells(piece: bytes) -> int:
    if b":c" in piece:  # a writer that prefixes its elements: the slower, general count
        return len(_CELL.findall(piece))
    return sum(piece.count(b"<c" + after) for after in _AFTER_A_NAME)


#: What may follow an element's name: white space (XML's four kinds), ">" or "/>".
_AFTER_A_NAME = (b" ", b"\t", b"\n", b"\r", b">", b"/")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + (letter - 64)
    return number


def _worksheets(archive: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """(sheet name, archive member) for each worksheet, from the workbook's relationships."""
    try:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", errors="replace")
        relationships = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", errors="replace")
    except KeyError:
        return
    targets: dict[str, str] = {}
    for attributes in _RELATIONSHIP.findall(relationships):
        identifier, target = _ATTR_ID.search(attributes), _ATTR_TARGET.search(attributes)
        if identifier and target:
            targets[identifier.group(1)] = target.group(1)
    for attributes in _SHEET.findall(workbook):
        name, identifier = _ATTR_NAME.search(attributes), _ATTR_REL_ID.search(attributes)
        if not (name and identifier) or identifier.group(1) not in targets:
            continue
        path = targets[identifier.group(1)]
        member = path.lstrip("/") if path.startswith("/") else str(PurePosixPath("xl") / path)
        yield name.group(1), member
