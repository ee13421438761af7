"""Charts drawn for a report keep the dashboard's spec; only a long title is broken."""

from __future__ import annotations

import polars as pl

from permanence.charts import ChartSpec
from permanence.reports.figures import PDF_CHART_WIDTH, fitted
from permanence.reports.pptx import png_size


def _chart(title: str) -> ChartSpec:
    return ChartSpec(
        name="c",
        title=title,
        spec={"title": {"text": title}, "mark": "point"},
        alt_text="A chart.",
        data=pl.DataFrame(),
    )


def test_a_short_title_is_left_alone() -> None:
    chart = _chart("Aim 2: weeks waited for the permanence recommendation")
    assert fitted(chart, PDF_CHART_WIDTH) is chart


def test_a_long_title_is_broken_into_lines_that_fit_and_nothing_else_changes() -> None:
    title = (
        "Our Aim 2: a recommendation within 26 weeks for 80% of children accommodated "
        "from April 2024: weeks waited for the permanence recommendation"
    )
    chart = _chart(title)
    narrow = fitted(chart, PDF_CHART_WIDTH)
    lines = narrow.spec["title"]["text"]
    assert isinstance(lines, list) and len(lines) >= 2
    assert " ".join(lines) == title
    # 20 px bold letters are about 12 px wide: each line fits 760 px with its padding.
    assert all(len(line) * 12 <= PDF_CHART_WIDTH - 40 for line in lines)
    assert chart.spec["title"]["text"] == title  # the original spec is untouched
    assert narrow.spec["mark"] == chart.spec["mark"] and narrow.alt_text == chart.alt_text


def test_png_size_reads_the_header() -> None:
    header = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (1920).to_bytes(4, "big")
    assert png_size(header + (1080).to_bytes(4, "big")) == (1920, 1080)
