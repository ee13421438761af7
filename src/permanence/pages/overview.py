"""The aims overview: children looked after now, and every aim's figures, trend and what
its run chart says.

The report pack reads the same functions (``permanence.reports.build``), so the screen
and the pack show the same figures because they are worked out once, here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

import polars as pl

from permanence.analysis.aims import AimDefinition, end_words
from permanence.analysis.aims_outcomes import AimFigures, AimResult, evaluate_aim
from permanence.analysis.aims_text import describe, describe_progress, whole_percent
from permanence.charts import ChartSpec, ImprovementMarks, aim_run_sentences, aim_trend_chart
from permanence.pages.filters import Filters, filter_rows, within_period

#: An aim with no improvement work recorded: nothing to mark on its charts.
NO_IMPROVEMENT: Final = ImprovementMarks()


@dataclass(frozen=True)
class AimSummary:
    """One aim on the overview: its figures, its trend and what the run chart says."""

    aim: AimDefinition
    result: AimResult
    headline: str
    sentences: tuple[str, ...]
    progress: str
    trend: ChartSpec

    @property
    def figures(self) -> AimFigures:
        """The tile's figures. An aim with a "from" date counts only the children whose
        clock started on or after it, as the progress line under the tile does: the two
        count the same children (the run chart still shows the periods before it)."""
        if self.aim.start_on_or_after is not None:
            return self.result.progress.figures
        return self.result.overall

    @property
    def percent_met(self) -> int | None:
        figures = self.figures
        return whole_percent(figures.met, figures.known) if figures.known else None

    @property
    def known(self) -> int:
        """The children whose outcome is known (met or not met)."""
        return self.figures.known

    @property
    def met_text(self) -> str:
        """ "44% of 404" or "None known"."""
        if self.percent_met is None:
            return "None known"
        return f"{self.percent_met}% of {self.known}"

    @property
    def still_waiting(self) -> int:
        return self.figures.still_waiting

    @property
    def past_target(self) -> int:
        return self.figures.waiting_over_target

    @property
    def left_without_end(self) -> int:
        return self.figures.left_without_end

    @property
    def end_words(self) -> str:
        """What the aim's children wait for: "a permanence recommendation"."""
        return end_words(self.aim)


@dataclass(frozen=True)
class Overview:
    as_of: date
    looked_after: int
    accommodated: int
    waiting_for_recommendation: int
    aims: tuple[AimSummary, ...]


def aim_frame(
    frame: pl.DataFrame, aim: AimDefinition, filters: Filters, as_of: date
) -> pl.DataFrame:
    """The care periods an aim reads under the filters: the period applies to the aim's
    own start milestone (children are counted in the period their clock started)."""
    return within_period(filter_rows(frame, filters), aim.start_column, filters, as_of)


def summarise_aim(
    frame: pl.DataFrame,
    aim: AimDefinition,
    filters: Filters,
    improvement: ImprovementMarks = NO_IMPROVEMENT,
    *,
    as_of: date,
) -> AimSummary:
    """An aim's figures per entry period (cut as the filters say), its trend chart and the
    run chart rules' reading in one sentence."""
    rows = aim_frame(frame, aim, filters, as_of)
    result = evaluate_aim(rows, aim, granularity=filters.per, as_of=as_of)
    return AimSummary(
        aim=aim,
        result=result,
        headline=run_chart_headline(result, improvement),
        sentences=tuple(describe(result)),
        progress=describe_progress(aim, result.progress) if aim.target_percent else "",
        trend=aim_trend_chart(result),
    )


def run_chart_headline(result: AimResult, improvement: ImprovementMarks) -> str:
    """One plain sentence of what the run chart rules say about the aim's run chart."""
    return aim_run_sentences(result, improvement, headline_only=True)[0]


def overview(
    frame: pl.DataFrame,
    aims: Sequence[AimDefinition],
    filters: Filters,
    improvements: Mapping[str, ImprovementMarks],
    *,
    as_of: date,
) -> Overview:
    """The overview: children looked after now, and every aim's summary.

    For the figures about children looked after now, the period filter applies to the
    date they became looked after.
    """
    rows = within_period(filter_rows(frame, filters), "period_start", filters, as_of)
    open_periods = rows.filter(pl.col("period_end").is_null())
    accommodated = open_periods.filter(pl.col("accommodated_date").is_not_null())
    waiting = accommodated.filter(pl.col("recommendation_date").is_null())
    return Overview(
        as_of=as_of,
        looked_after=open_periods.height,
        accommodated=accommodated.height,
        waiting_for_recommendation=waiting.height,
        aims=tuple(
            summarise_aim(
                frame, aim, filters, improvements.get(aim.id, NO_IMPROVEMENT), as_of=as_of
            )
            for aim in aims
        ),
    )
