"""The data behind every chart of the pack, as a spreadsheet (xlsxwriter).

One sheet per chart (``ChartSpec.data``: exactly the points and bars drawn, with the
headings the chart's data table uses), named by the chart's name, after an "About"
sheet that says what the workbook is and what each sheet holds, and followed by the
aims at a glance and the stage table, so every figure in the pack can be checked.

Pseudonymised: the charts of the pack are built without any reference to a child
(``build``), so no sheet holds a child's reference, initials or date of birth. A run
chart's row is a child's dates and wait; a still-waiting row is a child numbered by the
length of the wait ("Child 1 (longest wait)"), a number that means nothing outside the
pack.

Every sheet is a spreadsheet table (a header row, a name and a style) under a title
and a description, so a screen reader announces the headings with each cell. Text is
written as text, never as a formula: the workbook is opened with formula, number and
address conversion of strings switched off, and text a spreadsheet would take for a
formula if someone edited the cell (it begins with =, +, -, @, a tab or a carriage
return: a local aim's title could) is given Excel's quote prefix, as the data-quality
report does (``ingest.quality_report``). Dates are real dates.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Final

import polars as pl

from permanence.charts import ChartSpec
from permanence.ingest.quality_report import EXCEL_MAX_CELL_TEXT, looks_like_formula
from permanence.reports.content import PackContent, long_date
from permanence.reports.workbook_sheets import NAMES as EXTRA_SHEET_NAMES
from permanence.reports.workbook_sheets import Sheet, extra_sheets

SHEET_NAME_LIMIT: Final = 31
_NOT_IN_SHEET_NAMES: Final = re.compile(r"[\[\]:*?/\\']")
ABOUT_SHEET: Final = "About"
AIMS_SHEET: Final = "Aims at a glance"
STAGES_SHEET: Final = "Where children wait"
DATA_ROW: Final = 3  # the table's header row (0-based): under a title, a description, a gap
MAX_COLUMN_WIDTH: Final = 60


def render_xlsx(content: PackContent) -> bytes:
    """The workbook's bytes."""
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        output,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_date_format": "d mmm yyyy",
        },
    )
    workbook.set_properties(
        {
            "title": f"{content.title}: the data behind the charts",
            "author": content.authority_name,
            "comments": content.privacy_note(),
        }
    )
    writer = _Writer(workbook)
    charts = content.charts()
    names = sheet_names(charts)
    extra = extra_sheets(content)
    writer.about(content, charts, names, extra)
    for chart in charts:
        writer.table(
            names[chart.name], title=chart.title, description=chart.alt_text, frame=chart.data
        )
    writer.table(
        AIMS_SHEET,
        title=f"The aims at a glance, on {long_date(content.measuring_date)}",
        description="Each aim's figures over every child counted, as the pack's first table "
        "shows them. Met the aim is a percentage of the children whose outcome is known.",
        frame=aims_frame(content),
    )
    writer.table(
        STAGES_SHEET,
        title=f"Where children wait, on {long_date(content.measuring_date)}",
        description=content.stage_sentence,
        frame=stages_frame(content),
    )
    for sheet in extra:
        writer.table(
            sheet.name, title=sheet.title, description=sheet.description, frame=sheet.frame
        )
    workbook.close()
    return output.getvalue()


def sheet_names(charts: Sequence[ChartSpec]) -> dict[str, str]:
    """Each chart's sheet name: its name, made fit for a sheet (31 characters at most, no
    characters Excel refuses) and unique."""
    taken = {name.lower() for name in (ABOUT_SHEET, AIMS_SHEET, STAGES_SHEET, *EXTRA_SHEET_NAMES)}
    names: dict[str, str] = {}
    for chart in charts:
        base = _NOT_IN_SHEET_NAMES.sub("-", chart.name)[:SHEET_NAME_LIMIT] or "chart"
        name, number = base, 2
        while name.lower() in taken:
            suffix = f"-{number}"
            name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
            number += 1
        taken.add(name.lower())
        names[chart.name] = name
    return names


def aims_frame(content: PackContent) -> pl.DataFrame:
    rows = [
        {
            "Aim": summary.aim.title,
            "National or local": "National" if summary.aim.national else "Local",
            "Aim statement": summary.aim.statement,
            "Met the aim (%)": summary.percent_met,
            "Children whose outcome is known": summary.known,
            "Still waiting": summary.still_waiting,
            "Waiting past the target": summary.past_target,
            "Left care without it": summary.left_without_end,
            "What the run chart says": summary.headline,
        }
        for summary in content.aims  # a handful of aims
    ]
    schema: dict[str, Any] = {
        "Aim": pl.String,
        "National or local": pl.String,
        "Aim statement": pl.String,
        "Met the aim (%)": pl.Int64,
        "Children whose outcome is known": pl.Int64,
        "Still waiting": pl.Int64,
        "Waiting past the target": pl.Int64,
        "Left care without it": pl.Int64,
        "What the run chart says": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def stages_frame(content: PackContent) -> pl.DataFrame:
    rows = [
        {
            "Stage (ended by)": row.label,
            "Rank": row.rank,
            "Share of all waiting (%)": round(row.share, 1),
            "Children who completed it": row.reached,
            "Median days": row.median,
            "Lower quartile (days)": row.lower_quartile,
            "Upper quartile (days)": row.upper_quartile,
            "90th percentile (days)": row.p90,
            "Waiting in it now": row.in_now,
        }
        for row in content.stages  # ten stages
    ]
    schema: dict[str, Any] = {
        "Stage (ended by)": pl.String,
        "Rank": pl.Int64,
        "Share of all waiting (%)": pl.Float64,
        "Children who completed it": pl.Int64,
        "Median days": pl.Float64,
        "Lower quartile (days)": pl.Float64,
        "Upper quartile (days)": pl.Float64,
        "90th percentile (days)": pl.Float64,
        "Waiting in it now": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


class _Writer:
    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.title_quoted = workbook.add_format(
            {"bold": True, "font_size": 14, "quote_prefix": True}
        )
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.wrap_quoted = workbook.add_format(
            {"text_wrap": True, "valign": "top", "quote_prefix": True}
        )
        self.plain = workbook.add_format({"valign": "top"})
        self.quoted = workbook.add_format({"valign": "top", "quote_prefix": True})
        self.day = workbook.add_format({"num_format": "d mmm yyyy", "valign": "top"})
        self.tables = 0

    def text(self, sheet: Any, row: int, column: int, value: object, style: str = "plain") -> None:
        """Write ``value`` as text: never a formula, quote-prefixed if it looks like one."""
        text = str(value)[:EXCEL_MAX_CELL_TEXT]
        formats = {
            "plain": (self.plain, self.quoted),
            "wrap": (self.wrap, self.wrap_quoted),
            "title": (self.title, self.title_quoted),
        }[style]
        sheet.write_string(
            row, column, text, formats[1] if looks_like_formula(text) else formats[0]
        )

    def merged(self, sheet: Any, row: int, last_column: int, text: str) -> None:
        """Wrapped text across columns 0 to ``last_column`` of ``row``: the range is merged
        blank, then its first cell written as text (``merge_range`` would write it with
        ``write``, which does not quote-prefix)."""
        sheet.merge_range(row, 0, row, last_column, "", self.wrap)
        self.text(sheet, row, 0, text, "wrap")

    def about(
        self,
        content: PackContent,
        charts: Sequence[ChartSpec],
        names: dict[str, str],
        extra: Sequence[Sheet] = (),
    ) -> None:
        sheet = self.workbook.add_worksheet(ABOUT_SHEET)
        sheet.set_column(0, 0, 34)
        sheet.set_column(1, 1, 100)
        self.text(sheet, 0, 0, f"{content.title}: the data behind the charts", "title")
        lines = [
            f"The data behind every chart of the pack for the meeting on "
            f"{long_date(content.meeting_date)}, one sheet per chart, then the aims at a "
            "glance, the stage table, the group's open actions and, when the pack has them, "
            "the projects' progress scores and the local aims on the measures.",
            content.dates_sentence(),
            content.privacy_note(),
            "A run chart's row is a child who has reached the aim's milestone. A still-"
            "waiting chart's row is a child still waiting, numbered by the length of the "
            "wait: the numbers mean nothing outside this pack.",
        ]
        for index, line in enumerate(lines, start=1):
            self.merged(sheet, index, 1, line)
            sheet.set_row(index, 45)
        header = len(lines) + 2
        rows = [(names[chart.name], chart.title) for chart in charts]
        rows += [
            (AIMS_SHEET, "The aims at a glance"),
            (STAGES_SHEET, "Where children wait: the stage table"),
            *((sheet.name, sheet.title) for sheet in extra),
        ]
        for offset, (name, title) in enumerate(rows, start=1):
            self.text(sheet, header + offset, 0, name)
            self.text(sheet, header + offset, 1, title, "wrap")
        self._add_table(
            sheet, header, header + len(rows), ["Sheet", "What it holds"], name="Contents"
        )

    def table(self, name: str, *, title: str, description: str, frame: pl.DataFrame) -> None:
        """A sheet holding ``frame`` as a spreadsheet table under a title and description."""
        sheet = self.workbook.add_worksheet(name)
        self.text(sheet, 0, 0, title, "title")
        self.merged(sheet, 1, max(frame.width - 1, 1), description)
        sheet.set_row(1, min(15 * (1 + len(description) // 120), 300))
        for column, (heading, dtype) in enumerate(frame.schema.items()):
            values = frame.get_column(heading)
            self._column(sheet, column, values, dtype)
            width = max([len(heading), *(len(str(value)) for value in values.head(200).to_list())])
            sheet.set_column(column, column, min(max(width + 2, 10), MAX_COLUMN_WIDTH))
        if frame.width:
            self._add_table(
                sheet,
                DATA_ROW,
                DATA_ROW + max(frame.height, 1),
                list(frame.columns),
                name=f"Data{self.tables + 1}",
            )
        sheet.freeze_panes(DATA_ROW + 1, 0)

    def _column(self, sheet: Any, column: int, values: pl.Series, dtype: Any) -> None:
        """Write one column of cells by its type (a chart's rows: a few hundred at most)."""
        first = DATA_ROW + 1
        for offset, value in enumerate(values.to_list()):
            row = first + offset
            if value is None:
                continue
            if isinstance(value, (date, datetime)):
                sheet.write_datetime(row, column, value, self.day)
            elif isinstance(value, bool):
                sheet.write_string(row, column, "Yes" if value else "No", self.plain)
            elif isinstance(value, (int, float)) and dtype.is_numeric():
                if isinstance(value, float) and value != value:  # NaN: left blank
                    continue
                sheet.write_number(row, column, value, self.plain)
            else:
                self.text(sheet, row, column, value)

    def _add_table(
        self, sheet: Any, first_row: int, last_row: int, headers: list[str], *, name: str
    ) -> None:
        self.tables += 1
        sheet.add_table(
            first_row,
            0,
            last_row,
            len(headers) - 1,
            {
                "name": name,
                "style": "Table Style Light 9",
                "columns": [{"header": _header(heading)} for heading in headers],
            },
        )


def _header(heading: str) -> str:
    """A table column's header: Excel refuses none of ours, but a header may not start
    with a formula's mark."""
    return heading if not looks_like_formula(heading) else f"'{heading}"
