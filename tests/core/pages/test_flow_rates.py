"""Rates per 1,000 children, worked by hand (docs/process-map.md, "Flows and rates")."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from permanence.pages.flow_rates import Population, flow_rates, rates_text

SOURCE = "entered from the council's own figures"


def _flows() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "quarter": [date(2023, 1, 1), date(2024, 4, 1)],
            "entries": [4, 6],
            "exits": [2, 3],
            "in_care": [30, 36],
        }
    )


def test_each_quarter_takes_its_own_years_figure_or_the_latest_before_it() -> None:
    # 2023 has no figure: its quarter takes 2022's (10,000); 2024's takes 12,000.
    rates = flow_rates(
        _flows(), {2022: Population(10_000, SOURCE), 2024: Population(12_000, SOURCE)}
    )
    first, second = rates
    assert (first.population_year, first.population) == (2022, 10_000)
    assert first.in_care_rate == pytest.approx(3.0)  # 30 / 10,000 × 1,000
    assert first.entries_rate == pytest.approx(0.4)
    assert first.exits_rate == pytest.approx(0.2)
    assert (second.population_year, second.population) == (2024, 12_000)
    assert second.population_words == "12,000 (2024)"
    assert second.in_care_rate == pytest.approx(3.0)  # 36 / 12,000 × 1,000
    assert second.entries_rate == pytest.approx(0.5)
    assert second.exits_rate == pytest.approx(0.25)


def test_a_quarter_earlier_than_every_figure_has_no_rate_never_a_guess() -> None:
    first, second = flow_rates(_flows(), {2024: Population(12_000, SOURCE)})
    assert (first.population_year, first.in_care_rate, first.entries_rate) == (None, None, None)
    assert first.population_words == ""
    assert second.in_care_rate == pytest.approx(3.0)


def test_the_words_give_the_latest_rate_the_population_and_its_source() -> None:
    populations = {2024: Population(12_000, SOURCE)}
    text = rates_text(flow_rates(_flows(), populations), populations)
    assert text == (
        "At the end of April to June 2024, 3.0 in every 1,000 children living in the "
        "authority were in care; 0.5 came into care and 0.3 left it in the quarter, per "
        "1,000. The population is 12,000 children aged 0 to 17 in 2024 "
        f"({SOURCE})."
    )


def test_no_population_no_rates() -> None:
    assert flow_rates(_flows(), {}) == ()
    assert "no rate" in rates_text((), {})
