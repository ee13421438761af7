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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

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


class ItemState(StrEnum):
    """Where an agenda item stands. ``NOT_RECORDED`` until someone says; a not-applicable
    item needs its reason."""

    NOT_RECORDED = ""
    DONE = "done"
    NOT_DONE = "not_done"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    ItemState.NOT_RECORDED: "Not recorded",
    ItemState.DONE: "Done",
    ItemState.NOT_DONE: "Not done",
    ItemState.NOT_APPLICABLE: "Not applicable",
}


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One item of an agenda: a key the measures read, and the words people see."""

    key: str
    text: str


@dataclass(frozen=True, slots=True)
class Agenda:
    """One version of an agenda for one kind of meeting."""

    kind: str
    version: str
    effective_from: date
    items: tuple[AgendaItem, ...]

    def __post_init__(self) -> None:
        check_items(self.items)


def check_items(items: Sequence[AgendaItem]) -> None:
    """An agenda has at least one item; keys are short words, each used once."""
    if not items:
        raise ValueError("An agenda needs at least one item.")
    keys = [item.key for item in items]
    for key in keys:
        if not key or not key.replace("_", "").isalnum() or key != key.lower() or len(key) > 40:
            raise ValueError(
                f"“{key}” cannot be an item's key: use lower-case letters, digits and "
                "underscores, up to 40 characters."
            )
    if len(set(keys)) != len(keys):
        raise ValueError("Each item's key may be used only once in an agenda.")
    if any(not item.text.strip() for item in items):
        raise ValueError("Every item needs its words.")


# The item keys the measures read (docs/meetings.md). An authority's own agenda keeps
# them where it keeps the item, so its measures go on.
PERMANENCE_DISCUSSED = "permanence_discussed"
REVIEW_DATES_SET = "review_dates_set"
ACTIONS_LOGGED = "actions_logged"

SHIPPED_SINCE = date(2021, 1, 1)
SHIPPED_VERSION = "Shipped agenda 1 (from the PACE sources)"

AGENDA_72H = Agenda(
    kind=MeetingKind.PLANNING_72H,
    version=SHIPPED_VERSION,
    effective_from=SHIPPED_SINCE,
    items=(
        AgendaItem("child_safe_settled", "The child's immediate care: safe, settled, needs met"),
        AgendaItem("legal_basis", "The legal basis of the accommodation confirmed"),
        AgendaItem("family_time", "Family time (contact) with parents and brothers and sisters"),
        AgendaItem("parents_told", "Parents told what happens next, in plain words, and by whom"),
        AgendaItem(
            "reporter_referral",
            "Referral to the Children's Reporter considered (under-3s: on the first day, "
            "where that is local practice)",
        ),
        AgendaItem("health_education", "Health and education told, and their information asked"),
        AgendaItem("planning_meeting_set", "The date of the two-week planning meeting set"),
        AgendaItem(ACTIONS_LOGGED, "Actions logged, each with its owner and due date"),
    ),
)

AGENDA_2WK = Agenda(
    kind=MeetingKind.PLANNING_2WK,
    version=SHIPPED_VERSION,
    effective_from=SHIPPED_SINCE,
    items=(
        AgendaItem(
            PERMANENCE_DISCUSSED,
            "Permanence discussed with the parents: what it means, and every route "
            "considered, a return home included",
        ),
        AgendaItem("care_plan_agreed", "The care plan agreed with the parents"),
        AgendaItem(
            "assessment_timescales",
            "Timescales for the assessments agreed (the parenting capacity assessment "
            "started, if not before)",
        ),
        AgendaItem("parent_support", "The support available to the parents agreed"),
        AgendaItem("childs_views", "The child's views gathered and heard"),
        AgendaItem(REVIEW_DATES_SET, "Every later Looked After Child review date set"),
        AgendaItem(
            "legal_advice_set",
            "Legal advice arranged in advance (a meeting date set, or written advice asked)",
        ),
        AgendaItem("leaflet_offered", "The parents offered the leaflet about what happens next"),
        AgendaItem(
            ACTIONS_LOGGED, "The team leader (chairing) logged the actions: owner and due date"
        ),
    ),
)

SHIPPED_AGENDAS: dict[str, Agenda] = {AGENDA_72H.kind: AGENDA_72H, AGENDA_2WK.kind: AGENDA_2WK}

#: A meeting of the authority's own kind with no agenda of its own yet.
GENERIC_AGENDA = Agenda(
    kind=MeetingKind.LOCAL,
    version=SHIPPED_VERSION,
    effective_from=SHIPPED_SINCE,
    items=(
        AgendaItem("plan_reviewed", "The child's plan reviewed"),
        AgendaItem(ACTIONS_LOGGED, "Actions logged, each with its owner and due date"),
    ),
)


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
