"""Flows and rates: children entering care, leaving it by route, and in care, per quarter.

The figures Chapin Hall's archive gives its users, from the journeys frame:

- ``entries``: care periods that began in the quarter (``period_start``);
- ``exits`` and ``exits_<destination>``: care periods that ended in the quarter
  (``period_end``), by where the child went (a ``Destination`` code; a blank one counts as
  ``other``);
- ``in_care``: care periods open at the end of the quarter's last day (begun on or before
  it, not ended by it: a child who left on that day has left).

Only whole quarters are given: those that ended on or before the measuring date. The
count in care is the running total of entries less exits, so no loop over quarters or
children is needed.

**Rates per 1,000 children** (``with_rates``) divide by the children aged 0 to 17 in the
authority's population: the mid-year estimate of the quarter's year, or, where that year
has none yet, the latest year before it (``population_year`` says which). The population
comes from whoever supplies it (``population`` rows of ``year`` and ``population``, the
sum over age bands already taken by ``population_total``): no published estimates are
shipped, so the web app's data lead enters them (``pages.flow_rates``).
docs/process-map.md ("Flows and rates") has the rules and a worked example.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import polars as pl

from permanence.analysis.periods import frame_as_of
from permanence.journey.vocabulary import Destination

ENGINE: Final = "in-memory"
# In the order the vocabulary declares them (``codes()`` is a set: its order changes from
# one process to the next, and so would the table's columns).
DESTINATIONS: Final = tuple(member.value for member in Destination)
EXIT_COLUMNS: Final = tuple(f"exits_{code}" for code in DESTINATIONS)
PER: Final = 1000


def _quarter(column: str) -> pl.Expr:
    return pl.col(column).dt.truncate("1q")


def quarter_end(start: date) -> date:
    """The last day of the quarter beginning on ``start``."""
    month = start.month + 3
    following = date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def quarterly_flows(
    frame: pl.DataFrame, *, as_of: date | None = None, since: date | None = None
) -> pl.DataFrame:
    """Per whole quarter (``quarter``, its first day; ``quarter_end``): ``entries``,
    ``exits``, ``exits_<destination>`` for every destination, and ``in_care`` at its end.
    From the quarter of the first care period (or of ``since``) to the last quarter that
    ended by ``as_of``."""
    when = frame_as_of(frame, as_of)
    schema = {
        "quarter": pl.Date,
        "quarter_end": pl.Date,
        "entries": pl.Int64,
        "exits": pl.Int64,
        **dict.fromkeys(EXIT_COLUMNS, pl.Int64),
        "in_care": pl.Int64,
    }
    started = frame.lazy().filter(pl.col("period_start").is_not_null())
    started = started.filter(pl.col("period_start") <= when)
    first = started.select(pl.col("period_start").min()).collect(engine=ENGINE).item()
    last_start = date(when.year, 3 * ((when.month - 1) // 3) + 1, 1)
    last = last_start if quarter_end(last_start) <= when else _previous_quarter(last_start)
    if first is None or first > quarter_end(last):
        return pl.DataFrame(schema=schema)
    quarters = pl.DataFrame(
        {"quarter": pl.date_range(_quarter_of(first), last, "1q", eager=True)}
    ).lazy()
    entries = started.group_by(_quarter("period_start").alias("quarter")).agg(
        pl.len().cast(pl.Int64).alias("entries")
    )
    ended = started.filter(pl.col("period_end").is_not_null() & (pl.col("period_end") <= when))
    exits = (
        ended.group_by(
            _quarter("period_end").alias("quarter"),
            pl.col("destination").fill_null("other").alias("_to"),
        )
        .agg(pl.len().cast(pl.Int64).alias("_n"))
        .collect(engine=ENGINE)
    )
    by_route = quarters.collect(engine=ENGINE).with_columns(
        pl.lit(0, pl.Int64).alias(column) for column in EXIT_COLUMNS
    )
    for code, column in zip(DESTINATIONS, EXIT_COLUMNS, strict=True):
        counted = exits.filter(pl.col("_to") == code).select("quarter", pl.col("_n").alias("_c"))
        by_route = (
            by_route.join(counted, on="quarter", how="left")
            .with_columns(pl.col("_c").fill_null(0).alias(column))
            .drop("_c")
        )
    table = (
        by_route.lazy()
        .join(entries, on="quarter", how="left")
        .with_columns(
            pl.col("entries").fill_null(0),
            pl.sum_horizontal(*EXIT_COLUMNS).cast(pl.Int64).alias("exits"),
        )
        .sort("quarter")
        .with_columns(
            (pl.col("entries").cum_sum() - pl.col("exits").cum_sum()).alias("in_care"),
            pl.col("quarter").dt.offset_by("3mo").dt.offset_by("-1d").alias("quarter_end"),
        )
        .select(list(schema))
        .collect(engine=ENGINE)
    )
    if since is not None:
        table = table.filter(pl.col("quarter") >= _quarter_of(since))
    return table


def _quarter_of(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _previous_quarter(start: date) -> date:
    return date(start.year - 1, 10, 1) if start.month == 1 else date(start.year, start.month - 3, 1)


POPULATION_SCHEMA: Final = {
    "area_code": pl.String,
    "area_name": pl.String,
    "year": pl.Int64,
    "age_band": pl.String,
    "population": pl.Int64,
}


def population_total(population: pl.DataFrame, area_code: str) -> pl.DataFrame:
    """The children aged 0 to 17 in ``area_code`` per year (``year``, ``population``):
    the sum of that area's age bands (rows shaped as ``POPULATION_SCHEMA``)."""
    return (
        population.filter(pl.col("area_code") == area_code)
        .group_by("year")
        .agg(pl.col("population").sum().cast(pl.Int64))
        .sort("year")
    )


def with_rates(flows: pl.DataFrame, population: pl.DataFrame) -> pl.DataFrame:
    """``flows`` with ``population`` (children aged 0 to 17), ``population_year`` (the
    mid-year estimate used: the quarter's year, or the latest before it) and, per 1,000
    of them, ``entries_rate``, ``exits_rate`` and ``in_care_rate`` (blank where no
    estimate is as early as the quarter)."""
    years = population.select(
        pl.col("year").cast(pl.Int64).alias("population_year"),
        pl.col("population").cast(pl.Int64),
    ).sort("population_year")
    joined = (
        flows.with_columns(pl.col("quarter").dt.year().cast(pl.Int64).alias("_year"))
        .sort("_year")
        .join_asof(years, left_on="_year", right_on="population_year", strategy="backward")
        .sort("quarter")
        .drop("_year")
    )
    per = PER / pl.col("population")
    return joined.with_columns(
        (pl.col("entries") * per).alias("entries_rate"),
        (pl.col("exits") * per).alias("exits_rate"),
        (pl.col("in_care") * per).alias("in_care_rate"),
    )
