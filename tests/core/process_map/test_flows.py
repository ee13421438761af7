"""Entries, exits by route and children in care per quarter, and rates per 1,000
children, against the hand-worked example of docs/flows.md."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from permanence.analysis.flows import (
    POPULATION_SCHEMA,
    population_total,
    quarter_end,
    quarterly_flows,
    with_rates,
)

AS_OF = date(2025, 6, 30)


def six_children(build: Any, as_of: date = AS_OF) -> pl.DataFrame:
    def child(ref: str, start: date, end: date | None = None, to: str | None = None) -> Any:
        return build.Child(
            ref, start, period_end=end, destination=to, placements=[("foster_la", start)]
        )

    return build.journeys(
        [
            child("A", date(2024, 11, 15)),
            child("F", date(2024, 12, 31), date(2025, 1, 1), "independent_living"),
            child("B", date(2025, 1, 10), date(2025, 3, 31), "home"),
            child("C", date(2025, 2, 1), date(2025, 5, 20), "adoption"),
            child("D", date(2025, 4, 1)),
            child("E", date(2025, 6, 30)),
        ],
        as_of,
    )


def test_quarters_count_entries_exits_by_route_and_children_in_care(build: Any) -> None:
    flows = quarterly_flows(six_children(build), as_of=AS_OF)
    rows = flows.select(
        "quarter", "entries", "exits", "exits_home", "exits_adoption",
        "exits_independent_living", "in_care",
    ).rows()  # fmt: skip
    assert rows == [
        # A and F came in; nobody left
        (date(2024, 10, 1), 2, 0, 0, 0, 0, 2),
        # B and C came in; F left on 1 January, B on 31 March (gone by the quarter's end)
        (date(2025, 1, 1), 2, 2, 1, 0, 1, 2),
        # D and E came in (E on the quarter's last day, so in care at its end); C adopted
        (date(2025, 4, 1), 2, 1, 0, 1, 0, 3),
    ]
    assert flows.get_column("quarter_end").to_list() == [
        date(2024, 12, 31), date(2025, 3, 31), date(2025, 6, 30),
    ]  # fmt: skip
    # every destination has its column, the unused ones 0
    assert flows.get_column("exits_kinship_order").to_list() == [0, 0, 0]


def test_only_whole_quarters_are_counted(build: Any) -> None:
    day_before = date(2025, 6, 29)
    flows = quarterly_flows(six_children(build, day_before), as_of=day_before)
    # the quarter to 30 June has not ended on 29 June: it is left out
    assert flows.get_column("quarter").to_list() == [date(2024, 10, 1), date(2025, 1, 1)]
    assert quarterly_flows(six_children(build), as_of=AS_OF, since=date(2025, 2, 14)).height == 2


def test_children_in_care_agree_with_a_count_on_the_day(build: Any) -> None:
    frame = six_children(build)
    for row in quarterly_flows(frame, as_of=AS_OF).iter_rows(named=True):
        end = row["quarter_end"]
        open_then = frame.filter(
            (pl.col("period_start") <= end)
            & (pl.col("period_end").is_null() | (pl.col("period_end") > end))
        )
        assert row["in_care"] == open_then.height


def test_rates_per_thousand_use_the_years_estimate_or_the_latest_before_it(build: Any) -> None:
    population = pl.DataFrame(
        [
            ("S12000099", "Testshire", 2023, "0_15", 16_000),
            ("S12000099", "Testshire", 2023, "16_17", 3_000),
            ("S12000099", "Testshire", 2024, "0_15", 17_000),
            ("S12000099", "Testshire", 2024, "16_17", 3_000),
            ("S12000098", "Elsewhere", 2024, "0_15", 99_000),
        ],
        schema=POPULATION_SCHEMA,
        orient="row",
    )
    totals = population_total(population, "S12000099")
    assert totals.rows() == [(2023, 19_000), (2024, 20_000)]
    rated = with_rates(quarterly_flows(six_children(build), as_of=AS_OF), totals)
    # 2024's 20,000 for every quarter: 2025 has no estimate yet
    assert rated.get_column("population_year").to_list() == [2024, 2024, 2024]
    # 2 entries of 20,000 children: 0.1 per 1,000; 3 in care: 0.15 per 1,000
    assert rated.get_column("entries_rate").to_list() == pytest.approx([0.1, 0.1, 0.1])
    assert rated.get_column("in_care_rate").to_list() == pytest.approx([0.1, 0.1, 0.15])
    assert rated.get_column("exits_rate").to_list() == pytest.approx([0.0, 0.1, 0.05])
    # no estimate as early as 2024: no rate for its quarter, never a guess
    later = with_rates(
        quarterly_flows(six_children(build), as_of=AS_OF),
        pl.DataFrame({"year": [2025], "population": [25_000]}),
    )
    assert later.get_column("in_care_rate").to_list() == pytest.approx([None, 0.08, 0.12])


def test_no_care_periods_no_quarters(build: Any) -> None:
    flows = quarterly_flows(build.journeys([], AS_OF), as_of=AS_OF)
    assert flows.height == 0 and "in_care" in flows.columns


def test_quarter_ends() -> None:
    assert quarter_end(date(2024, 10, 1)) == date(2024, 12, 31)
    assert quarter_end(date(2024, 1, 1)) == date(2024, 3, 31)
    assert quarter_end(date(2024, 4, 1)) == date(2024, 6, 30)
