"""Planning meetings that achieve something: their kinds, who comes, their agendas as data,
the decisions that shape a child's plan, and which date counts when a date typed in the app
meets one brought by an import.

No Django: the web app (``permanence.web.meetings``) stores what is recorded and hands it
here; ``meeting_measures`` works out the process measures. See ``docs/meetings.md``.

The shipped agendas come from the sources: the two-week planning meeting as the 2021 study
describes it (permanence discussed with the parents, the care plan and the assessments'
timescales agreed with them, the support for parents, every later review date set, the
team leader chairing and logging the actions, the child's views, which the study found
missing and the Champions' Group added), and the 72-hour meeting's agenda template the
2020 Aim 2 webinar names (what the meeting must achieve, and that it happens within 72
hours). They are versioned like review policies: a meeting keeps the items of the version
it was recorded under, and an authority may write its own version from a date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from permanence.journey.agendas import ACTIONS_LOGGED as ACTIONS_LOGGED
from permanence.journey.agendas import AGENDA_2WK as AGENDA_2WK
from permanence.journey.agendas import AGENDA_72H as AGENDA_72H
from permanence.journey.agendas import GENERIC_AGENDA as GENERIC_AGENDA
from permanence.journey.agendas import PERMANENCE_DISCUSSED as PERMANENCE_DISCUSSED
from permanence.journey.agendas import REVIEW_DATES_SET as REVIEW_DATES_SET
from permanence.journey.agendas import SHIPPED_AGENDAS as SHIPPED_AGENDAS
from permanence.journey.agendas import SHIPPED_SINCE as SHIPPED_SINCE
from permanence.journey.agendas import SHIPPED_VERSION as SHIPPED_VERSION
from permanence.journey.agendas import Agenda as Agenda
from permanence.journey.agendas import AgendaItem as AgendaItem
from permanence.journey.agendas import ItemState as ItemState
from permanence.journey.agendas import check_items as check_items
from permanence.journey.meeting_rules import Agency as Agency
from permanence.journey.meeting_rules import DecisionKind as DecisionKind
from permanence.journey.meeting_rules import DecisionProblem as DecisionProblem
from permanence.journey.meeting_rules import decision_problems as decision_problems
from permanence.journey.meeting_rules import years_between as years_between


class MeetingKind(StrEnum):
    """The planning meetings with a shipped agenda; an authority may define others
    (``LOCAL``, with its own name and agenda)."""

    PLANNING_72H = "planning_72h"
    PLANNING_2WK = "planning_2wk"
    LOCAL = "local"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    MeetingKind.PLANNING_72H: "72-hour planning meeting",
    MeetingKind.PLANNING_2WK: "Two-week planning meeting",
    MeetingKind.LOCAL: "A meeting of the authority's own",
}

#: The days after the date accommodated by which each kind is due (the statutory 72 hours
#: as 3 days, since the records hold dates; the two-week meeting at 14 days). An
#: authority's review policy may set the planning meeting at 3 or 4 weeks instead.
DEFAULT_WITHIN_DAYS = {MeetingKind.PLANNING_72H: 3, MeetingKind.PLANNING_2WK: 14}


def agenda_in_force(kind: str, on: date, versions: Sequence[Agenda] = ()) -> Agenda:
    """The agenda for a meeting of ``kind`` held ``on`` a date: the authority's latest
    version in force that day, else the shipped one (the generic one for a local kind)."""
    started = [v for v in versions if v.kind == kind and v.effective_from <= on]
    if started:
        return max(started, key=lambda version: version.effective_from)
    return SHIPPED_AGENDAS.get(kind, GENERIC_AGENDA)


def parse_items(text: str) -> tuple[AgendaItem, ...]:
    """An agenda written one item a line as ``key: words`` (how an authority edits its
    own); blank lines are skipped."""
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, colon, words = line.partition(":")
        if not colon:
            raise ValueError(f"Line {number} needs a key, a colon, then the item's words.")
        items.append(AgendaItem(key.strip(), words.strip()))
    items_tuple = tuple(items)
    check_items(items_tuple)
    return items_tuple


def write_items(items: Sequence[AgendaItem]) -> str:
    return "\n".join(f"{item.key}: {item.text}" for item in items)


# ---------------------------------------------------------------------------------------
# Decisions that shape the plan


# The decisions and their rules live with the vocabulary (``journey.meeting_rules``,
# imported above), so an import checks a decision by the same rules as the app's form.


# ---------------------------------------------------------------------------------------
# Which date counts: a date typed in the app, or the same meeting brought by an import


class DateSource(StrEnum):
    IMPORT = "import"
    ENTERED = "entered"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    """The date the figures use, where it came from, and the other date where the two
    disagree (listed for the data lead; neither is changed)."""

    used: date | None
    source: DateSource
    differs_from: date | None = None

    @property
    def in_conflict(self) -> bool:
        return self.differs_from is not None


def resolve_held_date(entered: date | None, imported: date | None) -> ResolvedDate:
    """The precedence rule (docs/meetings.md): the case recording system wins.

    - Only one date: it is used.
    - Both, the same day: the import's (they agree).
    - Both, different days: the import's date is used and the entered date is kept,
      shown beside it and listed for the data lead, who corrects one side or the other.
      Nothing is overwritten: the meeting's agenda, attendance and actions stay on the
      record entered in the app whichever date counts.
    """
    if imported is not None:
        differs = entered if entered is not None and entered != imported else None
        return ResolvedDate(imported, DateSource.IMPORT, differs)
    if entered is not None:
        return ResolvedDate(entered, DateSource.ENTERED)
    return ResolvedDate(None, DateSource.NONE)


# ---------------------------------------------------------------------------------------
# Which checklist and actions count: entered in the app, or brought by an import for the
# same meeting (the first meeting of its kind in the care period on each side)


@dataclass(frozen=True, slots=True)
class ResolvedChecklist:
    """The answers the figures use, and the items answered differently on the two sides
    (listed for the data lead; neither side is changed)."""

    states: dict[str, ItemState]
    differing: tuple[str, ...] = ()


def resolve_checklist(
    entered: Mapping[str, ItemState], imported: Mapping[str, ItemState]
) -> ResolvedChecklist:
    """The precedence rule for a checklist, item by item: the case recording system wins.

    An item the import answers takes the import's answer; an item the import leaves not
    recorded keeps the answer entered in the app. An item answered on both sides, and
    differently, is listed.
    """
    states = dict(entered)
    differing = []
    for key, state in imported.items():
        if state is ItemState.NOT_RECORDED:
            states.setdefault(key, state)
            continue
        mine = entered.get(key, ItemState.NOT_RECORDED)
        if mine is not ItemState.NOT_RECORDED and mine is not state:
            differing.append(key)
        states[key] = state
    return ResolvedChecklist(states, tuple(differing))


def same_action(words: str) -> str:
    """An action's words as they name it, on either side: spaces and case do not make
    another action."""
    return " ".join(words.split()).casefold()


@dataclass(frozen=True, slots=True)
class ActionRecord:
    what: str
    due: date
    done_on: date | None = None


@dataclass(frozen=True, slots=True)
class ResolvedActions:
    """The actions the figures count, and the pairs (entered, imported) of one action
    whose dates differ (listed for the data lead)."""

    counted: tuple[ActionRecord, ...]
    differing: tuple[tuple[ActionRecord, ActionRecord], ...] = ()


def resolve_actions(
    entered: Sequence[ActionRecord], imported: Sequence[ActionRecord]
) -> ResolvedActions:
    """The precedence rule for a meeting's actions: every action the import brings, with
    the import's dates, and each action entered in the app that the import does not hold
    (by its words: the system may not have logged it). An action on both sides whose due
    or done date differs is listed."""
    brought = {same_action(action.what): action for action in imported}
    counted = list(imported)
    differing = []
    for action in entered:
        theirs = brought.get(same_action(action.what))
        if theirs is None:
            counted.append(action)
        elif (theirs.due, theirs.done_on) != (action.due, action.done_on):
            differing.append((action, theirs))
    return ResolvedActions(tuple(counted), tuple(differing))
