"""Process measures, checked by hand for a few children and against a plain loop."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from permanence.analysis.process_measures import (
    MEASURE_COLUMNS,
    planning_72h_in_time,
    planning_meeting_in_time,
    process_measures,
    review_items_in_time,
    reviews_in_time,
)

from ..conftest import Journey, frame_of

AS_OF = date(2025, 8, 1)


def journeys() -> list[Journey]:
    return [
        # Accommodated 1 May: the 72-hour meeting on 3 May (limit 4 May), the 2-week one
        # on 15 May (limit 15 May, in time); the first review due 12 June, held 10 June.
        Journey(
            "M1",
            date(2025, 5, 1),
            meetings=[
                ("planning_72h", None, date(2025, 5, 3), None),
                ("planning_2wk", None, date(2025, 5, 15), None),
                ("review", date(2025, 6, 12), date(2025, 6, 10), 1),
                ("review", date(2025, 9, 10), None, 2),  # not yet due on 1 August
            ],
        ),
        # 10 May: the 72-hour meeting on 14 May (limit 13 May) and the 2-week one on
        # 30 May (limit 24 May) are both late; the review due 21 June is held late.
        Journey(
            "M2",
            date(2025, 5, 10),
            meetings=[
                ("planning_72h", None, date(2025, 5, 14), None),
                ("planning_2wk", None, date(2025, 5, 30), None),
                ("review", date(2025, 6, 21), date(2025, 6, 25), 1),
            ],
        ),
        # 20 May: no meetings at all; the review due 1 July not held.
        Journey("M3", date(2025, 5, 20), meetings=[("review", date(2025, 7, 1), None, 1)]),
        # 28 May, home the next day before any limit passed: not counted.
        Journey("M4", date(2025, 5, 28), ended=date(2025, 5, 29)),
        # 29 May, home on the 30th after the 72-hour meeting: counted for it, in time;
        # not counted for the 2-week meeting, no longer needed.
        Journey(
            "M5",
            date(2025, 5, 29),
            ended=date(2025, 5, 30),
            meetings=[("planning_72h", None, date(2025, 5, 30), None)],
        ),
        # 5 June: the 72-hour meeting the same day; no 2-week meeting by its limit.
        Journey(
            "J1",
            date(2025, 6, 5),
            meetings=[
                ("planning_72h", None, date(2025, 6, 5), None),
                ("review", date(2025, 7, 17), date(2025, 7, 17), 1),
            ],
        ),
        # 30 July: the 72-hour limit (2 August) has not passed on 1 August.
        Journey("L1", date(2025, 7, 30), meetings=[("review", None, date(2025, 7, 31), 1)]),
        # 29 July: the limit is 1 August itself, and the meeting was held that day.
        Journey("L2", date(2025, 7, 29), meetings=[("planning_72h", None, date(2025, 8, 1), None)]),
    ]


def as_rows(frame: pl.DataFrame) -> list[tuple[date, int, int, float]]:
    return [
        (r["month"], r["numerator"], r["denominator"], round(r["percentage"], 1))
        for r in frame.iter_rows(named=True)
    ]


def test_72_hour_meetings_by_hand() -> None:
    measure = planning_72h_in_time(frame_of(journeys(), AS_OF))
    assert tuple(measure.columns) == MEASURE_COLUMNS
    assert as_rows(measure) == [
        (date(2025, 5, 1), 2, 4, 50.0),  # M1 and M5 in time, of M1, M2, M3, M5
        (date(2025, 6, 1), 1, 1, 100.0),
        (date(2025, 7, 1), 1, 1, 100.0),  # L2; L1 not yet judged
    ]


def test_2_week_meetings_by_hand() -> None:
    frame = frame_of(journeys(), AS_OF)
    assert as_rows(planning_meeting_in_time(frame)) == [
        (date(2025, 5, 1), 1, 3, 33.3),  # M1, of M1, M2, M3
        (date(2025, 6, 1), 0, 1, 0.0),  # J1 (limit 19 June)
    ]
    # Counted from the date the change began.
    assert as_rows(planning_meeting_in_time(frame, since=date(2025, 6, 1))) == [
        (date(2025, 6, 1), 0, 1, 0.0)
    ]
    # A 4-week meeting: M2's meeting on 30 May is within 28 days of 10 May.
    assert as_rows(planning_meeting_in_time(frame, within_days=28))[0] == (
        date(2025, 5, 1),
        2,
        3,
        66.7,
    )


def test_reviews_by_hand() -> None:
    assert as_rows(reviews_in_time(frame_of(journeys(), AS_OF))) == [
        (date(2025, 6, 1), 1, 2, 50.0),  # M1 on time, M2 late
        (date(2025, 7, 1), 1, 2, 50.0),  # J1 on time, M3 not held; L1 had no due date
    ]


def test_reviews_from_a_table_of_reviews_by_hand() -> None:
    reviews = pl.DataFrame(
        {
            "due_date": [date(2025, 6, 12), date(2025, 6, 21), date(2025, 7, 31), None],
            "held_date": [date(2025, 6, 12), date(2025, 6, 25), None, date(2025, 7, 1)],
            "team": ["North", "South", "South", "North"],
        }
    )
    assert as_rows(review_items_in_time(reviews, AS_OF)) == [
        (date(2025, 6, 1), 1, 2, 50.0),  # held on the day due; held four days late
        (date(2025, 7, 1), 0, 1, 0.0),  # due the day before as_of, not held; no due date
    ]
    # Not yet due on 30 July; only the months from ``since``; by team.
    assert as_rows(review_items_in_time(reviews, date(2025, 7, 30))) == [
        (date(2025, 6, 1), 1, 2, 50.0)
    ]
    assert as_rows(review_items_in_time(reviews, AS_OF, since=date(2025, 6, 15))) == [
        (date(2025, 6, 1), 0, 1, 0.0),
        (date(2025, 7, 1), 0, 1, 0.0),
    ]
    by_team = review_items_in_time(reviews, AS_OF, by=["team"])
    assert by_team.select("team", "month", "denominator").rows() == [
        ("North", date(2025, 6, 1), 1),
        ("South", date(2025, 6, 1), 1),
        ("South", date(2025, 7, 1), 1),
    ]


def test_the_frames_reviews_and_the_same_reviews_as_a_table_agree() -> None:
    frame = frame_of(journeys(), AS_OF)
    table = frame.select("reviews").explode("reviews").unnest("reviews")
    assert review_items_in_time(table, AS_OF).equals(reviews_in_time(frame))


def test_measures_by_team_and_all_three_together() -> None:
    people = journeys()
    for journey in people[:3]:
        journey.team = "South"
    frame = frame_of(people, AS_OF)
    by_team = planning_72h_in_time(frame, by=["team"])
    assert by_team.columns == ["team", *MEASURE_COLUMNS]
    may = {
        r["team"]: (r["numerator"], r["denominator"])
        for r in by_team.iter_rows(named=True)
        if r["month"] == date(2025, 5, 1)
    }
    assert may == {"South": (1, 3), "North": (1, 1)}
    assert set(process_measures(frame)) == {"planning_72h", "planning_meeting", "reviews"}


def test_an_empty_frame_gives_empty_series() -> None:
    empty = frame_of([], AS_OF)
    for measure in process_measures(empty).values():
        assert measure.height == 0
        assert tuple(measure.columns) == MEASURE_COLUMNS


# Days after accommodation, with the days either side of the 72-hour limit made likely.
offsets = st.one_of(st.none(), st.sampled_from([2, 3, 4]), st.integers(min_value=-5, max_value=30))


@given(
    children=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=200),  # accommodated, days after 1 Jan 2025
            offsets,  # 72-hour meeting held, days after accommodation
            offsets,  # period ended, days after accommodation
        ),
        max_size=25,
    ),
    as_of_day=st.integers(min_value=0, max_value=240),
)
def test_72_hour_measure_matches_a_plain_loop(
    children: list[tuple[int, int | None, int | None]], as_of_day: int
) -> None:
    start = date(2025, 1, 1)
    as_of = start + timedelta(days=as_of_day)
    people = []
    for number, (day, held, ended) in enumerate(children):
        accommodated = start + timedelta(days=day)
        meetings: list[tuple[str, date | None, date | None, int | None]] = []
        if held is not None:
            meetings.append(("planning_72h", None, accommodated + timedelta(days=held), None))
        end = accommodated + timedelta(days=abs(ended)) if ended is not None else None
        people.append(Journey(f"C{number}", accommodated, ended=end, meetings=meetings))

    # The reference: what is known on as_of, counted child by child.
    counts: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for person in people:
        if person.accommodated > as_of:
            continue
        limit = person.accommodated + timedelta(days=3)
        if limit > as_of:
            continue
        helds = [held for _, _, held, _ in person.meetings if held is not None and held <= as_of]
        in_time = bool(helds) and min(helds) <= limit
        left_first = person.ended is not None and person.ended <= as_of and person.ended < limit
        if not in_time and left_first:
            continue
        month = person.accommodated.replace(day=1)
        counts[month][0] += in_time
        counts[month][1] += 1
    expected = [(month, n, d) for month, (n, d) in sorted(counts.items())]

    measure = planning_72h_in_time(frame_of(people, as_of))
    got = [(r["month"], r["numerator"], r["denominator"]) for r in measure.iter_rows(named=True)]
    assert got == expected
    assert all(0 <= n <= d for _, n, d in got)
