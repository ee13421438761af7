"""Reading an extract: files in, canonical tables of text out, nothing judged yet.

``read_extract`` reads every file, finds which file or sheet holds which canonical table
(by the profile's file-name patterns and sheet names), renames the source columns to the
canonical ones, trims values and translates code values. Every value stays text: turning
text into dates and numbers, and deciding what is wrong, is ``validate``'s work, so that a
bad value becomes an issue on its row rather than an exception.

What is found while reading (a missing table or column, a sheet of formulas, a file that
matches no table) is kept as ``Notice`` s, which ``validate`` reports as issues beside
the row-level ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from permanence.ingest.errors import ExtractError
from permanence.ingest.format import (
    OPTIONAL_TABLES,
    TABLES,
    code_aliases,
    coded_columns,
    columns,
    quiet_when_missing,
    required_columns,
)
from permanence.ingest.profile import Profile, TableProfile, load_profile, normalise_name
from permanence.ingest.readers import DEFAULT_MAX_BYTES, ROW, SURPLUS, RawSheet, read_file

SOURCE = "_source"
BLOCKED = "_blocked"
"""True on rows of a file or sheet that lacks a column every row needs: none can load."""

BOOKKEEPING = (SOURCE, ROW, SURPLUS, BLOCKED)

ESSENTIAL_TABLES = frozenset({"children", "care_periods"})


@dataclass(frozen=True, slots=True)
class Notice:
    """A finding about a file, sheet or table rather than a row's values."""

    rule: str
    table: str | None
    source: str | None
    value: str
    fields: tuple[str, ...] = ()
    row: int | None = None


@dataclass(frozen=True, slots=True)
class SheetMapping:
    """How one file or sheet was read as one canonical table (for ``profile check``)."""

    table: str
    source: str
    header: tuple[str, ...]
    found: Mapping[str, str]
    """Canonical column -> the source column it was read from."""
    missing: Mapping[str, str]
    """Canonical column -> the source column the profile expected and the file lacks."""
    not_given: tuple[str, ...]
    """Canonical columns the profile says this system does not provide."""
    unused: tuple[str, ...]
    """Source columns no canonical column reads."""
    rows: int
    encoding: str | None = None
    separator: str | None = None


@dataclass(frozen=True, slots=True)
class Extract:
    """An extract read and mapped onto the canonical tables, every value still text.

    ``tables`` holds one frame per canonical table (empty when the extract lacks it) with
    ``_source`` (file and sheet), ``_row`` (spreadsheet row), ``_surplus``, ``_blocked``
    and the canonical columns as String, child-level tables ending with the optional
    ``date_of_birth``.
    """

    tables: Mapping[str, pl.DataFrame]
    extract_date: date
    profile: Profile
    files: tuple[str, ...]
    notices: tuple[Notice, ...] = ()
    mappings: tuple[SheetMapping, ...] = ()
    unused_sources: tuple[str, ...] = ()
    present: frozenset[str] = field(default_factory=frozenset)

    def table(self, name: str) -> pl.DataFrame:
        return self.tables[name]


def read_extract(
    paths: Path | str | Iterable[Path | str],
    profile: Profile | str | Path | None = None,
    *,
    extract_date: date,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Extract:
    """Read the extract's files (or folders of them) with ``profile``.

    ``profile`` is a ``Profile``, a shipped profile's name or a profile file's path; None
    is the canonical format. ``extract_date`` is the day the data was taken from the case
    recording system: nothing can have happened after it, and overdue queries are measured
    at it. Files over ``max_bytes`` are refused. Raises ``ExtractError`` (every unreadable
    file named) or ``ProfileError``.
    """
    chosen = profile if isinstance(profile, Profile) else load_profile(profile)
    files = expand_paths(paths)
    sheets, problems = _read_all(files, max_bytes)
    if problems:
        raise ExtractError(problems)
    return build_extract(sheets, chosen, extract_date=extract_date, files=files)


def expand_paths(paths: Path | str | Iterable[Path | str]) -> list[Path]:
    """The files named, with each folder replaced by the files in it (hidden and Office
    lock files ``~$...`` left out). Raises ``ExtractError`` when there are none."""
    if isinstance(paths, str | Path):
        paths = [paths]
    files: list[Path] = []
    problems: list[str] = []
    for entry in (Path(path) for path in paths):
        if entry.is_dir():
            inside = sorted(
                child
                for child in entry.iterdir()
                if child.is_file() and not child.name.startswith((".", "~$"))
            )
            if not inside:
                problems.append(f"{entry}: the folder holds no files")
            files.extend(inside)
        elif entry.exists():
            files.append(entry)
        else:
            problems.append(f"{entry}: not found")
    if problems:
        raise ExtractError(problems)
    if not files:
        raise ExtractError(["no files were given"])
    return files


def _read_all(files: Sequence[Path], max_bytes: int) -> tuple[list[RawSheet], list[str]]:
    sheets: list[RawSheet] = []
    problems: list[str] = []
    for path in files:
        try:
            sheets.extend(read_file(path, max_bytes=max_bytes))
        except ExtractError as error:
            problems.extend(error.problems)
    return sheets, problems


def build_extract(
    sheets: Sequence[RawSheet],
    profile: Profile,
    *,
    extract_date: date,
    files: Sequence[Path] = (),
) -> Extract:
    """Map already-read sheets onto the canonical tables (``read_extract`` without I/O)."""
    assigned, unused = assign_sheets(sheets, profile)
    notices: list[Notice] = [
        Notice("FILE002", None, sheet.source, "matches no table of the profile") for sheet in unused
    ]
    tables: dict[str, pl.DataFrame] = {}
    mappings: list[SheetMapping] = []
    for table in TABLES:
        frames = []
        for sheet in assigned.get(table, []):
            frame, mapping, sheet_notices = map_sheet(sheet, profile.table(table))
            frames.append(frame)
            mappings.append(mapping)
            notices.extend(sheet_notices)
        # One chunk per column: a frame built from several files is made whole here.
        tables[table] = pl.concat(frames, how="vertical").rechunk() if frames else _empty(table)
        if not frames and table not in OPTIONAL_TABLES:
            notices.append(_missing_table_notice(profile.table(table)))
    return Extract(
        tables=tables,
        extract_date=extract_date,
        profile=profile,
        files=tuple(str(path) for path in files),
        notices=tuple(notices),
        mappings=tuple(mappings),
        unused_sources=tuple(sheet.source for sheet in unused),
        present=frozenset(assigned),
    )


def assign_sheets(
    sheets: Sequence[RawSheet], profile: Profile
) -> tuple[dict[str, list[RawSheet]], list[RawSheet]]:
    """Which sheets hold which table, and the sheets that hold none.

    A CSV file is matched by its name against each table's file patterns. A worksheet is
    matched by its sheet name; failing that, the first sheet of a workbook whose file name
    matches a table's pattern (``children.xlsx``) holds that table.
    """
    assigned: dict[str, list[RawSheet]] = {}
    unused: list[RawSheet] = []
    first_sheet_seen: set[Path] = set()
    for sheet in sheets:
        table = _table_for(sheet, profile, first_of_workbook=sheet.path not in first_sheet_seen)
        if sheet.is_workbook_sheet:
            first_sheet_seen.add(sheet.path)
        if table is None:
            unused.append(sheet)
        else:
            assigned.setdefault(table, []).append(sheet)
    return assigned, unused


def _table_for(sheet: RawSheet, profile: Profile, *, first_of_workbook: bool) -> str | None:
    if sheet.sheet is not None:
        for table in TABLES:
            if profile.table(table).matches_sheet(sheet.sheet):
                return table
        if not first_of_workbook:
            return None
    for table in TABLES:
        if profile.table(table).matches_file(sheet.path.name):
            return table
    return None


def map_sheet(
    sheet: RawSheet, table_profile: TableProfile
) -> tuple[pl.DataFrame, SheetMapping, list[Notice]]:
    """The sheet's values under canonical column names, trimmed and with codes translated."""
    table = table_profile.table
    positions = _header_positions(sheet.header)
    found: dict[str, str] = {}
    missing: dict[str, str] = {}
    not_given: list[str] = []
    expressions: list[pl.Expr] = []
    for column in columns(table):
        source = table_profile.source_column(column)
        position = positions.get(normalise_name(source)) if source is not None else None
        if source is None:
            not_given.append(column)
        elif position is None:
            missing[column] = source
        else:
            found[column] = sheet.header[position]
        expressions.append(_value(sheet, position, table_profile, column))
    blocked = bool(required_columns(table) - set(found))
    frame = sheet.frame.select(
        pl.lit(sheet.source, dtype=pl.String).alias(SOURCE),
        pl.col(ROW),
        pl.col(SURPLUS),
        pl.lit(blocked, dtype=pl.Boolean).alias(BLOCKED),
        *expressions,
    )
    read_positions = {positions[normalise_name(source)] for source in found.values()}
    unused = tuple(
        name or f"(column {_column_letters(index)}, no heading)"
        for index, name in enumerate(sheet.header)
        if index not in read_positions
    )
    mapping = SheetMapping(
        table=table,
        source=sheet.source,
        header=sheet.header,
        found=found,
        missing=missing,
        not_given=tuple(not_given),
        unused=unused,
        rows=sheet.frame.height,
        encoding=sheet.encoding,
        separator=sheet.separator,
    )
    return frame, mapping, _sheet_notices(sheet, table_profile, missing)


def _header_positions(header: Sequence[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        if name:
            positions.setdefault(normalise_name(name), index)
    return positions


def _value(
    sheet: RawSheet, position: int | None, table_profile: TableProfile, column: str
) -> pl.Expr:
    """One canonical column: blank is null; trimmed if the profile says so; codes mapped."""
    if position is None:
        return pl.lit(None, dtype=pl.String).alias(column)
    value = pl.col(f"c{position}")
    if table_profile.trim:
        value = value.str.strip_chars()
    value = pl.when(value.str.strip_chars().str.len_chars() > 0).then(value)
    if column in coded_columns(table_profile.table):
        mapping: dict[str, str | None] = dict(code_aliases(table_profile.table, column))
        mapping.update(table_profile.code_map(column))
        normalised = value.str.strip_chars().str.replace_all(r"\s+", " ").str.to_lowercase()
        value = normalised.replace_strict(mapping, default=value, return_dtype=pl.String)
    return value.alias(column)


def _sheet_notices(
    sheet: RawSheet, table_profile: TableProfile, missing: Mapping[str, str]
) -> list[Notice]:
    table = table_profile.table
    notices: list[Notice] = []
    for column, source in missing.items():
        if column in required_columns(table):
            notices.append(
                Notice("COLUMN001", table, sheet.source, f"no column {source!r}", (column,))
            )
        elif not quiet_when_missing(table, column) or column in table_profile.column_map:
            notices.append(
                Notice("COLUMN002", table, sheet.source, f"no column {source!r}", (column,))
            )
    if sheet.formula_count:
        cells = ", ".join(sheet.formula_cells)
        more = " and others" if sheet.formula_count > len(sheet.formula_cells) else ""
        notices.append(
            Notice(
                "FILE001",
                table,
                sheet.source,
                f"{sheet.formula_count} cell(s) hold formulas: {cells}{more}",
            )
        )
    if not sheet.ends_cleanly and sheet.frame.height:
        last_row = int(sheet.frame[ROW].max())  # type: ignore[arg-type]
        notices.append(
            Notice("FILE003", table, sheet.source, "the last line has no line break", (), last_row)
        )
    return notices


def _missing_table_notice(table_profile: TableProfile) -> Notice:
    table = table_profile.table
    looked_for = ", ".join([*table_profile.files, *(f"sheet {s}" for s in table_profile.sheets)])
    rule = "TABLE001" if table in ESSENTIAL_TABLES else "TABLE002"
    return Notice(rule, table, None, f"looked for {looked_for}")


def _empty(table: str) -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {
        SOURCE: pl.String(),
        ROW: pl.Int64(),
        SURPLUS: pl.String(),
        BLOCKED: pl.Boolean(),
    }
    schema.update({column: pl.String() for column in columns(table)})
    return pl.DataFrame(schema=schema)


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
