"""Reading extract files into tables of text, keeping every row's spreadsheet row number.

Nothing here knows about the canonical tables: a reader turns one file into one
``RawSheet`` per table-shaped thing in it (a CSV file, or each worksheet of a workbook),
every value as text exactly as written, so that "007" stays "007" and a bad value is left
for the rules to report on its row. A file that cannot be read at all raises
``ExtractError`` with a sentence naming it.

- CSV: UTF-8 with or without a byte order mark, UTF-16 with a byte order mark, or
  Windows-1252 (tried when the bytes are not UTF-8); comma, semicolon or tab separated
  (sniffed from the header line). Read by polars; when polars cannot parse the file
  (a stray quotation mark), Python's more forgiving csv module tries before giving up.
- Workbooks (XLSX, XLSM): read by python-calamine, which reads the values a spreadsheet
  program last calculated and never runs a formula. Numbers that are whole become
  whole-number text (an identifier 7.0 is "7"), date cells become ISO dates, text cells
  stay exactly as written. Before anything is unpacked, the workbook is held to limits
  (``workbook_limits.py``): a small file can unpack to gigabytes. XLS, XLSB and ODS
  files cannot be checked that way, so they are refused with a request to save the
  workbook as XLSX or CSV. The reader then runs in a process of its own with a hard
  memory limit (``workbook_process.py``), the backstop for a workbook the limits misjudge.

Row numbers are the ones a person sees: in a workbook the sheet's own row numbers, in a
CSV file the record's position when the file is opened in a spreadsheet (the header is
row 1 when it is the first line). Blank rows are skipped but keep their numbers counted.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl

from permanence.ingest.errors import ExtractError
from permanence.ingest.workbook_limits import (  # noqa: F401 - the limits, for callers
    MAX_UNCOMPRESSED_BYTES,
    MAX_WORKBOOK_CELLS,
    MAX_WORKBOOK_COLUMNS,
    MAX_WORKBOOK_MEMORY,
    MAX_WORKBOOK_ROWS,
    check_workbook_limits,
)

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
"""The largest file accepted, 100 MB: several times a large authority's full history
(a 100,000-row extract is about 6 MB of CSV). Callers may pass another limit."""


ROW = "_row"
SURPLUS = "_surplus"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"})
_SEPARATORS = (",", ";", "\t")


@dataclass(frozen=True, slots=True)
class RawSheet:
    """One table-shaped part of a file: a CSV file or one worksheet.

    ``frame`` has ``_row`` (the spreadsheet row number, Int64), ``_surplus`` (the first
    value beyond the header's width in a CSV row, else null) and one String column per
    header position, named ``c0``, ``c1``, ... Blank rows are left out.
    """

    path: Path
    sheet: str | None
    header: tuple[str, ...]
    frame: pl.DataFrame
    encoding: str | None = None
    separator: str | None = None
    formula_cells: tuple[str, ...] = ()
    formula_count: int = 0
    ends_cleanly: bool = True
    """False for a CSV file whose last line has no line break: it may have been cut off."""

    @property
    def source(self) -> str:
        """How a person names this part of the extract in a message."""
        if self.sheet is None:
            return self.path.name
        return f"{self.path.name}, sheet {self.sheet!r}"

    @property
    def is_workbook_sheet(self) -> bool:
        return self.sheet is not None


def read_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[RawSheet]:
    """Every table-shaped part of the file at ``path``; raises ``ExtractError``."""
    data = _read_bytes(path, max_bytes)
    if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
        check_workbook_limits(path, data)
        return read_workbook(path, data)
    if path.suffix.lower() in _WORKBOOK_SUFFIXES:
        raise ExtractError(
            [
                f"{path.name}: is named as a workbook but is not one; it may be damaged or "
                "truncated, so save it again from the spreadsheet program"
            ]
        )
    return [read_csv(path, data)]


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        if not path.is_file():
            what = "a folder inside a folder" if path.is_dir() else "not found"
            raise ExtractError([f"{path}: {what}"])
        size = path.stat().st_size
        if size > max_bytes:
            raise ExtractError(
                [f"{path.name}: is {_megabytes(size)}, over the limit of {_megabytes(max_bytes)}"]
            )
        data = path.read_bytes()
    except OSError as error:
        raise ExtractError([f"{path}: cannot be read ({error.strerror or error})"]) from None
    if not data.strip():
        raise ExtractError([f"{path.name}: is empty"])
    return data


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


# ---------------------------------------------------------------------------------------
# CSV


def read_csv(path: Path, data: bytes) -> RawSheet:
    """One CSV file's values as text (see the module docstring for what is accepted)."""
    text, encoding = decode_text(path, data)
    if _looks_binary(text):
        raise ExtractError([f"{path.name}: is not a CSV file or a workbook (it holds binary data)"])
    separator = sniff_separator(text)
    header = _first_record(text, separator)
    if not header:
        raise ExtractError([f"{path.name}: has no header row"])
    width = len(header)
    try:
        frame = _parse_with_polars(text, separator, width)
    except pl.exceptions.PolarsError:
        frame = _parse_with_csv_module(path, text, separator, width)
    frame = _after_header(frame, width)
    _refuse_unclosed_quote(path, text, frame)
    return RawSheet(
        path=path,
        sheet=None,
        header=tuple(_clean_header(value) for value in header),
        frame=frame,
        encoding=encoding,
        separator=separator,
        ends_cleanly=text.endswith(("\n", "\r")),
    )


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """The file's text and the name of its encoding.

    UTF-8 is tried first (a byte order mark is dropped); bytes that are not UTF-8 are read
    as Windows-1252, which is what Excel writes as "CSV" on a UK Windows machine. A file cut
    off in the middle of a UTF-8 character is still read as UTF-8.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ExtractError([f"{path.name}: is damaged UTF-16 text"]) from None
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":
            return data.decode("utf-8-sig", errors="replace"), "UTF-8"
    return data.decode("cp1252", errors="replace"), "Windows-1252"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _looks_binary(text: str) -> bool:
    """Whether the start of the text is full of control characters, as binary data is."""
    sample = text[:65536]
    return "\x00" in sample or len(_CONTROL.findall(sample)) > max(8, len(sample) // 100)


def _first_line(text: str) -> str:
    """The first line that is not blank, looking no further than the file's start."""
    head = text[:1_048_576]
    return next((line for line in head.splitlines() if line.strip()), "")


def sniff_separator(text: str) -> str:
    """Comma, semicolon or tab: whichever the first non-blank line uses most (comma on a tie)."""
    without_quoted = re.sub(r'"[^"]*"', "", _first_line(text))
    counts = {separator: without_quoted.count(separator) for separator in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda separator: counts[separator])
    return best if counts[best] > 0 else ","


def _first_record(text: str, separator: str) -> list[str]:
    try:
        return next(csv.reader([_first_line(text)], delimiter=separator, strict=False), [])
    except csv.Error:
        return []


def _columns(width: int) -> list[str]:
    return [f"c{index}" for index in range(width)]


def _parse_with_polars(text: str, separator: str, width: int) -> pl.DataFrame:
    schema = dict.fromkeys([*_columns(width), SURPLUS], pl.String)
    frame = pl.read_csv(
        io.BytesIO(text.encode("utf-8")),
        has_header=False,
        schema=schema,
        separator=separator,
        truncate_ragged_lines=True,
        missing_columns="insert",
        raise_if_empty=False,
        infer_schema=False,
    )
    return frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))


def _parse_with_csv_module(path: Path, text: str, separator: str, width: int) -> pl.DataFrame:
    """The slower, more forgiving parser, used only when polars gives up on a file."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=False)
    records: list[list[str | None]] = []
    try:
        for record in reader:
            padded: list[str | None] = [*record[: width + 1]]
            padded.extend([None] * (width + 1 - len(padded)))
            records.append(padded)
    except csv.Error as error:
        raise ExtractError(
            [
                f"{path.name}: cannot be read as CSV at line {reader.line_num} ({error}); "
                "it may be truncated or have a quotation mark that is never closed"
            ]
        ) from None
    names = [*_columns(width), SURPLUS]
    columns = list(zip(*records, strict=True)) if records else [() for _ in names]
    frame = pl.DataFrame(
        {
            name: pl.Series(name, values, dtype=pl.String)
            for name, values in zip(names, columns, strict=True)
        }
    )
    return frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))


def _after_header(frame: pl.DataFrame, width: int) -> pl.DataFrame:
    """The rows after the first non-blank one (the header), blank rows left out."""
    names = [*_columns(width), SURPLUS]
    filled = pl.any_horizontal(
        [pl.col(name).str.strip_chars().str.len_chars().fill_null(0) > 0 for name in names]
    )
    frame = frame.filter(filled)
    return frame.slice(1).select(ROW, SURPLUS, *_columns(width))


def _refuse_unclosed_quote(path: Path, text: str, frame: pl.DataFrame) -> None:
    """Refuse a file whose last quoted value runs to the end of the file.

    A quotation mark that is never closed swallows every later line into one value, so
    rows would vanish without an issue. In a well-formed file quotation marks come in
    pairs; an odd count with a value spanning lines means the file was cut off or broken.
    """
    if text.count('"') % 2 == 0:
        return
    value_columns = [name for name in frame.columns if name != ROW]
    spanning = frame.filter(
        pl.any_horizontal(
            [pl.col(name).str.contains("\n").fill_null(False) for name in value_columns]
        )
    )
    if spanning.height:
        row = spanning[ROW].item(-1)
        raise ExtractError(
            [
                f"{path.name}: row {row} opens a quotation mark that is never closed, so the "
                "rest of the file would be read as one value; the file may be truncated"
            ]
        )


def _clean_header(value: str | None) -> str:
    return (value or "").replace("\ufeff", "").strip()


# ---------------------------------------------------------------------------------------
# Workbooks


def read_workbook(path: Path, data: bytes) -> list[RawSheet]:
    """Every worksheet with a header row, as text, read in a process of its own under a
    hard memory limit (``workbook_process.py``), so that a workbook the limits misjudge
    cannot take this process's memory."""
    from permanence.ingest.workbook_process import read_workbook_apart

    return read_workbook_apart(path, data)


def read_workbook_here(path: Path, data: bytes) -> list[RawSheet]:
    """Every worksheet with a header row, as text, read in this process (see the module
    docstring); ``read_workbook`` runs this in a process of its own."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    formulas = _formula_cells(path, data) if data.startswith(_ZIP_MAGIC) else {}
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets: list[RawSheet] = []
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheet = _sheet_from_rows(path, name, rows)
            if sheet is None:
                continue
            cells = formulas.get(name, ())
            sheets.append(
                RawSheet(
                    path=path,
                    sheet=name,
                    header=sheet.header,
                    frame=sheet.frame,
                    formula_cells=tuple(cells[:10]),
                    formula_count=len(cells),
                )
            )
    except PasswordError:
        raise ExtractError(
            [f"{path.name}: the workbook is protected by a password; save a copy without one"]
        ) from None
    except (CalamineError, ValueError, OverflowError) as error:
        raise ExtractError(
            [
                f"{path.name}: cannot be opened as a workbook; it may be damaged or truncated "
                f"({error})"
            ]
        ) from None
    return sheets


def _sheet_from_rows(path: Path, name: str, rows: Sequence[Sequence[Any]]) -> RawSheet | None:
    """The sheet's cells as text columns: header, rows and surplus found with polars."""
    if not rows:
        return None
    cells = list(zip(*rows, strict=False)) if len(rows) > 1 else [(value,) for value in rows[0]]
    names = [f"x{index}" for index in range(len(cells))]
    frame = pl.DataFrame(
        [column_text(column_name, values) for column_name, values in zip(names, cells, strict=True)]
    ).with_row_index(ROW, offset=1)
    frame = frame.with_columns(pl.col(ROW).cast(pl.Int64)).filter(_any_filled(names))
    if frame.is_empty():
        return None
    header = tuple(_clean_header(value) for value in frame.row(0)[1:])
    while header and not header[-1]:
        header = header[:-1]
    width = len(header)
    beyond = [
        pl.when(pl.col(column).str.strip_chars().str.len_chars() > 0).then(pl.col(column))
        for column in names[width:]
    ]
    surplus = pl.coalesce(beyond) if beyond else pl.lit(None, dtype=pl.String)
    body = frame.slice(1).select(
        ROW,
        surplus.alias(SURPLUS),
        *(pl.col(names[index]).alias(f"c{index}") for index in range(width)),
    )
    return RawSheet(path=path, sheet=name, header=header, frame=body)


def _any_filled(names: Sequence[str]) -> pl.Expr:
    return pl.any_horizontal(
        [pl.col(column).str.strip_chars().str.len_chars().fill_null(0) > 0 for column in names]
    )


def column_text(name: str, values: Sequence[Any]) -> pl.Series:
    """One column of workbook cells as text (see ``cell_text``), a column at a time.

    A column of text cells is taken as it is, and a column of date cells is turned into
    ISO text by polars; only other mixtures are converted cell by cell.
    """
    kinds = set(map(type, values))
    if kinds <= {str}:
        return pl.Series(name, values, dtype=pl.String)
    if kinds <= {str, date}:
        dates = pl.Series(name, [v if type(v) is date else None for v in values], dtype=pl.Date)
        texts = pl.Series(name, [v if type(v) is str else None for v in values], dtype=pl.String)
        return dates.dt.to_string("%Y-%m-%d").fill_null(texts)
    return pl.Series(name, [v if type(v) is str else cell_text(v) for v in values], dtype=pl.String)


def cell_text(value: Any) -> str | None:
    """A workbook cell's value as the text a person means by it.

    A whole number stored as a number (7.0, as spreadsheets store every number) is "7";
    other numbers keep Excel's 15 significant digits; a date cell is an ISO date (with
    the time of day when it is not midnight); an empty cell is None.
    """
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if value is None:
        return None
    return str(value)


_FORMULA_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3}[0-9]+)\"[^>]*>\s*<(?:\w+:)?f\b")
_SHEET = re.compile(r"<(?:\w+:)?sheet\b([^>]*)>")
_RELATIONSHIP = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTR_NAME = re.compile(r'\bname="([^"]*)"')
_ATTR_REL_ID = re.compile(r'\b\w+:id="([^"]*)"')
_ATTR_ID = re.compile(r'\bId="([^"]*)"')
_ATTR_TARGET = re.compile(r'\bTarget="([^"]*)"')


def _formula_cells(path: Path, data: bytes) -> dict[str, list[str]]:
    """For each worksheet, the references of cells that hold a formula.

    Formulas are never run; this only lets the import say which values came from one.
    The workbook has already been held to its limits (``check_workbook_limits``).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            cells: dict[str, list[str]] = {}
            for sheet_name, member in _worksheet_members(archive):
                xml = archive.read(member)
                if b"<f" not in xml and b":f" not in xml:
                    continue  # no formula element can be in this sheet
                found = [match.decode("ascii") for match in _FORMULA_CELL.findall(xml)]
                if found:
                    cells[sheet_name] = found
            return cells
    except zipfile.BadZipFile:
        raise ExtractError(
            [f"{path.name}: cannot be opened as a workbook; it may be damaged or truncated"]
        ) from None
    except (
        KeyError,
        RuntimeError,
        OSError,
        EOFError,
        zipfile.LargeZipFile,
        NotImplementedError,
        zlib.error,
    ):
        # Damaged parts are reported by the reader itself; formulas are a courtesy.
        return {}


def _worksheet_members(archive: zipfile.ZipFile) -> Iterable[tuple[str, str]]:
    """(sheet name, archive member) for each worksheet, from the workbook's relationships.

    Read with patterns rather than an XML parser: the two parts are small, and nothing
    in an untrusted file is ever expanded or fetched.
    """
    workbook = archive.read("xl/workbook.xml").decode("utf-8", errors="replace")
    relationships = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", errors="replace")
    targets: dict[str, str] = {}
    for attributes in _RELATIONSHIP.findall(relationships):
        identifier, target = _ATTR_ID.search(attributes), _ATTR_TARGET.search(attributes)
        if identifier and target:
            targets[identifier.group(1)] = html.unescape(target.group(1))
    for attributes in _SHEET.findall(workbook):
        name, identifier = _ATTR_NAME.search(attributes), _ATTR_REL_ID.search(attributes)
        if not (name and identifier) or identifier.group(1) not in targets:
            continue
        path = targets[identifier.group(1)]
        member = path.lstrip("/") if path.startswith("/") else str(PurePosixPath("xl") / path)
        yield html.unescape(name.group(1)), member
