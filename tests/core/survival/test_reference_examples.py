"""Kaplan-Meier against published, hand-worked examples.

The Freireich et al. (1963) leukaemia remission trial (weeks to relapse, 21 children on
6-mercaptopurine, 21 on placebo; Cox and Oakes 1984, Table 1.1) is the classic textbook
example. Its Kaplan-Meier table, Greenwood standard errors and log-log limits below are
the values printed in survival texts (e.g. Kleinbaum and Klein, "Survival Analysis: A
Self-Learning Text", ch. 2; Klein and Moeschberger, "Survival Analysis", ch. 4) and by
R's ``survfit(Surv(time, status) ~ 1, conf.type = "log-log")``, to the digits printed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from permanence.analysis.survival_estimators import kaplan_meier, z_value

# 6-MP arm: weeks in remission; False = still in remission when last seen (censored).
SIX_MP_WEEKS = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
SIX_MP_RELAPSED = [
    True, True, True, False, True, False, True, False, False, True, True,
    False, False, False, True, True, False, False, False, False, False,
]  # fmt: skip

# time, at risk, relapses, S(t), Greenwood se, log-log 95% lower, upper
SIX_MP_TABLE = [
    (6, 21, 3, 0.857, 0.0764, 0.620, 0.952),
    (7, 17, 1, 0.807, 0.0869, 0.563, 0.923),
    (10, 15, 1, 0.753, 0.0963, 0.503, 0.889),
    (13, 12, 1, 0.690, 0.1068, 0.432, 0.849),
    (16, 11, 1, 0.627, 0.1141, 0.368, 0.805),
    (22, 7, 1, 0.538, 0.1282, 0.268, 0.747),
    (23, 6, 1, 0.448, 0.1346, 0.188, 0.680),
]

# Placebo arm: every child relapsed (no censoring).
PLACEBO_WEEKS = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]


def test_the_6mp_table_matches_the_published_values() -> None:
    estimate = kaplan_meier(np.array(SIX_MP_WEEKS), np.array(SIX_MP_RELAPSED))
    with_events = estimate.events > 0
    published = np.array(SIX_MP_TABLE)
    assert estimate.time[with_events].tolist() == published[:, 0].astype(int).tolist()
    assert estimate.at_risk[with_events].tolist() == published[:, 1].astype(int).tolist()
    assert estimate.events[with_events].tolist() == published[:, 2].astype(int).tolist()
    np.testing.assert_allclose(estimate.survival[with_events], published[:, 3], atol=5e-4)
    np.testing.assert_allclose(estimate.std_error[with_events], published[:, 4], atol=5e-5)
    np.testing.assert_allclose(estimate.lower[with_events], published[:, 5], atol=5e-4)
    np.testing.assert_allclose(estimate.upper[with_events], published[:, 6], atol=5e-4)


def test_the_first_6mp_limit_worked_by_hand() -> None:
    # S = 18/21; V = 3 / (21 * 18); the log-log limits are S ** exp(+-1.96 sqrt(V) / |log S|).
    survival = 18 / 21
    spread = 1.959964 * math.sqrt(3 / (21 * 18)) / abs(math.log(survival))
    estimate = kaplan_meier(np.array(SIX_MP_WEEKS), np.array(SIX_MP_RELAPSED))
    assert estimate.lower[0] == pytest.approx(survival ** math.exp(spread), abs=1e-6)
    assert estimate.upper[0] == pytest.approx(survival ** math.exp(-spread), abs=1e-6)


def test_censored_rows_and_numbers_at_risk_cover_every_distinct_time() -> None:
    estimate = kaplan_meier(np.array(SIX_MP_WEEKS), np.array(SIX_MP_RELAPSED))
    assert estimate.time.tolist() == sorted(set(SIX_MP_WEEKS))
    assert estimate.censored.sum() == 12
    assert estimate.events.sum() == 9
    # At risk on week 9: everyone with a time of 9 or more.
    assert estimate.at_risk[estimate.time.tolist().index(9)] == 16
    # A censored-only week carries the survival of the week before.
    assert estimate.survival[estimate.time.tolist().index(9)] == estimate.survival[1]


def test_the_6mp_median_and_its_log_log_interval() -> None:
    # S first falls to 0.5 or below at week 23 (0.448), so the median is 23 weeks.
    # Brookmeyer-Crowley with the log-log transform: the interval holds the event weeks
    # whose log-log pointwise interval contains 0.5. At week 10 it is (0.503, 0.889):
    # 0.5 is outside; from week 13 (0.432, 0.849) to week 23 (0.188, 0.680) it is inside.
    # Week 23 is the last event week, so the upper limit is not yet known.
    median = kaplan_meier(np.array(SIX_MP_WEEKS), np.array(SIX_MP_RELAPSED)).quantile(0.5)
    assert (median.days, median.lower, median.upper) == (23, 13, None)


def test_the_6mp_third_quartile_is_not_reached() -> None:
    third = kaplan_meier(np.array(SIX_MP_WEEKS), np.array(SIX_MP_RELAPSED)).quantile(0.75)
    assert third.days is None  # only 55% relapsed by the last relapse, week 23


def test_without_censoring_kaplan_meier_is_the_empirical_distribution() -> None:
    weeks = np.array(PLACEBO_WEEKS)
    estimate = kaplan_meier(weeks, np.ones(weeks.size, dtype=bool))
    # The published hand calculation: S(10) = 8/21 = 0.381, se 0.106.
    at_ten = estimate.survival_at([10])
    assert at_ten.survival[0] == pytest.approx(8 / 21)
    index = int(np.searchsorted(estimate.time, 10, side="right")) - 1
    assert estimate.std_error[index] == pytest.approx(0.106, abs=5e-4)
    # Median 8 weeks (S(5) = 12/21 > 0.5, S(8) = 8/21); quartiles 4 and 12 weeks.
    assert estimate.quantile(0.5).days == 8
    assert estimate.quantile(0.25).days == 4
    assert estimate.quantile(0.75).days == 12


def test_a_median_on_an_exact_half_is_the_day_half_had_reached_it() -> None:
    # Ten children reach the milestone on days 1 to 10: exactly half by day 5.
    # "Half had reached it by day 5" is true, so the median is day 5. (SAS and
    # statsmodels take the first day strictly below one half, day 6; R takes the
    # midpoint of the plateau, 5.5.)
    estimate = kaplan_meier(np.arange(1, 11), np.ones(10, dtype=bool))
    assert estimate.quantile(0.5).days == 5


def test_the_95_percent_critical_value() -> None:
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    with pytest.raises(ValueError, match="confidence"):
        z_value(1.0)


def test_survival_before_the_first_event_is_one_with_a_collapsed_interval() -> None:
    estimate = kaplan_meier(np.array(SIX_MP_WEEKS), np.array(SIX_MP_RELAPSED))
    values = estimate.survival_at([0, 5])
    assert values.survival.tolist() == [1.0, 1.0]
    assert values.lower.tolist() == [1.0, 1.0]
    assert values.upper.tolist() == [1.0, 1.0]


def test_beyond_the_longest_follow_up_the_estimate_is_unknown() -> None:
    estimate = kaplan_meier(np.array(SIX_MP_WEEKS), np.array(SIX_MP_RELAPSED))
    assert np.isnan(estimate.survival_at([36]).survival[0])
    everyone = kaplan_meier(np.array(PLACEBO_WEEKS), np.ones(21, dtype=bool))
    # Once everyone has reached the milestone, the share stays at 100% for ever after.
    assert everyone.survival_at([100]).survival[0] == 0.0


def test_at_risk_at_any_day_counts_those_still_waiting_and_followed() -> None:
    estimate = kaplan_meier(np.array(SIX_MP_WEEKS), np.array(SIX_MP_RELAPSED))
    days = np.arange(0, 40)
    expected = [(np.array(SIX_MP_WEEKS) >= day).sum() for day in days]
    assert estimate.at_risk_at(days).tolist() == expected


def test_no_children_give_an_empty_estimate() -> None:
    estimate = kaplan_meier(np.array([], dtype=np.int64), np.array([], dtype=bool))
    assert estimate.n == 0
    assert estimate.last_day is None
    assert estimate.quantile(0.5).days is None
    assert np.isnan(estimate.survival_at([0]).survival[0])


def test_durations_must_be_whole_non_negative_days() -> None:
    with pytest.raises(ValueError, match="whole days"):
        kaplan_meier(np.array([1.5]), np.array([True]))
    with pytest.raises(ValueError, match="negative"):
        kaplan_meier(np.array([-1]), np.array([True]))
    with pytest.raises(ValueError, match="same length"):
        kaplan_meier(np.array([1, 2]), np.array([True]))
