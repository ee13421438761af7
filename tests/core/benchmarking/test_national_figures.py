"""The national figures from synthetic authorities of very different sizes.

Each figure is checked against the same quantity worked out another way (the aims'
own figures per authority, Kaplan-Meier straight from the frame's dates, the stage
table per authority), and everything published is checked for small counts and for
hidden counts that could be worked out.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from permanence.analysis.aims import AIM_2, NATIONAL_AIMS
from permanence.analysis.aims_outcomes import evaluate_aim
from permanence.analysis.benchmarking import (
    COUNT_COLUMNS,
    NationalFigures,
    Section,
    national_figures,
)
from permanence.analysis.disclosure import TOTAL, hidden_counts, recoverable_cells
from permanence.analysis.stages import stage_table
from permanence.analysis.survival import follow_up, grouped_survival
from permanence.journey.frame import build_journeys_frame
from permanence.synth import generate

AS_OF = date(2026, 3, 31)
SIZES = {"TINY": 12, "SMALL": 60, "MID": 300, "BIG": 900}


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    frames = [
        build_journeys_frame(
            generate(children, seed, end=AS_OF, years=6).with_authority(code), AS_OF
        )
        for seed, (code, children) in enumerate(SIZES.items(), start=1)
    ]
    return pl.concat(frames)


@pytest.fixture(scope="module")
def figures(frame: pl.DataFrame) -> NationalFigures:
    return national_figures(frame)


def test_no_published_count_is_from_one_to_four(figures: NationalFigures) -> None:
    for column in COUNT_COLUMNS:
        assert hidden_counts(figures.aims.get_column(column).drop_nulls().to_list()) == []
    for column in ("met", "not_met", "known"):
        assert hidden_counts(figures.bands.get_column(column).drop_nulls().to_list()) == []
    assert not {"children", "reached"} & set(figures.survival.columns)
    assert not {"children", "reached"} & set(figures.stages.columns)
    assert "child_ref" not in str(figures.as_dict())


def test_no_hidden_count_can_be_worked_out(figures: NationalFigures) -> None:
    for table in figures.tables.values():
        assert recoverable_cells(table) == []
    # The tiny authority has small counts somewhere, so something is hidden.
    assert figures.aims.filter(pl.col("authority") == "TINY")["met"].null_count() >= 1


def test_percentages_are_withheld_exactly_where_their_counts_are_hidden(
    figures: NationalFigures,
) -> None:
    hidden = figures.aims.filter(pl.col("met").is_null() | pl.col("not_met").is_null())
    assert hidden["percent"].null_count() == hidden.height
    assert hidden["standardised_percent"].null_count() == hidden.height
    assert hidden["funnel"].null_count() == hidden.height
    shown = figures.aims.filter(
        pl.col("met").is_not_null() & pl.col("not_met").is_not_null() & (pl.col("known") > 0)
    )
    assert shown["percent"].null_count() == 0
    for row in shown.iter_rows(named=True):
        expected = 100 * row["met"] / row["known"]
        assert abs(row["percent"] - expected) <= 0.5
        assert row["percent_lower"] <= row["percent"] <= row["percent_upper"]


def test_the_counts_are_the_aims_own_figures(frame: pl.DataFrame, figures: NationalFigures) -> None:
    for aim in NATIONAL_AIMS:
        national = dict.fromkeys(("counted", "met", "not_met", "pending", "stopped"), 0)
        for code in SIZES:
            overall = evaluate_aim(frame.filter(pl.col("authority") == code), aim).overall
            row = figures.aims.filter(
                (pl.col("aim") == aim.id) & (pl.col("authority") == code)
            ).row(0, named=True)
            for name in national:
                value = getattr(overall, name)
                national[name] += value
                assert row[name] in {value, None}
        total = figures.aims.filter((pl.col("aim") == aim.id) & (pl.col("authority") == TOTAL)).row(
            0, named=True
        )
        for name, value in national.items():
            assert total[name] in {value, None}


def test_kaplan_meier_medians_match_the_frame_directly(
    frame: pl.DataFrame, figures: NationalFigures
) -> None:
    for code in ("MID", "BIG"):
        own = frame.filter(pl.col("authority") == code)
        data = follow_up(
            own,
            start=AIM_2.start_column,
            end=AIM_2.end_column,
            stopped="period_end",
            as_of=AS_OF,
        )
        summary = grouped_survival(data, []).summary.row(0, named=True)
        published = figures.survival.filter(
            (pl.col("aim") == AIM_2.id) & (pl.col("authority") == code)
        ).row(0, named=True)
        assert published["median_weeks"] == int(summary["days_to_half"] / 7 + 0.5)
        assert published["lower_weeks"] == int(summary["days_to_half_lower"] / 7 + 0.5)


def test_stage_medians_match_the_stage_table(frame: pl.DataFrame, figures: NationalFigures) -> None:
    own = stage_table(frame.filter(pl.col("authority") == "BIG")).overall
    published = {
        row["stage"]: row["median_days"]
        for row in figures.stages.filter(pl.col("authority") == "BIG").iter_rows(named=True)
    }
    for stage in own.stages:
        if stage.reached >= 5:
            assert published[stage.key] == int(stage.median + 0.5)  # type: ignore[operator]
        else:
            assert published[stage.key] is None


def test_each_section_holds_only_the_authorities_that_share_it(frame: pl.DataFrame) -> None:
    shares = {
        "TINY": {Section.STAGES},
        "SMALL": {Section.AIMS, Section.SURVIVAL},
        "MID": set(Section),
        "BIG": {Section.AIMS},
    }
    figures = national_figures(frame, shares=shares)
    assert set(figures.aims["authority"]) == {"SMALL", "MID", "BIG", TOTAL}
    assert set(figures.survival["authority"]) == {"SMALL", "MID", TOTAL}
    assert set(figures.stages["authority"]) == {"TINY", "MID", TOTAL}
    alone = national_figures(frame.filter(pl.col("authority").is_in(["SMALL", "MID", "BIG"])))
    both = figures.aims.filter(pl.col("authority") == TOTAL)["counted"]
    assert both.to_list() == alone.aims.filter(pl.col("authority") == TOTAL)["counted"].to_list()


def test_a_withdrawal_is_protected_together_with_what_was_published_before(
    frame: pl.DataFrame, figures: NationalFigures
) -> None:
    remaining = frame.filter(pl.col("authority") != "SMALL")
    after = national_figures(
        remaining, previous={aim: [table] for aim, table in figures.tables.items()}
    )
    assert "SMALL" not in set(after.aims["authority"])
    for aim, table in after.tables.items():
        assert recoverable_cells(figures.tables[aim], table) == []


def test_the_funnel_limits_surround_the_national_percentage(figures: NationalFigures) -> None:
    for aim in ("aim_2", "aim_3", "aim_4"):
        limits = figures.funnels.filter(pl.col("aim") == aim)
        national = figures.aims.filter((pl.col("aim") == aim) & (pl.col("authority") == TOTAL))
        if national["percent"].item() is None:
            continue
        assert limits.height > 20
        centre = limits["centre"].unique().item()
        assert abs(centre - 100 * national["met"].item() / national["known"].item()) < 0.01
        assert (limits["lower_95"] <= limits["centre"]).all()
        assert (limits["upper_95"] >= limits["centre"]).all()


def test_figures_are_json_ready(figures: NationalFigures) -> None:
    import json

    text = json.dumps(figures.as_dict())
    assert "NaN" not in text
    raw = figures.raw_tables()
    assert set(raw) == {aim.id for aim in NATIONAL_AIMS}
