"""The rules a milestone typed in must meet (``journey.milestone_rules``), worked by hand,
and the order rule agreeing with the import's MILE001 on any journey."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from permanence.journey.milestone_rules import milestone_problems, out_of_order
from permanence.journey.vocabulary import JOURNEY_ORDER, MilestoneKind

START = date(2024, 3, 1)
TODAY = date(2025, 1, 31)
R, A, ORDER = JOURNEY_ORDER[0], JOURNEY_ORDER[2], JOURNEY_ORDER[4]


def _problems(kind: MilestoneKind, on: date, **changes: object) -> list[str]:
    given_values: dict[str, object] = {
        "detail": "",
        "reason": "",
        "period_start": START,
        "period_end": None,
        "date_of_birth": date(2021, 5, 17),
        "today": TODAY,
        "others": [],
        **changes,
    }
    return [p.message for p in milestone_problems(kind, on, **given_values)]  # type: ignore[arg-type]


def test_a_recommendation_with_its_route_in_the_period_is_accepted() -> None:
    assert _problems(R, date(2024, 8, 20), detail="poa") == []


def test_each_rule_of_the_import() -> None:
    assert "future" in _problems(R, date(2025, 2, 1), detail="poa")[0]
    assert _problems(R, date(2024, 2, 1), detail="poa") == [
        "Out of order: 2024-02-01 is before the date looked after 2024-03-01."
    ]
    assert "ended" in _problems(R, date(2024, 8, 20), detail="poa", period_end=date(2024, 6, 1))[0]
    assert "route" in _problems(R, date(2024, 8, 20))[0]
    assert "from the list" in _problems(A, date(2024, 8, 20), detail="poa")[0]
    assert "no detail" in _problems(MilestoneKind.ASSESSMENT_STARTED, START, detail="po")[0]
    assert "reversed" in _problems(MilestoneKind.DECISION_REVERSED, date(2024, 9, 1))[0]
    # MILE005: an order on the 18th birthday.
    born = date(2006, 9, 1)
    assert "18th" in _problems(ORDER, date(2024, 9, 1), detail="po", date_of_birth=born)[0]


def test_the_order_is_checked_both_ways() -> None:
    # An agency decision before the recommendation of 1 October.
    assert _problems(A, date(2024, 9, 1), detail="agreed", others=[(R, date(2024, 10, 1))]) == [
        "Out of order: 2024-09-01 is before the permanence recommendation of 2024-10-01."
    ]
    # A recommendation typed after the agency decision already held would put it out of order.
    assert _problems(R, date(2024, 11, 1), detail="poa", others=[(A, date(2024, 10, 1))]) == [
        "Out of order: the agency decision maker decision of 2024-10-01 would come before "
        "this permanence recommendation."
    ]


@settings(max_examples=60, deadline=None)
@given(gaps=st.lists(st.integers(0, 200), min_size=len(JOURNEY_ORDER), max_size=len(JOURNEY_ORDER)))
def test_a_journey_in_order_is_never_flagged_and_one_step_moved_before_the_start_is(
    gaps: list[int],
) -> None:
    days = [sum(gaps[: number + 1]) for number in range(len(gaps))]
    steps = [
        (kind, START + timedelta(days=day)) for kind, day in zip(JOURNEY_ORDER, days, strict=True)
    ]
    firsts = dict(steps)
    assert all(out_of_order(k, on, period_start=START, firsts=firsts) is None for k, on in steps)
    early = START - timedelta(days=1 + gaps[0])
    assert out_of_order(ORDER, early, period_start=START, firsts=firsts) is not None
