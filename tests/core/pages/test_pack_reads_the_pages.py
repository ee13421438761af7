"""The report pack and the dashboard pages show the same figures because the pack calls
the pages' functions: built from one frame, they agree, and a change to what a page
function returns shows in the pack too."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import polars as pl
import pytest

from permanence.analysis.aims import NATIONAL_AIMS
from permanence.journey.frame import build_journeys_frame
from permanence.pages import aim_page, overview, stages
from permanence.pages.filters import Filters
from permanence.pages.identity import Identity
from permanence.reports.build import build_pack
from permanence.reports.content import PackContent
from permanence.synth import generate

AS_OF = date(2026, 9, 30)


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return build_journeys_frame(generate(120, 11, end=AS_OF), AS_OF, authority="SYN")


def pack_of(frame: pl.DataFrame) -> PackContent:
    return build_pack(
        frame, NATIONAL_AIMS, authority_name="Synthetic", authority_code="SYN", as_of=AS_OF
    )


def test_the_pack_shows_the_overview_pages_figures(frame: pl.DataFrame) -> None:
    page = overview.overview(frame, NATIONAL_AIMS, Filters(), {}, as_of=AS_OF)
    pack = pack_of(frame)
    assert (pack.looked_after, pack.accommodated, pack.waiting_for_recommendation) == (
        page.looked_after,
        page.accommodated,
        page.waiting_for_recommendation,
    )
    assert page.looked_after > 0
    shown = [
        (
            s.aim.id,
            s.percent_met,
            s.known,
            s.still_waiting,
            s.past_target,
            s.left_without_end,
            s.headline,
            s.progress,
        )
        for s in page.aims
    ]
    assert shown == [
        (
            s.aim.id,
            s.percent_met,
            s.known,
            s.still_waiting,
            s.past_target,
            s.left_without_end,
            s.headline,
            s.progress,
        )
        for s in pack.aims
    ]
    assert any(s.known for s in page.aims)


def test_the_pack_shows_the_stages_pages_table(frame: pl.DataFrame) -> None:
    page = stages.stages_page(frame, Filters(), as_of=AS_OF)
    pack = pack_of(frame)
    assert pack.stages == page.rows
    assert pack.stage_sentence == page.top
    assert pack.stage_children == page.children > 0


def test_the_pack_shows_the_survival_curve_of_the_aims_page(frame: pl.DataFrame) -> None:
    aim_2 = next(aim for aim in NATIONAL_AIMS if aim.id == "aim_2")
    page = aim_page.aim_page(frame, aim_2, Filters(), Identity({}), as_of=AS_OF)
    pack = pack_of(frame)
    assert page.survival is not None and pack.survival is not None
    assert pack.survival.data.equals(page.survival.data)


def test_what_the_overview_function_returns_is_what_the_pack_shows(
    frame: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = overview.summarise_aim

    def marked(*args: Any, **kwargs: Any) -> overview.AimSummary:
        summary = real(*args, **kwargs)
        return replace(summary, headline=f"marked {summary.aim.id}", progress="marked")

    monkeypatch.setattr(overview, "summarise_aim", marked)
    pack = pack_of(frame)
    assert [s.headline for s in pack.aims] == [f"marked {aim.id}" for aim in NATIONAL_AIMS]
    assert {s.progress for s in pack.aims} == {"marked"}


def test_what_the_stages_function_returns_is_what_the_pack_shows(
    frame: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stages, "where_most_waiting_is", lambda ranked: f"marked {len(ranked)}")
    pack = pack_of(frame)
    assert pack.stage_sentence == f"marked {len(pack.stages)}"


def test_what_the_survival_function_returns_is_what_the_pack_shows(
    frame: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aim_page, "aim_survival_chart", lambda result: None)
    assert pack_of(frame).survival is None
