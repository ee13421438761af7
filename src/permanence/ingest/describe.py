"""A record in a sentence: "Permanence recommendation on 20/01/2024 (Adoption)".

For the lists a data lead works through (records an extract no longer holds), where a
record is shown without the table it came from. Dates are written as people in Scotland
write them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from permanence.ingest.format import DETAIL_VOCABULARIES
from permanence.journey.vocabulary import (
    Coded,
    LegalStatusKind,
    MeetingKind,
    MilestoneKind,
    PlacementType,
)


def describe_record(table: str, values: Mapping[str, Any]) -> str:
    """``values`` (canonical columns of ``table``) as a short sentence."""
    describe = _DESCRIBERS[table]
    text = describe(values)
    if values.get("record_id"):
        text += f" (record id {values['record_id']})"
    return text


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else "no date"


def _label(vocabulary: type[Coded], code: str | None) -> str:
    if not code:
        return "kind not recorded"
    try:
        return str(vocabulary(code).label)
    except ValueError:
        return code


def _child(values: Mapping[str, Any]) -> str:
    return f"Child {values['child_ref']}, born {_day(values.get('date_of_birth'))}"


def _care_period(values: Mapping[str, Any]) -> str:
    end = values.get("period_end")
    text = f"Care period from {_day(values.get('period_start'))}"
    return f"{text} to {_day(end)}" if end is not None else text


def _interval(vocabulary: type[Coded], column: str) -> Callable[[Mapping[str, Any]], str]:
    def describe(values: Mapping[str, Any]) -> str:
        text = f"{_label(vocabulary, values.get(column))} from {_day(values.get('start_date'))}"
        end = values.get("end_date")
        return f"{text} to {_day(end)}" if end is not None else text

    return describe


def _meeting(values: Mapping[str, Any]) -> str:
    text = _label(MeetingKind, values.get("meeting_kind"))
    if values.get("review_number") is not None:
        text += f" {values['review_number']}"
    parts = []
    if values.get("due_date") is not None:
        parts.append(f"due {_day(values['due_date'])}")
    if values.get("held_date") is not None:
        parts.append(f"held {_day(values['held_date'])}")
    return f"{text}, {', '.join(parts)}" if parts else text


def _milestone(values: Mapping[str, Any]) -> str:
    text = f"{_label(MilestoneKind, values.get('milestone'))} on {_day(values.get('date'))}"
    detail = values.get("detail")
    if detail:
        labels = [_label(vocabulary, detail) for vocabulary in DETAIL_VOCABULARIES]
        text += f" ({next((label for label in labels if label != detail), detail)})"
    return text


_DESCRIBERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "children": _child,
    "care_periods": _care_period,
    "placements": _interval(PlacementType, "placement_type"),
    "legal_statuses": _interval(LegalStatusKind, "legal_status"),
    "meetings": _meeting,
    "milestones": _milestone,
}
