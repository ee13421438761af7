"""``ChartSpec``, the one object every chart is made into, and the shared theme.

One Vega-Lite spec per chart serves the page (vega-embed, ``width: "container"`` so it
fills its column), the PDF and the PowerPoint (vl-convert, given a fixed width by
``render.with_fixed_width``). Beside the spec travel a text alternative worked out from
the data and the data itself as a table with plain-English headings, so nobody needs to
see the chart to know what it says.

The palette (documented in ``docs/charts.md``) is the Scottish Government Design System's
for the lines that carry meaning, and a colour-blind-safe categorical palette for groups.
Every colour here has at least 3:1 contrast against white (WCAG 2.2, 1.4.11 non-text
contrast); colours that label text use a darker shade with 4.5:1 (1.4.3). The tests check
both, and check the categorical palette stays distinguishable under simulated colour
blindness.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import polars as pl

VEGA_LITE_SCHEMA: Final = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
VEGA_LITE_VERSION: Final = "6.4"

# --- colours ---------------------------------------------------------------------------
# Scottish Government Design System colours, each checked against white in the tests.
SG_BLUE: Final = "#0065bd"  # the points of a run chart; bars        (5.8:1)
SG_DARK_BLUE: Final = "#002d54"  # centre lines, strong text              (14.0:1)
AIM_GREEN: Final = "#428542"  # the aim's target line (and its label)   (4.5:1)
IMPROVEMENT_RED: Final = "#d32205"  # the start of the improvement work   (5.3:1)
MEDIAN_ORANGE: Final = "#e5682a"  # the baseline median line            (3.3:1)
MEDIAN_ORANGE_TEXT: Final = "#b3541e"  # its label: text needs 4.5:1     (5.0:1)
GREY: Final = "#6f6f6f"  # limits, annotations, secondary text          (5.0:1)
TEXT: Final = "#1b1b1b"  # body text                                    (17:1)
GRID: Final = "#e6e6e6"  # gridlines carry no information; no contrast needed

#: Colour-blind-safe categories (Okabe and Ito 2008, with the Tol "muted" green and indigo
#: for the two Okabe-Ito colours too light for 3:1 against white). Used in this order for
#: care settings, cohorts, periods and teams; six at most on one chart.
CATEGORY_COLOURS: Final[tuple[str, ...]] = (
    "#0072b2",  # blue
    "#d55e00",  # vermillion
    "#117733",  # green
    "#cc79a7",  # reddish purple
    "#332288",  # indigo
    "#6f6f6f",  # grey
)
#: Line dash patterns to go with the categories, so lines never differ by colour alone.
CATEGORY_DASHES: Final[tuple[tuple[int, ...], ...]] = (
    (1, 0),
    (10, 4),
    (2, 3),
    (12, 3, 3, 3),
    (5, 2, 1, 2, 1, 2),
    (4, 2),
)
MAX_CATEGORIES: Final = len(CATEGORY_COLOURS)
#: Where a child lives always has the same colour, on every chart; "not recorded" is
#: near-black so it never passes for a setting.
SETTING_COLOURS: Final[dict[str, str]] = dict(
    zip(
        ("foster", "kinship", "home", "prospective_adopters", "residential", "other"),
        CATEGORY_COLOURS,
        strict=True,
    )
)
NOT_RECORDED_COLOUR: Final = TEXT

FONT: Final = "Roboto, Helvetica Neue, Arial, sans-serif"
#: Sizes for a meeting-room screen: at 960 px wide on a projector, 14 px labels stay legible
#: from the back of the room.
LABEL_SIZE: Final = 14
AXIS_TITLE_SIZE: Final = 15
TITLE_SIZE: Final = 20
SUBTITLE_SIZE: Final = 14
ANNOTATION_SIZE: Final = 13
DEFAULT_HEIGHT: Final = 380

NO_CHILDREN_YET: Final = "No children yet"


# --- the chart object -------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ChartSpec:
    """A chart ready for the page, the PDF and the PowerPoint.

    ``name`` is a slug for file names and element ids; ``spec`` the Vega-Lite dict (plain
    JSON values: dates as ISO text, no NaN); ``alt_text`` what the chart shows and says in
    plain English, worked out from the data; ``data`` the plotted data as a table with
    plain-English column headings (the page's data table and the CSV download);
    ``caption`` an optional note to print under the chart (why two views differ, trial
    limits) that the alt text also contains.
    """

    name: str
    title: str
    spec: dict[str, Any]
    alt_text: str
    data: pl.DataFrame
    caption: str = ""

    def to_csv(self) -> str:
        """The data table as CSV text: dates as ISO dates, headings as shown."""
        return self.data.write_csv()

    def to_json(self) -> str:
        """The Vega-Lite spec as JSON text, for a page to embed."""
        return json.dumps(self.spec, ensure_ascii=False, allow_nan=False)


# --- building specs ---------------------------------------------------------------------


def theme_config() -> dict[str, Any]:
    """The ``config`` block every spec carries."""
    return {
        "aria": True,
        "background": "white",
        "font": FONT,
        "padding": 8,
        "view": {"stroke": None},
        "title": {
            "fontSize": TITLE_SIZE,
            "subtitleFontSize": SUBTITLE_SIZE,
            "subtitleColor": TEXT,
            "color": TEXT,
            "anchor": "start",
            "offset": 12,
            "subtitlePadding": 6,
        },
        "axis": {
            "labelFontSize": LABEL_SIZE,
            "titleFontSize": AXIS_TITLE_SIZE,
            "titleFontWeight": "normal",
            "labelColor": TEXT,
            "titleColor": TEXT,
            "gridColor": GRID,
            "domainColor": GREY,
            "tickColor": GREY,
            "labelOverlap": True,
            "labelSeparation": 8,
            "titlePadding": 10,
        },
        "legend": {
            "labelFontSize": LABEL_SIZE,
            "titleFontSize": LABEL_SIZE,
            "labelColor": TEXT,
            "titleColor": TEXT,
            "orient": "bottom",
            "direction": "horizontal",
            "symbolSize": 140,
            "columnPadding": 16,
            "labelLimit": 320,
        },
        "text": {"fontSize": ANNOTATION_SIZE, "color": TEXT},
        "point": {"size": 90, "filled": True},
        "line": {"strokeWidth": 2.5},
        "rule": {"strokeWidth": 2},
        "locale": {
            "number": {
                "decimal": ".",
                "thousands": ",",
                "grouping": [3],
                "currency": ["£", ""],
            }
        },
    }


def base_spec(
    *,
    title: str,
    description: str,
    subtitle: Sequence[str] = (),
    height: int | dict[str, Any] = DEFAULT_HEIGHT,
) -> dict[str, Any]:
    """The outer spec of a chart: title, ARIA description, width and theme.

    ``width: "container"`` makes the chart fill its column on the page; the renderers
    swap in a fixed width (``render.with_fixed_width``). ``autosize`` fits the whole
    chart, axes and legend included, into that width.
    """
    heading: dict[str, Any] = {"text": title}
    if subtitle:
        heading["subtitle"] = list(subtitle)
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": heading,
        "description": description,
        "width": "container",
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": theme_config(),
    }


def empty_chart(
    *,
    name: str,
    title: str,
    columns: Sequence[str],
    message: str = NO_CHILDREN_YET,
    alt_text: str | None = None,
) -> ChartSpec:
    """A valid chart that says, in words on the chart, that there is nothing to draw yet."""
    text = alt_text or f"{title}: {message.lower()}, so there is nothing to draw."
    spec = base_spec(title=title, description=text, height=160)
    spec.update(
        {
            "data": {"values": [{"message": message}]},
            "mark": {"type": "text", "fontSize": 18, "color": GREY},
            "encoding": {"text": {"field": "message", "type": "nominal"}},
        }
    )
    return ChartSpec(
        name=name,
        title=title,
        spec=spec,
        alt_text=text,
        data=pl.DataFrame(schema=dict.fromkeys(columns, pl.String)),
    )


def records(frame: pl.DataFrame, *, digits: int = 3) -> list[dict[str, Any]]:
    """Rows as plain JSON values: dates as ISO text, floats rounded, NaN as null.

    Done with polars expressions on whole columns, so a chart of thousands of points
    costs one pass.
    """
    conversions: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.Date or isinstance(dtype, pl.Datetime):
            conversions.append(column.dt.strftime("%Y-%m-%d").alias(name))
        elif dtype.is_float():
            conversions.append(column.fill_nan(None).round(digits).alias(name))
    converted = frame.with_columns(conversions) if conversions else frame
    return converted.to_dicts()


def categorical_scale(domain: Sequence[str]) -> dict[str, Any]:
    """A colour scale giving each of ``domain`` its palette colour, in order."""
    return {"domain": list(domain), "range": list(CATEGORY_COLOURS[: len(domain)])}


def dash_scale(domain: Sequence[str]) -> dict[str, Any]:
    return {"domain": list(domain), "range": [list(d) for d in CATEGORY_DASHES[: len(domain)]]}
