"""Who is being left behind: each aim by sex, age band, ethnicity and disability.

For each aim and each characteristic, the children whose outcome is known (met or not
met) are split by group; each group's percentage met has a Wilson 95% interval. Counts go
through disclosure control first (``analysis.disclosure``: a count from 1 to 4 is hidden,
with partners so it cannot be worked out), and a percentage whose counts are hidden is
withheld with them.

**Larger than chance would allow.** For each aim and characteristic, the groups with at
least ``TESTED_AT_LEAST`` children whose outcome is known are compared with a chi-squared
test of independence (met or not, by group). With several aims and characteristics there
are many tests, and some would pass by chance alone, so the p-values are adjusted by
Holm's method over every test made together (the family-wise error rate held at 5%). A
difference is reported in words only when its adjusted p-value is below 0.05, and the
words never name a group whose figures are withheld. docs/process-map.md has the rules
and a worked example.

Any frame column can be a characteristic: ``breakdowns`` takes them as a mapping of
column to name (``CHARACTERISTICS`` by default), so sibling-group size, once the frame
holds it, is one more entry. It is not in the canonical data yet.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

import numpy as np
import polars as pl
from numpy.typing import NDArray

from permanence.analysis.aims import AimDefinition
from permanence.analysis.aims_outcomes import Outcome, evaluate_aim
from permanence.analysis.benchmarking import wilson_interval
from permanence.analysis.disclosure import THRESHOLD, count_table, protect_table
from permanence.journey.vocabulary import AgeBand, Sex

#: The characteristics, by frame column, with how each is named.
CHARACTERISTICS: Final[dict[str, str]] = {
    "sex": "Sex",
    "age_band_at_accommodation": "Age when accommodated",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
}
NOT_RECORDED: Final = "Not recorded"
TESTED_AT_LEAST: Final = 5
SIGNIFICANCE: Final = 0.05
_LABELS: Final[dict[str, dict[str, str]]] = {
    "sex": {code: Sex(code).label for code in Sex.codes()},
    "age_band_at_accommodation": {code: AgeBand(code).label for code in AgeBand.codes()},
    "disability": {"yes": "Disabled", "no": "Not disabled", "not_known": "Not known"},
}
_KEY: Final = ["authority", "child_ref", "period_number"]


@dataclass(frozen=True, slots=True)
class GroupFigure:
    group: str
    label: str
    met: int | None  # None where disclosure control hides it
    known: int | None
    percent: float | None
    lower: float | None  # Wilson 95% interval, in percent
    upper: float | None

    @property
    def withheld(self) -> bool:
        return self.percent is None and self.known != 0


@dataclass(frozen=True, slots=True)
class Breakdown:
    aim_id: str
    aim_title: str
    characteristic: str
    label: str
    groups: tuple[GroupFigure, ...]
    p_value: float | None  # the chi-squared test's, before adjustment
    adjusted_p: float | None  # Holm's, over every test made together
    sentence: str

    @property
    def differs(self) -> bool:
        return self.adjusted_p is not None and self.adjusted_p < SIGNIFICANCE


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment: the k-th smallest of m p-values times (m - k + 1),
    never smaller than the one before it, at most 1."""
    m = len(p_values)
    order = sorted(range(m), key=lambda index: p_values[index])
    adjusted = [0.0] * m
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def breakdowns(
    frame: pl.DataFrame,
    aims: Sequence[AimDefinition],
    *,
    as_of: date | None = None,
    characteristics: Mapping[str, str] = CHARACTERISTICS,
) -> tuple[Breakdown, ...]:
    """Every aim by every characteristic (a frame column and its name), the tests
    adjusted together."""
    found: list[Breakdown] = []
    for aim in aims:
        children = evaluate_aim(frame, aim, as_of=as_of).children.filter(
            pl.col("outcome").is_in([Outcome.MET.value, Outcome.NOT_MET.value])
        )
        groups = children.select(*_KEY, "outcome").join(
            frame.select(*_KEY, *characteristics), on=_KEY, how="left"
        )
        for column, label in characteristics.items():
            found.append(_breakdown(aim, column, label, groups))
    tested = [index for index, b in enumerate(found) if b.p_value is not None]
    adjusted = holm([found[index].p_value or 0.0 for index in tested])
    for index, p in zip(tested, adjusted, strict=True):
        found[index] = replace(found[index], adjusted_p=p)
        found[index] = replace(found[index], sentence=_sentence(found[index], len(tested)))
    return tuple(found)


def _breakdown(aim: AimDefinition, column: str, label: str, groups: pl.DataFrame) -> Breakdown:
    labels = _LABELS.get(column, {})
    counted = (
        groups.with_columns(
            pl.col(column).cast(pl.String).fill_null(NOT_RECORDED).replace("", NOT_RECORDED)
        )
        .group_by(column, "outcome")
        .len("count")
        .sort(column)
    )
    keys: list[str] = sorted(
        {str(value) for value in counted.get_column(column).to_list()}, key=_order(column)
    )
    table = count_table(
        counted,
        row=column,
        column="outcome",
        row_keys=keys,
        column_keys=[Outcome.MET.value, Outcome.NOT_MET.value],
    )
    raw = table.values
    protected = protect_table(table) if keys else None
    figures = []
    for key in keys:
        assert protected is not None
        met = protected.published(key, Outcome.MET.value)
        not_met = protected.published(key, Outcome.NOT_MET.value)
        known = None if met is None or not_met is None else met + not_met
        percent = lower = upper = None
        if met is not None and known:
            low, high = wilson_interval(np.array([met]), np.array([known]))
            percent, lower, upper = 100 * met / known, 100 * float(low[0]), 100 * float(high[0])
        figures.append(GroupFigure(key, labels.get(key, key), met, known, percent, lower, upper))
    tested_rows = raw[raw.sum(axis=1) >= TESTED_AT_LEAST]
    p_value = None
    if len(tested_rows) >= 2 and tested_rows.sum(axis=0).min() > 0:
        p_value = chi_squared_p(tested_rows)
    return Breakdown(aim.id, aim.title, column, label, tuple(figures), p_value, None, "")


def chi_squared_p(observed: NDArray[np.int64]) -> float:
    """The p-value of Pearson's chi-squared test of independence of a table of counts
    (no continuity correction), with (rows - 1) × (columns - 1) degrees of freedom."""
    table = np.asarray(observed, dtype=np.float64)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    statistic = float(((table - expected) ** 2 / expected).sum())
    freedom = (table.shape[0] - 1) * (table.shape[1] - 1)
    return chi_squared_survival(statistic, freedom)


def chi_squared_survival(x: float, freedom: int) -> float:
    """P(X ≥ x) for X chi-squared with a whole number of degrees of freedom: the regularised
    upper incomplete gamma function Q(k/2, x/2), summed in closed form."""
    if x <= 0:
        return 1.0
    half = x / 2
    if freedom % 2 == 0:
        total = sum(
            math.exp(i * math.log(half) - half - math.lgamma(i + 1)) for i in range(freedom // 2)
        )
    else:
        total = math.erfc(math.sqrt(half)) + sum(
            math.exp((i - 0.5) * math.log(half) - half - math.lgamma(i + 0.5))
            for i in range(1, (freedom + 1) // 2)
        )
    return min(1.0, total)


def _order(column: str) -> Callable[[str], tuple[int, str]]:
    order = list(_LABELS.get(column, {}))

    def key(value: str) -> tuple[int, str]:
        if value == NOT_RECORDED:
            return (len(order) + 1, value)
        return (order.index(value) if value in order else len(order), value)

    return key


def _sentence(breakdown: Breakdown, tests: int) -> str:
    if not breakdown.differs or breakdown.adjusted_p is None:
        return ""
    p = "p < 0.001" if breakdown.adjusted_p < 0.001 else f"p = {breakdown.adjusted_p:.3f}"
    shown = [g for g in breakdown.groups if g.percent is not None and (g.known or 0) >= THRESHOLD]
    if len(shown) < 2:
        return (
            f"For {breakdown.aim_title}, the percentage meeting the aim differs by "
            f"{breakdown.label.lower()} more than chance would allow (adjusted {p}), but the "
            "groups are too small to name."
        )
    lowest = min(shown, key=lambda g: g.percent or 0.0)
    highest = max(shown, key=lambda g: g.percent or 0.0)
    return (
        f"For {breakdown.aim_title}, the percentage meeting the aim differs by "
        f"{breakdown.label.lower()} more than chance would allow: from "
        f"{round(lowest.percent or 0)}% ({lowest.label}) to {round(highest.percent or 0)}% "
        f"({highest.label}); adjusted {p}, by Holm's method over "
        f"the {tests} comparisons made together."
    )
