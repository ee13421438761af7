"""Who is being left behind: Wilson intervals, disclosure control, the chi-squared test
and Holm's adjustment, against hand-worked figures."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import polars as pl

from permanence.analysis.aims import AIM_2
from permanence.analysis.equity import breakdowns, chi_squared_survival, holm

AS_OF = date(2025, 6, 30)
START = date(2023, 1, 2)


def wilson(met: int, known: int) -> tuple[float, float]:
    """The Wilson score interval, written out (z for 95%)."""
    z = 1.959963984540054
    p = met / known
    centre = (p + z * z / (2 * known)) / (1 + z * z / known)
    half = z / (1 + z * z / known) * math.sqrt(p * (1 - p) / known + z * z / (4 * known**2))
    return 100 * (centre - half), 100 * (centre + half)


def frame_of(build: Any, groups: dict[str, tuple[int, int]]) -> pl.DataFrame:
    """Children accommodated on START, per sex: (met Aim 2 at 10 weeks, did not at 40)."""
    children, sexes = [], []
    for sex, (met, not_met) in groups.items():
        for number in range(met + not_met):
            weeks = 10 if number < met else 40
            ref = f"{sex}-{number}"
            children.append(
                build.accommodated(ref, START, recommendation=START + timedelta(weeks=weeks))
            )
            sexes.append((ref, sex))
    frame = build.journeys(children, AS_OF)
    return frame.drop("sex").join(
        pl.DataFrame(sexes, schema=["child_ref", "sex"], orient="row"), on="child_ref"
    )


def test_holm_adjusts_the_smallest_most() -> None:
    # sorted: 0.01 × 3 = 0.03; 0.02 × 2 = 0.04; 0.04 × 1 = 0.04
    assert holm([0.04, 0.01, 0.02]) == [0.04, 0.03, 0.04]
    assert holm([0.5, 0.6]) == [1.0, 1.0]


def test_a_difference_larger_than_chance_is_said_with_its_groups(build: Any) -> None:
    frame = frame_of(build, {"female": (30, 6), "male": (8, 28)})
    by_sex = next(b for b in breakdowns(frame, [AIM_2]) if b.characteristic == "sex")
    figures = {g.label: (g.met, g.known) for g in by_sex.groups}
    assert figures == {"Female": (30, 36), "Male": (8, 36)}
    female = next(g for g in by_sex.groups if g.label == "Female")
    assert female.percent == 100 * 30 / 36
    low, high = wilson(30, 36)
    assert math.isclose(female.lower or 0, low) and math.isclose(female.upper or 0, high)
    # χ² for [[30, 6], [8, 28]]: 38 met and 34 not of 72, so 19 and 17 expected in each
    # row; each cell 11 away from it
    chi_squared = 2 * (11**2 / 19 + 11**2 / 17)
    assert math.isclose(by_sex.p_value or 0, math.erfc(math.sqrt(chi_squared / 2)))
    # one test only (every other characteristic has one group): nothing to adjust
    assert by_sex.adjusted_p == by_sex.p_value
    assert by_sex.differs
    assert "from 22% (Male) to 83% (Female)" in by_sex.sentence


def test_small_groups_are_hidden_and_left_out_of_the_test(build: Any) -> None:
    frame = frame_of(build, {"female": (10, 10), "male": (11, 9), "not_known": (3, 0)})
    by_sex = next(b for b in breakdowns(frame, [AIM_2]) if b.characteristic == "sex")
    hidden = next(g for g in by_sex.groups if g.label == "Not known")
    assert hidden.met is None and hidden.percent is None and hidden.withheld
    # The 3 are hidden (and, to protect them, a partner in each row and column they
    # touch); the test compares only the groups of 5 or more: [[10, 10], [11, 9]]
    chi_squared = sum(
        (observed - expected) ** 2 / expected
        for observed, expected in ((10, 10.5), (10, 9.5), (11, 10.5), (9, 9.5))
    )
    assert math.isclose(by_sex.p_value or 0, math.erfc(math.sqrt(chi_squared / 2)))
    assert not by_sex.differs and by_sex.sentence == ""


def test_the_chi_squared_tail_matches_published_values() -> None:
    # P(X ≥ x) for X chi-squared with k degrees of freedom, as R's pchisq(x, k, lower=F)
    for x, freedom, expected in (
        (3.2, 1, 0.0736382701203026),
        (5.5, 2, 0.0639278612067076),
        (7.1, 3, 0.0687778193657997),
        (12.0, 4, 0.0173512652366645),
        (0.5, 5, 0.9921232932326296),
    ):
        assert math.isclose(chi_squared_survival(x, freedom), expected, rel_tol=1e-9)
    assert chi_squared_survival(0.0, 3) == 1.0


def test_ethnicity_and_disability_never_leave_the_authority(build: Any) -> None:
    from permanence.analysis.benchmarking import national_snapshot

    frame = frame_of(build, {"female": (5, 5)}).with_columns(
        pl.lit("White - Scottish").alias("ethnicity"), pl.lit("yes").alias("disability")
    )
    snapshot = national_snapshot(frame)
    for column in ("ethnicity", "disability", "sex", "date_of_birth"):
        assert snapshot.get_column(column).null_count() == snapshot.height


def test_any_frame_column_can_be_a_characteristic(build: Any) -> None:
    # Sibling-group size is not in the frame yet; a whole-number column put in its place
    # shows it is one more entry in the mapping: 30 of 36 in groups of 1, 8 of 36 in 3.
    frame = frame_of(build, {"female": (30, 6), "male": (8, 28)}).with_columns(
        pl.when(pl.col("sex") == "female").then(1).otherwise(3).alias("siblings")
    )
    (by_size,) = breakdowns(frame, [AIM_2], characteristics={"siblings": "Sibling-group size"})
    assert by_size.label == "Sibling-group size"
    assert {g.group: (g.met, g.known) for g in by_size.groups} == {"1": (30, 36), "3": (8, 36)}
    chi_squared = 2 * (11**2 / 19 + 11**2 / 17)
    assert math.isclose(by_size.p_value or 0, math.erfc(math.sqrt(chi_squared / 2)))
    assert "from 22% (3) to 83% (1)" in by_size.sentence
