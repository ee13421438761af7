"""An aim read per sibling group: a group of brothers and sisters waits as long as its
longest wait.

Children recorded as siblings carry the same ``sibling_group`` in the journeys frame (the
children table's optional column, docs/data-format.md). ``group_rows`` turns an aim's
per-child table (``aims_outcomes.aim_children``) into one row per sibling group: the row of
the member who waited longest, so the group's clock, deadline, outcome and entry period
are that child's. Where two members waited the same number of days, the one whose outcome
is worse stands for the group (not met, then still waiting within the target, then left
without the end milestone, then met). Children recorded without siblings are not read
here (they are each their own child on the aim's other figures), and a group is read only
when at least one of its members is counted by the aim. ``period_figures`` and
``figures`` count groups, not children, exactly as they count children. docs/aims.md
("Sibling groups") has the rule and a worked example.
"""

from __future__ import annotations

import polars as pl

from permanence.analysis.aims_outcomes import (
    CHILD_COLUMNS,
    AimFigures,
    AimPeriod,
    AimResult,
    Outcome,
    figures,
    period_figures,
)
from permanence.analysis.periods import Granularity, period_code, period_label

GROUP_COLUMN = "sibling_group"

GROUP_COLUMNS: tuple[str, ...] = (
    "authority",
    GROUP_COLUMN,
    "members_counted",
    "members",
    *(column for column in CHILD_COLUMNS if column != "authority"),
)
"""The per-group table: the authority and the group; ``members_counted`` how many of its
children the aim counts and ``members`` their references (in order); then the columns of
``CHILD_COLUMNS`` from the member who waited longest (``child_ref`` names that child)."""

_WORST_FIRST = {
    Outcome.NOT_MET.value: 0,
    Outcome.PENDING.value: 1,
    Outcome.STOPPED.value: 2,
    Outcome.MET.value: 3,
}


def group_rows(children: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """One row per sibling group with a member counted by the aim (see ``GROUP_COLUMNS``).

    ``children`` is an aim's per-child table; ``frame`` the journeys frame it came from,
    which names each child's ``sibling_group``. Groups are an authority's own: the same
    group text in two authorities is two groups.
    """
    if GROUP_COLUMN not in frame.columns:  # a frame of some other making: nobody grouped
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(GROUP_COLUMN))
    groups = (
        frame.select("authority", "child_ref", GROUP_COLUMN)
        .filter(pl.col(GROUP_COLUMN).is_not_null() & (pl.col(GROUP_COLUMN) != ""))
        .unique(subset=["authority", "child_ref"], keep="first")
    )
    keys = ["authority", GROUP_COLUMN]
    ranked = (
        children.join(groups, on=["authority", "child_ref"], how="inner")
        .with_columns(
            pl.col("outcome")
            .replace_strict(_WORST_FIRST, default=len(_WORST_FIRST), return_dtype=pl.Int8)
            .alias("_worse")
        )
        .sort(
            [*keys, "days_waited", "_worse", "child_ref", "period_number"],
            descending=[False, False, True, False, False, False],
            nulls_last=True,
        )
    )
    members = ranked.group_by(keys).agg(
        pl.col("child_ref").n_unique().cast(pl.Int64).alias("members_counted"),
        pl.col("child_ref").unique().sort().alias("members"),
    )
    longest = ranked.group_by(keys, maintain_order=True).first().drop("_worse")
    return longest.join(members, on=keys, how="left").select(GROUP_COLUMNS).sort(keys)


def group_periods(
    result: AimResult, frame: pl.DataFrame
) -> tuple[tuple[AimPeriod, ...], AimFigures]:
    """An aim's figures counted by sibling group: per entry period (of the aim's
    granularity, in time order) and overall. Empty periods and zero figures where no
    child counted by the aim is recorded in a sibling group."""
    groups = group_rows(result.children, frame)
    granularity = Granularity(result.granularity)
    periods = tuple(
        AimPeriod(
            first_day=row["entry_period"],
            code=period_code(row["entry_period"], granularity),
            label=period_label(row["entry_period"], granularity),
            figures=AimFigures.from_row(row),
        )
        for row in period_figures(groups).iter_rows(named=True)
    )
    return periods, figures(groups)
