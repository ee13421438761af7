"""The process map page: the flowchart, the map as a table and in words, the routes back,
the stability and balancing measures, and what the authority noted on each step.

The report pack's map is this page's (``process_map_page``), so both say the same. The
web view hands in the authority's notes on the steps (``StepNote``) and the purposeful
delays its data leads recorded; everything else comes from the journeys frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from permanence.analysis.balancing import BalancingFigure, balancing_figures
from permanence.analysis.flows import quarterly_flows
from permanence.analysis.process_map import (
    OutcomeFigures,
    ProcessMapFigures,
    RoutesBack,
    StepFigures,
    process_map,
)
from permanence.charts.flows import flows_chart, flows_text
from permanence.charts.process_map import map_text, process_map_chart
from permanence.charts.spec import ChartSpec
from permanence.pages.filters import Filters, filter_rows, within_period


@dataclass(frozen=True, slots=True)
class StepNote:
    """What an authority noted on a step: who owns it and what is being tested there."""

    owner: str = ""
    testing: str = ""


@dataclass(frozen=True, slots=True)
class MapRow:
    """One step of the map as the table shows it, with the authority's note."""

    step: StepFigures
    note: StepNote

    def cells(self) -> tuple[str, ...]:
        """The row as the pack prints it, under ``MAP_HEADINGS``."""
        step = self.step
        return (
            step.label + (" (most waiting)" if step.most_waiting else ""),
            f"{step.entered:,}",
            _days(step.median_days),
            _days(step.p90_days),
            f"{step.waiting_now:,}",
            f"{round(100 * step.share)}%",
            self.note.owner,
            self.note.testing,
        )


MAP_HEADINGS: tuple[str, ...] = (
    "Step",
    "Children who passed through",
    "Median days there",
    "90th percentile (days)",
    "Waiting there now",
    "Share of all waiting",
    "Owner",
    "What is being tested",
)


def _days(value: float | None) -> str:
    return "" if value is None else f"{round(value):,}"


def balancing_text(figure: BalancingFigure) -> str:
    """A balancing measure's figure in words: "1 of 4 children (25%)" or "130 days"."""
    measure = figure.measure
    if figure.value is None:
        return "nobody counted yet"
    if measure.unit == "days":
        return f"median {round(figure.value):,} days ({figure.denominator:,} children)"
    return f"{figure.numerator:,} of {figure.denominator:,} ({round(figure.value)}%)"


@dataclass(frozen=True)
class ProcessMapPage:
    as_of: date
    figures: ProcessMapFigures
    rows: tuple[MapRow, ...]
    chart: ChartSpec
    text: str
    balancing: tuple[BalancingFigure, ...]
    #: Entries, exits by route and children in care per whole quarter (every quarter: the
    #: period filter does not apply, the other filters do), its chart and words.
    flows: pl.DataFrame
    flows_chart: ChartSpec
    flows_text: str

    @property
    def children(self) -> int:
        return self.figures.children

    @property
    def outcomes(self) -> tuple[OutcomeFigures, ...]:
        return self.figures.outcomes

    @property
    def routes_back(self) -> RoutesBack:
        return self.figures.routes_back

    @property
    def most_waiting(self) -> tuple[MapRow, ...]:
        return tuple(
            sorted(
                (row for row in self.rows if row.step.most_waiting),
                key=lambda row: row.step.rank,
            )
        )

    @property
    def charts(self) -> dict[str, ChartSpec]:
        return {"map": self.chart, "flows": self.flows_chart}

    def table(self) -> tuple[tuple[str, ...], ...]:
        return tuple(row.cells() for row in self.rows)


def map_rows_of(frame: pl.DataFrame, filters: Filters, as_of: date) -> pl.DataFrame:
    """The care periods the filters keep, the period filter applied to the date
    accommodated (as the stages page does)."""
    return within_period(filter_rows(frame, filters), "accommodated_date", filters, as_of)


def process_map_page(
    frame: pl.DataFrame,
    filters: Filters,
    *,
    as_of: date,
    notes: Mapping[str, StepNote] | None = None,
    delays: pl.DataFrame | None = None,
) -> ProcessMapPage:
    """The process map of the children the filters keep."""
    rows = map_rows_of(frame, filters, as_of)
    figures = process_map(rows, as_of=as_of)
    flows = quarterly_flows(filter_rows(frame, filters), as_of=as_of)
    notes = notes or {}
    return ProcessMapPage(
        as_of=as_of,
        figures=figures,
        rows=tuple(MapRow(step, notes.get(step.key, StepNote())) for step in figures.steps),
        chart=process_map_chart(figures),
        text=map_text(figures),
        balancing=balancing_figures(rows, delays, as_of=as_of),
        flows=flows,
        flows_chart=flows_chart(flows),
        flows_text=flows_text(flows),
    )
