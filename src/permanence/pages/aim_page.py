"""An aim's page: the PACE run chart with the children still waiting beneath it, the
entry-cohort survival curve, the P chart and what became of every child.

The views hand in the journeys frame of the authority's records (built once and cached),
the aim, the filters, how children are named on charts (``Identity``) and the improvement
work to mark (``ImprovementMarks``); they get back plain dataclasses holding the figures,
the sentences and the charts (``ChartSpec``). Everything a chart says comes from
``permanence.analysis`` and ``permanence.charts``; nothing here recomputes what they
compute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final

import polars as pl

from permanence.analysis.aims import AimDefinition, court_routes_text
from permanence.analysis.aims_outcomes import AimFigures, AimPeriod, AimResult, evaluate_aim
from permanence.analysis.periods import Granularity
from permanence.analysis.sibling_groups import group_periods
from permanence.charts import (
    ChartSpec,
    ImprovementMarks,
    PhaseStart,
    aim_competing_events_chart,
    aim_p_chart,
    aim_run_chart,
    aim_run_charts_by_team,
    aim_run_points,
    aim_run_sentences,
    aim_survival_chart,
    analyse_points,
    still_waiting_chart,
)
from permanence.charts.words import month_year
from permanence.pages.filters import Filters
from permanence.pages.identity import CHILD_LABEL, JOURNEY, PSEUDONYM, Identity, identify
from permanence.pages.overview import NO_IMPROVEMENT, AimSummary, aim_frame, summarise_aim

#: The still-waiting chart shows this many of the longest waits (a bar each); its text
#: alternative says how many more are waiting.
STILL_WAITING_SHOWN: Final = 60


@dataclass(frozen=True)
class AimPage:
    summary: AimSummary
    run_chart: ChartSpec
    findings: tuple[str, ...]
    still_waiting: ChartSpec
    survival: ChartSpec | None
    survival_note: str
    p_chart: ChartSpec
    why_differ: str
    improvement: ImprovementMarks
    #: pseudonymous reference -> journey address, for the data tables' links (empty for
    #: roles that may not open a child).
    links: Mapping[str, str] = field(default_factory=dict)
    #: what became of every child (competing events), beside the survival curve
    competing: ChartSpec | None = None
    #: the routes whose application stops the aim's clock, in words (Aim 4)
    routes_text: str = ""
    #: the new phases the run chart suggests (sustained shifts), as a person would
    #: accept them; each is also said in ``findings``
    suggestions: tuple[PhaseStart, ...] = ()
    #: the aim counted by sibling group (a group waits as long as its longest wait): per
    #: entry period, and overall (``None`` where no child counted is in a sibling group)
    sibling_periods: tuple[AimPeriod, ...] = ()
    sibling_total: AimFigures | None = None

    @property
    def charts(self) -> dict[str, ChartSpec]:
        """The page's charts by the name their downloads use."""
        named = {
            "run-chart": self.run_chart,
            "still-waiting": self.still_waiting,
            "p-chart": self.p_chart,
            "trend": self.summary.trend,
        }
        if self.survival is not None:
            named["survival"] = self.survival
        if self.competing is not None:
            named["competing"] = self.competing
        return named


WHY_THE_VIEWS_DIFFER: Final = (
    "The run chart places each child at the date of their decision, so it shows only the "
    "children who have had one: those still waiting are missing, and clearing a backlog of "
    "long waits makes it look worse for a while. The survival curve and the P chart count "
    "children by when their clock started instead. The survival curve follows every child "
    "from that day, those still waiting included for as long as they have waited; the P "
    "chart gives each quarter's percentage who met the aim among those whose outcome is "
    "known, so its latest quarters can still change as children waiting within the target "
    "get their decision."
)


def aim_page(
    frame: pl.DataFrame,
    aim: AimDefinition,
    filters: Filters,
    identity: Identity,
    improvement: ImprovementMarks = NO_IMPROVEMENT,
    *,
    as_of: date,
    decisions: pl.DataFrame | None = None,
) -> AimPage:
    """Everything on an aim's page: the PACE run chart with the children still waiting
    beneath it, the entry-cohort survival curve and the P chart beside it.

    ``decisions``: the purposeful delays recorded on children (``child_ref``,
    ``period_number``, ``clock``, ``reason``); those about this aim's clock are ringed on
    the run chart."""
    summary = summarise_aim(frame, aim, filters, improvement, as_of=as_of)
    result = summary.result
    children = identify(result.children, identity)
    children, decision = with_decisions(children, decisions, aim, identity)
    href = JOURNEY if identity.links else None
    run = aim_run_chart(
        result,
        children=children,
        label=PSEUDONYM,
        label_title=CHILD_LABEL,
        href=href,
        decision=decision,
        improvement_start=improvement.start,
        improvement_name=improvement.name,
        annotations=improvement.annotations,
        phase_starts=improvement.phases,
    )
    waiting = still_waiting_chart(
        result,
        children_table=children,
        label=PSEUDONYM,
        label_title=CHILD_LABEL,
        href=href,
        longest=STILL_WAITING_SHOWN,
    )
    survival, survival_note = aim_survival(result)
    quarters = evaluate_aim(
        aim_frame(frame, aim, filters, as_of), aim, granularity=Granularity.QUARTER, as_of=as_of
    )
    p_chart = aim_p_chart(
        quarters,
        improvement_start=improvement.start,
        improvement_name=improvement.name,
        annotations=improvement.annotations,
    )
    links: dict[str, str] = {}
    if identity.links:
        linked = children.select(PSEUDONYM, JOURNEY).drop_nulls().unique(PSEUDONYM)
        links = dict(linked.iter_rows())
    sibling_periods, sibling_total = group_periods(result, frame)
    return AimPage(
        sibling_periods=sibling_periods,
        sibling_total=sibling_total if sibling_total.counted else None,
        summary=summary,
        run_chart=run,
        findings=run_findings(result, improvement),
        still_waiting=waiting,
        survival=survival,
        survival_note=survival_note,
        p_chart=p_chart,
        why_differ=WHY_THE_VIEWS_DIFFER,
        improvement=improvement,
        links=links,
        competing=aim_competing_events_chart(result),
        routes_text=_routes_text(aim),
        suggestions=suggested_phases(result, improvement),
    )


def by_team_chart(page: AimPage) -> ChartSpec:
    """The aim's run chart for each team, side by side, from the same children (and the
    same filters) as the page's own run chart, with the same improvement start and the
    same accepted phases (each team's new median from each accepted phase's start). Its
    points carry no child's reference, for any role: a panel is read as a team's."""
    return aim_run_charts_by_team(
        page.summary.result,
        improvement_start=page.improvement.start,
        improvement_name=page.improvement.name,
        phase_starts=page.improvement.phases,
    )


def suggested_phases(result: AimResult, improvement: ImprovementMarks) -> tuple[PhaseStart, ...]:
    """The new phases the run chart suggests, read with the phases already accepted (so
    an accepted one is not offered again), each dated by its first child."""
    points = aim_run_points(result.children)
    analysis = analyse_points(
        points, improvement_start=improvement.start, phase_starts=improvement.phases
    )
    if analysis is None:
        return ()
    dates = points.get_column("date").to_list()
    return tuple(
        PhaseStart.from_suggestion(suggestion, dates) for suggestion in analysis.rephase_suggestions
    )


def run_findings(result: AimResult, improvement: ImprovementMarks) -> tuple[str, ...]:
    """What the run chart says, read with the accepted phases, and for each accepted phase
    that began before the improvement work, that it did: the page and the pack say this."""
    early = (early_phase_sentence(phase, improvement) for phase in improvement.phases)
    return (
        *aim_run_sentences(result, improvement, phase_starts=improvement.phases),
        *(sentence for sentence in early if sentence),
    )


def early_phase_sentence(phase: PhaseStart, improvement: ImprovementMarks) -> str:
    """For an accepted phase that begins before the improvement work it would be credited
    to, the sentence that says so (empty otherwise)."""
    if improvement.start is None or phase.on >= improvement.start:
        return ""
    return (
        f"The new phase accepted from {month_year(phase.on)} began before "
        f"{improvement.name} did ({month_year(improvement.start)}), so its new median is "
        "not a result of that work."
    )


def _routes_text(aim: AimDefinition) -> str:
    """Which applications stop the aim's clock, for an aim that ends at one (Aim 4)."""
    if not aim.court_routes:
        return ""
    return (
        f"The clock stops at an application lodged in court for a "
        f"{court_routes_text(aim.court_routes)}. A plan agreed for another route is not "
        "counted, and an application for another order does not stop the clock."
    )


DECISION: Final = "recorded_decision"


def with_decisions(
    children: pl.DataFrame, decisions: pl.DataFrame | None, aim: AimDefinition, identity: Identity
) -> tuple[pl.DataFrame, str | None]:
    """``children`` with the words of each purposeful delay recorded on this aim's clock,
    and the column's name (None when there are none). The reason a data lead wrote is
    shown only to people who may open the child's record; everyone else reads that a
    decision was recorded."""
    if decisions is None or decisions.is_empty():
        return children, None
    mine = decisions.filter(pl.col("clock") == aim.start_column)
    if mine.is_empty():
        return children, None
    words = (
        pl.lit("Purposeful delay: ") + pl.col("reason")
        if identity.links
        else pl.lit("Purposeful delay (a recorded decision)")
    )
    keyed = mine.select("child_ref", "period_number", words.alias(DECISION)).unique(
        subset=["child_ref", "period_number"], keep="last"
    )
    return children.join(keyed, on=["child_ref", "period_number"], how="left"), DECISION


def aim_survival(result: AimResult) -> tuple[ChartSpec | None, str]:
    """The entry-cohort survival curve of the aim's own children, or why there is none."""
    chart = aim_survival_chart(result)
    if chart is not None:
        return chart, ""
    aim = result.aim
    return None, (
        f"{aim.title} counts orders that have already reached {aim.target_text}, so there "
        "is no waiting time to follow from the start: its run chart and P chart tell "
        "the story."
    )
