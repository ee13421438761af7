"""A measure's reading with the control chart rules, worked by hand."""

from __future__ import annotations

import json
from datetime import date

import pytest

from permanence.analysis.direction import Better, Reading
from permanence.pages.measure_chart import measure_chart
from permanence.pages.measure_reading import MeasureReading, SignalFinding, read_series
from permanence.pages.measure_series import (
    EnteredValue,
    MeasurePoint,
    MeasureSeries,
    entered_series,
)


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


# A count entered by hand each month, worked by hand: 8 months around 11 then 6 months
# around 5. The median of all 14 (no improvement start) is (9 + 10) / 2 = 9.5; the last 6
# months are all below it: a shift of 6 downward, months 9 to 14 (points 8 to 13).
SHIFT_DOWN = [10, 12, 11, 9, 10, 13, 12, 11, 5, 4, 6, 5, 4, 6]


def entered_counts() -> MeasureSeries:
    return entered_series(
        [
            EnteredValue(date(2024 + (m // 12), m % 12 + 1, 1), count=c)
            for m, c in enumerate(SHIFT_DOWN)
        ],
        ratio=False,
        unit="placement moves",
    )


def test_a_count_reads_as_a_c_chart() -> None:
    # Hand-worked: the 14 counts sum to 118, so c-bar = 118 / 14 = 8.43 and the limits
    # are c-bar +- 3 sqrt(c-bar): 8.43 + 8.71 = 17.14 above, 8.43 - 8.71 < 0 (none) below.
    reading = read_series(entered_counts(), chart="control")
    assert reading is not None and reading.chart == "c"
    c_bar = sum(SHIFT_DOWN) / len(SHIFT_DOWN)
    assert reading.centre[0] == pytest.approx(c_bar, abs=1e-3)  # the reading keeps 3 places
    assert reading.upper[0] == pytest.approx(c_bar + 3 * c_bar**0.5, abs=1e-3)
    assert reading.lower[0] is None
    assert reading.lines[0].startswith("C chart (counts)")
    # a count given in fractions is no count of events: an I chart
    halves = MeasureSeries(
        y_title="Count",
        unit="count",
        points=tuple(
            MeasurePoint(date(2024, m, 1), date(2024, m, 28), v, f"m{m}")
            for m, v in ((1, 2.5), (2, 3.0), (3, 4.0))
        ),
    )
    assert (read_series(halves, chart="control") or reading).chart == "i"


def _shift(reading: MeasureReading | None) -> SignalFinding:
    assert reading is not None
    (shift,) = [finding for finding in reading.signals if finding.rule == "shift"]
    assert shift.points == tuple(range(8, 14))
    return shift


def test_a_shift_down_reads_as_an_improvement_when_lower_is_better() -> None:
    reading = read_series(entered_counts(), better=Better.LOWER)
    assert reading is not None and reading.centre[0] == 9.5
    assert reading.lines[0] == "Lower is better."
    shift = _shift(reading)
    assert shift.reading is Reading.IMPROVEMENT
    assert shift.description.endswith(": an improvement.")


def test_the_same_shift_is_a_concern_when_higher_is_better() -> None:
    reading = read_series(entered_counts(), better=Better.HIGHER)
    assert reading is not None and reading.lines[0] == "Higher is better."
    shift = _shift(reading)
    assert shift.reading is Reading.CONCERN
    assert shift.description.endswith(": a concern.")


def test_without_a_direction_a_signal_is_neither() -> None:
    reading = read_series(entered_counts())
    assert reading is not None and "is better" not in " ".join(reading.lines)
    shift = _shift(reading)
    assert shift.reading is Reading.NEITHER
    assert "improvement" not in shift.description and "concern" not in shift.description


@pytest.mark.parametrize(
    ("better", "drawn"), [(Better.LOWER, "Shift (improvement)"), (Better.HIGHER, "Shift (concern)")]
)
def test_the_measures_chart_colours_and_words_the_shift(better: Better, drawn: str) -> None:
    series = entered_counts()
    chart = measure_chart(
        name="m",
        title="Placement moves",
        series=series,
        reading=read_series(series, better=better),
        annotations=(),
        improvement_start=None,
    )
    spec = json.dumps(chart.spec)
    assert drawn in spec and better.words in spec
    assert better.words in chart.alt_text
    # The data table names the shift's reading on exactly its six months.
    signals = chart.data.get_column("Signal").to_list()
    assert [i for i, value in enumerate(signals) if drawn in str(value)] == list(range(8, 14))
