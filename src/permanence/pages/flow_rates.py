"""Rates per 1,000 children: the flows per quarter divided by the children aged 0 to 17
living in the authority, from the population figures its data lead has entered.

No published population estimates are shipped (docs/process-map.md, "Flows and rates",
says why), so the figures come with the source the person who entered them named, and
that source is said beside every rate. The arithmetic is ``analysis.flows.with_rates``:
each quarter takes the estimate of its own year, or the latest year before it; a quarter
earlier than every estimate has no rate, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from permanence.analysis.flows import with_rates
from permanence.charts.flows import quarter_name


@dataclass(frozen=True, slots=True)
class Population:
    """The children aged 0 to 17 living in the authority in one year, and where the
    figure comes from."""

    children: int
    source: str


@dataclass(frozen=True, slots=True)
class FlowRate:
    """One whole quarter's flows, with each per 1,000 children (``None``: no estimate is
    as early as the quarter)."""

    quarter: date
    entries: int
    exits: int
    in_care: int
    population_year: int | None
    population: int | None
    entries_rate: float | None
    exits_rate: float | None
    in_care_rate: float | None

    @property
    def name(self) -> str:
        return quarter_name(self.quarter)

    @property
    def population_words(self) -> str:
        """ "21,200 (2025)": the population divided by, and the year of its figure."""
        if self.population is None:
            return ""
        return f"{self.population:,} ({self.population_year})"


def flow_rates(flows: pl.DataFrame, populations: Mapping[int, Population]) -> tuple[FlowRate, ...]:
    """Each quarter of ``flows`` (``quarterly_flows``' rows) with its rates per 1,000
    children; empty when no population figure has been entered."""
    if not populations or flows.height == 0:
        return ()
    years = pl.DataFrame(
        {
            "year": list(populations),
            "population": [figure.children for figure in populations.values()],
        },
        schema={"year": pl.Int64, "population": pl.Int64},
    )
    rated = with_rates(flows.select("quarter", "entries", "exits", "in_care"), years)
    return tuple(FlowRate(**row) for row in rated.iter_rows(named=True))


def rates_text(rates: tuple[FlowRate, ...], populations: Mapping[int, Population]) -> str:
    """The latest quarter's rates in words, with the population and its source."""
    latest = next((rate for rate in reversed(rates) if rate.population_year is not None), None)
    if latest is None or latest.population_year is None or latest.in_care_rate is None:
        return (
            "No population figure entered is as early as any whole quarter, so no rate "
            "can be given."
        )
    source = populations[latest.population_year].source
    return (
        f"At the end of {latest.name}, {_rate(latest.in_care_rate)} in every 1,000 children "
        f"living in the authority were in care; {_rate(latest.entries_rate)} came into "
        f"care and {_rate(latest.exits_rate)} left it in the quarter, per 1,000. The "
        f"population is {latest.population:,} children aged 0 to 17 in "
        f"{latest.population_year} ({source})."
    )


def _rate(value: float | None) -> str:
    """One decimal place, a half rounded up (as the page's table rounds): 2.05 is 2.1
    however the division's last binary digit fell."""
    if value is None:
        return "no figure"
    return str(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
