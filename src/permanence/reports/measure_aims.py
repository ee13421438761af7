"""The local aims written on percentage measures, as the report pack reports them.

A local aim can be a target on a process measure ("by March 2027, 90% of two-week
planning meetings held within 14 days": ``analysis.measure_aims``) rather than a clock
between two milestones. The dashboards' overview and the aim's own page say where each
stands; the pack lists them all in one table (its target, the latest month's figure and
whether it is met), with a sentence counting them, so the Champions' Group sees them
beside the clock aims. The figures are ``MeasureAimProgress``'s, worked out by the same
function as the pages (``measure_aim_progress``): nothing is counted again here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from permanence.analysis.measure_aims import MeasureAimProgress, MeasureAimState
from permanence.analysis.periods import long_date
from permanence.charts.words import month_year, plural

#: The pack table's column headings (the PDF's and the slide's).
MEASURE_AIM_HEADINGS: Final = (
    "Local aim",
    "Measure",
    "Target",
    "Latest month",
    "Months at the target",
    "Met?",
)


@dataclass(frozen=True, slots=True)
class MeasureAimItem:
    """One local aim on a percentage measure and where it stands on the measuring date."""

    title: str
    measure: str  # the measure's title, as the aim's page names it
    statement: str
    progress: MeasureAimProgress
    #: The aims of the projects that read this measure (the clock aims it serves), if any.
    serves: str = ""

    @property
    def target_text(self) -> str:
        return f"{self.progress.target_percent}% by {long_date(self.progress.by_date)}"

    @property
    def current_text(self) -> str:
        """The latest month counted: "April 2026: 4 of 8 (50%)"."""
        latest = self.progress.latest
        if latest is None:
            return f"Nobody counted since {month_year(self.progress.counting_from)}"
        return f"{month_year(latest.month)}: {latest.words()}"

    @property
    def at_target_text(self) -> str:
        months = len(self.progress.months)
        return f"{self.progress.at_target} of {plural(months, 'month')}"

    @property
    def met_text(self) -> str:
        """Whether it is met, and on which month it was judged."""
        progress = self.progress
        judged = progress.judged_on
        if progress.state is MeasureAimState.MET and judged is not None:
            return f"Met: {month_year(judged.month)} was {judged.words()}"
        if progress.state is MeasureAimState.NOT_MET and judged is not None:
            return f"Not met: {month_year(judged.month)} was {judged.words()}"
        if progress.state is MeasureAimState.NOT_JUDGED:
            return "Cannot be judged: no month counted anybody by the date"
        latest = progress.latest
        if latest is None:
            return "Not yet due"
        where = "at" if latest.percentage >= progress.target_percent else "below"
        return f"Not yet due; the latest month is {where} the target"

    def cells(self) -> tuple[str, ...]:
        return (
            self.title,
            self.measure,
            self.target_text,
            self.current_text,
            self.at_target_text,
            self.met_text,
        )


def measure_aims_sentence(items: Sequence[MeasureAimItem]) -> str:
    """How many local aims on the measures there are and how many are met, in a sentence."""
    if not items:
        return "No local aim is set on a process measure."
    states = [item.progress.state for item in items]
    counts = [
        (sum(state is wanted for state in states), words)
        for wanted, words in (
            (MeasureAimState.MET, "met"),
            (MeasureAimState.NOT_MET, "not met"),
            (MeasureAimState.NOT_YET_DUE, "not yet due"),
            (MeasureAimState.NOT_JUDGED, "cannot be judged"),
        )
    ]
    said = ", ".join(f"{count} {words}" for count, words in counts if count)
    return (
        f"{plural(len(items), 'local aim')} on a process measure: {said}. Each is judged on "
        "the last month counted by its date; until then the latest month says where it stands."
    )
