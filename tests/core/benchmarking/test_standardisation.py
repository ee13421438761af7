"""Indirect standardisation by age band, worked by hand (the example in docs/national.md).

Two authorities, two age bands. Nationally, 60 of the 100 children under 1 whose outcome
is known met the aim (60%), and 20 of the 100 aged 5 to 11 (20%): 80 of 200, 40%.

Authority X: 10 children under 1 (8 met), 30 aged 5 to 11 (9 met). Observed 17 of 40,
a crude 42.5%. Had its children fared as children of their age did nationally, it would
expect 10 × 0.6 + 30 × 0.2 = 12 to meet the aim. Standardised ratio 17 / 12 = 1.417;
risk-standardised percentage 1.417 × 40% = 56.7%. X's crude percentage hides that most
of its children are in the band where the aim is hardest.

Authority Y: 90 under 1 (52 met), 70 aged 5 to 11 (11 met). Observed 63 of 160 (39.4%);
expected 90 × 0.6 + 70 × 0.2 = 68; ratio 0.926; risk-standardised 37.1%.
"""

from __future__ import annotations

import polars as pl
import pytest

from permanence.analysis.benchmarking import byar_interval, indirect_standardisation

BANDS = pl.DataFrame(
    {
        "authority": ["X", "X", "Y", "Y"],
        "band": ["under_1", "5_11", "under_1", "5_11"],
        "met": [8, 9, 52, 11],
        "known": [10, 30, 90, 70],
    }
)


def test_the_worked_example() -> None:
    result = {
        row["authority"]: row for row in indirect_standardisation(BANDS).iter_rows(named=True)
    }
    x, y = result["X"], result["Y"]
    assert x["observed"] == 17 and x["known"] == 40
    assert x["expected"] == pytest.approx(12.0)
    assert x["ratio"] == pytest.approx(17 / 12)
    assert x["percent"] == pytest.approx(17 / 12 * 40)  # 56.67
    assert x["national_percent"] == pytest.approx(40.0)
    assert y["expected"] == pytest.approx(68.0)
    assert y["ratio"] == pytest.approx(63 / 68)
    assert y["percent"] == pytest.approx(63 / 68 * 40)  # 37.06


def test_the_interval_is_byar_for_the_observed_count_over_the_expected() -> None:
    result = indirect_standardisation(BANDS).filter(pl.col("authority") == "X").row(0, named=True)
    low, high = byar_interval([17])
    assert result["ratio_lower"] == pytest.approx(low[0] / 12)
    assert result["ratio_upper"] == pytest.approx(high[0] / 12)
    assert result["percent_lower"] == pytest.approx(low[0] / 12 * 40)
    # The upper limit of X's risk-standardised percentage would pass 100: it is capped.
    assert high[0] / 12 * 40 > 100 or result["percent_upper"] == pytest.approx(high[0] / 12 * 40)
    assert result["percent_upper"] <= 100


def test_expected_adds_up_to_observed_over_all_authorities() -> None:
    # Indirect standardisation against the pooled rates: the expected counts sum to the
    # observed total, because every band's rate is its own pooled count.
    result = indirect_standardisation(BANDS)
    assert result["expected"].sum() == pytest.approx(result["observed"].sum())


def test_an_authority_like_the_nation_gets_its_crude_percentage() -> None:
    # Z's children, 50 under 1 (30 met) and 50 aged 5 to 11 (10 met), fare exactly as the
    # pooled rates (90/150 and 30/150) say: expected = observed = 40, ratio 1, and its
    # risk-standardised percentage is its crude 40%.
    bands = pl.concat(
        [
            BANDS,
            pl.DataFrame(
                {
                    "authority": ["Z", "Z"],
                    "band": ["under_1", "5_11"],
                    "met": [30, 10],
                    "known": [50, 50],
                }
            ),
        ]
    )
    z = indirect_standardisation(bands).filter(pl.col("authority") == "Z").row(0, named=True)
    assert z["expected"] == pytest.approx(40.0)
    assert z["ratio"] == pytest.approx(1.0)
    assert z["percent"] == pytest.approx(40.0)
