"""``permanence profile check``: what of an extract a column profile maps, and what not.

Run before the first import from a new system (or after the system's report changes):
it reads the files with the profile and lists, table by table, the file or sheet found,
each canonical column and the source column it reads, the columns missing, the source
columns nothing reads, the code values the profile does not translate (with how many
rows hold each) and the date values it cannot read. Nothing is validated beyond that.

Something *required* does not map when a table every journey needs is missing, a file
lacks a column every row needs, or a value of a kind-of-record column (placement type,
legal status, meeting kind, milestone) has no translation: each would refuse rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from permanence.ingest.dates import parse_date
from permanence.ingest.extract import ESSENTIAL_TABLES, Extract, SheetMapping
from permanence.ingest.format import (
    TABLES,
    coded_columns,
    date_columns,
    quiet_when_missing,
    required_columns,
)
from permanence.ingest.rules.fields import KEY_CODED_COLUMNS

EXAMPLES = 3

AIMS_NEED: dict[str, str] = {
    "meetings": (
        "Aim 1 (a Children's Hearing reviewing a Compulsory Supervision Order at home) "
        "and every measure of planning meetings and Looked After Child reviews"
    ),
    "milestones": (
        "Aims 2, 3 and 4 (the permanence recommendation, the decision for permanence away "
        "from home, the agency decision maker's decision and the application to court)"
    ),
}
"""An optional table -> what cannot be measured without it (a CLAS return holds neither)."""


@dataclass(frozen=True, slots=True)
class TableCheck:
    table: str
    mappings: tuple[SheetMapping, ...]
    looked_for: tuple[str, ...]
    unmapped_codes: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    """Coded column -> (value, rows) for each value that is not a code after mapping."""
    unread_dates: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    """Date column -> (how many values, a few examples) that are not dates."""
    listed_columns: frozenset[str] = frozenset()
    """Canonical columns the profile names explicitly."""

    @property
    def found(self) -> bool:
        return bool(self.mappings)

    def problems(self) -> list[str]:
        """What required does not map: each would refuse rows."""
        problems = []
        if not self.found and self.table in ESSENTIAL_TABLES:
            problems.append(f"no {self.table} table was found")
        for mapping in self.mappings:
            for column, source in mapping.missing.items():
                if column in required_columns(self.table):
                    problems.append(f"{mapping.source} has no column {source!r} ({column})")
        for column, values in self.unmapped_codes.items():
            if column in KEY_CODED_COLUMNS and values:
                problems.append(f"{self.table}.{column} has {len(values)} value(s) not mapped")
        return problems


@dataclass(frozen=True, slots=True)
class ProfileCheck:
    profile: str
    origin: str
    tables: tuple[TableCheck, ...]
    unused_sources: tuple[str, ...]

    def problems(self) -> list[str]:
        return [problem for table in self.tables for problem in table.problems()]

    def cannot_measure(self) -> list[str]:
        """What no figure can show, because the extract lacks the table it needs."""
        return [AIMS_NEED[t.table] for t in self.tables if t.table in AIMS_NEED and not t.found]

    @property
    def ok(self) -> bool:
        return not self.problems()

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "origin": self.origin,
            "ok": self.ok,
            "problems": self.problems(),
            "cannot_measure": self.cannot_measure(),
            "unused_sources": list(self.unused_sources),
            "tables": [
                {
                    "table": check.table,
                    "found": check.found,
                    "looked_for": list(check.looked_for),
                    "sources": [
                        {
                            "source": mapping.source,
                            "rows": mapping.rows,
                            "encoding": mapping.encoding,
                            "separator": mapping.separator,
                            "columns": dict(mapping.found),
                            "missing": dict(mapping.missing),
                            "not_in_system": list(mapping.not_given),
                            "unused_columns": list(mapping.unused),
                        }
                        for mapping in check.mappings
                    ],
                    "unmapped_codes": {
                        column: [{"value": value, "rows": rows} for value, rows in values]
                        for column, values in check.unmapped_codes.items()
                    },
                    "unread_dates": {
                        column: {"values": count, "examples": examples}
                        for column, (count, examples) in check.unread_dates.items()
                    },
                }
                for check in self.tables
            ],
        }


def check_profile(extract: Extract) -> ProfileCheck:
    """What the profile ``extract`` was read with maps of it, table by table."""
    checks = []
    for table in TABLES:
        table_profile = extract.profile.table(table)
        frame = extract.table(table)
        checks.append(
            TableCheck(
                table=table,
                mappings=tuple(m for m in extract.mappings if m.table == table),
                looked_for=(*table_profile.files, *(f"sheet {s}" for s in table_profile.sheets)),
                unmapped_codes=_unmapped_codes(table, frame),
                unread_dates=_unread_dates(table, frame, table_profile.date_formats),
                listed_columns=frozenset(table_profile.column_map),
            )
        )
    return ProfileCheck(
        profile=extract.profile.name,
        origin=extract.profile.origin,
        tables=tuple(checks),
        unused_sources=extract.unused_sources,
    )


def _unmapped_codes(table: str, frame: pl.DataFrame) -> dict[str, list[tuple[str, int]]]:
    found: dict[str, list[tuple[str, int]]] = {}
    for column, codes in coded_columns(table).items():
        values = (
            frame.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(list(codes)))
            .group_by(column)
            .len()
            .sort(["len", column], descending=[True, False])
        )
        if values.height:
            found[column] = [(str(value), int(count)) for value, count in values.iter_rows()]
    return found


def _unread_dates(
    table: str, frame: pl.DataFrame, formats: tuple[str, ...]
) -> dict[str, tuple[int, list[str]]]:
    found: dict[str, tuple[int, list[str]]] = {}
    for column in date_columns(table):
        bad = frame.select(pl.col(column), parse_date(pl.col(column), formats).alias("parsed"))
        bad = bad.filter(pl.col(column).is_not_null() & pl.col("parsed").is_null())
        if bad.height:
            examples = bad[column].unique(maintain_order=True).head(EXAMPLES).to_list()
            found[column] = (bad.height, [str(example) for example in examples])
    return found


def render_check(check: ProfileCheck) -> str:
    """The check as text for a terminal."""
    lines = [f"Profile {check.profile} ({check.origin})", ""]
    for table in check.tables:
        lines += _render_table(table)
    if check.unused_sources:
        lines += ["Not read (they match no table of the profile):"]
        lines += [f"  {source}" for source in check.unused_sources]
        lines.append("")
    missing = check.cannot_measure()
    if missing:
        lines.append("Without the tables not found, these cannot be measured:")
        lines += [f"  - {what}" for what in missing]
        lines.append("")
    problems = check.problems()
    if problems:
        lines.append(f"{len(problems)} thing(s) required do not map, so rows would be refused:")
        lines += [f"  - {problem}" for problem in problems]
    else:
        lines.append("Everything required maps.")
    return "\n".join(lines)


def _render_table(check: TableCheck) -> list[str]:
    if not check.found:
        need = "required" if check.table in ESSENTIAL_TABLES else "optional"
        return [f"{check.table}: NOT FOUND ({need}; looked for {', '.join(check.looked_for)})", ""]
    lines: list[str] = []
    for mapping in check.mappings:
        how = ", ".join(
            part
            for part in (mapping.encoding, _separator_name(mapping.separator))
            if part is not None
        )
        lines.append(
            f"{check.table} <- {mapping.source} ({mapping.rows:,} rows{'; ' + how if how else ''})"
        )
        lines.append(
            "  maps:       " + ", ".join(f"{c} <- {s!r}" for c, s in mapping.found.items())
        )
        required = {c: s for c, s in mapping.missing.items() if c in required_columns(check.table)}
        optional = {
            c: s
            for c, s in mapping.missing.items()
            if c not in required and (not _is_extra(check.table, c) or c in check.listed_columns)
        }
        if required:
            lines.append("  MISSING (every row needs it): " + _pairs(required))
        if optional:
            lines.append("  missing (left blank): " + _pairs(optional))
        if mapping.not_given:
            lines.append("  not in this system: " + ", ".join(mapping.not_given))
        if mapping.unused:
            lines.append("  columns not read: " + ", ".join(repr(name) for name in mapping.unused))
    for column, values in check.unmapped_codes.items():
        listed = ", ".join(
            f"{value!r} ({rows:,} row{'s' if rows != 1 else ''})" for value, rows in values[:20]
        )
        more = f" and {len(values) - 20} more" if len(values) > 20 else ""
        effect = "rows refused" if column in KEY_CODED_COLUMNS else "left blank"
        lines.append(f"  codes not mapped in {column} ({effect}): {listed}{more}")
    for column, (count, examples) in check.unread_dates.items():
        shown = ", ".join(repr(example) for example in examples)
        lines.append(f"  dates not read in {column}: {count:,} value(s), such as {shown}")
    lines.append("")
    return lines


def _is_extra(table: str, column: str) -> bool:
    return quiet_when_missing(table, column)


def _pairs(columns: dict[str, str]) -> str:
    return ", ".join(f"{column} (looked for {source!r})" for column, source in columns.items())


def _separator_name(separator: str | None) -> str | None:
    names = {",": "comma-separated", ";": "semicolon-separated", "\t": "tab-separated"}
    return names.get(separator) if separator is not None else None
