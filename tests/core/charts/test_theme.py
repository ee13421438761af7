"""The palette: contrast against white (WCAG 2.2) and distinguishable with colour blindness.

The contrast ratio and the colour-blindness simulation are implemented here from their
published definitions, independently of the chart code: WCAG 2.2's relative luminance
and contrast ratio, and the Machado, Oliveira and Fernandes (2009) matrices at full
severity for protanopia, deuteranopia and tritanopia, compared in CIELAB.
"""

from __future__ import annotations

import itertools
import json
import re

import numpy as np
import pytest

from permanence.charts import signals, spec

WHITE = "#ffffff"


def _linear(hex_colour: str) -> np.ndarray:
    channels = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)


def luminance(hex_colour: str) -> float:
    red, green, blue = _linear(hex_colour)
    return float(0.2126 * red + 0.7152 * green + 0.0722 * blue)


def contrast(a: str, b: str = WHITE) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


MACHADO = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
    "typical": np.eye(3).tolist(),
}


def lab(linear_rgb: np.ndarray) -> np.ndarray:
    to_xyz = np.array(
        [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    )
    xyz = to_xyz @ np.clip(linear_rgb, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


GRAPHICAL = {
    "SG blue": spec.SG_BLUE,
    "SG dark blue": spec.SG_DARK_BLUE,
    "aim green": spec.AIM_GREEN,
    "improvement red": spec.IMPROVEMENT_RED,
    "median orange": spec.MEDIAN_ORANGE,
    "grey": spec.GREY,
    **{f"category {i}": colour for i, colour in enumerate(spec.CATEGORY_COLOURS)},
    **{f"signal {name}": style.colour for name, style in signals.STYLES.items()},
}
TEXT_COLOURS = {
    "text": spec.TEXT,
    "aim green label": spec.AIM_GREEN,
    "improvement red label": spec.IMPROVEMENT_RED,
    "median label": spec.MEDIAN_ORANGE_TEXT,
    "grey label": spec.GREY,
    "dark blue label": spec.SG_DARK_BLUE,
}


def test_contrast_ratio_matches_published_examples():
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)  # the usual 4.5:1 grey
    assert contrast(WHITE) == pytest.approx(1.0)


@pytest.mark.parametrize(("name", "colour"), sorted(GRAPHICAL.items()))
def test_graphical_objects_have_3_to_1_against_white(name, colour):
    assert contrast(colour) >= 3.0, f"{name} {colour}: {contrast(colour):.2f}"


@pytest.mark.parametrize(("name", "colour"), sorted(TEXT_COLOURS.items()))
def test_text_has_4_5_to_1_against_white(name, colour):
    assert contrast(colour) >= 4.5, f"{name} {colour}: {contrast(colour):.2f}"


@pytest.mark.parametrize("vision", sorted(MACHADO))
def test_categories_stay_distinguishable_with_colour_blindness(vision):
    matrix = np.array(MACHADO[vision])
    seen = [lab(matrix @ _linear(colour)) for colour in spec.CATEGORY_COLOURS]
    closest = min(float(np.linalg.norm(a - b)) for a, b in itertools.combinations(seen, 2))
    assert closest >= 12, f"two categories are {closest:.1f} apart (CIE76) for {vision}"


def test_signal_styles_differ_from_a_plain_point_in_shape_and_colour():
    plain = signals.shape_and_colour([signals.NO_SIGNAL, *signals.STYLES])
    shapes = plain["shape"]["scale"]["range"]
    colours = plain["color"]["scale"]["range"]
    for shape, colour in zip(shapes[1:], colours[1:], strict=True):
        assert shape != shapes[0]
        assert colour != colours[0]


def test_every_colour_in_every_spec_is_one_of_the_documented_palette(every_chart):
    documented = {
        c.lower()
        for c in [
            *GRAPHICAL.values(),
            *TEXT_COLOURS.values(),
            spec.GRID,
            spec.NOT_RECORDED_COLOUR,
            "white",
        ]
    }
    for chart in every_chart.values():
        for colour in re.findall(r"#[0-9a-fA-F]{6}", json.dumps(chart.spec)):
            assert colour.lower() in documented, f"{chart.name} uses {colour}"


def test_margin_labels_of_close_lines_are_drawn_clear_of_their_lines_and_each_other() -> None:
    # Vega places a multi-line label by its first line, the rest follow it down: a
    # two-line label "above" its line would otherwise straddle it (and cover the label
    # of a close line below). Measured on the SVG that vl-convert draws, as the PDF and
    # the slides are drawn: an aim at 16 weeks and a median at 15.9, as in Aim 4.
    import vl_convert

    from permanence.charts.layers import side_label

    height, top_of_scale, size = 200, 30.0, 13
    y = {"field": "at", "type": "quantitative", "scale": {"domain": [0, top_of_scale]}}
    drawn = vl_convert.vegalite_to_svg(
        json.dumps(
            {
                "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
                "width": 300,
                "height": height,
                "layer": [
                    side_label(16.0, ["Aim:", "16 weeks"], "#000", y, above=True),
                    side_label(15.9, ["Median", "15.9 weeks"], "#000", y, above=False),
                ],
            }
        )
    )

    def block(first_line: str) -> tuple[float, float]:
        """The label's top and bottom in pixels, from its first baseline and its lines."""
        found = re.search(
            rf'translate\(\d+(?:\.\d+)?,([\d.]+)\)"[^>]*font-size="{size}px"[^>]*>'
            rf"<tspan>{first_line}</tspan>((?:<tspan[^>]*>[^<]*</tspan>)*)",
            drawn,
        )
        assert found is not None, f"no label starting {first_line!r} in the drawing"
        baseline = float(found.group(1))
        below_first = sum(float(dy) for dy in re.findall(r'dy="([\d.]+)"', found.group(2)))
        return baseline - 0.8 * size, baseline + below_first + 0.25 * size

    def level(value: float) -> float:
        return height * (1 - value / top_of_scale)

    _, aim_bottom = block("Aim:")
    median_top, _ = block("Median")
    assert aim_bottom <= level(16.0), "the aim's label crosses its line"
    assert median_top >= level(15.9), "the median's label crosses its line"
    assert aim_bottom <= median_top, "the two labels overlap"
