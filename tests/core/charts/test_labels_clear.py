"""The words on a run chart are never hidden: "Phase 2 begins" and the improvement label
are drawn after the points (so a dot is never over them) on a white outline (so a
test of change's dashed rule never strikes through them), and the phase label sits in
the band at the top that the chart keeps clear of points, under the improvement label.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl

from permanence.charts.annotations import LABEL_ROW, Annotation, TopBand
from permanence.charts.runchart import PhaseStart, analyse_points, run_chart

START = date(2023, 1, 1)
DATES = [START + timedelta(days=30 * i) for i in range(30)]
# 18 months near 60 weeks, then 12 near 35; one child at 3 weeks where a label once sat.
VALUES = [60.0, 64, 61, 53, 65, 62, 57, 63, 62, 61, 60, 63, 56, 59, 57, 63, 60, 58]
VALUES += [32, 3, 35, 34, 40, 39, 24, 27, 34, 33, 36, 36]
IMPROVEMENT = date(2024, 6, 1)
TESTS = [Annotation(date(2024, 6, 20), "Weekly tracking"), Annotation(date(2024, 9, 1), "Early")]


def _chart(**kwargs: Any) -> dict[str, Any]:
    points = pl.DataFrame({"date": DATES, "value": VALUES})
    result = analyse_points(
        points, improvement_start=IMPROVEMENT, phase_starts=[PhaseStart(DATES[18], 6)]
    )
    assert result is not None and len(result.phases) == 2
    return run_chart(points, result, name="c", title="C", y_title="Weeks", **kwargs).spec


def _index(layers: list[dict[str, Any]], test: Any) -> list[int]:
    return [number for number, layer in enumerate(layers) if test(layer)]


def _is_text(layer: dict[str, Any], words: str) -> bool:
    values = layer.get("data", {}).get("values", [])
    mark = layer.get("mark", {})
    return mark.get("type") == "text" and any(words in str(row.get("text")) for row in values)


def test_the_phase_and_improvement_labels_are_over_the_points_on_an_outline() -> None:
    layers = _chart(improvement_start=IMPROVEMENT, annotations=TESTS)["layer"]
    (points,) = _index(layers, lambda layer: "shape" in layer.get("encoding", {}))
    for words in ("Phase 2 begins", "The improvement work began"):
        outline, label = _index(layers, lambda layer, w=words: _is_text(layer, w))
        assert points < outline < label, words
        assert layers[outline]["mark"]["stroke"] == "white", words
        assert layers[outline]["mark"]["strokeWidth"] >= 3, words
        assert "stroke" not in layers[label]["mark"], words
    # The phase's rule stays under the points.
    (rule,) = _index(
        layers,
        lambda layer: (
            layer.get("mark", {}).get("type") == "rule"
            and any("Phase 2" in str(row.get("text")) for row in layer["data"]["values"])
        ),
    )
    assert rule < points


def test_the_phase_label_sits_in_the_top_band_under_the_improvement_label() -> None:
    layers = _chart(improvement_start=IMPROVEMENT, annotations=TESTS)["layer"]
    band = TopBand.plan(TESTS, first=DATES[0], last=DATES[-1], improvement=True, phases=True)
    without = TopBand.plan(TESTS, first=DATES[0], last=DATES[-1], improvement=True)
    (_, phase) = _index(layers, lambda layer: _is_text(layer, "Phase 2 begins"))
    (_, improvement) = _index(layers, lambda layer: _is_text(layer, "improvement work began"))
    phase_y = layers[phase]["encoding"]["y"]["value"]
    improvement_y = layers[improvement]["encoding"]["y"]["value"]
    assert phase_y == improvement_y + LABEL_ROW == band.phase_y
    # The band grows by the phase label's row, so the y scale keeps points out of it.
    assert band.pixels == without.pixels + LABEL_ROW


def test_without_improvement_or_tests_the_phase_label_still_has_its_own_clear_band() -> None:
    layers = _chart()["layer"]
    (_, phase) = _index(layers, lambda layer: _is_text(layer, "Phase 2 begins"))
    band = TopBand.plan([], first=DATES[0], last=DATES[-1], improvement=False, phases=True)
    assert layers[phase]["encoding"]["y"]["value"] == band.phase_y
    assert band.phase_y + LABEL_ROW <= band.pixels
    assert TopBand.plan([], first=DATES[0], last=DATES[-1], improvement=False).pixels == 0
