"""A chart's data as an accessible HTML table and as a CSV download safe in a spreadsheet."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any, Final

import polars as pl

from permanence.charts import ChartSpec
from permanence.ingest.quality_report import FORMULA_TRIGGERS

NUMERIC_CLASS: Final = ' class="numeric"'
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


def table_html(
    frame: pl.DataFrame,
    *,
    caption: str,
    links: Mapping[str, str] | None = None,
    link_column: str | None = None,
    table_id: str | None = None,
) -> str:
    """``frame`` as an accessible HTML table (caption, column headers, the first column
    as row headers), every cell escaped.

    With ``links`` the cells of ``link_column`` become links (a pseudonymous reference
    to the child's journey). Built with polars string expressions over whole columns, so
    a table of thousands of children is one pass, not a loop.
    """
    if frame.width == 0:
        return ""
    numeric = {name for name, dtype in frame.schema.items() if dtype.is_numeric()}
    cells: list[pl.Expr] = []
    for index, (name, dtype) in enumerate(frame.schema.items()):
        text = _escaped(_cell_text(pl.col(name), dtype))
        if links and name == link_column:
            target = pl.col(name).replace_strict(dict(links), default=None, return_dtype=pl.String)
            text = (
                pl.when(target.is_not_null())
                .then(pl.lit('<a href="') + _escaped(target) + pl.lit('">') + text + "</a>")
                .otherwise(text)
            )
        tag = "th" if index == 0 else "td"
        opening = f'<{tag} scope="row"' if index == 0 else f"<{tag}"
        opening += f"{NUMERIC_CLASS}>" if name in numeric else ">"
        cells.append(pl.lit(opening) + text + pl.lit(f"</{tag}>"))
    body = frame.select(pl.concat_str([pl.lit("<tr>"), *cells, pl.lit("</tr>")]).alias("row"))
    rows = "\n".join(body.get_column("row").to_list())
    header = "".join(
        f'<th scope="col"{NUMERIC_CLASS if name in numeric else ""}>{html.escape(name)}</th>'
        for name in frame.columns
    )
    identifier = f' id="{html.escape(table_id)}"' if table_id else ""
    return (
        f'<table class="ds_table data-table"{identifier}>'
        f"<caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{header}</tr></thead><tbody>\n{rows}\n</tbody></table>"
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


def _escaped(text: pl.Expr) -> pl.Expr:
    return text.str.replace_many(
        ["&", "<", ">", '"', "'"], ["&amp;", "&lt;", "&gt;", "&quot;", "&#x27;"]
    )
