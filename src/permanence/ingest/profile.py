"""Column profiles: how one case recording system's extract maps onto the canonical format.

A profile is data, not code: a TOML file that names, for each canonical table, the file
or sheet that holds it, the source column behind each canonical column, the system's code
values and what they mean, and the date formats the system writes. ``docs/profiles.md``
explains the format; ``profiles/template.toml`` is a commented example to copy.

Anything a profile leaves out falls back to the canonical format, so the canonical
profile is nearly empty and a system's profile lists only where it differs.
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from permanence.ingest.errors import ProfileError
from permanence.ingest.format import TABLES, coded_columns, columns

DATE_FORMAT_NAMES: dict[str, str] = {
    "iso": "ISO 8601: 2024-01-31 (always accepted)",
    "uk": "UK day, month, year: 31/01/2024, 31-01-2024, 31.01.2024, 1/2/2024, 31 Jan 2024, "
    "31 January 2024",
    "excel_serial": "Excel serial day numbers in the 1900 date system: 18264 "
    "(1 January 1950) to 73415 (31 December 2100)",
}
"""Named date formats a profile may list; any other entry must be a strftime pattern."""

DEFAULT_DATE_FORMATS: tuple[str, ...] = ("iso", "uk", "excel_serial")

SHIPPED_PROFILES: tuple[str, ...] = ("canonical", "template", "clas")

MAX_PROFILE_BYTES = 1_000_000


def normalise_name(text: str) -> str:
    """How file, sheet and column names are compared: trimmed, case-insensitive."""
    return " ".join(text.replace("\ufeff", "").split()).casefold()


def normalise_code(text: str) -> str:
    """How code values are compared with a profile's code map: trimmed, case-insensitive."""
    return " ".join(text.split()).lower()


@dataclass(frozen=True, slots=True)
class TableProfile:
    """Where one canonical table is found in an extract and how its columns map."""

    table: str
    files: tuple[str, ...]
    sheets: tuple[str, ...]
    column_map: Mapping[str, str | None]
    codes: Mapping[str, Mapping[str, str | None]]
    date_formats: tuple[str, ...]
    trim: bool

    def source_column(self, canonical: str) -> str | None:
        """The source header behind ``canonical``; None when the system does not give it.

        A column the profile does not list is looked for under its canonical name.
        """
        if canonical in self.column_map:
            return self.column_map[canonical]
        return canonical

    def matches_file(self, file_name: str) -> bool:
        name = normalise_name(file_name)
        return any(fnmatch.fnmatchcase(name, normalise_name(pattern)) for pattern in self.files)

    def matches_sheet(self, sheet_name: str) -> bool:
        name = normalise_name(sheet_name)
        return any(name == normalise_name(sheet) for sheet in self.sheets)

    def code_map(self, column: str) -> dict[str, str | None]:
        """The profile's code map for ``column``; keys are normalised with ``normalise_code``."""
        return dict(self.codes.get(column, {}))


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    description: str
    origin: str
    tables: Mapping[str, TableProfile] = field(default_factory=dict)

    def table(self, name: str) -> TableProfile:
        return self.tables[name]


def load_profile(spec: str | Path | None = None) -> Profile:
    """A shipped profile by name (``canonical``, ``template``), or a profile file's path.

    ``None`` is the canonical profile. Raises ``ProfileError`` naming every problem.
    """
    if spec is None:
        spec = "canonical"
    if isinstance(spec, str) and spec in SHIPPED_PROFILES:
        text = (resources.files("permanence.ingest") / "profiles" / f"{spec}.toml").read_text(
            encoding="utf-8"
        )
        return parse_profile(text, origin=f"the shipped {spec} profile")
    path = Path(spec)
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES:
            raise ProfileError([f"{path}: a column profile should be a small TOML file"])
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ProfileError(
            [f"{path}: no such profile file (shipped profiles: {', '.join(SHIPPED_PROFILES)})"]
        ) from None
    except IsADirectoryError:
        raise ProfileError([f"{path}: is a folder, not a profile file"]) from None
    except UnicodeDecodeError:
        raise ProfileError([f"{path}: a profile must be a UTF-8 text file"]) from None
    except OSError as error:
        raise ProfileError([f"{path}: cannot be read ({error.strerror})"]) from None
    return parse_profile(text, origin=str(path))


def parse_profile(text: str, *, origin: str) -> Profile:
    """Read a profile from TOML text; ``origin`` names it in messages."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProfileError([f"{origin}: not valid TOML ({error})"]) from None
    problems: list[str] = []
    reader = _ProfileReader(origin, problems)
    profile = reader.read(document)
    if problems:
        raise ProfileError(problems)
    return profile


class _ProfileReader:
    """Checks a parsed TOML document piece by piece, collecting every problem found."""

    def __init__(self, origin: str, problems: list[str]) -> None:
        self.origin = origin
        self.problems = problems

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{self.origin}: {where}: {text}")

    def read(self, document: dict[str, Any]) -> Profile:
        unknown = sorted(set(document) - {"profile", "tables"})
        if unknown:
            self.problem("top level", f"unknown section(s) {', '.join(unknown)}")
        header = self.table_of(document, "profile", "[profile]")
        self.check_keys(header, {"name", "description", "trim", "date_formats"}, "[profile]")
        name = self.string(header.get("name", "unnamed"), "[profile] name")
        description = self.string(header.get("description", ""), "[profile] description")
        trim = self.boolean(header.get("trim", True), "[profile] trim")
        formats = self.date_formats(
            header.get("date_formats", list(DEFAULT_DATE_FORMATS)), "[profile] date_formats"
        )
        tables_section = self.table_of(document, "tables", "[tables]")
        for table in sorted(set(tables_section) - set(TABLES)):
            self.problem(f"[tables.{table}]", f"no such table (tables: {', '.join(TABLES)})")
        tables = {
            table: self.read_table(
                table, self.table_of(tables_section, table, f"[tables.{table}]"), trim, formats
            )
            for table in TABLES
        }
        return Profile(name=name, description=description, origin=self.origin, tables=tables)

    def read_table(
        self, table: str, section: dict[str, Any], trim: bool, formats: tuple[str, ...]
    ) -> TableProfile:
        where = f"[tables.{table}]"
        self.check_keys(
            section, {"files", "sheets", "columns", "codes", "trim", "date_formats"}, where
        )
        files = self.strings(section.get("files", [f"{table}.*"]), f"{where} files")
        sheets = self.strings(section.get("sheets", [table]), f"{where} sheets")
        column_map = self.read_columns(table, self.table_of(section, "columns", f"{where}.columns"))
        codes = self.read_codes(table, self.table_of(section, "codes", f"{where}.codes"))
        return TableProfile(
            table=table,
            files=files,
            sheets=sheets,
            column_map=column_map,
            codes=codes,
            date_formats=self.date_formats(section["date_formats"], f"{where} date_formats")
            if "date_formats" in section
            else formats,
            trim=self.boolean(section.get("trim", trim), f"{where} trim"),
        )

    def read_columns(self, table: str, section: dict[str, Any]) -> dict[str, str | None]:
        known = columns(table)
        mapping: dict[str, str | None] = {}
        for canonical, source in section.items():
            where = f"[tables.{table}.columns] {canonical}"
            if canonical not in known:
                self.problem(where, f"no such column in {table} (columns: {', '.join(known)})")
                continue
            text = self.string(source, where)
            mapping[canonical] = text if text.strip() else None
        return mapping

    def read_codes(self, table: str, section: dict[str, Any]) -> dict[str, dict[str, str | None]]:
        coded = coded_columns(table)
        codes: dict[str, dict[str, str | None]] = {}
        for column, values in section.items():
            where = f"[tables.{table}.codes.{column}]"
            if column not in coded:
                choices = ", ".join(coded) or "none"
                self.problem(where, f"{column} is not a coded column of {table} (coded: {choices})")
                continue
            if not isinstance(values, dict):
                self.problem(where, "should be a table of source value = code")
                continue
            mapped: dict[str, str | None] = {}
            for source, code in values.items():
                code_text = self.string(code, f"{where} {source!r}")
                if code_text and code_text not in coded[column]:
                    self.problem(
                        f"{where} {source!r}",
                        f"{code_text!r} is not a {column} code (codes: "
                        f"{', '.join(sorted(coded[column]))})",
                    )
                mapped[normalise_code(source)] = code_text or None
            codes[column] = mapped
        return codes

    def date_formats(self, value: Any, where: str) -> tuple[str, ...]:
        formats = self.strings(value, where)
        for entry in formats:
            if entry in DATE_FORMAT_NAMES:
                continue
            if "%" not in entry:
                self.problem(
                    where,
                    f"{entry!r} is neither a named format ({', '.join(DATE_FORMAT_NAMES)}) "
                    "nor a strftime pattern such as '%d/%m/%Y'",
                )
            elif not _round_trips(entry):
                self.problem(where, f"{entry!r} does not read back a date it writes")
        return formats

    def table_of(self, document: dict[str, Any], key: str, where: str) -> dict[str, Any]:
        value = document.get(key, {})
        if not isinstance(value, dict):
            self.problem(where, "should be a table")
            return {}
        return value

    def check_keys(self, section: dict[str, Any], allowed: set[str], where: str) -> None:
        unknown = sorted(set(section) - allowed)
        if unknown:
            self.problem(where, f"unknown key(s) {', '.join(unknown)}")

    def string(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            self.problem(where, "should be text in quotation marks")
            return ""
        return value

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            self.problem(where, "should be true or false")
            return True
        return value

    def strings(self, value: Any, where: str) -> tuple[str, ...]:
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(where, "should be a list of text values")
            return ()
        return tuple(value)


def _round_trips(pattern: str) -> bool:
    """Whether a strftime ``pattern`` reads back a date written with it."""
    sample = date(2001, 2, 3)
    try:
        written = sample.strftime(pattern)
        parsed = pl.Series([written]).str.strptime(pl.Date, pattern, strict=False).item()
    except (ValueError, pl.exceptions.PolarsError):
        return False
    return bool(parsed == sample)
