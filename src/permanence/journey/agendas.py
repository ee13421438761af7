"""The agendas of planning meetings as data: the shipped 72-hour and two-week agendas,
an item's key and words, and where an item stands (done, not done, not applicable).

Here, below the analysis and the import, so that the measures (``analysis.meetings``
re-exports all of this), the app's checklist (``web.meetings``) and an import's agenda
checklist (the ``agenda_items`` table, rules MEET011 and MEET012) read one list of keys.
docs/meetings.md lists the agendas and where their items come from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# The kinds' codes, as ``analysis.meetings.MeetingKind`` and the import's meeting_kind
# spell them (an agenda's ``kind`` is a plain code).
PLANNING_72H = "planning_72h"
PLANNING_2WK = "planning_2wk"
LOCAL = "local"


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
    kind=PLANNING_72H,
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
    kind=PLANNING_2WK,
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
    kind=LOCAL,
    version=SHIPPED_VERSION,
    effective_from=SHIPPED_SINCE,
    items=(
        AgendaItem("plan_reviewed", "The child's plan reviewed"),
        AgendaItem(ACTIONS_LOGGED, "Actions logged, each with its owner and due date"),
    ),
)


def agenda_keys(kind: str) -> frozenset[str]:
    """The item keys of the shipped agenda of ``kind`` (none for a kind without one)."""
    agenda = SHIPPED_AGENDAS.get(kind)
    return frozenset(item.key for item in agenda.items) if agenda else frozenset()
