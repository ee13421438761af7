"""The canonical import format: what each table holds, beyond its polars schema.

``permanence.journey.tables`` declares the six tables and their types; this module adds
what an import needs to know about them: which columns are dates, which hold codes and
from which vocabulary, each table's natural key (how a row is recognised from one extract
to the next), and a plain-English description of every column for
``docs/data-format.md``.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from permanence.journey.tables import (
    IDENTITIES as IDENTITIES,
)
from permanence.journey.tables import (
    MEETING_DETAIL_TABLES as MEETING_DETAIL_TABLES,
)
from permanence.journey.tables import (
    MEETING_OF_ROW as MEETING_OF_ROW,
)
from permanence.journey.tables import (
    NATURAL_KEYS as NATURAL_KEYS,
)
from permanence.journey.tables import (
    OPTIONAL_TABLES as OPTIONAL_TABLES,
)
from permanence.journey.tables import (
    RECORD_ID,
    REQUIRED_COLUMNS,
    SCHEMAS,
)
from permanence.journey.tables import (
    meeting_occasion as meeting_occasion,
)
from permanence.journey.tables import (
    with_natural_key as with_natural_key,
)
from permanence.journey.vocabulary import (
    AgencyDecisionOutcome,
    AgendaAnswer,
    Coded,
    Destination,
    LegalAdviceForm,
    LegalStatusKind,
    MeetingKind,
    MilestoneKind,
    OrderType,
    PlacementType,
    Route,
    Sex,
)

TABLES: tuple[str, ...] = (
    "children",
    "care_periods",
    "placements",
    "legal_statuses",
    "meetings",
    "milestones",
    "agenda_items",
    "meeting_actions",
)
"""The tables in the order they depend on each other: a child, then its care periods,
then the records that belong to a care period, then what a planning meeting achieved
(each row names its meeting)."""

PERIOD_TABLES: tuple[str, ...] = TABLES[2:]
"""Tables whose rows belong to a care period, named by (child_ref, period_start)."""

CHILD_LEVEL_TABLES: tuple[str, ...] = TABLES[1:]
"""Tables whose rows belong to a child; each may carry an extra ``date_of_birth``."""

EXTRA_DATE_OF_BIRTH = "date_of_birth"
"""Many systems repeat the child's date of birth on every table. It may be given on the
child-level tables so the import can check it agrees with the children table; it is
checked and then dropped, never loaded."""

TABLE_LABELS: dict[str, str] = {
    "children": "children",
    "care_periods": "care periods",
    "placements": "placements",
    "legal_statuses": "legal statuses",
    "meetings": "meetings",
    "milestones": "decisions and milestones",
    "agenda_items": "planning meetings' agenda checklists",
    "meeting_actions": "planning meetings' actions",
}

CODED_COLUMNS: dict[tuple[str, str], type[Coded]] = {
    ("children", "sex"): Sex,
    ("care_periods", "destination"): Destination,
    ("placements", "placement_type"): PlacementType,
    ("legal_statuses", "legal_status"): LegalStatusKind,
    ("meetings", "meeting_kind"): MeetingKind,
    ("milestones", "milestone"): MilestoneKind,
    ("agenda_items", "meeting_kind"): MeetingKind,
    ("agenda_items", "answer"): AgendaAnswer,
    ("meeting_actions", "meeting_kind"): MeetingKind,
}
"""Columns whose values must be codes of a vocabulary. ``milestones.detail`` is coded
too, by a vocabulary that depends on the milestone (see ``DETAIL_VOCABULARIES``)."""

DETAIL_VOCABULARIES: tuple[type[Coded], ...] = (
    Route,
    AgencyDecisionOutcome,
    OrderType,
    LegalAdviceForm,
)
"""The vocabularies a milestone's detail can come from, in the order the docs list them."""


def detail_codes() -> frozenset[str]:
    """Every code a milestone's ``detail`` may hold, whichever milestone it belongs to."""
    codes: set[str] = set()
    for vocabulary in DETAIL_VOCABULARIES:
        codes |= vocabulary.codes()
    return frozenset(codes)


def coded_columns(table: str) -> dict[str, frozenset[str]]:
    """The coded columns of ``table`` with the codes each accepts (``detail``: any detail)."""
    columns = {
        column: vocabulary.codes()
        for (name, column), vocabulary in CODED_COLUMNS.items()
        if name == table
    }
    if table == "milestones":
        columns["detail"] = detail_codes()
    return columns


def code_aliases(table: str, column: str) -> dict[str, str]:
    """What a coded column accepts without a profile: each code, and each label, in any case.

    Keys are lower case; values are the codes they stand for.
    """
    vocabularies: tuple[type[Coded], ...]
    if table == "milestones" and column == "detail":
        vocabularies = DETAIL_VOCABULARIES
    elif (table, column) in CODED_COLUMNS:
        vocabularies = (CODED_COLUMNS[(table, column)],)
    else:
        return {}
    aliases: dict[str, str] = {}
    for vocabulary in vocabularies:
        for member in vocabulary:
            aliases.setdefault(member.label.lower(), member.value)
    for vocabulary in vocabularies:
        for member in vocabulary:
            aliases[member.value.lower()] = member.value
    return aliases


def columns(table: str) -> list[str]:
    """The canonical columns of ``table`` an extract may give, in the canonical order.

    Child-level tables end with the optional repeated ``date_of_birth``.
    """
    names = list(SCHEMAS[table])
    if table in CHILD_LEVEL_TABLES:
        names.append(EXTRA_DATE_OF_BIRTH)
    return names


def date_columns(table: str) -> list[str]:
    """Columns of ``table`` that hold dates, the extra ``date_of_birth`` included."""
    names = [name for name, dtype in SCHEMAS[table].items() if dtype == pl.Date]
    if table in CHILD_LEVEL_TABLES:
        names.append(EXTRA_DATE_OF_BIRTH)
    return names


def required_columns(table: str) -> frozenset[str]:
    return REQUIRED_COLUMNS[table]


QUIET_OPTIONAL_COLUMNS: frozenset[tuple[str, str]] = frozenset(
    {
        ("children", "sibling_group"),
        ("meetings", "attended"),
        ("milestones", "look_again_on"),
        ("milestones", "decided_by"),
        ("agenda_items", "reason"),
        ("meeting_actions", "owner"),
    }
)
"""Optional columns many systems cannot give, so an extract without them is no query:
the child's sibling group, who attended a meeting, a decision's date to look again and
who made it, why an agenda item did not apply (a row that needs it is refused on its
own, MEET012) and who owns an action."""


def quiet_when_missing(table: str, column: str) -> bool:
    """Optional columns whose absence is no query unless a profile names them: the
    repeated date of birth, the system's record id (many extracts have none, and the
    import then matches records without it) and ``QUIET_OPTIONAL_COLUMNS``."""
    return (
        column == RECORD_ID
        or (table in CHILD_LEVEL_TABLES and column == EXTRA_DATE_OF_BIRTH)
        or (table, column) in QUIET_OPTIONAL_COLUMNS
    )


# The natural keys live with the canonical tables, so imports and loads agree on them.


def _record_id_note(what: str) -> str:
    return (
        f"Optional: the case recording system's own identifier of this {what}, where the "
        "extract gives one. A later extract is matched to the record by it, so a correction "
        "of any of its dates or codes updates the same record (see Record identity)."
    )


COLUMN_NOTES: Mapping[str, Mapping[str, str]] = {
    "children": {
        "child_ref": "The authority's own reference for the child, exactly as the case "
        "recording system holds it. Always text: leading zeros are kept.",
        "initials": "Initials for display to people who may see who the child is.",
        "date_of_birth": "The child's date of birth.",
        "sex": "A Sex code.",
        "ethnicity": "As the case recording system records it (free text).",
        "disability": "As the case recording system records it (free text).",
        "sibling_group": "Optional: the same text for every child of one group of brothers "
        "and sisters looked after (the system's family or sibling-group reference); blank "
        "for a child recorded without siblings. An aim can then be read per sibling group: "
        "a group waits as long as its longest wait.",
    },
    "care_periods": {
        "child_ref": "The child this care period belongs to (a child_ref of the children table).",
        "period_start": "The date looked after (at home or away): the start of the care "
        "period. With child_ref it names the period in every other table.",
        "period_end": "The date the care period ended; blank while the child is looked after.",
        "destination": "Where the child went when the period ended: a Destination code. "
        "Blank while the period is open.",
        "team": "The team responsible for the child in this period.",
        RECORD_ID: _record_id_note("care period (its episode id)"),
    },
    "placements": {
        "child_ref": "The child.",
        "period_start": "The start of the care period the placement belongs to.",
        "placement_type": "Where the child lives: a PlacementType code.",
        "start_date": "The first day of the placement.",
        "end_date": "The last day of the placement; blank while it lasts.",
        RECORD_ID: _record_id_note("placement"),
    },
    "legal_statuses": {
        "child_ref": "The child.",
        "period_start": "The start of the care period the legal status belongs to.",
        "legal_status": "The legal basis or order: a LegalStatusKind code.",
        "start_date": "The date it began (the order was made).",
        "end_date": "The date it ended; blank while it lasts.",
        RECORD_ID: _record_id_note("legal status"),
    },
    "meetings": {
        "child_ref": "The child.",
        "period_start": "The start of the care period the meeting belongs to.",
        "meeting_kind": "A MeetingKind code.",
        "review_number": "For a Looked After Child review: 1 for the first review, 2 for the "
        "second, and so on (a whole number). Blank for other meetings.",
        "due_date": "The date the meeting was due (planned). May be in the future.",
        "held_date": "The date the meeting was held; blank if it has not been held.",
        "outcome": "What the meeting decided, as free text.",
        RECORD_ID: _record_id_note("meeting"),
        "attended": "Optional: who attended, by agency: Agency codes separated by semicolons "
        "(parents; child; carers; social_worker; team_leader; reviewing_officer; health; "
        "education; legal; reporter). Blank where the system does not record it.",
    },
    "milestones": {
        "child_ref": "The child.",
        "period_start": "The start of the care period the milestone belongs to.",
        "milestone": "A MilestoneKind code.",
        "date": "The date of the decision or milestone.",
        "detail": "For a permanence recommendation the Route code; for an agency decision "
        "maker decision the AgencyDecisionOutcome code; for an application lodged or an "
        "order granted the OrderType code; for legal advice received the LegalAdviceForm "
        "code. Blank for other milestones.",
        "reason": "For a decision reversed: why it was reversed; for a purposeful delay: why "
        "the delay is in the child's interest (free text).",
        RECORD_ID: _record_id_note("decision or milestone (its event id)"),
        "look_again_on": "Optional: for a purposeful delay, the date it will be looked at "
        "again (after the decision).",
        "decided_by": "Optional: for a decision that shapes the plan, who decided (a name or "
        "a role, such as team leader).",
    },
    "agenda_items": {
        "child_ref": "The child.",
        "period_start": "The start of the care period the meeting belongs to.",
        "meeting_kind": "The meeting's MeetingKind code: planning_72h or planning_2wk (the "
        "kinds with an agenda).",
        "held_date": "The date the meeting was held: with the three columns before it, it "
        "names a row of the meetings table.",
        "item": "The agenda item's key, as the authority's agenda for the kind of meeting "
        "names it (the shipped agendas' keys are listed in docs/meetings.md, such as "
        "permanence_discussed or review_dates_set).",
        "answer": "An AgendaAnswer code: done, not_done or not_applicable. An item the "
        "extract has no row for is not recorded.",
        "reason": "Why the item did not apply; needed for not_applicable, blank otherwise.",
    },
    "meeting_actions": {
        "child_ref": "The child.",
        "period_start": "The start of the care period the meeting belongs to.",
        "meeting_kind": "The meeting's MeetingKind code: planning_72h or planning_2wk.",
        "held_date": "The date the meeting was held (naming a row of the meetings table).",
        "action": "What is to be done, as the team leader logged it (free text). With the "
        "meeting it names the action from one extract to the next.",
        "owner": "Who will do it: a name, or a role or agency (such as social worker).",
        "due_date": "The date it is due by: not before the meeting.",
        "done_date": "The date it was done: not before the meeting, nor after the extract "
        "date. Blank while it is open.",
    },
}
