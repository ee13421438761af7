"""Record identity: a corrected date replaces the old record; repeated events stay apart.

The worked examples are the ones in docs/data-format.md ("Record identity"); the property
tests check the rule against what it promises for any extract and any later extract.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from permanence.journey.identity import Candidate, MatchedBy, candidate, match_records

PERIOD = 1


def milestone(kind: str, day: date, detail: str | None = None, parent: int = PERIOD) -> Candidate:
    values = {"milestone": kind, "date": day, "detail": detail}
    return candidate("milestones", values, child="0311", parent=parent)


def how(matching: Any) -> list[tuple[int, int, str]]:
    return [(row, record, str(matched)) for row, record, matched in matching.pairs]


def test_the_recommendation_corrected_from_january_to_september_is_the_same_record() -> None:
    held = [milestone("permanence_recommendation", date(2024, 1, 20), "poa")]
    rows = [milestone("permanence_recommendation", date(2024, 9, 20), "poa")]
    matching = match_records(held, rows)
    assert how(matching) == [(0, 0, "correction")]
    assert matching.new_rows == () and matching.gone_records == ()


def test_a_plan_not_agreed_then_agreed_keeps_both_decisions_when_one_date_is_corrected() -> None:
    held = [
        milestone("adm_decision", date(2024, 2, 1), "not_agreed"),
        milestone("adm_decision", date(2024, 5, 1), "agreed"),
    ]
    rows = [
        milestone("adm_decision", date(2024, 2, 1), "not_agreed"),
        milestone("adm_decision", date(2024, 5, 8), "agreed"),  # corrected
    ]
    matching = match_records(held, rows)
    assert how(matching) == [(0, 0, "key"), (1, 1, "correction")]


def test_a_second_recommendation_after_a_reversal_is_a_new_record_not_a_correction() -> None:
    held = [milestone("permanence_recommendation", date(2024, 1, 20), "return_home")]
    rows = [
        milestone("permanence_recommendation", date(2024, 1, 20), "return_home"),
        milestone("decision_reversed", date(2024, 4, 2)),
        milestone("permanence_recommendation", date(2024, 6, 12), "poa"),
    ]
    matching = match_records(held, rows)
    assert how(matching) == [(0, 0, "key")]
    assert matching.new_rows == (1, 2)


def test_a_correction_never_changes_the_kind_of_a_milestone() -> None:
    held = [milestone("permanence_recommendation", date(2024, 1, 20), "poa")]
    rows = [milestone("permanence_decision", date(2024, 9, 20))]
    matching = match_records(held, rows)
    assert matching.pairs == () and matching.new_rows == (0,) and matching.gone_records == (0,)


def test_a_correction_stays_in_its_care_period() -> None:
    held = [milestone("permanence_recommendation", date(2024, 1, 20), "poa", parent=1)]
    rows = [milestone("permanence_recommendation", date(2024, 9, 20), "poa", parent=2)]
    matching = match_records(held, rows)
    assert matching.pairs == () and matching.gone_records == (0,)


def test_records_that_vanish_with_nothing_in_their_place_are_gone() -> None:
    held = [
        milestone("permanence_recommendation", date(2024, 1, 20), "poa"),
        milestone("adm_decision", date(2024, 5, 1), "agreed"),
    ]
    rows = [milestone("permanence_recommendation", date(2024, 1, 20), "poa")]
    assert match_records(held, rows).gone_records == (1,)


def test_several_corrections_of_one_kind_pair_in_date_order() -> None:
    held = [
        milestone("adm_decision", date(2024, 2, 1), "not_agreed"),
        milestone("adm_decision", date(2024, 5, 1), "agreed"),
    ]
    rows = [
        milestone("adm_decision", date(2024, 5, 9), "agreed"),
        milestone("adm_decision", date(2024, 2, 3), "not_agreed"),
    ]
    assert how(match_records(held, rows)) == [(0, 1, "correction"), (1, 0, "correction")]


def placement(kind: str, start: date, end: date | None, record_id: str | None = None) -> Candidate:
    values = {"placement_type": kind, "start_date": start, "end_date": end, "record_id": record_id}
    return candidate("placements", values, child="0311", parent=PERIOD)


def test_a_placement_corrected_in_its_type_is_the_same_placement() -> None:
    held = [placement("foster_la", date(2024, 2, 1), None)]
    rows = [placement("kinship", date(2024, 2, 1), None)]
    assert how(match_records(held, rows)) == [(0, 0, "correction")]


def test_placements_are_corrected_only_by_one_that_overlaps_them() -> None:
    held = [placement("foster_la", date(2023, 1, 1), date(2023, 3, 1))]
    rows = [placement("foster_la", date(2024, 6, 1), None)]
    matching = match_records(held, rows)
    assert matching.pairs == () and matching.gone_records == (0,) and matching.new_rows == (0,)


def test_a_record_id_wins_over_every_date() -> None:
    held = [
        placement("foster_la", date(2024, 2, 1), None, "P-1"),
        placement("kinship", date(2024, 3, 1), None, "P-2"),
    ]
    # Both corrected out of all recognition: the ids still say which is which.
    rows = [
        placement("residential_house", date(2024, 2, 20), None, "P-2"),
        placement("foster_purchased", date(2024, 1, 5), None, "P-1"),
    ]
    assert how(match_records(held, rows)) == [(0, 1, "record_id"), (1, 0, "record_id")]


def test_different_record_ids_are_different_records_even_with_the_same_dates() -> None:
    held = [placement("foster_la", date(2024, 2, 1), None, "P-1")]
    rows = [placement("foster_la", date(2024, 2, 1), None, "P-9")]
    matching = match_records(held, rows)
    assert matching.pairs == () and matching.gone_records == (0,) and matching.new_rows == (0,)


def test_a_record_held_without_an_id_takes_the_row_that_brings_one() -> None:
    held = [placement("foster_la", date(2024, 2, 1), None)]
    rows = [placement("foster_la", date(2024, 2, 1), None, "P-1")]
    assert how(match_records(held, rows)) == [(0, 0, "key")]


def meeting(kind: str, number: int | None, due: date | None, held: date | None) -> Candidate:
    values = {"meeting_kind": kind, "review_number": number, "due_date": due, "held_date": held}
    return candidate("meetings", values, child="0311", parent=PERIOD)


def test_a_numbered_review_is_the_same_review_whatever_its_dates() -> None:
    held = [meeting("review", 2, date(2024, 4, 1), None)]
    rows = [meeting("review", 2, date(2024, 4, 15), date(2024, 4, 16))]
    assert how(match_records(held, rows)) == [(0, 0, "key")]


def test_a_meeting_whose_only_date_is_corrected_is_the_same_meeting() -> None:
    held = [meeting("legal_advice", None, None, date(2024, 1, 15))]
    rows = [meeting("legal_advice", None, None, date(2024, 1, 19))]
    assert how(match_records(held, rows)) == [(0, 0, "correction")]


# ---------------------------------------------------------------------------------------
# Properties: for any milestones of a few care periods, and any later extract of them.

KINDS = ("permanence_recommendation", "adm_decision", "pca_started")
FIRST_DAY = date(2020, 1, 1)


@st.composite
def events(draw: st.DrawFn) -> list[tuple[int, str, date]]:
    """Distinct (period, kind, date) events: what one extract holds."""
    keys = draw(
        st.sets(
            st.tuples(
                st.integers(1, 3),
                st.sampled_from(KINDS),
                st.integers(0, 400).map(lambda d: FIRST_DAY + timedelta(days=d)),
            ),
            max_size=14,
        )
    )
    return sorted(keys)


def as_candidates(rows: list[tuple[int, str, date]], ids: list[str | None]) -> list[Candidate]:
    return [
        candidate(
            "milestones",
            {"milestone": kind, "date": day, "record_id": record_id},
            child="0311",
            parent=period,
        )
        for (period, kind, day), record_id in zip(rows, ids, strict=True)
    ]


@st.composite
def two_extracts(
    draw: st.DrawFn,
) -> tuple[list[tuple[int, str, date]], list[tuple[int, str, date]], list[int | None]]:
    """An extract, a later one (each event kept, corrected to another date, or dropped, and
    new events added), and for each later row the index of the event it came from."""
    first = draw(events())
    later: list[tuple[int, str, date]] = []
    origin: list[int | None] = []
    for index, (period, kind, day) in enumerate(first):
        fate = draw(st.sampled_from(("kept", "kept", "corrected", "dropped")))
        if fate == "kept":
            later.append((period, kind, day))
            origin.append(index)
        elif fate == "corrected":
            later.append((period, kind, day + timedelta(days=draw(st.integers(1, 300)))))
            origin.append(index)
    for added in draw(events()):
        later.append(added)
        origin.append(None)
    # One extract never holds one event twice (validation refuses it: DUP001, DUP002).
    seen: set[tuple[int, str, date]] = set()
    rows: list[tuple[int, str, date]] = []
    sources: list[int | None] = []
    for row, source in zip(later, origin, strict=True):
        if row not in seen:
            seen.add(row)
            rows.append(row)
            sources.append(source)
    return first, rows, sources


@settings(max_examples=300, deadline=None)
@given(two_extracts())
def test_every_row_and_record_is_used_once_and_never_across_kinds_or_periods(
    extracts: tuple[list[tuple[int, str, date]], list[tuple[int, str, date]], list[int | None]],
) -> None:
    first, later, _ = extracts
    matching = match_records(
        as_candidates(first, [None] * len(first)), as_candidates(later, [None] * len(later))
    )
    rows = [row for row, _, _ in matching.pairs] + list(matching.new_rows)
    records = [record for _, record, _ in matching.pairs] + list(matching.gone_records)
    assert sorted(rows) == list(range(len(later)))
    assert sorted(records) == list(range(len(first)))
    for row, record, matched in matching.pairs:
        assert later[row][:2] == first[record][:2]  # the same period and kind
        if matched is MatchedBy.KEY:
            assert later[row] == first[record]


@settings(max_examples=300, deadline=None)
@given(two_extracts())
def test_an_unchanged_event_is_always_its_own_record(
    extracts: tuple[list[tuple[int, str, date]], list[tuple[int, str, date]], list[int | None]],
) -> None:
    first, later, _ = extracts
    matching = match_records(
        as_candidates(first, [None] * len(first)), as_candidates(later, [None] * len(later))
    )
    paired = {row: record for row, record, _ in matching.pairs}
    for row, event in enumerate(later):
        if event in first:
            assert paired[row] == first.index(event)


@settings(max_examples=300, deadline=None)
@given(two_extracts())
def test_what_the_later_extract_lost_is_gone_only_where_nothing_new_could_correct_it(
    extracts: tuple[list[tuple[int, str, date]], list[tuple[int, str, date]], list[int | None]],
) -> None:
    """Counted independently: in each (period, kind), the records the later extract does
    not hold and its rows that are not held pair off; only the surplus is gone or new."""
    first, later, _ = extracts
    matching = match_records(
        as_candidates(first, [None] * len(first)), as_candidates(later, [None] * len(later))
    )
    for group in {event[:2] for event in first + later}:
        lost = sum(1 for e in first if e[:2] == group and e not in later)
        fresh = sum(1 for e in later if e[:2] == group and e not in first)
        gone = sum(1 for i in matching.gone_records if first[i][:2] == group)
        new = sum(1 for i in matching.new_rows if later[i][:2] == group)
        assert gone == max(lost - fresh, 0)
        assert new == max(fresh - lost, 0)


@settings(max_examples=300, deadline=None)
@given(two_extracts())
def test_with_record_ids_every_record_is_found_whatever_happened_to_its_dates(
    extracts: tuple[list[tuple[int, str, date]], list[tuple[int, str, date]], list[int | None]],
) -> None:
    first, later, origin = extracts
    first_ids: list[str | None] = [f"E{index}" for index in range(len(first))]
    later_ids: list[str | None] = [
        f"E{source}" if source is not None else f"N{row}" for row, source in enumerate(origin)
    ]
    matching = match_records(as_candidates(first, first_ids), as_candidates(later, later_ids))
    assert {(row, record) for row, record, _ in matching.pairs} == {
        (row, source) for row, source in enumerate(origin) if source is not None
    }
    assert all(matched is MatchedBy.RECORD_ID for _, _, matched in matching.pairs)
    assert set(matching.new_rows) == {row for row, source in enumerate(origin) if source is None}
