"""What the dashboard pages show, worked out from the journeys frame and the filters.

The views hand this module the journeys frame of the authority's records (built once and
cached), the aims, the filters, how children are named on charts (``Identity``) and the
improvement work to mark (``ImprovementMarks``); it hands back plain dataclasses holding the
figures, the sentences and the charts (``ChartSpec``) each page shows. Everything a chart
says comes from ``permanence.analysis`` and ``permanence.charts``; nothing here
recomputes what they compute.

Children are named on charts by a pseudonymous reference only (``Identity.pseudonyms``),
for every role, and carry a link to their journey only for roles allowed to open it
(``Identity.hrefs``). The child's own reference, initials and date of birth never reach a
chart, its data or its downloads.

Pure polars and the core: no Django import, so every page's content can be tested and
timed without a web server.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

import polars as pl

from permanence.analysis.aims import AimDefinition, court_routes_text, end_words
from permanence.analysis.aims_outcomes import (
    AimFigures,
    AimResult,
    Outcome,
    aim_children,
    evaluate_aim,
)
from permanence.analysis.aims_text import describe, describe_progress, whole_percent
from permanence.analysis.periods import Granularity
from permanence.analysis.stages import GroupBy, StageFigures, StageResult, stage_table
from permanence.analysis.stages_text import where_most_waiting_is
from permanence.charts import (
    ChartSpec,
    ImprovementMarks,
    aim_competing_events_chart,
    aim_p_chart,
    aim_run_chart,
    aim_run_sentences,
    aim_survival_chart,
    aim_trend_chart,
    stages_chart,
    still_waiting_chart,
)
from permanence.ingest.quality_report import FORMULA_TRIGGERS
from permanence.web.dashboards.filters import Filters, filter_rows, within_period

PSEUDONYM: Final = "pseudonym"
JOURNEY: Final = "journey"
#: The label of the pseudonymous reference on charts, in tooltips and in tables.
CHILD_LABEL: Final = "Child (pseudonymous reference)"
#: The still-waiting chart shows this many of the longest waits (a bar each); its text
#: alternative says how many more are waiting.
STILL_WAITING_SHOWN: Final = 60


#: An aim with no improvement work recorded: nothing to mark on its charts.
NO_IMPROVEMENT: Final = ImprovementMarks()


@dataclass(frozen=True, slots=True)
class Identity:
    """How children are named and reached on the charts one person sees.

    ``pseudonyms``: each child reference's pseudonymous reference (every role sees
    these). ``hrefs``: each child reference's journey address, or ``None`` when the
    person's role may not open a child's record; then no chart carries any link.
    """

    pseudonyms: Mapping[str, str]
    hrefs: Mapping[str, str] | None = None

    @property
    def links(self) -> bool:
        return self.hrefs is not None


def identify(children: pl.DataFrame, identity: Identity) -> pl.DataFrame:
    """``children`` (rows with ``child_ref``) with the ``pseudonym`` column and, for
    roles that may open a child, the ``journey`` address. One vectorised lookup."""
    columns = [
        pl.col("child_ref")
        .replace_strict(dict(identity.pseudonyms), default=None, return_dtype=pl.String)
        .alias(PSEUDONYM)
    ]
    if identity.hrefs is not None:
        columns.append(
            pl.col("child_ref")
            .replace_strict(dict(identity.hrefs), default=None, return_dtype=pl.String)
            .alias(JOURNEY)
        )
    return children.with_columns(columns)


def target_weeks(aim: AimDefinition) -> int:
    """The aim's timescale in whole weeks (a target in months at its average length)."""
    return round(aim.target_in_weeks)


# ---------------------------------------------------------------------------------------
# The aims overview


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


# ---------------------------------------------------------------------------------------
# An aim's page


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
    )
    waiting = still_waiting_chart(
        result,
        children_table=children,
        label=PSEUDONYM,
        label_title=CHILD_LABEL,
        href=href,
        longest=STILL_WAITING_SHOWN,
    )
    survival, survival_note = _survival(result)
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
    return AimPage(
        summary=summary,
        run_chart=run,
        findings=tuple(aim_run_sentences(result, improvement)),
        still_waiting=waiting,
        survival=survival,
        survival_note=survival_note,
        p_chart=p_chart,
        why_differ=WHY_THE_VIEWS_DIFFER,
        improvement=improvement,
        links=links,
        competing=aim_competing_events_chart(result),
        routes_text=_routes_text(aim),
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


def _survival(result: AimResult) -> tuple[ChartSpec | None, str]:
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


# ---------------------------------------------------------------------------------------
# Where children wait


@dataclass(frozen=True)
class StageRow:
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
    rows = within_period(filter_rows(frame, filters), "accommodated_date", filters, as_of)
    by_period = stage_table(rows, by=GroupBy.PERIOD, granularity=filters.per, as_of=as_of)
    by_team = stage_table(rows, by=GroupBy.TEAM, granularity=filters.per, as_of=as_of)
    ranked = by_period.overall.ranked()
    table = tuple(_stage_row(stage) for stage in ranked)
    return StagesPage(
        as_of=as_of,
        children=by_period.overall.children,
        rows=table,
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
        top=where_most_waiting_is(ranked),
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


# ---------------------------------------------------------------------------------------
# A child's clocks


@dataclass(frozen=True)
class AimClock:
    """Where one care period stands against one aim."""

    aim: AimDefinition
    period_number: int
    start: date
    deadline: date
    end: date | None
    stopped: date | None
    days: int
    days_past_deadline: int
    outcome: Outcome

    @property
    def running(self) -> bool:
        return self.end is None and self.stopped is None

    @property
    def days_left(self) -> int | None:
        """Days left before the deadline, while the clock runs inside it."""
        return -self.days_past_deadline if self.running and self.days_past_deadline <= 0 else None

    @property
    def days_over(self) -> int | None:
        """Days past the deadline (still waiting, or reached late)."""
        return self.days_past_deadline if self.days_past_deadline > 0 else None

    @property
    def status(self) -> str:
        if self.outcome is Outcome.MET:
            return "Met"
        if self.running:
            return "Running, past the target" if self.days_over else "Running"
        if self.end is not None:
            return "Not met"
        return "Stopped" if self.outcome is Outcome.STOPPED else "Not met"

    @property
    def sentence(self) -> str:
        aim = self.aim
        what = end_words(aim)
        if self.end is not None:
            late = (
                f", {_days(self.days_over)} over {aim.target_text}"
                if self.days_over
                else f", inside {aim.target_text}"
            )
            return (
                f"{what.capitalize()} on {_day(self.end)}: "
                f"{_days(self.days)} after the start{late}."
            )
        if self.stopped is not None:
            return (
                f"The clock stopped on {_day(self.stopped)} without {what}, "
                f"after {_days(self.days)}."
            )
        if self.days_over:
            return (
                f"{_days(self.days)} so far; {_days(self.days_over)} past the deadline of "
                f"{_day(self.deadline)}."
            )
        left = self.days_left or 0
        return f"{_days(self.days)} so far; {_days(left)} left until {_day(self.deadline)}."


def all_clocks(
    frame: pl.DataFrame, aims: Sequence[AimDefinition]
) -> list[tuple[AimDefinition, pl.DataFrame]]:
    """Each aim's per-child table over the whole frame (``aim_children``): worked out once
    for an authority, then read for one child at a time by ``clocks_of``."""
    return [(aim, aim_children(frame, aim)) for aim in aims]


def clocks_of(
    tables: Sequence[tuple[AimDefinition, pl.DataFrame]], child_ref: str | None
) -> list[AimClock]:
    """One child's clocks (every child's when ``child_ref`` is None) from ``all_clocks``."""
    clocks: list[AimClock] = []
    for aim, children in tables:  # a handful of aims
        rows = children if child_ref is None else children.filter(pl.col("child_ref") == child_ref)
        for row in rows.iter_rows(named=True):  # one child's care periods: a few rows
            clocks.append(
                AimClock(
                    aim=aim,
                    period_number=int(row["period_number"]),
                    start=row["start_date"],
                    deadline=row["deadline"],
                    end=row["end_date"],
                    stopped=row["stopped_date"],
                    days=int(row["days_waited"]),
                    days_past_deadline=int(row["days_past_deadline"]),
                    outcome=Outcome(row["outcome"]),
                )
            )
    return clocks


def _day(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def _days(count: int | None) -> str:
    value = count or 0
    return "1 day" if value == 1 else f"{value:,} days"


# ---------------------------------------------------------------------------------------
# Tables and downloads

NUMERIC_CLASS: Final = ' class="numeric"'
_PLAIN_NUMBER: Final = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text cell that a spreadsheet would run as a formula made
    inert by a leading apostrophe (the OWASP advice against CSV injection).

    A cell beginning with =, +, -, @, a tab or a carriage return is escaped unless it is
    a plain number ("-3.5"), which a spreadsheet reads as a number, not a formula.
    Numbers and dates are never text, so they are never touched.
    """
    # The characters the data-quality workbook escapes too (FORMULA_TRIGGERS).
    starts = "^[" + "".join("\\" + c if c in "+-" else c for c in FORMULA_TRIGGERS) + "]"
    escaped = [
        pl.when(pl.col(name).str.contains(starts) & ~pl.col(name).str.contains(_PLAIN_NUMBER))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    ]
    safe = frame.with_columns(escaped) if escaped else frame
    # A heading can hold what a person typed (what an entered measure counts): the same.
    headings = {name: f"'{name}" for name in frame.columns if name.startswith(FORMULA_TRIGGERS)}
    return safe.rename(headings) if headings else safe


def to_csv(chart: ChartSpec) -> str:
    """A chart's data as CSV text, safe to open in a spreadsheet."""
    return csv_safe(chart.data).write_csv()


def table_html(
    frame: pl.DataFrame,
    *,
    caption: str,
    links: Mapping[str, str] | None = None,
    link_column: str | None = None,
    table_id: str | None = None,
) -> str:
    """``frame`` as an accessible HTML table (caption, column headers, the first column
    as row headers), every cell escaped.

    With ``links`` the cells of ``link_column`` become links (a pseudonymous reference
    to the child's journey). Built with polars string expressions over whole columns, so
    a table of thousands of children is one pass, not a loop.
    """
    if frame.width == 0:
        return ""
    numeric = {name for name, dtype in frame.schema.items() if dtype.is_numeric()}
    cells: list[pl.Expr] = []
    for index, (name, dtype) in enumerate(frame.schema.items()):
        text = _escaped(_cell_text(pl.col(name), dtype))
        if links and name == link_column:
            target = pl.col(name).replace_strict(dict(links), default=None, return_dtype=pl.String)
            text = (
                pl.when(target.is_not_null())
                .then(pl.lit('<a href="') + _escaped(target) + pl.lit('">') + text + "</a>")
                .otherwise(text)
            )
        tag = "th" if index == 0 else "td"
        opening = f'<{tag} scope="row"' if index == 0 else f"<{tag}"
        opening += f"{NUMERIC_CLASS}>" if name in numeric else ">"
        cells.append(pl.lit(opening) + text + pl.lit(f"</{tag}>"))
    body = frame.select(pl.concat_str([pl.lit("<tr>"), *cells, pl.lit("</tr>")]).alias("row"))
    rows = "\n".join(body.get_column("row").to_list())
    header = "".join(
        f'<th scope="col"{NUMERIC_CLASS if name in numeric else ""}>{html.escape(name)}</th>'
        for name in frame.columns
    )
    identifier = f' id="{html.escape(table_id)}"' if table_id else ""
    return (
        f'<table class="ds_table data-table"{identifier}>'
        f"<caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{header}</tr></thead><tbody>\n{rows}\n</tbody></table>"
    )


def _cell_text(column: pl.Expr, dtype: Any) -> pl.Expr:
    if dtype == pl.Date:
        text = column.dt.strftime("%-d %b %Y")
    elif isinstance(dtype, pl.Datetime):
        text = column.dt.strftime("%-d %b %Y %H:%M")
    elif dtype.is_float():
        text = column.round(1).cast(pl.String)
    else:
        text = column.cast(pl.String)
    return text.fill_null("")


def _escaped(text: pl.Expr) -> pl.Expr:
    return text.str.replace_many(
        ["&", "<", ">", '"', "'"], ["&amp;", "&lt;", "&gt;", "&quot;", "&#x27;"]
    )
