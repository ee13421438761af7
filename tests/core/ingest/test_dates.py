"""Dates as systems and spreadsheets write them, checked against Python's own calendar."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from permanence.ingest.dates import FIRST_SERIAL, LAST_SERIAL, parse_date, parse_dates

ALL = ("iso", "uk", "excel_serial")


def parsed(*values: str | None, formats=ALL) -> list[date | None]:
    return parse_dates(pl.Series("d", list(values), dtype=pl.String), formats).to_list()


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        # Published anchors of Excel's 1900 date system.
        ("18264", date(1950, 1, 1)),
        ("25569", date(1970, 1, 1)),  # the Unix epoch
        ("36526", date(2000, 1, 1)),
        ("43831", date(2020, 1, 1)),
        ("45292", date(2024, 1, 1)),
        ("45292.999", date(2024, 1, 1)),  # a time of day is dropped
        ("73415", date(2100, 12, 31)),
    ],
)
def test_excel_serial_numbers(serial, expected):
    assert parsed(serial) == [expected]


@pytest.mark.parametrize("serial", ["1", "60", "2018", "18263", "73416", "2958465", "-5", "4.5e4"])
def test_excel_serial_numbers_outside_the_accepted_range_are_refused(serial):
    # 2018 is a year, not 10 July 1905; nothing in these records is before 1950.
    assert parsed(serial) == [None]
    assert (FIRST_SERIAL, LAST_SERIAL) == (18264, 73415)


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-31",
        "2024-3-31",
        "31/03/2024",
        "31-03-2024",
        "31.03.2024",
        "31 Mar 2024",
        "31-Mar-2024",
        "31 March 2024",
        "31 mar. 2024",
        "2024-03-31 00:00:00",
        "31/03/2024 09:30",
        "2024-03-31T10:15:00Z",
        "45382",
    ],
)
def test_every_accepted_form_of_one_date(text):
    assert parsed(text) == [date(2024, 3, 31)]


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2024",
        "2023-02-29",
        "31/04/2024",
        "31/03/24",
        "03/31/2024",
        "2024/03/31",
        "Mar 2024",
        "soon",
        "",
    ],
)
def test_values_that_are_not_dates(text):
    assert parsed(text) == [None]


def test_only_the_named_forms_are_tried():
    assert parsed("31/03/2024", "45382", formats=("iso",)) == [None, None]
    # ISO is always read: workbook date cells arrive as ISO text.
    assert parsed("2024-03-31", formats=("uk",)) == [date(2024, 3, 31)]


def test_a_strftime_pattern():
    assert parsed("20240331", "31/03/2024", formats=("%Y%m%d",)) == [date(2024, 3, 31), None]


days = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))


def _forms(day: date) -> list[str]:
    """The date written every accepted way, by Python rather than by the code under test."""
    return [
        day.isoformat(),
        f"{day.year}-{day.month}-{day.day}",
        day.strftime("%d/%m/%Y"),
        f"{day.day}/{day.month}/{day.year}",
        day.strftime("%d-%m-%Y"),
        day.strftime("%d.%m.%Y"),
        day.strftime("%d %b %Y"),
        day.strftime("%d-%b-%Y"),
        day.strftime("%d %B %Y"),
        str((day - date(1899, 12, 30)).days),
        day.isoformat() + " 00:00:00",
        day.strftime("%d/%m/%Y") + " 23:59",
    ]


@given(day=days)
def test_every_form_reads_back_the_date_written(day):
    forms = _forms(day)
    assert parsed(*forms) == [day] * len(forms)


@given(day=days, extra=st.integers(min_value=1, max_value=3))
def test_a_day_past_the_end_of_the_month_is_never_moved(day, extra):
    last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    impossible = last.day + extra
    if impossible > 31:
        impossible = 32
    text = f"{impossible:02d}/{last.month:02d}/{last.year}"
    assert parsed(text) == [None]


@given(values=st.lists(st.one_of(st.none(), st.text(max_size=24), days.map(str)), max_size=30))
def test_the_fast_path_agrees_with_the_full_expression(values):
    series = pl.Series("d", values, dtype=pl.String)
    full = pl.DataFrame({"d": series}).select(parse_date(pl.col("d"), ALL)).to_series()
    assert parse_dates(series, ALL).to_list() == full.to_list()
