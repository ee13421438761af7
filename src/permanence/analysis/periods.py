"""Entry periods: the month, quarter or year in which a child's clock started.

Aims and stage tables are reported per entry period (an entry cohort), so that children
are always counted in the period they began waiting, never in the period they got a
decision. Periods are calendar periods (quarters January to March, April to June, ...);
each is named by its first day, which sorts correctly, and carries a label for people.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import polars as pl


class Granularity(StrEnum):
    """How finely entry periods are cut."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_TRUNCATE_EVERY: dict[Granularity, str] = {
    Granularity.MONTH: "1mo",
    Granularity.QUARTER: "1q",
    Granularity.YEAR: "1y",
}

_QUARTER_MONTHS = {
    1: "January to March",
    4: "April to June",
    7: "July to September",
    10: "October to December",
}


def period_start(dates: pl.Expr, granularity: Granularity) -> pl.Expr:
    """The first day of the period holding each date (null stays null)."""
    return dates.dt.truncate(_TRUNCATE_EVERY[Granularity(granularity)])


def period_label(first_day: date, granularity: Granularity) -> str:
    """A period named for people: "2024", "April to June 2024" or "April 2024"."""
    granularity = Granularity(granularity)
    if granularity is Granularity.YEAR:
        return str(first_day.year)
    if granularity is Granularity.QUARTER:
        return f"{_QUARTER_MONTHS[first_day.month]} {first_day.year}"
    return f"{first_day:%B} {first_day.year}"


def period_code(first_day: date, granularity: Granularity) -> str:
    """A short sortable name for machines: "2024", "2024-Q2" or "2024-04"."""
    granularity = Granularity(granularity)
    if granularity is Granularity.YEAR:
        return str(first_day.year)
    if granularity is Granularity.QUARTER:
        return f"{first_day.year}-Q{(first_day.month - 1) // 3 + 1}"
    return f"{first_day.year}-{first_day.month:02d}"


def long_date(day: date) -> str:
    """A date as people write it in an aim statement: "31 March 2027"."""
    return f"{day.day} {day:%B} {day.year}"


def frame_as_of(frame: pl.DataFrame, as_of: date | None = None) -> date:
    """The date a journeys frame describes, read from its ``as_of`` column.

    A frame knows nothing recorded after its ``as_of``, so measuring it as of any other
    date would be wrong: a different ``as_of`` is refused. An empty frame has no date to
    read, so the caller must give one.
    """
    if frame.height and "as_of" in frame.columns:
        known = frame.get_column("as_of").item(0)
        if not isinstance(known, date):
            raise ValueError("the frame's as_of column holds no date")
        if as_of is not None and as_of != known:
            raise ValueError(
                f"the frame was built as of {known.isoformat()}, not {as_of.isoformat()}: "
                "build it again for that date"
            )
        return known
    if as_of is None:
        raise ValueError("the frame is empty: say which date it describes (as_of)")
    return as_of
