"""Where children wait: the stage table and charts for all children, by entry period and
by team (``permanence.analysis.stages``).

The report pack's stage table is this page's (``stage_summary``), so both say the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from permanence.analysis.stages import GroupBy, StageFigures, StageResult, stage_table
from permanence.analysis.stages_text import share_text, where_most_waiting_is
from permanence.charts import ChartSpec, stages_chart
from permanence.pages.filters import Filters, filter_rows, within_period


@dataclass(frozen=True)
class StageRow:
    """One stage of the journey in the stage table: on the page and in the pack."""

    label: str
    rank: int
    share: float
    reached: int
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    p90: float | None
    in_now: int
    waiting_median: float | None
    out_of_order: int

    def cells(self) -> tuple[str, ...]:
        """The row as the pack's PDF and slides print it (whole days), under
        ``STAGE_HEADINGS``."""
        middle_half = (
            f"{_days(self.lower_quartile)} to {_days(self.upper_quartile)}"
            if self.lower_quartile is not None and self.upper_quartile is not None
            else ""
        )
        return (
            self.label,
            share_text(self.share),
            f"{self.reached:,}",
            _days(self.median),
            middle_half,
            _days(self.p90),
            f"{self.in_now:,}",
        )


#: The stage table's column headings, for ``StageRow.cells``.
STAGE_HEADINGS: tuple[str, ...] = (
    "Stage (ended by)",
    "Share of all waiting",
    "Children who completed it",
    "Median days",
    "Middle half (days)",
    "90th percentile (days)",
    "Waiting in it now",
)


def _days(value: float | None) -> str:
    return "" if value is None else f"{round(value):,}"


@dataclass(frozen=True)
class StageSummary:
    """Where children wait over every child the filters keep: the stage table in rank
    order and the sentence saying where most of the waiting is. ``by_period`` is the
    analysis it was read from, grouped by the period accommodated."""

    by_period: StageResult
    ranked: tuple[StageFigures, ...]
    rows: tuple[StageRow, ...]
    top: str

    @property
    def children(self) -> int:
        return self.by_period.overall.children


def stage_summary(frame: pl.DataFrame, filters: Filters, *, as_of: date) -> StageSummary:
    """The stage table for the children the filters keep, the period filter applied to
    the date accommodated. The stages page and the report pack both read it."""
    return _summarise(_accommodated_within(frame, filters, as_of), filters, as_of)


def _accommodated_within(frame: pl.DataFrame, filters: Filters, as_of: date) -> pl.DataFrame:
    return within_period(filter_rows(frame, filters), "accommodated_date", filters, as_of)


def _summarise(rows: pl.DataFrame, filters: Filters, as_of: date) -> StageSummary:
    by_period = stage_table(rows, by=GroupBy.PERIOD, granularity=filters.per, as_of=as_of)
    ranked = tuple(by_period.overall.ranked())
    return StageSummary(
        by_period=by_period,
        ranked=ranked,
        rows=tuple(_stage_row(stage) for stage in ranked),
        top=where_most_waiting_is(ranked),
    )


@dataclass(frozen=True)
class GroupColumn:
    key: str
    label: str
    children: int


@dataclass(frozen=True)
class StageCompare:
    """The median days of each stage (rows, in the overall ranking) per group (columns)."""

    title: str
    groups: tuple[GroupColumn, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class StagesPage:
    as_of: date
    children: int
    rows: tuple[StageRow, ...]
    overall_chart: ChartSpec
    by_period: StageCompare
    by_period_chart: ChartSpec
    by_team: StageCompare
    by_team_chart: ChartSpec
    top: str

    @property
    def charts(self) -> dict[str, ChartSpec]:
        return {
            "all": self.overall_chart,
            "by-period": self.by_period_chart,
            "by-team": self.by_team_chart,
        }


def stages_page(frame: pl.DataFrame, filters: Filters, *, as_of: date) -> StagesPage:
    """Where children wait: the stage table and chart for all children, by entry period
    and by team. The period filter applies to the date accommodated."""
    rows = _accommodated_within(frame, filters, as_of)
    summary = _summarise(rows, filters, as_of)
    by_period, ranked = summary.by_period, summary.ranked
    by_team = stage_table(rows, by=GroupBy.TEAM, granularity=filters.per, as_of=as_of)
    return StagesPage(
        as_of=as_of,
        children=summary.children,
        rows=summary.rows,
        overall_chart=stages_chart(by_period, name="where-children-wait"),
        by_period=_compare(by_period, ranked, f"Median days in each stage, by {filters.per.value}"),
        by_period_chart=stages_chart(
            by_period,
            by_group=True,
            name="where-children-wait-by-period",
            title=f"Where children wait, by the {filters.per.value} they were accommodated",
        ),
        by_team=_compare(by_team, ranked, "Median days in each stage, by team"),
        by_team_chart=stages_chart(
            by_team,
            by_group=True,
            groups=[group.key for group in by_team.groups][:6],
            name="where-children-wait-by-team",
            title="Where children wait, by team",
        ),
        top=summary.top,
    )


def _stage_row(stage: StageFigures) -> StageRow:
    return StageRow(
        label=stage.label,
        rank=stage.rank,
        share=stage.share,
        reached=stage.reached,
        median=stage.median,
        lower_quartile=stage.lower_quartile,
        upper_quartile=stage.upper_quartile,
        p90=stage.p90,
        in_now=stage.in_now,
        waiting_median=stage.waiting_median,
        out_of_order=stage.out_of_order,
    )


def _compare(result: StageResult, ranked: Sequence[StageFigures], title: str) -> StageCompare:
    groups = tuple(GroupColumn(g.key, g.label, g.children) for g in result.groups)
    by_key = [{stage.key: stage for stage in group.stages} for group in result.groups]
    rows = tuple(
        (
            stage.label,
            tuple(_median_text(stages[stage.key]) for stages in by_key),
        )
        for stage in ranked  # ten stages × a handful of groups
    )
    return StageCompare(title=title, groups=groups, rows=rows)


def _median_text(stage: StageFigures) -> str:
    if stage.median is None:
        return "none yet"
    return f"{round(stage.median):,} ({stage.reached:,})"
