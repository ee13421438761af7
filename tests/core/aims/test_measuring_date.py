"""The measuring date (``--as-of``) and the extract date (``--extract-date``) kept apart.

Finding 4 of issue 13: measuring an extract at a past date checked it as if it had been
taken that day, refused every later row as "in the future" and dropped whole care
periods. Figures as of a past date must equal the figures of the same extract cut by hand
at that date: everything recorded later removed, as if the extract had been taken then.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from permanence.analysis.aims_outcomes import evaluate_aims
from permanence.cli.main import main
from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import JourneyTables, write_canonical_csv
from permanence.synth import generate

END = date(2025, 3, 31)
SEEDS = (3, 11)


@cache
def synthetic(seed: int) -> JourneyTables:
    return generate(120, seed, end=END)


def cut_by_hand(tables: JourneyTables, day: date) -> JourneyTables:
    """The extract as it would have been taken on ``day``: written out row by row, with
    no help from the frame builder."""

    def blank_after(frame: pl.DataFrame, column: str, *also: str) -> pl.DataFrame:
        later = pl.col(column) > day
        return frame.with_columns(
            pl.when(later).then(None).otherwise(pl.col(name)).alias(name)
            for name in (column, *also)
        )

    periods = tables.care_periods.filter(pl.col("period_start") <= day)
    meetings = tables.meetings.filter(
        (pl.col("held_date") <= day).fill_null(value=False)
        | (pl.col("due_date") <= day).fill_null(value=False)
    )
    return JourneyTables(
        children=tables.children,
        care_periods=blank_after(periods, "period_end", "destination"),
        placements=blank_after(tables.placements.filter(pl.col("start_date") <= day), "end_date"),
        legal_statuses=blank_after(
            tables.legal_statuses.filter(pl.col("start_date") <= day), "end_date"
        ),
        meetings=blank_after(meetings, "held_date", "outcome"),
        milestones=tables.milestones.filter(pl.col("date") <= day),
    )


def aims_json(folder: Path, capsys: pytest.CaptureFixture[str], *arguments: str) -> object:
    assert main(["aims", str(folder), "--json", *arguments]) == 0
    payload = json.loads(capsys.readouterr().out)
    return [(aim["aim"]["id"], aim["overall"], aim["periods"]) for aim in payload["aims"]]


def test_a_past_date_keeps_every_child_the_extract_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tables = synthetic(SEEDS[0])
    write_canonical_csv(tables, tmp_path)
    past = date(2023, 6, 30)
    measured = aims_json(tmp_path, capsys, "--as-of", past.isoformat())
    frame = build_journeys_frame(tables, past, authority="x")
    expected = [
        (result.aim.id, result.overall.as_dict()) for result in evaluate_aims(frame, as_of=past)
    ]
    assert [(aim, overall) for aim, overall, _ in measured] == expected  # type: ignore[misc]


def test_a_measuring_date_after_the_extract_was_taken_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_canonical_csv(synthetic(SEEDS[0]), tmp_path)
    code = main(["aims", str(tmp_path), "--as-of", "2025-04-01", "--extract-date", "2025-03-31"])
    assert code == 2
    assert "after the extract was taken" in capsys.readouterr().err


@pytest.mark.parametrize("seed", SEEDS)
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(days_back=st.integers(0, 5 * 365))
def test_figures_as_of_a_past_date_equal_the_extract_cut_by_hand(
    seed: int,
    days_back: int,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    day = END - timedelta(days=days_back)
    tables = synthetic(seed)
    whole, cut = tmp_path_factory.mktemp("whole"), tmp_path_factory.mktemp("cut")
    write_canonical_csv(tables, whole)
    write_canonical_csv(cut_by_hand(tables, day), cut)
    taken = END.isoformat()
    from_whole = aims_json(whole, capsys, "--as-of", day.isoformat(), "--extract-date", taken)
    from_cut = aims_json(cut, capsys, "--as-of", day.isoformat(), "--extract-date", day.isoformat())
    assert from_whole == from_cut


def stages_json(folder: Path, capsys: pytest.CaptureFixture[str], *arguments: str) -> object:
    assert main(["stages", str(folder), "--json", "--by", "period", *arguments]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["overall"]["stages"]  # something was measured
    return {key: value for key, value in payload.items() if key != "as_of"}


@pytest.mark.parametrize("day", [date(2022, 12, 31), date(2024, 6, 30)])
def test_where_children_wait_as_of_a_past_date_equals_the_extract_cut_by_hand(
    day: date, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Finding 4 names `permanence stages` too: it reads the extract as `aims` does.
    tables = synthetic(SEEDS[1])
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    write_canonical_csv(tables, whole)
    write_canonical_csv(cut_by_hand(tables, day), cut)
    from_whole = stages_json(
        whole, capsys, "--as-of", day.isoformat(), "--extract-date", "2025-03-31"
    )
    from_cut = stages_json(
        cut, capsys, "--as-of", day.isoformat(), "--extract-date", day.isoformat()
    )
    assert from_whole == from_cut
