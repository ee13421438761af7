"""An accepted phase is drawn the same way by the aim's page, the overview's headline and
the report pack: each reads it from the aim's ``ImprovementMarks``. A phase, accepted or
suggested, that begins before the improvement work says so."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest

from permanence.analysis.aims import NATIONAL_AIMS
from permanence.charts import ImprovementMarks, PhaseStart, aim_run_points
from permanence.journey.frame import build_journeys_frame
from permanence.pages.aim_page import aim_page
from permanence.pages.filters import Filters
from permanence.pages.identity import Identity
from permanence.reports.build import build_pack
from permanence.synth import generate

AS_OF = date(2026, 9, 30)
AIM_2 = next(aim for aim in NATIONAL_AIMS if aim.id == "aim_2")


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return build_journeys_frame(generate(120, 11, end=AS_OF), AS_OF, authority="SYN")


def data_rows(spec: Any) -> list[dict[str, Any]]:
    """Every row of every inline dataset in a Vega-Lite spec."""
    found: list[dict[str, Any]] = []
    if isinstance(spec, dict):
        values = spec.get("data", {}).get("values") if isinstance(spec.get("data"), dict) else None
        if isinstance(values, list):
            found += [row for row in values if isinstance(row, dict)]
        for key, value in spec.items():
            if key != "data":
                found += data_rows(value)
    elif isinstance(spec, list):
        for item in spec:
            found += data_rows(item)
    return found


def phase_medians(spec: Any) -> dict[int, float]:
    return {row["phase"]: row["median"] for row in data_rows(spec) if "line" in row}


def a_phase(frame: pl.DataFrame) -> tuple[PhaseStart, float]:
    """A phase from two thirds of the way along Aim 2's chart, resting on every child from
    there, and its median worked out by hand from the children's waits."""
    page = aim_page(frame, AIM_2, Filters(), Identity({}), as_of=AS_OF)
    points = aim_run_points(page.summary.result.children)
    dates = points.get_column("date").to_list()
    on = dates[len(dates) * 2 // 3]
    later = points.filter(pl.col("date") >= on).get_column("value").to_list()
    return PhaseStart(on, len(later)), statistics.median(later)


def test_the_page_and_the_pack_draw_the_accepted_phases_median(frame: pl.DataFrame) -> None:
    phase, by_hand = a_phase(frame)
    marks = ImprovementMarks(start=phase.on - timedelta(days=400), phases=(phase,))
    page = aim_page(frame, AIM_2, Filters(), Identity({}), marks, as_of=AS_OF)
    medians = phase_medians(page.run_chart.spec)
    assert medians[2] == pytest.approx(by_hand, abs=1e-3)
    assert medians[1] != pytest.approx(by_hand, abs=1e-3)

    pack = build_pack(
        frame,
        NATIONAL_AIMS,
        authority_name="Synthetic",
        authority_code="SYN",
        as_of=AS_OF,
        marks={"aim_2": marks},
    )
    charts = next(c for c in pack.aim_charts if c.aim_id == "aim_2")
    assert phase_medians(charts.run_chart.spec) == medians
    assert charts.findings == page.findings


def test_without_an_accepted_phase_there_is_one_median(frame: pl.DataFrame) -> None:
    phase, _ = a_phase(frame)
    marks = ImprovementMarks(start=phase.on - timedelta(days=400))
    page = aim_page(frame, AIM_2, Filters(), Identity({}), marks, as_of=AS_OF)
    assert set(phase_medians(page.run_chart.spec)) == {1}


def test_an_accepted_phase_before_the_improvement_work_says_so(frame: pl.DataFrame) -> None:
    phase, _ = a_phase(frame)
    start = phase.on + timedelta(days=30)
    early = ImprovementMarks(start=start, phases=(phase,))
    page = aim_page(frame, AIM_2, Filters(), Identity({}), early, as_of=AS_OF)
    said = [line for line in page.findings if "accepted from" in line]
    assert len(said) == 1
    assert "began before the improvement work did" in said[0]
    after = ImprovementMarks(start=phase.on - timedelta(days=30), phases=(phase,))
    page = aim_page(frame, AIM_2, Filters(), Identity({}), after, as_of=AS_OF)
    assert not [line for line in page.findings if "accepted from" in line]


def test_the_page_offers_each_suggested_phase_by_the_date_of_its_first_child(
    frame: pl.DataFrame,
) -> None:
    offered = 0
    for aim in NATIONAL_AIMS:
        page = aim_page(frame, aim, Filters(), Identity({}), as_of=AS_OF)
        suggested = [line for line in page.findings if "sustained shift" in line]
        assert len(suggested) == len(page.suggestions)
        for phase, line in zip(page.suggestions, suggested, strict=True):
            assert f"{phase.on:%B} {phase.on.year}" in line
            assert phase.baseline_n is not None and phase.baseline_n >= 9
            offered += 1
            # Once accepted, the chart draws it and no longer offers it.
            accepted = ImprovementMarks(phases=(phase,))
            again = aim_page(frame, aim, Filters(), Identity({}), accepted, as_of=AS_OF)
            assert phase not in again.suggestions
            assert 2 in phase_medians(again.run_chart.spec)
    assert offered, "the synthetic authority's charts suggest no phase: the test means nothing"
