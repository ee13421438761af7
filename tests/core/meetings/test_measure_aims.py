"""A local aim on a percentage measure, judged against figures worked out by hand
(docs/meetings.md, "Local aims on the measures")."""

from __future__ import annotations

from datetime import date

from permanence.analysis.measure_aims import (
    MeasureAimProgress,
    MeasureAimState,
    MonthFigure,
    measure_aim_progress,
    measure_aim_statement,
)

# "By March 2026, 90% of two-week meetings will set every review date", counting from
# November 2025. October is before the "from" month; December counted nobody.
FIGURES = [
    MonthFigure(date(2025, 10, 1), 1, 4),  # before the "from" month: not counted
    MonthFigure(date(2025, 11, 1), 6, 10),  # 60%
    MonthFigure(date(2025, 12, 1), 0, 0),  # nobody counted: left out
    MonthFigure(date(2026, 1, 1), 9, 10),  # 90%: at the target
    MonthFigure(date(2026, 2, 1), 7, 9),  # 77.8%
    MonthFigure(date(2026, 3, 1), 19, 20),  # 95%: at the target
    MonthFigure(date(2026, 4, 1), 4, 8),  # 50%, after the "by" date
]


def progress(as_of: date, figures: list[MonthFigure] = FIGURES) -> MeasureAimProgress:
    return measure_aim_progress(
        figures,
        target_percent=90,
        counting_from=date(2025, 11, 15),
        by_date=date(2026, 3, 31),
        as_of=as_of,
    )


def test_before_the_by_date_the_months_counted_and_those_at_the_target() -> None:
    found = progress(date(2026, 2, 28))
    assert [f.month.month for f in found.months] == [11, 1, 2]
    assert found.at_target == 1  # January's 9 of 10
    assert found.state is MeasureAimState.NOT_YET_DUE
    assert found.latest == MonthFigure(date(2026, 2, 1), 7, 9)
    assert found.sentences() == [
        "February 2026: 7 of 9 (78%), against a target of 90%.",
        "1 of the 3 months since November 2025 reached the target.",
        "The aim is to be met by 31 March 2026.",
    ]


def test_the_by_dates_month_is_still_running_on_the_by_date() -> None:
    assert progress(date(2026, 3, 31)).state is MeasureAimState.NOT_YET_DUE


def test_met_when_the_last_month_counted_by_the_date_reached_the_target() -> None:
    found = progress(date(2026, 4, 30))
    # April (50%) is counted and latest, but the aim is judged on March: 19 of 20.
    assert found.latest == MonthFigure(date(2026, 4, 1), 4, 8)
    assert found.judged_on == MonthFigure(date(2026, 3, 1), 19, 20)
    assert found.state is MeasureAimState.MET
    assert found.at_target == 2
    assert found.sentences()[-1] == (
        "By 31 March 2026 the aim was met: March 2026, the last month counted by then, "
        "was 19 of 20 (95%)."
    )


def test_not_met_and_a_by_month_nobody_was_counted_in() -> None:
    # March counted nobody: the aim is judged on February's 7 of 9.
    figures = [f for f in FIGURES if f.month != date(2026, 3, 1)]
    found = progress(date(2026, 5, 1), figures)
    assert found.judged_on == MonthFigure(date(2026, 2, 1), 7, 9)
    assert found.state is MeasureAimState.NOT_MET


def test_nobody_counted_by_the_date_cannot_be_judged() -> None:
    found = progress(date(2026, 5, 1), [MonthFigure(date(2026, 4, 1), 4, 8)])
    assert found.state is MeasureAimState.NOT_JUDGED
    assert found.judged_on is None
    assert progress(date(2026, 1, 1), []).sentences() == [
        "Nobody is counted since November 2025 yet."
    ]


def test_the_statement_written_from_its_parts() -> None:
    assert measure_aim_statement(
        "Two-week planning meetings that set every review date", 90, date(2027, 3, 31)
    ) == (
        "By March 2027, 90% or more each month: Two-week planning meetings that set every "
        "review date."
    )
