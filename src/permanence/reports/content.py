"""What the Champions' Group report pack shows, as plain data: ``PackContent``.

A Champions' Group meets fortnightly and its data lead presents the data at every meeting
(DOMAIN.md, governance). The pack is what the group takes into that meeting and sends to
the partners afterwards: the aims at a glance (and the local aims on the measures), each
aim's run chart with its findings in words and the children still waiting beneath it,
the entry-cohort survival curve, where children wait, the process map and the flows per
quarter, the tests of change opened and closed since the last meeting, the open risks
and issues, and the data quality of the latest import.

``PackContent`` holds all of it, worked out once (``build.build_pack``), and the three
files are drawn from it (``pdf``, ``pptx``, ``xlsx``), so the PDF, the slides and the
spreadsheet always say the same thing. ``sections()`` is the one list of sections: the
PDF gives each a second-level heading and the slides give each a slide, in this order.

Nothing here identifies a child. The charts are built without any reference: a dot is a
child, a bar is numbered by the length of the wait ("Child 1 (longest wait)"), and the
stage table, the tests of change, the risks and the data-quality figures are counts and
the group's own words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Final

from permanence.analysis import periods
from permanence.charts import ChartSpec, words
from permanence.ingest.format import TABLE_LABELS
from permanence.ingest.rules import all_rules
from permanence.pages.overview import AimSummary
from permanence.pages.process_map import ProcessMapPage
from permanence.pages.stages import StageRow
from permanence.reports.measure_aims import MeasureAimItem, measure_aims_sentence

#: The fortnightly meeting: "since the last meeting" means this many days before it.
MEETING_INTERVAL_DAYS: Final = 14
PACK_TITLE: Final = "Champions' Group report pack"


# Dates and counts are written as everywhere else: ``long_date`` "30 September 2026",
# ``short_date`` "30 Sep 2026" where room is short, ``count_of`` "3 children".
long_date = periods.long_date
short_date = words.day_text
count_of = words.plural


# ---------------------------------------------------------------------------------------
# The parts


@dataclass(frozen=True, slots=True)
class AimCharts:
    """An aim's run chart with its findings in words, and the children still waiting."""

    aim_id: str
    title: str
    statement: str
    run_chart: ChartSpec
    findings: tuple[str, ...]
    still_waiting: ChartSpec
    waiting_words: tuple[str, ...]
    #: the notes typed on the run chart's points, one line each ("N1, 3 March 2025: ...")
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CycleItem:
    """One PDSA cycle as the pack reports it: the minimum record first."""

    project: str
    change_idea: str
    number: int
    started_on: date
    closed_on: date | None
    planned_end: date | None
    decision: str
    conditions: str
    hoped_to_achieve: str
    learned: str
    next_steps: str
    change_tested: str = ""

    @property
    def name(self) -> str:
        return f"{self.change_idea}: cycle {self.number}"

    @property
    def dates(self) -> str:
        if self.closed_on is not None:
            return f"{long_date(self.started_on)} to {long_date(self.closed_on)}"
        text = f"Began {long_date(self.started_on)}"
        if self.planned_end is not None:
            text += f"; planned to end {long_date(self.planned_end)}"
        return text


@dataclass(frozen=True, slots=True)
class RiskItem:
    """One entry of a project's risks and issues register."""

    project: str
    kind: str
    description: str
    owner: str
    likelihood: int
    impact: int
    band: str
    actions: str
    status: str
    is_open: bool
    raised_on: date
    reviewed_on: date | None = None

    @property
    def rating(self) -> int:
        return self.likelihood * self.impact

    @property
    def rating_text(self) -> str:
        return f"{self.rating}, {self.band} (likelihood {self.likelihood} × impact {self.impact})"

    @property
    def dates(self) -> str:
        text = f"Raised {short_date(self.raised_on)}"
        if self.reviewed_on is not None:
            text += f"; reviewed {short_date(self.reviewed_on)}"
        return text


@dataclass(frozen=True, slots=True)
class GroupActionItem:
    """An action the Champions' Group agreed at one of its meetings and has not done yet:
    the pack opens with them, so the meeting starts from what it said it would do."""

    what: str
    owner: str
    agreed_on: date  # the date of the meeting that agreed it
    due_on: date | None

    def due_text(self, meeting_date: date) -> str:
        if self.due_on is None:
            return "No date set"
        if self.due_on < meeting_date:
            return f"Was due {short_date(self.due_on)}"
        return f"Due {short_date(self.due_on)}"


@dataclass(frozen=True, slots=True)
class TableQuality:
    table: str
    read: int
    loaded: int
    refused: int
    queried: int
    repeats: int


@dataclass(frozen=True, slots=True)
class RuleCount:
    rule: str
    severity: str
    count: int
    message: str


#: The data-quality summary shows this many rules, the most frequent first.
RULES_SHOWN: Final = 10


@dataclass(frozen=True, slots=True)
class QualitySummary:
    """The data quality of the latest import: the figures ``ingest.quality_report.summarise``
    kept with it (no child's reference), and where the import came from."""

    source: str
    loaded_on: date | None
    extract_date: date | None
    has_figures: bool
    errors: int = 0
    queries: int = 0
    children_with_errors: int = 0
    children_with_queries: int = 0
    tables: tuple[TableQuality, ...] = ()
    rules: tuple[RuleCount, ...] = ()

    @classmethod
    def from_summary(
        cls,
        figures: Mapping[str, Any] | None,
        *,
        source: str,
        loaded_on: date | None,
        extract_date: date | None = None,
    ) -> QualitySummary:
        """The summary from an import batch's ``summary["validation"]`` (or ``None`` when
        the batch kept none). Each rule is named with its message from the rule registry,
        the most frequent first."""
        if not figures:
            return cls(
                source=source, loaded_on=loaded_on, extract_date=extract_date, has_figures=False
            )
        known = figures.get("extract_date")
        tables = tuple(
            TableQuality(
                table=TABLE_LABELS.get(str(name), str(name)).capitalize(),
                read=int(counts.get("read", 0)),
                loaded=int(counts.get("loaded", 0)),
                refused=int(counts.get("refused", 0)),
                queried=int(counts.get("queried", 0)),
                repeats=int(counts.get("duplicates", 0)),
            )
            for name, counts in dict(figures.get("counts", {})).items()
        )
        registry = all_rules()
        rules = sorted(
            (
                RuleCount(
                    rule=str(row["rule"]),
                    severity=str(row["severity"]),
                    count=int(row["count"]),
                    message=registry[row["rule"]].message if row["rule"] in registry else "",
                )
                for row in figures.get("by_rule", [])
            ),
            key=lambda rule: (-rule.count, rule.rule),
        )
        return cls(
            source=source,
            loaded_on=loaded_on,
            extract_date=date.fromisoformat(known) if isinstance(known, str) else extract_date,
            has_figures=True,
            errors=int(figures.get("errors", 0)),
            queries=int(figures.get("queries", 0)),
            children_with_errors=int(figures.get("children_with_errors", 0)),
            children_with_queries=int(figures.get("children_with_queries", 0)),
            tables=tables,
            rules=tuple(rules),
        )

    @property
    def rules_shown(self) -> tuple[RuleCount, ...]:
        return self.rules[:RULES_SHOWN]

    def sentence(self) -> str:
        """The summary in one or two sentences."""
        when = f" on {long_date(self.loaded_on)}" if self.loaded_on else ""
        opening = f"The latest import ({self.source}) was loaded{when}"
        if self.extract_date is not None:
            opening += f" from data taken on {long_date(self.extract_date)}"
        if not self.has_figures:
            return opening + ". It kept no data-quality figures."
        return (
            f"{opening}. It found {count_of(self.errors, 'error')} (rows refused until they "
            f"are corrected) and {count_of(self.queries, 'query', 'queries')} (rows loaded, to "
            f"check), about {count_of(self.children_with_errors, 'child', 'children')} with "
            f"errors and {count_of(self.children_with_queries, 'child', 'children')} with "
            "queries."
        )


# ---------------------------------------------------------------------------------------
# The pack


@dataclass(frozen=True, slots=True)
class ProgressAssessment:
    """One assessment of a project's progress: from this date, this phase and score."""

    assessed_on: date
    phase: str
    score: str  # on the IHI scale, 0.5 to 5.0


@dataclass(frozen=True, slots=True)
class ProgressItem:
    """One improvement project's phase and IHI progress score now, and the score before."""

    project: str
    aim: str
    phase: str  # blank: not assessed yet
    score: str  # on the IHI scale, 0.5 to 5.0; blank: not assessed yet
    assessed_on: date | None = None
    previous: str = ""  # the score of the assessment before, if any
    #: Every assessment, the earliest first (the workbook's progress sheet lists them).
    history: tuple[ProgressAssessment, ...] = ()

    @property
    def change(self) -> str:
        if not self.score:
            return "Not assessed yet"
        if not self.previous:
            return "First assessment"
        if self.previous == self.score:
            return f"Unchanged from {self.previous}"
        return f"From {self.previous}"


class SectionKind(StrEnum):
    ACTIONS = "actions"
    AIMS = "aims"
    RUN_CHART = "run-chart"
    STILL_WAITING = "still-waiting"
    SURVIVAL = "survival"
    COMPETING = "competing"
    STAGES = "stages"
    PROCESS_MAP = "process-map"
    FLOWS = "flows"
    MEASURE_AIMS = "measure-aims"
    PROGRESS = "progress"
    CYCLES = "cycles"
    RISKS = "risks"
    QUALITY = "quality"


@dataclass(frozen=True, slots=True)
class Section:
    """One section of the pack: a second-level heading in the PDF, a slide in the deck."""

    kind: SectionKind
    heading: str
    anchor: str
    aim: AimCharts | None = None


@dataclass(frozen=True)
class PackContent:
    """Everything one meeting's pack shows, for one authority on one day."""

    authority_name: str
    authority_code: str
    meeting_date: date
    since: date
    looked_after: int
    accommodated: int
    waiting_for_recommendation: int
    aims: tuple[AimSummary, ...]
    aim_charts: tuple[AimCharts, ...]
    survival: ChartSpec | None
    survival_words: str
    stage_children: int
    stages: tuple[StageRow, ...]
    stage_sentence: str
    cycles_closed: tuple[CycleItem, ...]
    cycles_opened: tuple[CycleItem, ...]
    cycles_still_under_test: int
    risks: tuple[RiskItem, ...]
    projects_with_risks: int
    quality: QualitySummary | None
    #: The process map with the dashboard's default view (``pages.process_map``).
    process_map: ProcessMapPage | None = None
    #: What became of the survival curve's children: the cumulative incidence of each
    #: outcome (competing events), Kaplan-Meier beside it (docs/survival.md).
    competing: ChartSpec | None = None
    #: Each improvement project's phase and progress score now (docs/sharing.md).
    progress: tuple[ProgressItem, ...] = ()
    #: The Champions' Group's actions still open, the soonest due first (the first section).
    group_actions: tuple[GroupActionItem, ...] = ()
    #: The date of the group's latest meeting recorded before this one, if any.
    last_group_meeting: date | None = None
    #: The measuring date, when the figures are measured as of a day before the meeting
    #: (``permanence report --as-of``, the pack form's measuring date): nothing recorded
    #: later is known. None measures on the meeting's day.
    measured_on: date | None = None
    #: The local aims on percentage measures, where each stands (``reports.measure_aims``).
    measure_aims: tuple[MeasureAimItem, ...] = ()

    @property
    def measuring_date(self) -> date:
        """The day the figures are measured as of: the meeting's, unless a past one."""
        return self.meeting_date if self.measured_on is None else self.measured_on

    @property
    def title(self) -> str:
        return f"{PACK_TITLE}: {self.authority_name}, {long_date(self.meeting_date)}"

    @property
    def since_text(self) -> str:
        return f"since {long_date(self.since)}"

    def dates_sentence(self) -> str:
        """The measuring date and the day the data was taken, kept apart (docs/aims.md)."""
        measured = f"The figures are measured as of {long_date(self.measuring_date)}"
        taken = None if self.quality is None else self.quality.extract_date
        if taken is None:
            return f"{measured}."
        if self.measuring_date > taken:
            return (
                f"{measured}, from records whose latest extract was taken on "
                f"{long_date(taken)}: what the case recording system has recorded since is "
                "not in them unless it was typed in."
            )
        return f"{measured}, from an extract taken on {long_date(taken)}."

    def charts(self) -> tuple[ChartSpec, ...]:
        """Every chart the pack draws, in the order it draws them."""
        charts: list[ChartSpec] = []
        for aim in self.aim_charts:
            charts += [aim.run_chart, aim.still_waiting]
        if self.survival is not None:
            charts.append(self.survival)
        if self.competing is not None:
            charts.append(self.competing)
        if self.process_map is not None:
            charts.append(self.process_map.chart)
        charts += self._flows_charts()
        return tuple(charts)

    def _flows_charts(self) -> list[ChartSpec]:
        """The flows per quarter: the process map page's own chart (``pages.process_map``)."""
        return [self.process_map.flows_chart] if self.process_map is not None else []

    def sections(self) -> tuple[Section, ...]:
        """The sections in order: the PDF's second-level headings and the deck's slides."""
        sections = [
            Section(SectionKind.ACTIONS, "Actions still open from the group's meetings", "actions"),
            Section(SectionKind.AIMS, "The aims at a glance", "aims"),
        ]
        if self.measure_aims:
            sections.append(
                Section(SectionKind.MEASURE_AIMS, "Local aims on the measures", "measure-aims")
            )
        for aim in self.aim_charts:
            sections.append(
                Section(
                    SectionKind.RUN_CHART,
                    f"{aim.title}: the run chart",
                    f"{aim.aim_id}-run-chart",
                    aim,
                )
            )
            sections.append(
                Section(
                    SectionKind.STILL_WAITING,
                    f"{aim.title}: children still waiting",
                    f"{aim.aim_id}-still-waiting",
                    aim,
                )
            )
        if self.survival is not None:
            sections.append(
                Section(SectionKind.SURVIVAL, "Following children from the start", "survival")
            )
        if self.competing is not None:
            sections.append(
                Section(SectionKind.COMPETING, "What became of the children", "competing")
            )
        sections.append(Section(SectionKind.STAGES, "Where children wait", "stages"))
        if self.process_map is not None:
            sections.append(Section(SectionKind.PROCESS_MAP, "The process map", "process-map"))
            sections.append(
                Section(SectionKind.FLOWS, "Children coming into care and leaving it", "flows")
            )
        if self.progress:
            sections.append(Section(SectionKind.PROGRESS, "Projects' progress", "progress"))
        sections += [
            Section(SectionKind.CYCLES, "Tests of change since the last meeting", "cycles"),
            Section(SectionKind.RISKS, "Risks and issues", "risks"),
            Section(SectionKind.QUALITY, "Data quality of the latest import", "quality"),
        ]
        return tuple(sections)

    # -- sentences shared by the PDF and the slides ------------------------------------

    def opening(self) -> str:
        return (
            f"On {long_date(self.measuring_date)}, {self.authority_name} looks after "
            f"{count_of(self.looked_after, 'child', 'children')}: "
            f"{self.accommodated} living away from home (accommodated), of whom "
            f"{self.waiting_for_recommendation} are waiting for a permanence recommendation."
        )

    def actions_sentence(self) -> str:
        last = (
            f" The group's last meeting recorded was on {long_date(self.last_group_meeting)}."
            if self.last_group_meeting is not None
            else " No meeting of the group is recorded yet."
        )
        if not self.group_actions:
            return f"No action of the group is open.{last}"
        overdue = sum(
            1
            for action in self.group_actions
            if action.due_on is not None and action.due_on < self.meeting_date
        )
        past = f", {overdue} of them past the date they were due" if overdue else ""
        return (
            f"{count_of(len(self.group_actions), 'action')} agreed at the group's meetings "
            f"{'is' if len(self.group_actions) == 1 else 'are'} not done yet{past}, the "
            f"soonest due first.{last}"
        )

    def measure_aims_sentence(self) -> str:
        return measure_aims_sentence(self.measure_aims)

    def cycles_sentence(self) -> str:
        closed, opened = len(self.cycles_closed), len(self.cycles_opened)
        if not closed and not opened:
            text = f"No PDSA cycle was opened or closed {self.since_text}."
        else:
            text = (
                f"Since {long_date(self.since)}, {count_of(closed, 'cycle')} closed and "
                f"{count_of(opened, 'new cycle')} began."
            )
        others = self.cycles_still_under_test
        if others:
            verb = "is" if others == 1 else "are"
            text += f" {count_of(others, 'cycle')} begun before then {verb} still under test."
        return text

    def progress_sentence(self) -> str:
        assessed = [item for item in self.progress if item.score]
        if not assessed:
            return "No project's progress has been assessed yet."
        scores = sorted(float(item.score) for item in assessed)
        return (
            f"{count_of(len(assessed), 'project')} assessed on the IHI progress scale "
            f"(0.5 to 5.0), scoring from {scores[0]:g} to {scores[-1]:g} now."
        )

    def risks_sentence(self) -> str:
        if not self.risks:
            return "No risk or issue is open in any improvement project's register."
        return (
            f"{count_of(len(self.risks), 'risk or issue', 'risks and issues')} open or being "
            f"managed, across {count_of(self.projects_with_risks, 'project')}, the highest "
            "rating (likelihood × impact) first."
        )

    def privacy_note(self) -> str:
        return (
            "This pack names no child. Each dot on a run chart is a child; each bar of a "
            "still-waiting chart is a child numbered by the length of their wait, not named. "
            "Small numbers are not suppressed: share the pack within the partnership, and "
            "do not publish it."
        )
