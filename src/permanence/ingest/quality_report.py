"""The data-quality report: what was wrong with an extract, for the people who can fix it.

``write_quality_report`` writes a workbook with four sheets: a summary, the issues by
rule (how many, what it means, how to fix it), the issues by child, and every issue. The
data lead takes it to the people who correct the case recording system. Given the answers
a data lead has recorded in the app (``answers``: a purposeful delay, a record checked),
each query shows its answer, and the summary and the children's sheet count them.
``summarise`` gives the figures without any child's reference, for the web page and for
trends over successive imports.

Every value that came from an extract is written as text with xlsxwriter's
``write_string``, so the spreadsheet stores it as a string and never as a formula. Text
that a spreadsheet would take for a formula if someone edited the cell (it begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is also given Excel's quote prefix
(the cell style a typed leading apostrophe sets): the value is shown and kept exactly as
it was, with no apostrophe added to it, and re-entering the cell keeps it as text. The
workbook is also opened with formula, number and URL conversion of strings switched off.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from permanence.ingest.format import TABLE_LABELS
from permanence.ingest.validation import Validation

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CELL_TEXT = 32_767

ISSUE_COLUMNS = (
    ("rule", "Rule", 10),
    ("severity", "Severity", 9),
    ("table", "Table", 16),
    ("source", "File", 28),
    ("row", "Row", 7),
    ("child_ref", "Child", 14),
    ("fields", "Fields", 24),
    ("value", "What was found", 48),
    ("message", "What it means", 60),
    ("fix", "How to fix it", 60),
    ("answer", "Answer recorded", 48),
)

ANSWER_KEY = ("child_ref", "period_start", "rule")
"""How an answer finds its query: the child, the care period (blank for a query about no
period) and the rule."""


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula when the cell is edited."""
    return text.startswith(FORMULA_TRIGGERS)


def with_answers(issues: pl.DataFrame, answers: pl.DataFrame | None) -> pl.DataFrame:
    """``issues`` with an ``answer`` column: the answer recorded for each query, if any.

    ``answers`` has ``child_ref``, ``period_start``, ``rule`` and ``answer`` (the words);
    an error is never answered (it is corrected in the system and extracted again).
    """
    if answers is None or answers.is_empty():
        return issues.with_columns(pl.lit(None, dtype=pl.String).alias("answer"))
    unique = answers.select(*ANSWER_KEY, "answer").unique(subset=list(ANSWER_KEY), keep="last")
    joined = issues.join(
        unique, on=list(ANSWER_KEY), how="left", nulls_equal=True, maintain_order="left"
    )
    return joined.with_columns(
        pl.when(pl.col("severity") == "query").then(pl.col("answer")).alias("answer")
    )


def write_quality_report(
    validation: Validation, path: Path | str, *, answers: pl.DataFrame | None = None
) -> Path:
    """Write the report to ``path`` (an .xlsx file) and return the path.

    ``answers``: the answers recorded in the app (see ``with_answers``)."""
    import xlsxwriter

    target = Path(path)
    workbook = xlsxwriter.Workbook(
        str(target),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    writer = _Writer(workbook)
    issues = with_answers(validation.issues, answers)
    shown = min(issues.height, EXCEL_MAX_ROWS - 1)
    writer.summary(validation, shown, answered=int(issues["answer"].is_not_null().sum()))
    writer.by_rule(validation)
    writer.by_child(issues)
    writer.issues(issues.head(shown))
    workbook.close()
    return target


class _Writer:
    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.bold = workbook.add_format({"bold": True})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.quoted = workbook.add_format({"quote_prefix": True, "valign": "top"})
        self.top = workbook.add_format({"valign": "top"})

    def text(self, sheet: Any, row: int, column: int, value: Any, wrap: bool = False) -> None:
        """Write any value as text, never as a formula (see the module docstring)."""
        if value is None:
            return
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        text = str(value)[:EXCEL_MAX_CELL_TEXT]
        if looks_like_formula(text):
            sheet.write_string(row, column, text, self.quoted)
        else:
            sheet.write_string(row, column, text, self.wrap if wrap else self.top)

    def number(self, sheet: Any, row: int, column: int, value: int | None) -> None:
        if value is not None:
            sheet.write_number(row, column, value, self.top)

    def headings(self, sheet: Any, row: int, columns: Sequence[tuple[str, str, int]]) -> None:
        for index, (_, heading, width) in enumerate(columns):
            sheet.set_column(index, index, width)
            sheet.write_string(row, index, heading, self.header)

    def summary(self, validation: Validation, shown: int, *, answered: int) -> None:
        sheet = self.workbook.add_worksheet("Summary")
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 5, 12)
        sheet.write_string(0, 0, "Data-quality report", self.title)
        facts: list[tuple[str, Any]] = [
            ("Extract date", validation.extract_date.isoformat()),
            ("Column profile", validation.profile),
            ("Files", ", ".join(Path(name).name for name in validation.files)),
            ("Errors", validation.error_count),
            ("Rows refused (each counted once)", validation.rows_refused),
            ("Queries (rows loaded, to check)", validation.query_count),
            ("Queries answered in the app", answered),
        ]
        row = 2
        for label, value in facts:
            sheet.write_string(row, 0, label, self.bold)
            if isinstance(value, int):
                self.number(sheet, row, 1, value)
            else:
                self.text(sheet, row, 1, value)
            row += 1
        row += 1
        headings = ["Table", "Rows read", "Loaded", "Refused", "Queried", "Repeats"]
        for column, heading in enumerate(headings):
            sheet.write_string(row, column, heading, self.header)
        for table, counts in validation.counts.items():
            row += 1
            sheet.write_string(row, 0, TABLE_LABELS.get(table, table), self.top)
            for column, value in enumerate(
                [counts.read, counts.loaded, counts.refused, counts.queried, counts.duplicates],
                start=1,
            ):
                self.number(sheet, row, column, value)
        row += 2
        notes = [
            "An error means the row was refused: it is not loaded until it is corrected.",
            "A query means the row was loaded and should be checked.",
            "A repeat is a row that exactly repeats another; the record is loaded once.",
            "An answer (a purposeful delay, a record checked, a correction on its way) is "
            "kept with who gave it and when; it never changes a figure.",
        ]
        if shown < validation.issues.height:
            notes.append(
                f"The Issues sheet shows the first {shown:,} of {validation.issues.height:,} "
                "issues (a spreadsheet's limit); the By rule and By child sheets count them all."
            )
        for note in notes:
            sheet.write_string(row, 0, note, self.top)
            row += 1

    def by_rule(self, validation: Validation) -> None:
        sheet = self.workbook.add_worksheet("By rule")
        columns = [
            ("rule", "Rule", 10),
            ("severity", "Severity", 9),
            ("count", "Issues", 8),
            ("tables", "Tables", 24),
            ("message", "What it means", 70),
            ("fix", "How to fix it", 70),
        ]
        self.headings(sheet, 0, columns)
        self.rows(sheet, validation.issues_by_rule(), columns)
        sheet.freeze_panes(1, 0)

    def by_child(self, issues: pl.DataFrame) -> None:
        sheet = self.workbook.add_worksheet("By child")
        columns = [
            ("child_ref", "Child", 16),
            ("errors", "Errors", 8),
            ("queries", "Queries", 8),
            ("answered", "Answered", 9),
            ("rules", "Rules", 60),
        ]
        self.headings(sheet, 0, columns)
        self.rows(sheet, issues_by_child(issues).head(EXCEL_MAX_ROWS - 1), columns)
        sheet.freeze_panes(1, 0)

    def issues(self, issues: pl.DataFrame) -> None:
        sheet = self.workbook.add_worksheet("Issues")
        self.headings(sheet, 0, ISSUE_COLUMNS)
        self.rows(sheet, issues, ISSUE_COLUMNS)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(issues.height, 1), len(ISSUE_COLUMNS) - 1)

    def rows(
        self, sheet: Any, frame: pl.DataFrame, columns: Sequence[tuple[str, str, int]]
    ) -> None:
        names = [name for name, _, _ in columns]
        wrapped = {"message", "fix", "value", "answer"}
        for row_index, values in enumerate(frame.select(names).iter_rows(), start=1):
            for column_index, (name, value) in enumerate(zip(names, values, strict=True)):
                if isinstance(value, int) and not isinstance(value, bool):
                    self.number(sheet, row_index, column_index, value)
                elif name == "table" and isinstance(value, str):
                    self.text(sheet, row_index, column_index, TABLE_LABELS.get(value, value))
                elif name == "tables" and isinstance(value, list):
                    labels = [TABLE_LABELS.get(str(table), str(table)) for table in value]
                    self.text(sheet, row_index, column_index, labels)
                else:
                    self.text(sheet, row_index, column_index, value, wrap=name in wrapped)


def issues_by_child(issues: pl.DataFrame) -> pl.DataFrame:
    """``Validation.issues_by_child`` with how many of each child's queries are answered."""
    return (
        issues.filter(pl.col("child_ref").is_not_null())
        .group_by("child_ref")
        .agg(
            (pl.col("severity") == "error").sum().alias("errors"),
            (pl.col("severity") == "query").sum().alias("queries"),
            pl.col("answer").is_not_null().sum().alias("answered"),
            pl.col("rule").unique().sort().alias("rules"),
        )
        .sort(["errors", "queries", "child_ref"], descending=[True, True, False])
    )


def summarise(validation: Validation) -> dict[str, Any]:
    """The figures of a validation with no child's reference: safe to keep for trends.

    Holds the extract date, profile and file names, the error and query totals, the
    counts per table, the number of children with errors and with queries, and the
    number of issues per rule.
    """
    issues = validation.issues
    children = issues.filter(pl.col("child_ref").is_not_null())
    return {
        "extract_date": validation.extract_date.isoformat(),
        "profile": validation.profile,
        "files": [Path(name).name for name in validation.files],
        "errors": validation.error_count,
        "queries": validation.query_count,
        "children_with_errors": children.filter(pl.col("severity") == "error")[
            "child_ref"
        ].n_unique(),
        "children_with_queries": children.filter(pl.col("severity") == "query")[
            "child_ref"
        ].n_unique(),
        "counts": {table: counts.to_dict() for table, counts in validation.counts.items()},
        "by_rule": validation.issues_by_rule().select("rule", "severity", "count").to_dicts(),
    }
