"""The generator's agenda checklists and actions: valid by the import's own rules, the
same for the same seed, and varying as PACE areas saw (docs/synthetic-data.md)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import polars as pl

from permanence.ingest import read_extract, validate
from permanence.journey.agendas import AGENDA_2WK, AGENDA_72H
from permanence.journey.tables import MEETING_OF_ROW, write_canonical_csv
from permanence.synth import generate
from permanence.synth.corrections import earlier_extract
from permanence.synth.generator import default_improvement_start

from .conftest import END, authority

DETAILS = ("agenda_items", "meeting_actions")


def _issues_in_details(folder: Path) -> pl.DataFrame:
    validation = validate(read_extract(folder, None, extract_date=END))
    return validation.issues.filter(pl.col("table").is_in(DETAILS))


def test_the_tables_pass_the_imports_checks(tmp_path: Path) -> None:
    tables = authority(600, 1)
    write_canonical_csv(tables, tmp_path / "clean")
    assert _issues_in_details(tmp_path / "clean").is_empty()
    # An earlier extract names a meeting by the wrong date it held then: its checklist
    # and actions name the meeting by the same date, so they still load.
    earlier = earlier_extract(tables, 1, extract_date=END)
    write_canonical_csv(earlier.tables, tmp_path / "earlier")
    assert _issues_in_details(tmp_path / "earlier").is_empty()


def test_the_same_seed_gives_the_same_checklists_and_actions() -> None:
    first, again, other = (generate(300, seed, end=END) for seed in (5, 5, 6))
    assert first.agenda_items.equals(again.agenda_items)
    assert first.meeting_actions.equals(again.meeting_actions)
    assert not first.agenda_items.equals(other.agenda_items)


def test_checklists_vary_as_pace_areas_saw() -> None:
    tables = authority(600, 1)
    planning = tables.meetings.filter(
        pl.col("meeting_kind").is_in(["planning_72h", "planning_2wk"])
        & pl.col("held_date").is_not_null()
    )
    items = tables.agenda_items
    with_checklist = items.select(MEETING_OF_ROW).unique()
    # Some meetings have no checklist recorded; every item names its kind's agenda.
    assert 0 < with_checklist.height < planning.height
    keys = {AGENDA_72H.kind: AGENDA_72H, AGENDA_2WK.kind: AGENDA_2WK}
    for kind, agenda in keys.items():
        assert set(items.filter(pl.col("meeting_kind") == kind)["item"]) == {
            item.key for item in agenda.items
        }
    answers = items["answer"].value_counts().to_dict(as_series=False)
    assert set(answers["answer"]) == {"done", "not_done", "not_applicable"}
    # Not applicable always with its reason, never otherwise.
    na = pl.col("answer") == "not_applicable"
    assert items.filter(na & pl.col("reason").is_null()).is_empty()
    assert items.filter(~na & pl.col("reason").is_not_null()).is_empty()
    # Permanence is discussed with parents more often as the improvement work spreads:
    # the two-week meeting's first half year against the history's last year.
    improvement = default_improvement_start(END)
    talks = items.filter(
        (pl.col("item") == "permanence_discussed") & (pl.col("answer") != "not_applicable")
    )
    talked = [
        talks.filter(when)["answer"].eq("done").mean()
        for when in (
            pl.col("held_date") < improvement + timedelta(days=183),
            pl.col("held_date") > END - timedelta(days=365),
        )
    ]
    assert talked[0] + 0.15 < talked[1], talked


def test_actions_are_sometimes_not_logged_done_late_or_open() -> None:
    tables = authority(600, 1)
    actions = tables.meeting_actions
    planning = tables.meetings.filter(
        pl.col("meeting_kind").is_in(["planning_72h", "planning_2wk"])
        & pl.col("held_date").is_not_null()
    )
    assert 0 < actions.select(MEETING_OF_ROW).unique().height < planning.height
    assert actions.filter(pl.col("due_date") < pl.col("held_date")).is_empty()
    assert actions.filter(pl.col("done_date") < pl.col("held_date")).is_empty()
    assert actions.filter(pl.col("done_date") > END).is_empty()
    on_time = (pl.col("done_date") <= pl.col("due_date")).fill_null(False)
    late = (pl.col("done_date") > pl.col("due_date")).fill_null(False)
    counts = actions.select(
        on_time.sum().alias("on_time"),
        late.sum().alias("late"),
        pl.col("done_date").is_null().sum().alias("open"),
    ).row(0)
    assert all(count > 0 for count in counts)
    # At one meeting each action is different (the import knows an action by its words).
    assert not actions.select(*MEETING_OF_ROW, "action").is_duplicated().any()
