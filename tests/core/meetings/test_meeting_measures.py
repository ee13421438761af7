"""Each meeting measure against a small example worked out by hand (docs/meetings.md)."""

from __future__ import annotations

from datetime import date

import polars as pl

from permanence.analysis.meeting_measures import (
    ActionFacts,
    LocalKind,
    MeetingFacts,
    PeriodFacts,
    actions_on_time,
    agenda_complete,
    decision_within,
    item_done,
    local_kind_titles,
    meeting_measures,
    meetings_on_time,
)
from permanence.analysis.meetings import ItemState

TWO_WEEK = "planning_2wk"
AS_OF = date(2026, 3, 31)
D, N, NA, BLANK = (
    ItemState.DONE,
    ItemState.NOT_DONE,
    ItemState.NOT_APPLICABLE,
    ItemState.NOT_RECORDED,
)


def rows(table: pl.DataFrame) -> list[tuple[date, int, int, float]]:
    return [tuple(row) for row in table.iter_rows()]


def test_two_week_meetings_on_time_by_month_accommodated() -> None:
    periods = [
        # January: held on day 14 (in time), day 15 (late), never (late).
        PeriodFacts(date(2026, 1, 5), held={TWO_WEEK: date(2026, 1, 19)}),
        PeriodFacts(date(2026, 1, 10), held={TWO_WEEK: date(2026, 1, 25)}),
        PeriodFacts(date(2026, 1, 20)),
        # Went home on day 5 with no meeting: no longer needed, not counted.
        PeriodFacts(date(2026, 1, 21), period_end=date(2026, 1, 26)),
        # February: held on day 3.
        PeriodFacts(date(2026, 2, 1), held={TWO_WEEK: date(2026, 2, 4)}),
        # Accommodated 20 March: the 14 days end 3 April, after the measuring date.
        PeriodFacts(date(2026, 3, 20)),
    ]
    table = meetings_on_time(periods, TWO_WEEK, within_days=14, as_of=AS_OF)
    # January: 1 of 3 = 33.3%; February 1 of 1.
    assert rows(table) == [
        (date(2026, 1, 1), 1, 3, 100 / 3),
        (date(2026, 2, 1), 1, 1, 100.0),
    ]


def test_agenda_complete_counts_not_applicable_with_its_reason_but_not_a_blank() -> None:
    meetings = [
        MeetingFacts(TWO_WEEK, date(2026, 1, 19), {"a": D, "b": D}),
        MeetingFacts(TWO_WEEK, date(2026, 1, 20), {"a": D, "b": NA}),
        MeetingFacts(TWO_WEEK, date(2026, 1, 21), {"a": D, "b": N}),
        MeetingFacts(TWO_WEEK, date(2026, 1, 22), {"a": D, "b": BLANK}),
        MeetingFacts("planning_72h", date(2026, 1, 22), {"a": D}),  # another kind
        MeetingFacts(TWO_WEEK, date(2026, 4, 2), {"a": D}),  # after the measuring date
    ]
    # January: 2 of 4 complete.
    assert rows(agenda_complete(meetings, TWO_WEEK, as_of=AS_OF)) == [
        (date(2026, 1, 1), 2, 4, 50.0)
    ]


def test_an_item_done_leaves_out_meetings_where_it_did_not_apply() -> None:
    meetings = [
        MeetingFacts(TWO_WEEK, date(2026, 2, 3), {"review_dates_set": D}),
        MeetingFacts(TWO_WEEK, date(2026, 2, 9), {"review_dates_set": N}),
        MeetingFacts(TWO_WEEK, date(2026, 2, 10), {"review_dates_set": BLANK}),
        MeetingFacts(TWO_WEEK, date(2026, 2, 11), {"review_dates_set": NA}),
        MeetingFacts(TWO_WEEK, date(2026, 2, 12), {"other": D}),  # an agenda without it
    ]
    # February: 1 of 3 (done, not done, blank).
    assert rows(item_done(meetings, TWO_WEEK, "review_dates_set", as_of=AS_OF)) == [
        (date(2026, 2, 1), 1, 3, 100 / 3)
    ]


def test_legal_advice_within_days_and_under_3_on_the_first_day() -> None:
    periods = [
        PeriodFacts(date(2025, 11, 3), decisions={"legal_advice_received": date(2025, 12, 1)}),
        PeriodFacts(date(2025, 11, 10), decisions={"legal_advice_received": date(2026, 3, 1)}),
        PeriodFacts(date(2025, 11, 20)),
        PeriodFacts(date(2026, 1, 15)),  # its 84 days end 9 April: not counted yet
    ]
    # November: advice on day 28 (early), day 111 (late), none: 1 of 3.
    assert rows(decision_within(periods, "legal_advice_received", within_days=84, as_of=AS_OF)) == [
        (date(2025, 11, 1), 1, 3, 100 / 3)
    ]
    young = [
        PeriodFacts(
            date(2026, 1, 5), under_3=True, decisions={"under_3_referred": date(2026, 1, 5)}
        ),
        PeriodFacts(
            date(2026, 1, 6), under_3=True, decisions={"under_3_referred": date(2026, 1, 7)}
        ),
        PeriodFacts(date(2026, 1, 7), under_3=False),
    ]
    assert rows(
        decision_within(young, "under_3_referred", within_days=0, as_of=AS_OF, only_under_3=True)
    ) == [(date(2026, 1, 1), 1, 2, 50.0)]


def test_concurrent_planning_at_any_time_by_the_measuring_date() -> None:
    periods = [
        PeriodFacts(date(2026, 2, 2), decisions={"concurrent_planning": date(2026, 3, 30)}),
        PeriodFacts(date(2026, 2, 3), decisions={"concurrent_planning": date(2026, 4, 2)}),
        PeriodFacts(date(2026, 2, 4)),
    ]
    assert rows(decision_within(periods, "concurrent_planning", within_days=None, as_of=AS_OF)) == [
        (date(2026, 2, 1), 1, 3, 100 / 3)
    ]


def test_actions_done_by_their_due_date_by_month_due() -> None:
    actions = [
        ActionFacts(date(2026, 3, 2), date(2026, 3, 2)),
        ActionFacts(date(2026, 3, 9), date(2026, 3, 10)),
        ActionFacts(date(2026, 3, 16)),
        ActionFacts(date(2026, 4, 6)),  # not due yet
    ]
    assert rows(actions_on_time(actions, as_of=AS_OF)) == [(date(2026, 3, 1), 1, 3, 100 / 3)]


def test_every_measure_is_offered_with_its_table() -> None:
    measures = meeting_measures([], [], [], as_of=AS_OF)
    assert "mtg_review_dates" in measures
    for measure in measures.values():
        assert measure.table.columns == ["month", "numerator", "denominator", "percentage"]
        assert measure.table.height == 0
        assert len(measure.key) <= 20


def test_a_kind_of_the_authoritys_own_is_measured_like_the_shipped_kinds() -> None:
    """A three-week meeting of the authority's own (code local_7, within 21 days).

    On time, by month accommodated (as of 31 March): January, accommodated 5 January and
    met on 20 January (day 15, in time), accommodated 10 January and met 2 February (day 23,
    late), accommodated 12 January with only a two-week meeting (late): 1 of 3. The
    two-week meetings are not read.
    Every item done, by month held: 20 January all done, 2 February one item not done: 1
    of 1 in January, 0 of 1 in February. A second own kind (local_8, no days) has no "held
    in time" measure and none of local_7's meetings.
    Actions, by month due: local_7's due 1 and 10 February, done 1 February and 12
    February: 1 of 2; the two-week meeting's action is not counted.
    """
    own, other = "local_7", "local_8"
    periods = [
        PeriodFacts(date(2026, 1, 5), held={own: date(2026, 1, 20)}),
        PeriodFacts(date(2026, 1, 10), held={own: date(2026, 2, 2)}),
        PeriodFacts(date(2026, 1, 12), held={TWO_WEEK: date(2026, 1, 20)}),
    ]
    meetings = [
        MeetingFacts(own, date(2026, 1, 20), {"plan_reviewed": D, "actions_logged": D}),
        MeetingFacts(own, date(2026, 2, 2), {"plan_reviewed": D, "actions_logged": N}),
        MeetingFacts(TWO_WEEK, date(2026, 1, 20), {"a": D}),
    ]
    actions = [
        ActionFacts(date(2026, 2, 1), date(2026, 2, 1), own),
        ActionFacts(date(2026, 2, 10), date(2026, 2, 12), own),
        ActionFacts(date(2026, 2, 10), None, TWO_WEEK),
    ]
    kinds = [LocalKind(own, "Three-week meeting", 21), LocalKind(other, "Family meeting")]
    assert local_kind_titles(kinds) == {
        "local_7_on_time": "Three-week meeting: held in time",
        "local_7_agenda": "Three-week meeting: every agenda item done",
        "local_7_actions": "Three-week meeting: actions done by their due date",
        "local_8_agenda": "Family meeting: every agenda item done",
        "local_8_actions": "Family meeting: actions done by their due date",
    }
    measures = meeting_measures(periods, meetings, actions, as_of=AS_OF, local_kinds=kinds)
    assert rows(measures["local_7_on_time"].table) == [(date(2026, 1, 1), 1, 3, 100 / 3)]
    assert measures["local_7_on_time"].note == "Held within 21 days of the date accommodated."
    assert rows(measures["local_7_agenda"].table) == [
        (date(2026, 1, 1), 1, 1, 100.0),
        (date(2026, 2, 1), 0, 1, 0.0),
    ]
    assert rows(measures["local_7_actions"].table) == [(date(2026, 2, 1), 1, 2, 50.0)]
    assert measures["local_8_agenda"].table.is_empty()
    assert "local_8_on_time" not in measures
    # The shipped measures still read every action, whatever the meeting's kind.
    assert rows(measures["mtg_actions_on_time"].table) == [(date(2026, 2, 1), 1, 3, 100 / 3)]
