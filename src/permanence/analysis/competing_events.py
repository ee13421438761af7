"""Competing events: what became of the children an aim follows, week by week.

Kaplan-Meier treats a child who left care without the milestone as if they might still
reach it (censored): it estimates the share who *would* have had a recommendation had
nobody left, and so overstates how many children actually do. Leaving care, going home to
their parents and (for an aim whose clock starts at a decision) the plan being reversed
are **competing events**: after one, the milestone will not come on this clock.

The Aalen-Johansen estimator gives the **cumulative incidence** of each outcome: the share
of the children whose clock started who had, by week t, reached the milestone, left care,
gone home, or had their plan reversed. Children still waiting at ``as_of`` are censored
(they may yet reach any outcome). The outcomes' shares and the share still waiting add up
to 100% at every week. Beside them the Kaplan-Meier percentage reached is given, censoring
every competing event, so the difference can be seen: docs/survival.md says which to read
when.

The estimators are ``survival_estimators.cumulative_incidence`` and ``kaplan_meier``; this
module turns an aim's per-child table (``aims_outcomes.aim_children``) into their input,
one group per entry cohort.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import numpy as np
import polars as pl

from permanence.analysis.aims import AimDefinition
from permanence.analysis.aims_outcomes import StopReason, aim_children
from permanence.analysis.periods import Granularity, period_code, period_label
from permanence.analysis.survival_estimators import cumulative_incidence, kaplan_meier
from permanence.journey.vocabulary import Coded


class CompetingOutcome(Coded):
    """What ended a child's wait on an aim's clock (or not yet: still waiting)."""

    REACHED = "reached", "Reached the milestone"
    LEFT_CARE = StopReason.LEFT_CARE.value, StopReason.LEFT_CARE.label
    RETURNED_HOME = StopReason.RETURNED_HOME.value, StopReason.RETURNED_HOME.label
    REVERSED = StopReason.REVERSED.value, StopReason.REVERSED.label


OUTCOMES: Final = tuple(CompetingOutcome)
STILL_WAITING: Final = "still_waiting"
ALL_CHILDREN: Final = "all"

CURVE_SCHEMA: dict[str, pl.DataType] = {
    "cohort": pl.String(),
    "cohort_label": pl.String(),
    "week": pl.Int32(),
    "outcome": pl.String(),
    "percent": pl.Float64(),
}


@dataclass(frozen=True, slots=True)
class CompetingEvents:
    """Cumulative incidence of each outcome per entry cohort (and for all children).

    ``curves``: one row per cohort, week and outcome (the four outcomes and
    ``still_waiting``), with ``percent``; null beyond the cohort's follow-up.
    ``km_curves``: one row per cohort and week: ``km_percent_reached``, Kaplan-Meier
    treating every competing event as censoring, for comparison.
    ``summary``: one row per cohort: ``counted``, each outcome's count so far, and each
    outcome's cumulative incidence at the target week with the Kaplan-Meier percentage.
    """

    target_weeks: int
    curves: pl.DataFrame
    km_curves: pl.DataFrame
    summary: pl.DataFrame


def competing_events(
    frame: pl.DataFrame,
    aim: AimDefinition,
    *,
    granularity: Granularity = Granularity.YEAR,
    as_of: date | None = None,
    max_weeks: int | None = None,
) -> CompetingEvents:
    """The competing events of ``aim``'s children, per entry cohort and for all of them."""
    return competing_events_of(
        aim_children(frame, aim, granularity=granularity, as_of=as_of),
        aim,
        granularity=granularity,
        max_weeks=max_weeks,
    )


def competing_events_of(
    children: pl.DataFrame,
    aim: AimDefinition,
    *,
    granularity: Granularity = Granularity.YEAR,
    max_weeks: int | None = None,
) -> CompetingEvents:
    """As ``competing_events``, from an aim's per-child table already worked out."""
    granularity = Granularity(granularity)
    target = round(aim.target_in_weeks)
    coded = _coded(children)
    longest = int(coded["days"].to_numpy().max()) if coded.height else 0
    weeks = np.arange(0, (max_weeks if max_weeks is not None else longest // 7) + 1)
    groups: list[tuple[str, str, pl.DataFrame]] = [(ALL_CHILDREN, "All children", coded)]
    for (first_day,), rows in coded.sort("entry_period").group_by(
        "entry_period", maintain_order=True
    ):
        assert isinstance(first_day, date)
        code = period_code(first_day, granularity)
        groups.append((code, period_label(first_day, granularity), rows))
    curves, km_curves, summary = [], [], []
    for code, label, rows in groups:
        curve, km_curve, row = _estimate(rows, weeks, target)
        curves.append(curve.with_columns(_named(code, label)))
        km_curves.append(km_curve.with_columns(_named(code, label)))
        summary.append({"cohort": code, "cohort_label": label, **row})
    return CompetingEvents(
        target_weeks=target,
        curves=pl.concat(curves).select(list(CURVE_SCHEMA)).cast(CURVE_SCHEMA),  # type: ignore[arg-type]
        km_curves=pl.concat(km_curves).select(
            "cohort", "cohort_label", "week", "km_percent_reached"
        ),
        summary=pl.DataFrame(summary),
    )


def _coded(children: pl.DataFrame) -> pl.DataFrame:
    """Each child's days followed and outcome number (0 still waiting, 1 reached, 2...
    the competing events in ``OUTCOMES`` order). Children with dates out of order (an
    end before the start) cannot be placed on a curve and are left out, as the survival
    view leaves them out (docs/survival.md counts them apart)."""
    number = {outcome.value: index for index, outcome in enumerate(OUTCOMES, start=1)}
    outcome = (
        pl.when(pl.col("end_date").is_not_null())
        .then(pl.lit(CompetingOutcome.REACHED.value))
        .otherwise(pl.col("stopped_by"))
    )
    return children.select(
        "entry_period",
        pl.col("days_waited").cast(pl.Int64).alias("days"),
        outcome.replace_strict(number, default=0, return_dtype=pl.Int64).alias("code"),
    ).filter(pl.col("days") >= 0)


def _estimate(
    rows: pl.DataFrame, weeks: np.ndarray[Any, Any], target: int
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    days = rows["days"].to_numpy().astype(np.int64)
    code = rows["code"].to_numpy().astype(np.int64)
    incidence = cumulative_incidence(days, code, len(OUTCOMES))
    reached_km = kaplan_meier(days, code == 1)
    at = weeks * 7
    shares = incidence.incidence_at(at)  # (weeks, outcomes); NaN beyond follow-up
    waiting = 1.0 - shares.sum(axis=1)
    km = 1.0 - reached_km.survival_at(at).survival
    names = [outcome.value for outcome in OUTCOMES]
    curve = pl.DataFrame(
        {
            "week": np.repeat(weeks, len(names) + 1).astype(np.int32),
            "outcome": [*names, STILL_WAITING] * len(weeks),
            "percent": np.column_stack([shares, waiting]).ravel() * 100,
        }
    ).with_columns(pl.col("percent").fill_nan(None))
    km_curve = pl.DataFrame(
        {"week": weeks.astype(np.int32), "km_percent_reached": km * 100}
    ).with_columns(pl.col("km_percent_reached").fill_nan(None))
    at_target = incidence.incidence_at(np.array([7 * target]))[0] * 100
    km_at_target = (1.0 - reached_km.survival_at(np.array([7 * target])).survival[0]) * 100
    row: dict[str, Any] = {"counted": int(days.size)}
    for index, name in enumerate(names, start=1):
        row[name] = int((code == index).sum())
    row[STILL_WAITING] = int((code == 0).sum())
    for index, name in enumerate(names):
        row[f"percent_{name}_by_target"] = _rounded(at_target[index])
    row["km_percent_reached_by_target"] = _rounded(km_at_target)
    return curve, km_curve, row


def _rounded(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 1)


def _named(code: str, label: str) -> list[pl.Expr]:
    return [pl.lit(code).alias("cohort"), pl.lit(label).alias("cohort_label")]
