"""The generator's attendance, decisions and sibling groups: valid by the app's own
rules, and varying as PACE areas saw (docs/synthetic-data.md)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from permanence.journey.meeting_rules import Agency, DecisionKind, agencies_in
from permanence.synth import generate, generator
from permanence.synth.generator import default_improvement_start

from .conftest import END, authority


def test_every_decision_keeps_the_rules_and_varies_with_the_improvement() -> None:
    tables = authority(600, 1)
    decisions = tables.milestones.filter(
        pl.col("milestone").is_in([kind.value for kind in DecisionKind])
    ).join(tables.care_periods, on=["child_ref", "period_start"], how="left")
    assert set(decisions["milestone"]) == {kind.value for kind in DecisionKind}
    # Inside the care period and the history; a delay has its reason and a later date.
    assert decisions.filter(pl.col("date") < pl.col("period_start")).is_empty()
    assert decisions.filter(pl.col("date") > END).is_empty()
    assert decisions.filter(pl.col("date") > pl.col("period_end")).is_empty()
    delays = decisions.filter(pl.col("milestone") == "purposeful_delay")
    assert delays.filter(
        pl.col("reason").is_null() | ~(pl.col("look_again_on") > pl.col("date"))
    ).is_empty()
    assert decisions["decided_by"].null_count() == 0
    # More children have concurrent planning after the improvement work began.
    improvement = default_improvement_start(END)
    periods = tables.care_periods.with_columns(
        (pl.col("period_start") >= improvement).alias("after")
    )
    planned = periods.join(
        decisions.filter(pl.col("milestone") == "concurrent_planning").select(
            "child_ref", "period_start", pl.lit(True).alias("planned")
        ),
        on=["child_ref", "period_start"],
        how="left",
    )
    shares = planned.group_by("after").agg(pl.col("planned").fill_null(False).mean())
    before, after = (
        shares.filter(pl.col("after") == flag)["planned"].item() for flag in (False, True)
    )
    assert after > before + 0.15


def test_attendance_is_agencies_and_the_team_leader_comes_more_often_later() -> None:
    tables = authority(600, 1)
    meetings = tables.meetings.filter(pl.col("attended").is_not_null())
    assert not meetings.is_empty()
    assert set(meetings["meeting_kind"]) <= {"planning_72h", "planning_2wk"}
    for text in meetings["attended"]:
        known, unknown = agencies_in(text)
        assert known and not unknown
    improvement = default_improvement_start(END)
    chaired = meetings.with_columns(
        pl.col("attended").str.contains(Agency.TEAM_LEADER.value).alias("chaired"),
        (pl.col("held_date") >= improvement).alias("after"),
    )
    shares = dict(chaired.group_by("after").agg(pl.col("chaired").mean()).iter_rows())
    assert shares[True] > shares[False] + 0.2


def test_sibling_groups_are_small_and_of_one_team() -> None:
    tables = authority(600, 1)
    grouped = tables.children.filter(pl.col("sibling_group").is_not_null()).join(
        tables.care_periods.group_by("child_ref").agg(pl.col("team").first()), on="child_ref"
    )
    sizes = grouped.group_by("sibling_group").agg(pl.len(), pl.col("team").n_unique())
    assert sizes.height > 20
    assert set(sizes["len"]) <= {2, 3}
    assert set(sizes["team"]) == {1}


def test_the_journeys_are_the_same_as_without_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drawn from their own stream after the journeys: the journeys a seed gives do not
    move because these are added."""
    with_plans = generate(120, 5, end=date(2024, 3, 31))
    monkeypatch.setattr(generator, "add_plan_records", lambda tables, seed, calendar: tables)
    without = generate(120, 5, end=date(2024, 3, 31))
    for name in ("care_periods", "placements", "legal_statuses"):
        assert getattr(with_plans, name).equals(getattr(without, name)), name
    steps = ~pl.col("milestone").is_in([kind.value for kind in DecisionKind])
    added = ["look_again_on", "decided_by", "attended", "sibling_group"]
    for name in ("milestones", "meetings", "children"):
        mine = getattr(with_plans, name)
        if name == "milestones":
            mine = mine.filter(steps)
        theirs = getattr(without, name)
        assert mine.drop(added, strict=False).equals(theirs.drop(added, strict=False)), name
