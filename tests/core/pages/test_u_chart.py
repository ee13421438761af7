"""A measure entered as a count and its exposure (a rate) drawn as a U chart, its limits
checked against Montgomery's formula worked by hand, not against the analysis module:
UCL_i = ū + 3 sqrt(ū / n_i), LCL_i = ū - 3 sqrt(ū / n_i) (none below 0), where ū is the
total count over the total exposure and n_i the month's exposure (Montgomery 7.3.3)."""

from __future__ import annotations

import math
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from permanence.pages.measure_chart import measure_chart
from permanence.pages.measure_reading import read_series
from permanence.pages.measure_series import EnteredValue, rate_series

#: Placement moves and the care days they happened over, three months.
MONTHS = [
    EnteredValue(date(2025, 1, 1), count=2, denominator=100),
    EnteredValue(date(2025, 2, 1), count=5, denominator=200),
    EnteredValue(date(2025, 3, 1), count=3, denominator=150),
]


def test_the_u_charts_limits_are_montgomerys_worked_by_hand() -> None:
    # By hand: ū = (2 + 5 + 3) / (100 + 200 + 150) = 10 / 450 = 0.0222 moves per care day,
    # 2.22 per 100 care days.
    # January (n = 100): 3 sqrt(0.0222 / 100) = 0.0447, UCL 0.0669: 6.69 per 100.
    # February (n = 200): 3 sqrt(0.0222 / 200) = 0.0316, UCL 0.0538: 5.38 per 100.
    # March (n = 150): 3 sqrt(0.0222 / 150) = 0.0365, UCL 0.0587: 5.87 per 100.
    # Every LCL is below 0: none is drawn.
    series = rate_series(MONTHS, unit="placement moves", exposure="care days", per=100)
    assert [p.value for p in series.points] == [2.0, 2.5, 2.0]
    assert series.y_title == "Placement moves per 100 care days"
    reading = read_series(series, chart="control")
    assert reading is not None
    assert reading.chart == "u"
    chart = measure_chart(
        name="moves",
        title="Placement moves",
        series=series,
        reading=reading,
        annotations=[],
        improvement_start=None,
    )
    table = chart.data
    assert table.get_column("Centre line").to_list() == [2.22, 2.22, 2.22]
    assert table.get_column("Upper limit").to_list() == [6.69, 5.38, 5.87]
    assert all(low is None or low <= 0 for low in table.get_column("Lower limit").to_list())
    assert table.get_column("Met").to_list() == [2, 5, 3]  # the counts
    assert table.get_column("Counted").to_list() == [100, 200, 150]  # the exposures
    assert "U chart (rates)" in chart.alt_text
    assert "The centre line is 2.22; the limits widen for periods with less exposure." in (
        chart.alt_text
    )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 5000)), min_size=2, max_size=24).filter(
        lambda months: sum(count for count, _ in months) > 0
    ),
    st.sampled_from([1, 100, 1000]),
)
def test_every_months_upper_limit_follows_the_formula(
    months: list[tuple[int, int]], per: int
) -> None:
    values = [
        EnteredValue(date(2020 + index // 12, index % 12 + 1, 1), count=c, denominator=n)
        for index, (c, n) in enumerate(months)
    ]
    series = rate_series(values, unit="moves", exposure="care days", per=per)
    reading = read_series(series, chart="control")
    assert reading is not None
    u_bar = sum(c for c, _ in months) / sum(n for _, n in months)
    for (_, n), upper, centre in zip(months, reading.upper, reading.centre, strict=True):
        assert centre is not None and upper is not None
        assert math.isclose(centre, per * u_bar, abs_tol=0.0005 * per)
        assert math.isclose(upper, per * (u_bar + 3 * math.sqrt(u_bar / n)), abs_tol=0.0005 * per)
