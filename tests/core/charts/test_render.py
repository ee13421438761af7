"""Every chart type renders to SVG and PNG with vl-convert at the Vega-Lite version the page
serves, and every spec is valid against the Vega-Lite schema, accessible, and plain JSON.

This is what proves the specs are valid Vega-Lite for vega-lite 6.4.1: vl-convert compiles
them with that version, and the JSON schema shipped with Altair for it checks them.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import polars as pl
import pytest

from permanence.charts import (
    render_png,
    render_svg,
    series_run_chart,
    with_fixed_width,
)
from permanence.charts.spec import VEGA_LITE_SCHEMA

NAMES = sorted(
    [
        "aim run chart",
        "still waiting",
        "survival",
        "p chart",
        "trend",
        "stages",
        "stages by period",
        "process measure",
    ]
)
EVERY = [*NAMES, *(f"{name} (empty)" for name in NAMES), "i chart with phases"]


@cache
def vega_lite_validator() -> jsonschema.protocols.Validator:
    """The Vega-Lite 6.4.1 JSON schema, as Altair ships it, compiled once."""
    path = resources.files("altair") / "vegalite" / "v6" / "schema" / "vega-lite-schema.json"
    schema = json.loads(path.read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    return validator_class(schema)


def with_few_rows(spec: Any) -> Any:
    """The spec with each inline data set cut to three rows: the schema checks structure,
    and checking thousands of identical rows only takes time."""
    if isinstance(spec, dict):
        return {
            key: value[:3] if key == "values" and isinstance(value, list) else with_few_rows(value)
            for key, value in spec.items()
        }
    if isinstance(spec, list):
        return [with_few_rows(item) for item in spec]
    return spec


def test_the_list_of_charts_is_complete(every_chart):
    assert set(every_chart) == set(EVERY)


@pytest.mark.parametrize("name", EVERY)
def test_renders_to_svg_and_png(name, every_chart):
    chart = every_chart[name]
    svg = render_svg(chart)
    assert svg.startswith("<svg")
    assert 'aria-roledescription="' in svg  # Vega's ARIA output is on
    assert "NaN" not in svg  # nothing drawn at an impossible size or place
    png = render_png(chart)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")
    assert width == 2 * 960  # rendered at the fixed width, at scale 2


@pytest.mark.parametrize("name", EVERY)
def test_spec_is_valid_plain_json_vega_lite(name, every_chart):
    chart = every_chart[name]
    text = json.dumps(chart.spec, allow_nan=False)  # no NaN, no dates: plain JSON
    assert json.loads(text) == chart.spec
    vega_lite_validator().validate(with_few_rows(chart.spec))
    assert chart.spec["$schema"] == VEGA_LITE_SCHEMA


@pytest.mark.parametrize("name", EVERY)
def test_every_chart_is_accessible_and_has_its_data(name, every_chart):
    chart = every_chart[name]
    assert chart.spec["description"] == chart.alt_text
    assert chart.spec["config"]["aria"] is True
    assert len(chart.alt_text) > 40
    assert "LAC" not in chart.alt_text + chart.to_json()
    assert "cases" not in (chart.alt_text + chart.to_json()).lower()
    assert chart.spec["width"] == "container"  # the page fills its column
    assert re.fullmatch(r"[a-z0-9_-]+", chart.name)
    header = pl.read_csv(chart.to_csv().encode()).columns if chart.data.height else None
    assert header in (None, chart.data.columns)
    if "(empty)" in name:
        assert chart.data.height == 0
        message = json.dumps(chart.spec)
        assert "No children yet" in message or "No data yet" in message
    else:
        assert chart.data.height > 0


def test_the_fixed_width_replaces_only_the_width(every_chart):
    chart = every_chart["aim run chart"]
    fixed = with_fixed_width(chart, 720)
    assert fixed.spec["width"] == 720
    assert chart.spec["width"] == "container"
    assert {k: v for k, v in fixed.spec.items() if k != "width"} == {
        k: v for k, v in chart.spec.items() if k != "width"
    }
    svg = render_svg(chart, width=720)
    assert 'width="720"' in svg


def test_the_svg_carries_the_text_alternative_as_its_label(every_chart):
    chart = every_chart["aim run chart"]
    svg = render_svg(chart)
    first_words = chart.alt_text.split(".")[0]
    assert f'<desc id="{chart.name}-desc">{first_words}' in svg
    assert f'aria-describedby="{chart.name}-desc"' in svg
    assert f'<title id="{chart.name}-title">{chart.title}</title>' in svg


def test_the_schema_check_can_fail(every_chart):
    broken = json.loads(every_chart["trend"].to_json())
    broken["layer"][0]["mark"]["type"] = "column"  # not a Vega-Lite mark
    with pytest.raises(jsonschema.ValidationError):
        vega_lite_validator().validate(with_few_rows(broken))


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return set()


def test_no_chart_carries_a_child_reference_unless_asked(every_chart, every_chart_frame):
    refs = set(every_chart_frame.get_column("child_ref").to_list())
    assert len(refs) > 200
    for name, chart in every_chart.items():
        assert not _strings(chart.spec) & refs, name
        assert "child_ref" not in chart.data.columns, name
        cells = {str(v) for column in chart.data.iter_columns() for v in column.to_list()}
        assert not cells & refs, name


def _drawn_points(svg: str) -> list[str]:
    """The path of every point Vega drew (each point mark carries its own ARIA label)."""
    return re.findall(r'aria-roledescription="point"[^>]*?\sd="([^"]*)"', svg)


@pytest.mark.parametrize("signals", [False, True])
def test_every_point_is_actually_drawn(signals):
    # A chart whose legend has a single entry once drew its points at size NaN: invisible.
    # Without signals: 9 runs where 4 to 12 are expected, no shift, no trend.
    values = [40.0, 60, 58, 45, 42, 55, 62, 44, 47, 59, 41, 57, 63, 46]
    values += [10.0] * 7 if signals else []
    months = [date(2022 + i // 12, i % 12 + 1, 1) for i in range(len(values))]
    chart = series_run_chart(
        pl.DataFrame({"date": months, "value": values}),
        name="m",
        title="A measure",
        y_title="Count",
    )
    assert ("No signal:" in chart.alt_text) is not signals
    paths = _drawn_points(render_svg(chart))
    assert len(paths) == len(values)
    assert all(path and "NaN" not in path for path in paths)
