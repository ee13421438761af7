"""Working out a meeting's pack from the journeys frame and the improvement record.

``build_pack`` is pure: it takes the authority's journeys frame, its aims (national and
local), what each aim's charts mark from the improvement record, the PDSA cycles, the
risks and the data-quality summary, and returns ``PackContent``. The web layer gathers
those from the database in the authority's scope (``permanence.web.reports.assemble``);
the tests build a pack straight from the synthetic generator.

The figures are the dashboard's with its default view (every child, entry periods by
year), worked out by the dashboard's own functions (``permanence.pages``: the aims
overview, each aim's survival curve, where children wait), so what the group sees on the
screen and in the pack agree: there is one way to work them out. What differs is who can
be told apart: the pack leaves the room, so no chart carries any reference. A run
chart's dot is a child; a still-waiting bar is labelled by its rank ("Child 1 (longest
wait)"), worked out here and nowhere else, and meaningless outside this pack.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Final

import polars as pl

from permanence.analysis.aims import AIM_2, AimDefinition, end_words
from permanence.analysis.aims_outcomes import AimResult
from permanence.charts import (
    ImprovementMarks,
    aim_competing_events_chart,
    aim_run_chart,
    still_waiting_chart,
)
from permanence.charts.annotations import note_lines
from permanence.charts.process_map import process_map_chart
from permanence.charts.words import SETTING_NOT_RECORDED_PHRASE, SETTING_PHRASES, join_words
from permanence.pages.aim_page import aim_survival, run_findings
from permanence.pages.filters import Filters
from permanence.pages.overview import NO_IMPROVEMENT, overview
from permanence.pages.process_map import StepNote, process_map_page
from permanence.pages.stages import stage_summary
from permanence.reports.content import (
    MEETING_INTERVAL_DAYS,
    AimCharts,
    CycleItem,
    GroupActionItem,
    PackContent,
    ProgressItem,
    QualitySummary,
    RiskItem,
    count_of,
)
from permanence.reports.measure_aims import MeasureAimItem

#: The still-waiting charts show this many of the longest waits: a bar each, so the chart
#: fits an A4 page and a slide. The words under the chart give the whole count.
STILL_WAITING_SHOWN: Final = 25
#: The entry-cohort survival curve follows this aim's children (the clock PACE watched).
SURVIVAL_AIM: Final = AIM_2.id
#: The still-waiting bars' label: a rank by length of wait, never a reference.
RANK_TITLE: Final = "Child, longest wait first"
#: The dashboard's default view: every child, entry periods by year.
DASHBOARD_DEFAULT: Final = Filters()
#: The process map in the pack: narrower than on the screen (1,240 pixels), so its words
#: stay legible when the PDF draws it in its text column.
PACK_MAP_WIDTH: Final = 900


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
    step_notes: Mapping[str, StepNote] | None = None,
    progress: Iterable[ProgressItem] = (),
    group_actions: Iterable[GroupActionItem] = (),
    last_group_meeting: date | None = None,
    measured_on: date | None = None,
    measure_aims: Iterable[MeasureAimItem] = (),
) -> PackContent:
    """The pack for the meeting on ``as_of``, reporting the improvement work since
    ``since`` (a fortnight before, by default).

    ``measured_on`` is the measuring date when it is before the meeting (a pack measured
    as of a past day): the figures are as of it, the improvement work still to the
    meeting. ``frame`` is the authority's journeys frame as of the measuring date (the
    meeting's by default); ``marks`` each aim's
    improvement start and tests of change, by aim id; ``cycles`` and ``risks`` may hold
    more than the pack reports (it keeps the cycles opened or closed since ``since``,
    and the risks still open). ``step_notes`` are what the authority noted on the
    process map's steps (who owns each, what is being tested there), by step key.
    and the risks still open); ``group_actions`` are the Champions' Group's actions not
    done, which open the pack, the soonest due first (those with no date last);
    ``measure_aims`` the local aims on percentage measures, where each stands.
    """
    last_meeting = default_since(as_of) if since is None else since
    if last_meeting > as_of:
        raise ValueError("the last meeting cannot be after this one")
    if measured_on is not None and measured_on > as_of:
        raise ValueError("the measuring date cannot be after the meeting")
    measuring = as_of if measured_on is None else measured_on
    chosen = marks or {}
    figures = overview(frame, aims, DASHBOARD_DEFAULT, chosen, as_of=measuring)
    charts = tuple(
        _aim_charts(summary.result, chosen.get(summary.aim.id, NO_IMPROVEMENT))
        for summary in figures.aims
    )
    followed = next((s.result for s in figures.aims if s.aim.id == survival_aim), None)
    survival = None if followed is None else aim_survival(followed)[0]
    # Beside Kaplan-Meier, what became of the same children: leaving care, going home and
    # a reversed plan are competing events, not censoring (issue 13).
    competing = None if followed is None else aim_competing_events_chart(followed)
    stages = stage_summary(frame, DASHBOARD_DEFAULT, as_of=measuring)
    the_map = process_map_page(frame, DASHBOARD_DEFAULT, as_of=measuring, notes=step_notes)
    # Drawn narrower than on the screen, so its words stay legible in the PDF's column.
    the_map = dataclasses.replace(
        the_map, chart=process_map_chart(the_map.figures, width=PACK_MAP_WIDTH)
    )
    closed, opened, under_test = _cycles(cycles, since=last_meeting, until=as_of)
    open_risks = _open_risks(risks)
    return PackContent(
        authority_name=authority_name,
        authority_code=authority_code,
        meeting_date=as_of,
        since=last_meeting,
        looked_after=figures.looked_after,
        accommodated=figures.accommodated,
        waiting_for_recommendation=figures.waiting_for_recommendation,
        aims=figures.aims,
        aim_charts=charts,
        survival=survival,
        survival_words=survival.caption if survival is not None else "",
        competing=competing,
        stage_children=stages.children,
        stages=stages.rows,
        stage_sentence=stages.top,
        cycles_closed=closed,
        cycles_opened=opened,
        cycles_still_under_test=under_test,
        risks=open_risks,
        projects_with_risks=len({risk.project for risk in open_risks}),
        quality=quality,
        process_map=the_map,
        progress=tuple(sorted(progress, key=lambda item: (item.project, item.aim))),
        group_actions=tuple(
            sorted(
                (action for action in group_actions if action.agreed_on <= as_of),
                key=lambda action: (action.due_on or date.max, action.agreed_on, action.what),
            )
        ),
        last_group_meeting=last_group_meeting,
        measured_on=None if measuring == as_of else measuring,
        measure_aims=tuple(measure_aims),
    )


# ---------------------------------------------------------------------------------------
# Aims


def _aim_charts(result: AimResult, marks: ImprovementMarks) -> AimCharts:
    aim = result.aim
    run = aim_run_chart(
        result,
        improvement_start=marks.start,
        improvement_name=marks.name,
        annotations=marks.annotations,
        phase_starts=marks.phases,
    )
    waiting = still_waiting_chart(
        result, numbered=True, label_title=RANK_TITLE, longest=STILL_WAITING_SHOWN
    )
    return AimCharts(
        aim_id=aim.id,
        title=aim.title,
        statement=aim.statement,
        run_chart=run,
        findings=run_findings(result, marks),
        still_waiting=waiting,
        waiting_words=tuple(_waiting_words(result)),
        notes=tuple(note_lines(marks.annotations)),
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
