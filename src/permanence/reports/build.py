"""Working out a meeting's pack from the journeys frame and the improvement record.

``build_pack`` is pure: it takes the authority's journeys frame, its aims (national and
local), what each aim's charts mark from the improvement record, the PDSA cycles, the
risks and the data-quality summary, and returns ``PackContent``. The web layer gathers
those from the database in the authority's scope (``permanence.web.reports.assemble``);
the tests build a pack straight from the synthetic generator.

The figures are the dashboard's with its default view (every child, entry periods by
year), so what the group sees on the screen and in the pack agree. What differs is who
can be told apart: the pack leaves the room, so no chart carries any reference. A run
chart's dot is a child; a still-waiting bar is labelled by its rank ("Child 1 (longest
wait)"), worked out here and nowhere else, and meaningless outside this pack.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Final

import polars as pl

from permanence.analysis.aims import AIM_2, AimDefinition, end_words
from permanence.analysis.aims_outcomes import AimResult, evaluate_aim
from permanence.analysis.aims_text import describe_progress, whole_percent
from permanence.analysis.periods import Granularity
from permanence.analysis.stages import GroupBy, StageFigures, stage_table
from permanence.analysis.stages_text import where_most_waiting_is
from permanence.charts import (
    ImprovementMarks,
    aim_run_chart,
    aim_run_sentences,
    aim_survival_chart,
    still_waiting_chart,
)
from permanence.charts.words import SETTING_NOT_RECORDED_PHRASE, SETTING_PHRASES, join_words
from permanence.reports.content import (
    MEETING_INTERVAL_DAYS,
    AimCharts,
    AimOverview,
    CycleItem,
    PackContent,
    QualitySummary,
    RiskItem,
    StageRow,
    count_of,
)

#: The still-waiting charts show this many of the longest waits: a bar each, so the chart
#: fits an A4 page and a slide. The words under the chart give the whole count.
STILL_WAITING_SHOWN: Final = 25
#: The entry-cohort survival curve follows this aim's children (the clock PACE watched).
SURVIVAL_AIM: Final = AIM_2.id
#: The still-waiting bars' label: a rank by length of wait, never a reference.
RANK_TITLE: Final = "Child, longest wait first"


def default_since(meeting_date: date) -> date:
    """The last meeting: a fortnight before this one."""
    return meeting_date - timedelta(days=MEETING_INTERVAL_DAYS)


def build_pack(
    frame: pl.DataFrame,
    aims: Sequence[AimDefinition],
    *,
    authority_name: str,
    authority_code: str,
    as_of: date,
    since: date | None = None,
    marks: Mapping[str, ImprovementMarks] | None = None,
    cycles: Iterable[CycleItem] = (),
    risks: Iterable[RiskItem] = (),
    quality: QualitySummary | None = None,
    survival_aim: str = SURVIVAL_AIM,
) -> PackContent:
    """The pack for the meeting on ``as_of``, reporting the improvement work since
    ``since`` (a fortnight before, by default).

    ``frame`` is the authority's journeys frame as of ``as_of``; ``marks`` each aim's
    improvement start and tests of change, by aim id; ``cycles`` and ``risks`` may hold
    more than the pack reports (it keeps the cycles opened or closed since ``since``,
    and the risks still open).
    """
    last_meeting = default_since(as_of) if since is None else since
    if last_meeting > as_of:
        raise ValueError("the last meeting cannot be after this one")
    chosen = marks or {}
    results = [evaluate_aim(frame, aim, granularity=Granularity.YEAR, as_of=as_of) for aim in aims]
    overview = tuple(
        _overview(result, chosen.get(result.aim.id, ImprovementMarks())) for result in results
    )
    charts = tuple(
        _aim_charts(result, chosen.get(result.aim.id, ImprovementMarks())) for result in results
    )
    survival = next(
        (aim_survival_chart(result) for result in results if result.aim.id == survival_aim), None
    )
    stages = stage_table(frame, by=GroupBy.ALL, as_of=as_of).overall
    ranked = stages.ranked()
    open_periods = frame.filter(pl.col("period_end").is_null())
    accommodated = open_periods.filter(pl.col("accommodated_date").is_not_null())
    closed, opened, under_test = _cycles(cycles, since=last_meeting, until=as_of)
    open_risks = _open_risks(risks)
    return PackContent(
        authority_name=authority_name,
        authority_code=authority_code,
        meeting_date=as_of,
        since=last_meeting,
        looked_after=open_periods.height,
        accommodated=accommodated.height,
        waiting_for_recommendation=accommodated.filter(
            pl.col("recommendation_date").is_null()
        ).height,
        aims=overview,
        aim_charts=charts,
        survival=survival,
        survival_words=survival.caption if survival is not None else "",
        stage_children=stages.children,
        stages=tuple(_stage_row(stage) for stage in ranked),
        stage_sentence=where_most_waiting_is(ranked),
        cycles_closed=closed,
        cycles_opened=opened,
        cycles_still_under_test=under_test,
        risks=open_risks,
        projects_with_risks=len({risk.project for risk in open_risks}),
        quality=quality,
    )


# ---------------------------------------------------------------------------------------
# Aims


def _overview(result: AimResult, marks: ImprovementMarks) -> AimOverview:
    aim, figures = result.aim, result.overall
    return AimOverview(
        id=aim.id,
        title=aim.title,
        statement=aim.statement,
        national=aim.national,
        percent_met=whole_percent(figures.met, figures.known) if figures.known else None,
        known=figures.known,
        still_waiting=figures.still_waiting,
        past_target=figures.waiting_over_target,
        left_without_end=figures.left_without_end,
        headline=aim_run_sentences(result, marks, headline_only=True)[0],
        progress=describe_progress(aim, result.progress) if aim.target_percent else "",
    )


def _aim_charts(result: AimResult, marks: ImprovementMarks) -> AimCharts:
    aim = result.aim
    run = aim_run_chart(
        result,
        improvement_start=marks.start,
        improvement_name=marks.name,
        annotations=marks.annotations,
    )
    waiting = still_waiting_chart(
        result, numbered=True, label_title=RANK_TITLE, longest=STILL_WAITING_SHOWN
    )
    return AimCharts(
        aim_id=aim.id,
        title=aim.title,
        statement=aim.statement,
        run_chart=run,
        findings=tuple(aim_run_sentences(result, marks)),
        still_waiting=waiting,
        waiting_words=tuple(_waiting_words(result)),
    )


def _waiting_words(result: AimResult) -> list[str]:
    """The still-waiting chart's findings in words: how many, how many past the target,
    the longest wait and where the children live."""
    aim = result.aim
    waiting = result.children.filter(pl.col("still_waiting").fill_null(value=False))
    total = waiting.height
    what = end_words(aim)
    if total == 0:
        return [f"No child is still waiting for {what}."]
    over = int(waiting.get_column("over_target").fill_null(value=False).sum())
    verb = "is" if total == 1 else "are"
    words = [
        f"{count_of(total, 'child', 'children')} {verb} still waiting for {what}; "
        f"{over} of them {'has' if over == 1 else 'have'} waited longer than {aim.target_text}."
    ]
    longest = float(waiting.select(pl.col("weeks_waited").cast(pl.Float64).max()).item() or 0.0)
    words.append(f"The longest wait so far is {count_of(round(longest), 'week')}.")
    places = (
        waiting.select(
            pl.col("current_care_setting")
            .replace_strict(
                SETTING_PHRASES, default=SETTING_NOT_RECORDED_PHRASE, return_dtype=pl.String
            )
            .alias("where")
        )
        .group_by("where")
        .len()
        .sort(["len", "where"], descending=[True, False])
    )
    where = [f"{count} {phrase}" for phrase, count in places.iter_rows()]  # six settings at most
    words.append(f"Where they live now: {join_words(where)}.")
    if total > STILL_WAITING_SHOWN:
        words.append(f"The chart shows the {STILL_WAITING_SHOWN} longest waits of the {total}.")
    words.append(
        "Bars are numbered by the length of the wait, not named: Child 1 has waited longest."
    )
    return words


# ---------------------------------------------------------------------------------------
# Where children wait


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
    )


# ---------------------------------------------------------------------------------------
# The improvement record


def _cycles(
    cycles: Iterable[CycleItem], *, since: date, until: date
) -> tuple[tuple[CycleItem, ...], tuple[CycleItem, ...], int]:
    """The cycles closed since the last meeting (what was learned), those begun since it
    and still open, and how many begun before it are still under test."""
    closed: list[CycleItem] = []
    opened: list[CycleItem] = []
    under_test = 0
    for cycle in cycles:  # the authority's cycles: tens, never per child
        if cycle.started_on > until:
            continue
        if cycle.closed_on is not None and since <= cycle.closed_on <= until:
            closed.append(cycle)
        elif cycle.closed_on is None or cycle.closed_on > until:
            if cycle.started_on >= since:
                opened.append(cycle)
            else:
                under_test += 1

    def order(cycle: CycleItem) -> tuple[date, str, int]:
        return (cycle.closed_on or cycle.started_on, cycle.change_idea, cycle.number)

    return tuple(sorted(closed, key=order)), tuple(sorted(opened, key=order)), under_test


def _open_risks(risks: Iterable[RiskItem]) -> tuple[RiskItem, ...]:
    """The risks and issues still open or being managed, the highest rating first."""
    kept = [risk for risk in risks if risk.is_open]
    return tuple(sorted(kept, key=lambda risk: (-risk.rating, risk.raised_on, risk.description)))
