"""Reading dates written the ways case recording systems and spreadsheets write them.

Every form is recognised by a strict pattern first and only then converted, so a value is
either a real calendar date or null: "31/02/2024" is null (it does not exist), not
2 March. The caller turns a null from a non-blank value into a DATE001 issue.

Accepted (``docs/data-format.md`` says the same to people):

- ISO: 2024-01-31, always, because workbook date cells are read as ISO text.
- ``uk``: 31/01/2024, 31-01-2024, 31.01.2024 and 1/2/2024; 31 Jan 2024, 31-Jan-2024 and
  31 January 2024. Two-digit years are refused: 01/02/03 could be any century.
- ``excel_serial``: a day number in Excel's 1900 date system, from 18264 (1 January 1950)
  to 73415 (31 December 2100); a fraction (a time of day) is dropped. No date in a looked
  after child's record is earlier than 1950, and a smaller number is far more likely a
  year ("2018") or a slip than a date, so it is refused rather than read as 1905. (The
  1900 system also counts a 29 February 1900 that never existed; from 1950 that is moot.)
- any strftime pattern a profile names, such as ``%d-%b-%Y``.

A time of day after the date (``2024-01-31 00:00:00``, ``31/01/2024 09:30``), which many
systems add to every date, is dropped before reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's 1900 date system, counting the phantom 29 February 1900, so that
serial numbers from 61 (1 March 1900) on are exact."""

FIRST_SERIAL = (date(1950, 1, 1) - EXCEL_EPOCH).days
LAST_SERIAL = (date(2100, 12, 31) - EXCEL_EPOCH).days

_TIME_OF_DAY = r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp][Mm]|Z|[+-]\d{2}:?\d{2})?$"
_ISO = r"^\d{4}-\d{1,2}-\d{1,2}$"
_UK_NUMERIC = r"^(?:\d{1,2}/\d{1,2}/\d{4}|\d{1,2}-\d{1,2}-\d{4}|\d{1,2}\.\d{1,2}\.\d{4})$"
_UK_MONTH_NAME = r"^\d{1,2}[ -][A-Za-z]{3,9}\.?[ -]\d{4}$"
_SERIAL = r"^\d{1,6}(?:\.\d+)?$"


def parse_dates(values: pl.Series, formats: Sequence[str]) -> pl.Series:
    """``parse_date`` over a whole column, quickly when most values are plain ISO dates.

    ISO dates (what the project's own files and workbook date cells hold) are read in one
    pass; only the values that are not are tried against every accepted form.
    """
    text = values.cast(pl.String)
    plain_iso = text.str.len_chars().is_between(8, 10)
    fast = (
        pl.select(pl.when(plain_iso).then(text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)))
        .to_series()
        .alias(values.name)
    )
    pending = (fast.is_null() & text.is_not_null()).arg_true()
    if pending.is_empty():
        return fast
    rest = pl.DataFrame({"text": text.gather(pending)}).select(parse_date(pl.col("text"), formats))
    return fast.scatter(pending, rest.to_series())


def without_time_of_day(text: pl.Expr) -> pl.Expr:
    return text.str.replace(_TIME_OF_DAY, "")


def parse_date(text: pl.Expr, formats: Sequence[str]) -> pl.Expr:
    """``text`` (String) as a Date, null where it is blank or not a date in ``formats``.

    ISO is always tried first; then each entry of ``formats`` in order (named forms of
    ``permanence.ingest.profile.DATE_FORMAT_NAMES`` or strftime patterns).
    """
    bare = without_time_of_day(text)
    candidates = [_iso(bare)]
    for entry in formats:
        if entry == "iso":
            continue
        if entry == "uk":
            candidates.extend(_uk(bare))
        elif entry == "excel_serial":
            candidates.append(_excel_serial(bare))
        else:
            candidates.append(bare.str.strptime(pl.Date, entry, strict=False))
    return pl.coalesce(candidates)


def _iso(text: pl.Expr) -> pl.Expr:
    return pl.when(text.str.contains(_ISO)).then(
        text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    )


def _uk(text: pl.Expr) -> list[pl.Expr]:
    numeric = text.str.replace_all(r"[.\-]", "/").str.strptime(pl.Date, "%d/%m/%Y", strict=False)
    # "Sept" is a common abbreviation chrono does not know; a trailing full stop is dropped.
    named = text.str.replace_all(r"[ -]+", " ").str.replace(r"(?i)\bsept\b", "Sep")
    named = named.str.replace(r"\.", "")
    return [
        pl.when(text.str.contains(_UK_NUMERIC)).then(numeric),
        pl.when(text.str.contains(_UK_MONTH_NAME)).then(
            pl.coalesce(
                named.str.strptime(pl.Date, "%d %b %Y", strict=False),
                named.str.strptime(pl.Date, "%d %B %Y", strict=False),
            )
        ),
    ]


def _excel_serial(text: pl.Expr) -> pl.Expr:
    number = text.cast(pl.Float64, strict=False)
    in_range = number.is_between(FIRST_SERIAL, LAST_SERIAL + 1, closed="left")
    days = number.floor().cast(pl.Int64, strict=False)
    return pl.when(text.str.contains(_SERIAL) & in_range).then(
        pl.lit(EXCEL_EPOCH, dtype=pl.Date) + pl.duration(days=days)
    )


def excel_serial(day: date) -> int:
    """The Excel 1900-system serial number of ``day`` (exact from 1 March 1900)."""
    return (day - EXCEL_EPOCH).days
