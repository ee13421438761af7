"""The one sentence about where children wait, as the dashboards and the pack say it."""

from __future__ import annotations

from permanence.analysis.stages import StageFigures
from permanence.analysis.stages_text import where_most_waiting_is


def stage(label: str, share: float, rank: int) -> StageFigures:
    return StageFigures(
        key=label.lower().replace(" ", "_"),
        label=label,
        reached=10,
        median=30.0,
        lower_quartile=20.0,
        upper_quartile=40.0,
        p90=60.0,
        in_now=2,
        waiting_median=12.0,
        waiting_longest=40,
        days_completed=300,
        days_waiting=24,
        out_of_order=0,
        share=share,
        rank=rank,
    )


def test_the_two_largest_shares_are_named_with_their_percentages() -> None:
    ranked = [stage("Order granted", 41.4, 1), stage("Legal advice meeting", 20.6, 2)]
    assert where_most_waiting_is(ranked) == (
        "Most of the waiting is before the order granted: 41% of all the days children "
        "have waited, then the legal advice meeting (21%)."
    )


def test_stages_nobody_has_waited_in_are_passed_over() -> None:
    ranked = [stage("Permanence panel", 100.0, 1), stage("Order granted", 0.0, 2)]
    assert where_most_waiting_is(ranked) == (
        "Most of the waiting is before the permanence panel: 100% of all the days "
        "children have waited."
    )


def test_no_waiting_at_all_is_said_plainly() -> None:
    assert where_most_waiting_is([stage("Order granted", 0.0, 1)]).startswith(
        "No accommodated child is counted yet"
    )


def test_a_share_that_rounds_to_nothing_but_is_not_nothing_reads_as_under_one_percent() -> None:
    from permanence.analysis.stages_text import share_text

    shares = (0.0, 0.2, 0.5, 2.5, 21.4)
    assert [share_text(x) for x in shares] == ["0%", "<1%", "1%", "3%", "21%"]
