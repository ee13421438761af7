"""Writing the tables as the canonical import format: CSV files or one workbook.

Clean tables go to CSV through ``journey.tables.write_canonical_csv`` (UTF-8, ISO dates),
so the generator writes exactly what the import and the frame read. Messy tables are
text already and are written as they are. A workbook has one sheet per table, named as
the table; identifiers and every other text are written as text cells, so "007" stays
"007" and nothing is ever taken for a formula.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from permanence.journey.tables import SCHEMAS, JourneyTables, table_path, write_canonical_csv

Tables = JourneyTables | Mapping[str, pl.DataFrame]

# An Excel sheet has 1,048,576 rows; the header takes one.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_DATA_ROWS = EXCEL_MAX_ROWS - 1
WORKBOOK_NAME = "synthetic-authority.xlsx"
DATE_FORMAT = "yyyy-mm-dd"


class TooManyRowsForExcel(ValueError):  # noqa: N818 - named for what the person reads
    """A table has more rows than an Excel sheet can hold."""


def write_csv(tables: Tables, directory: Path) -> list[Path]:
    """One UTF-8 CSV file per table, named ``<table>.csv``; returns the paths written."""
    if isinstance(tables, JourneyTables):
        return write_canonical_csv(tables, directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = table_path(directory, name)
        frame.write_csv(path)
        written.append(path)
    return written


def check_fits_excel(tables: Tables) -> None:
    """Refuse, naming the table, when a table has more rows than an Excel sheet holds."""
    for name, frame in tables.items():
        if frame.height > EXCEL_MAX_DATA_ROWS:
            raise TooManyRowsForExcel(
                f"the {name} table has {frame.height:,} rows, more than the "
                f"{EXCEL_MAX_DATA_ROWS:,} an Excel sheet holds under its header; "
                "write CSV instead, or generate fewer children"
            )


def write_xlsx(tables: Tables, path: Path) -> Path:
    """One workbook with a sheet per table, named exactly as the table."""
    import xlsxwriter

    check_fits_excel(tables)
    path.parent.mkdir(parents=True, exist_ok=True)
    options = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    with xlsxwriter.Workbook(str(path), options) as workbook:
        formats = {
            "header": workbook.add_format({"bold": True}),
            "date": workbook.add_format({"num_format": DATE_FORMAT}),
        }
        for name, frame in tables.items():
            _write_sheet(workbook.add_worksheet(name), name, frame, formats)
    return path


def _write_sheet(sheet: Any, name: str, frame: pl.DataFrame, formats: dict[str, Any]) -> None:
    for column_number, column in enumerate(frame.columns):
        sheet.write_string(0, column_number, column, formats["header"])
        sheet.set_column(column_number, column_number, max(12, len(column) + 2))
    writers = [_cell_writer(name, column, dtype, formats) for column, dtype in frame.schema.items()]
    # xlsxwriter writes cell by cell; the rows are bounded by Excel's own limit.
    for row_number, row in enumerate(frame.iter_rows(), start=1):
        for column_number, value in enumerate(row):
            if value is not None:
                writers[column_number](sheet, row_number, column_number, value)


def _cell_writer(name: str, column: str, dtype: pl.DataType, formats: dict[str, Any]) -> Any:
    """How a column's cells are written: dates as dates, numbers as numbers, text as text."""
    if dtype == pl.Date:
        date_format = formats["date"]

        def write_date(sheet: Any, row: int, col: int, value: date) -> None:
            sheet.write_datetime(row, col, value, date_format)

        return write_date
    if dtype.is_numeric():

        def write_number(sheet: Any, row: int, col: int, value: float) -> None:
            sheet.write_number(row, col, value)

        return write_number
    if _is_date_column(name, column):
        # Messy text: an Excel serial date goes in as the bare number a system exports.

        def write_date_text(sheet: Any, row: int, col: int, value: str) -> None:
            if value.isdigit():
                sheet.write_number(row, col, int(value))
            else:
                sheet.write_string(row, col, value)

        return write_date_text

    def write_text(sheet: Any, row: int, col: int, value: str) -> None:
        sheet.write_string(row, col, value)

    return write_text


def _is_date_column(name: str, column: str) -> bool:
    schema = SCHEMAS.get(name, {})
    return schema.get(column) == pl.Date or column == "date_of_birth"
