"""An aim read per sibling group, against an example worked out by hand (docs/aims.md,
"Sibling groups"): a group waits as long as its longest wait."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from permanence.analysis.aims_outcomes import CHILD_COLUMNS, figures, period_figures
from permanence.analysis.sibling_groups import GROUP_COLUMNS, group_rows

START = date(2023, 1, 9)
TARGET_DAYS = 182  # 26 weeks


def child(
    ref: str, outcome: str, days: int, *, authority: str = "A", start: date = START
) -> dict[str, object]:
    """One child's row of an aim's per-child table; only what the reading uses is real."""
    reached = outcome in ("met", "not_met")
    stopped = outcome == "stopped"
    finish = start + timedelta(days)
    row: dict[str, object] = dict.fromkeys(CHILD_COLUMNS)
    row.update(
        authority=authority,
        child_ref=ref,
        period_number=1,
        start_date=start,
        deadline=start + timedelta(TARGET_DAYS),
        end_date=finish if reached else None,
        stopped_date=finish if stopped else None,
        entry_period=start.replace(day=1),
        days_waited=days,
        weeks_waited=days / 7,
        days_past_deadline=days - TARGET_DAYS,
        outcome=outcome,
        still_waiting=outcome == "pending",
        over_target=False,
        left_without_end=stopped,
        end_before_start=False,
    )
    return row


def frame_of(groups: dict[tuple[str, str], str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"authority": authority, "child_ref": ref, "sibling_group": group}
            for (authority, ref), group in groups.items()
        ],
        schema={"authority": pl.String, "child_ref": pl.String, "sibling_group": pl.String},
    )


def test_a_sibling_group_waits_as_long_as_its_longest_wait() -> None:
    children = pl.DataFrame(
        [
            # F1: one met on day 100, her brother still waiting on day 150: still waiting.
            child("A1", "met", 100),
            child("A2", "pending", 150),
            # F2: one met on day 120, one reached the end late on day 200: not met.
            child("A3", "met", 120),
            child("A4", "not_met", 200),
            # F3: one went home on day 30, her sister met on day 90: met.
            child("A5", "stopped", 30),
            child("A6", "met", 90),
            # F4: one child counted (her brother is not counted by this aim): met.
            child("A7", "met", 50),
            # F5: the same 100 days, left care and met: the worse (left) stands for them.
            child("A8", "met", 100),
            child("A9", "stopped", 100),
            # No sibling group recorded: not read per group.
            child("A10", "not_met", 300),
            # Authority B's own F1 is another group.
            child("B1", "met", 60, authority="B"),
        ],
        schema_overrides={"entry_period": pl.Date, "stopped_date": pl.Date, "end_date": pl.Date},
    )
    frame = frame_of(
        {
            ("A", "A1"): "F1",
            ("A", "A2"): "F1",
            ("A", "A3"): "F2",
            ("A", "A4"): "F2",
            ("A", "A5"): "F3",
            ("A", "A6"): "F3",
            ("A", "A7"): "F4",
            ("A", "A11"): "F4",
            ("A", "A8"): "F5",
            ("A", "A9"): "F5",
            ("A", "A10"): None,
            ("B", "B1"): "F1",
        }
    )
    groups = group_rows(children, frame)
    assert groups.columns == list(GROUP_COLUMNS)
    assert [
        (
            row["authority"],
            row["sibling_group"],
            row["child_ref"],
            row["days_waited"],
            row["outcome"],
        )
        for row in groups.iter_rows(named=True)
    ] == [
        ("A", "F1", "A2", 150, "pending"),
        ("A", "F2", "A4", 200, "not_met"),
        ("A", "F3", "A6", 90, "met"),
        ("A", "F4", "A7", 50, "met"),
        ("A", "F5", "A9", 100, "stopped"),
        ("B", "F1", "B1", 60, "met"),
    ]
    assert groups["members_counted"].to_list() == [2, 2, 2, 1, 2, 1]
    assert groups["members"].to_list()[0] == ["A1", "A2"]
    # Six groups: met 3 (A's F3 and F4, B's F1), not met 1, still waiting 1, left 1:
    # 3 of the 4 whose outcome is known, 75%.
    total = figures(groups)
    assert (total.counted, total.met, total.not_met, total.pending, total.stopped) == (
        6,
        3,
        1,
        1,
        1,
    )
    assert total.percent_met == 75.0
    [january] = period_figures(groups).iter_rows(named=True)
    assert (january["entry_period"], january["counted"]) == (date(2023, 1, 1), 6)
