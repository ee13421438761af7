"""The result of validating an extract: clean tables, every issue, and the counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from permanence.journey.tables import JourneyTables

ISSUE_SCHEMA: dict[str, pl.DataType] = {
    "rule": pl.String(),
    "severity": pl.String(),
    "table": pl.String(),
    "row": pl.Int64(),
    "source": pl.String(),
    "child_ref": pl.String(),
    "period_start": pl.Date(),
    "fields": pl.List(pl.String()),
    "message": pl.String(),
    "fix": pl.String(),
    "value": pl.String(),
}
"""One row per issue. ``row`` is the spreadsheet row in ``source`` (file, and sheet for a
workbook); both are blank for an issue about a whole table, file or column.
``period_start`` names the care period of a row that belongs to one (blank where the
row's date looked after could not be read): with ``child_ref`` and ``rule`` it is how a
data lead's answer to a query is found again in later imports."""


CAUSE_PREFIXES = ("TABLE", "COLUMN", "FILE")
"""Rules about a whole file, sheet, table or column: a cause that can refuse many rows."""
KNOCK_ON_RANKS = {"REF003": 2, "REF002": 3}
"""Rules that refuse a row only because something else was refused or could not be read:
a file that could not be read (REF003), then a refused child or care period (REF002)."""
KNOCK_ON_RULES = frozenset(KNOCK_ON_RANKS)


def rule_rank(rule: str) -> int:
    """Where a rule's issues are listed: causes first, row rules next, knock-ons last."""
    if rule.startswith(CAUSE_PREFIXES):
        return 0
    return KNOCK_ON_RANKS.get(rule, 1)


@dataclass(frozen=True, slots=True)
class TableCounts:
    """What became of one table's rows. ``read == loaded + refused + duplicates``."""

    read: int
    loaded: int
    refused: int
    queried: int
    """Loaded rows with at least one query."""
    duplicates: int
    """Exact repeats of another row, loaded once (each repeat counted here)."""

    def to_dict(self) -> dict[str, int]:
        return {
            "read": self.read,
            "loaded": self.loaded,
            "refused": self.refused,
            "queried": self.queried,
            "duplicates": self.duplicates,
        }


@dataclass(frozen=True, slots=True)
class Validation:
    """An extract judged by every rule.

    ``tables`` holds the rows to load, in canonical columns and types, refused rows and
    repeats removed. ``source_rows`` gives, per table and row for row with ``tables``, the
    ``source`` and ``row`` each came from (for the batch record and for matching issues).
    """

    tables: JourneyTables
    source_rows: Mapping[str, pl.DataFrame]
    issues: pl.DataFrame
    counts: Mapping[str, TableCounts]
    extract_date: date
    profile: str
    files: tuple[str, ...]

    @property
    def error_count(self) -> int:
        return int((self.issues["severity"] == "error").sum())

    @property
    def query_count(self) -> int:
        return int((self.issues["severity"] == "query").sum())

    @property
    def rows_refused(self) -> int:
        """Rows that will not load, each counted once however many rules refused it."""
        return sum(counts.refused for counts in self.counts.values())

    @property
    def has_errors(self) -> bool:
        """Whether any row (or table) would be refused."""
        return self.error_count > 0

    def issues_by_rule(self) -> pl.DataFrame:
        """One row per rule that found something: code, severity, count, message, fix.

        Causes (a file, table or column) come first, knock-on refusals last (see
        ``rule_rank``), so a reader meets what to fix before what follows from it.
        """
        return (
            self.issues.group_by("rule", "severity", "message", "fix", maintain_order=True)
            .agg(pl.len().alias("count"), pl.col("table").unique().sort().alias("tables"))
            .with_columns(
                pl.col("rule").map_elements(rule_rank, return_dtype=pl.Int8).alias("_rank")
            )
            .sort(["_rank", "severity", "count", "rule"], descending=[False, False, True, False])
            .select("rule", "severity", "count", "tables", "message", "fix")
        )

    def issues_by_child(self) -> pl.DataFrame:
        """One row per child with issues: errors, queries and the rules, most errors first."""
        return (
            self.issues.filter(pl.col("child_ref").is_not_null())
            .group_by("child_ref")
            .agg(
                (pl.col("severity") == "error").sum().alias("errors"),
                (pl.col("severity") == "query").sum().alias("queries"),
                pl.col("rule").unique().sort().alias("rules"),
            )
            .sort(["errors", "queries", "child_ref"], descending=[True, True, False])
        )

    def to_dict(self, *, include_issues: bool = True) -> dict[str, Any]:
        """Everything as plain JSON-ready values (dates as ISO text)."""
        payload: dict[str, Any] = {
            "extract_date": self.extract_date.isoformat(),
            "profile": self.profile,
            "files": list(self.files),
            "errors": self.error_count,
            "queries": self.query_count,
            "counts": {table: counts.to_dict() for table, counts in self.counts.items()},
            "by_rule": self.issues_by_rule().to_dicts(),
        }
        if include_issues:
            payload["issues"] = self.issues.with_columns(
                pl.col("period_start").dt.strftime("%Y-%m-%d")
            ).to_dicts()
        return payload
