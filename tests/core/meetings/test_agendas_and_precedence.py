"""The agendas as data, the decisions' rules and the precedence rule between a date typed
in the app and the same meeting's date brought by an import."""

from __future__ import annotations

from datetime import date

import pytest

from permanence.analysis.meetings import (
    AGENDA_2WK,
    AGENDA_72H,
    GENERIC_AGENDA,
    PERMANENCE_DISCUSSED,
    REVIEW_DATES_SET,
    Agenda,
    AgendaItem,
    DateSource,
    DecisionKind,
    MeetingKind,
    agenda_in_force,
    decision_problems,
    parse_items,
    resolve_held_date,
    write_items,
)


def test_the_shipped_two_week_agenda_holds_what_the_study_says_it_must_achieve() -> None:
    keys = [item.key for item in AGENDA_2WK.items]
    assert PERMANENCE_DISCUSSED in keys
    assert REVIEW_DATES_SET in keys
    assert {"care_plan_agreed", "assessment_timescales", "actions_logged"} <= set(keys)
    assert len(set(keys)) == len(keys)
    assert "actions_logged" in [item.key for item in AGENDA_72H.items]


def test_the_version_in_force_is_the_authoritys_latest_started_else_the_shipped() -> None:
    kind = MeetingKind.PLANNING_2WK.value
    own_2025 = Agenda(kind, "ours 1", date(2025, 4, 1), (AgendaItem("a", "A"),))
    own_2026 = Agenda(kind, "ours 2", date(2026, 4, 1), (AgendaItem("b", "B"),))
    other_kind = Agenda("planning_72h", "x", date(2024, 1, 1), (AgendaItem("c", "C"),))
    versions = [own_2026, own_2025, other_kind]
    assert agenda_in_force(kind, date(2025, 3, 31), versions) is AGENDA_2WK
    assert agenda_in_force(kind, date(2025, 4, 1), versions) is own_2025
    assert agenda_in_force(kind, date(2026, 5, 1), versions) is own_2026
    assert agenda_in_force("family_group", date(2026, 5, 1), versions) is GENERIC_AGENDA


def test_an_agenda_is_written_and_read_one_item_a_line() -> None:
    text = "permanence_discussed: Permanence discussed\n\nreview_dates_set: Dates set\n"
    items = parse_items(text)
    assert items == (
        AgendaItem("permanence_discussed", "Permanence discussed"),
        AgendaItem("review_dates_set", "Dates set"),
    )
    assert parse_items(write_items(items)) == items


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "at least one item"),
        ("no colon here", "needs a key"),
        ("a: one\na: again", "only once"),
        ("Bad Key: words", "cannot be an item's key"),
        ("key:   ", "needs its words"),
    ],
)
def test_an_agenda_that_cannot_be_used_is_refused(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_items(text)


def _problems(kind: DecisionKind, **given: object) -> list[str]:
    args: dict[str, object] = {
        "reason": "",
        "look_again_on": None,
        "accommodated": date(2026, 1, 10),
        "date_of_birth": date(2024, 6, 1),
        "today": date(2026, 3, 1),
    }
    args.update(given)
    decided_on = args.pop("decided_on", date(2026, 2, 1))
    return [p.field for p in decision_problems(kind, decided_on, **args)]  # type: ignore[arg-type]


def test_a_purposeful_delay_needs_its_reason_and_a_later_date_to_look_again() -> None:
    assert _problems(DecisionKind.PURPOSEFUL_DELAY) == ["reason", "look_again_on"]
    assert _problems(
        DecisionKind.PURPOSEFUL_DELAY, reason="sibling assessment", look_again_on=date(2026, 2, 1)
    ) == ["look_again_on"]
    assert (
        _problems(
            DecisionKind.PURPOSEFUL_DELAY,
            reason="sibling assessment",
            look_again_on=date(2026, 4, 1),
        )
        == []
    )


def test_a_decision_is_not_in_the_future_nor_before_the_child_was_accommodated() -> None:
    assert _problems(DecisionKind.CONCURRENT_PLANNING, decided_on=date(2026, 3, 2)) == [
        "decided_on"
    ]
    assert _problems(DecisionKind.CONCURRENT_PLANNING, decided_on=date(2026, 1, 9)) == [
        "decided_on"
    ]
    assert _problems(DecisionKind.CONCURRENT_PLANNING, decided_on=date(2026, 1, 10)) == []


def test_an_under_3_referral_is_for_a_child_under_3_on_the_day_accommodated() -> None:
    # Born 1 June 2024, accommodated 10 January 2026: 1 year old.
    assert _problems(DecisionKind.UNDER_3_REFERRED) == []
    # Born 10 January 2023: 3 on the day accommodated.
    assert _problems(DecisionKind.UNDER_3_REFERRED, date_of_birth=date(2023, 1, 10)) == ["kind"]
    # Born 11 January 2023: still 2 that day.
    assert _problems(DecisionKind.UNDER_3_REFERRED, date_of_birth=date(2023, 1, 11)) == []


def test_the_case_recording_system_wins_and_a_difference_is_listed_not_overwritten() -> None:
    typed, brought = date(2026, 1, 20), date(2026, 1, 22)
    only_typed = resolve_held_date(typed, None)
    assert (only_typed.used, only_typed.source, only_typed.in_conflict) == (
        typed,
        DateSource.ENTERED,
        False,
    )
    only_brought = resolve_held_date(None, brought)
    assert (only_brought.used, only_brought.source) == (brought, DateSource.IMPORT)
    agree = resolve_held_date(brought, brought)
    assert (agree.used, agree.source, agree.in_conflict) == (brought, DateSource.IMPORT, False)
    differ = resolve_held_date(typed, brought)
    assert (differ.used, differ.source, differ.differs_from) == (
        brought,
        DateSource.IMPORT,
        typed,
    )
    assert resolve_held_date(None, None).source is DateSource.NONE
