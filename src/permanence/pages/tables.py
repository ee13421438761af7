"""A chart's data as an accessible HTML table and as a CSV download safe in a spreadsheet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import polars as pl
from markupsafe import Markup

from permanence.charts import ChartSpec
from permanence.ingest.quality_report import FORMULA_TRIGGERS
from permanence.pages.html import templates

_PLAIN_NUMBER: Final = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text cell that a spreadsheet would run as a formula made
    inert by a leading apostrophe (the OWASP advice against CSV injection).

    A cell beginning with =, +, -, @, a tab or a carriage return is escaped unless it is
    a plain number ("-3.5"), which a spreadsheet reads as a number, not a formula.
    Numbers and dates are never text, so they are never touched.
    """
    # The characters the data-quality workbook escapes too (FORMULA_TRIGGERS).
    starts = "^[" + "".join("\\" + c if c in "+-" else c for c in FORMULA_TRIGGERS) + "]"
    escaped = [
        pl.when(pl.col(name).str.contains(starts) & ~pl.col(name).str.contains(_PLAIN_NUMBER))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    ]
    safe = frame.with_columns(escaped) if escaped else frame
    # A heading can hold what a person typed (what an entered measure counts): the same.
    headings = {name: f"'{name}" for name in frame.columns if name.startswith(FORMULA_TRIGGERS)}
    return safe.rename(headings) if headings else safe


def to_csv(chart: ChartSpec) -> str:
    """A chart's data as CSV text, safe to open in a spreadsheet."""
    return csv_safe(chart.data).write_csv()


#: The class of a column of numbers (set right-aligned by the stylesheet).
NUMERIC: Final = Markup(' class="numeric"')


def table_html(
    frame: pl.DataFrame,
    *,
    caption: str,
    links: Mapping[str, str] | None = None,
    link_column: str | None = None,
    table_id: str | None = None,
) -> str:
    """``frame`` as an accessible HTML table (caption, column headers, the first column
    as row headers), every cell escaped by the template (``pages/data_table.html``).

    With ``links`` the cells of ``link_column`` become links (a pseudonymous reference
    to the child's journey). The cells' words and the links' addresses are worked out
    with polars expressions over whole columns; the template only writes them out.
    """
    if frame.width == 0:
        return ""
    numeric = [NUMERIC if dtype.is_numeric() else "" for dtype in frame.schema.values()]
    texts = frame.select(
        _cell_text(pl.col(name), dtype).alias(name) for name, dtype in frame.schema.items()
    )
    linked = bool(links) and link_column in frame.columns
    hrefs: list[str | None] = (
        frame.get_column(str(link_column))
        .cast(pl.String)
        .replace_strict(dict(links or {}), default=None, return_dtype=pl.String)
        .to_list()
        if linked
        else [None] * frame.height
    )
    return (
        templates("permanence.pages")
        .get_template("pages/data_table.html")
        .render(
            caption=caption,
            table_id=table_id,
            columns=frame.columns,
            numeric=numeric,
            rows=zip(texts.iter_rows(), hrefs, strict=True),
            hrefs=hrefs,
            link_index=frame.columns.index(str(link_column)) if linked else -1,
        )
    )


def _cell_text(column: pl.Expr, dtype: Any) -> pl.Expr:
    if dtype == pl.Date:
        text = column.dt.strftime("%-d %b %Y")
    elif isinstance(dtype, pl.Datetime):
        text = column.dt.strftime("%-d %b %Y %H:%M")
    elif dtype.is_float():
        text = column.round(1).cast(pl.String)
    else:
        text = column.cast(pl.String)
    return text.fill_null("")
