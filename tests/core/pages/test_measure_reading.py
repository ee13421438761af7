"""A measure's reading with the control chart rules, worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from permanence.pages.measure_reading import read_series
from permanence.pages.measure_series import MeasurePoint, MeasureSeries


def test_a_p_chart_centre_is_the_pooled_percentage() -> None:
    # Hand-worked: (3 + 5 + 8) / (10 + 10 + 20) = 40%.
    series = MeasureSeries(
        y_title="Percentage",
        unit="percent",
        points=tuple(
            MeasurePoint(date(2024, m, 1), date(2024, m, 28), 100 * n / d, f"m{m}", n, d)
            for m, n, d in ((1, 3, 10), (2, 5, 10), (3, 8, 20))
        ),
    )
    reading = read_series(series, chart="control")
    assert reading is not None and reading.chart == "p"
    assert reading.centre == (40.0, 40.0, 40.0)
    # Limits: 40 +- 300 * sqrt(0.4 * 0.6 / n), held within 0 and 100.
    assert reading.upper[0] == pytest.approx(40 + 300 * (0.24 / 10) ** 0.5, abs=1e-3)
    assert reading.upper[2] == pytest.approx(40 + 300 * (0.24 / 20) ** 0.5, abs=1e-3)
    # 40 - 46.5 is below zero: no lower limit.
    assert reading.lower[0] is None
