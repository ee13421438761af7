"""Calendar months, checked by hand and against polars' own month arithmetic."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from permanence.analysis.schedule import add_months, whole_years


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        # The brief's example: 3 months after 14 March is 14 June.
        (date(2025, 3, 14), 3, date(2025, 6, 14)),
        # A day the later month lacks falls back to its last day.
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # 2024 is a leap year
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 12, 31), 6, date(2026, 6, 30)),
        (date(2025, 5, 31), 3, date(2025, 8, 31)),
        # Across the year end, and from 29 February.
        (date(2025, 11, 15), 3, date(2026, 2, 15)),
        (date(2024, 2, 29), 6, date(2024, 8, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 7, 1), 0, date(2025, 7, 1)),
    ],
)
def test_months_by_hand(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_chained_months_clamp_at_each_step() -> None:
    # 31 August + 6 months = 28 February; 28 February + 6 months = 28 August, not 31:
    # a schedule counted from each review's date carries the clamp forward.
    assert add_months(add_months(date(2022, 8, 31), 6), 6) == date(2023, 8, 28)
    assert add_months(date(2022, 8, 31), 12) == date(2023, 8, 31)


@given(
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    months=st.integers(min_value=0, max_value=36),
)
def test_months_agree_with_polars(day: date, months: int) -> None:
    expected = pl.select(pl.lit(day).dt.offset_by(f"{months}mo")).item()
    assert add_months(day, months) == expected


@given(
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    months=st.integers(min_value=1, max_value=36),
)
def test_months_keep_the_day_or_clamp_to_the_month_end(day: date, months: int) -> None:
    later = add_months(day, months)
    assert (later.year - day.year) * 12 + later.month - day.month == months
    if later.day != day.day:
        assert later.day < day.day
        assert add_months(later.replace(day=1), 1).replace(day=1) == add_months(
            later.replace(day=1), 1
        )
        assert (add_months(later.replace(day=1), 1) - later).days == 1


@pytest.mark.parametrize(
    ("born", "on", "years"),
    [
        (date(2022, 6, 10), date(2025, 6, 9), 2),
        (date(2022, 6, 10), date(2025, 6, 10), 3),
        (date(2020, 2, 29), date(2023, 2, 28), 2),
        (date(2020, 2, 29), date(2023, 3, 1), 3),
    ],
)
def test_age_in_completed_years(born: date, on: date, years: int) -> None:
    assert whole_years(born, on) == years
