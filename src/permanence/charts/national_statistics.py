"""The published national statistics beside an authority's own figures: the share of
children looked after who live in residential care, Scotland each published year and the
authority on its latest data (analysis/national_statistics.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from permanence.charts.spec import (
    GREY,
    SG_BLUE,
    SG_DARK_BLUE,
    ChartSpec,
    base_spec,
    empty_chart,
    records,
)

WHO = "Who"
WHEN = "On"
SHARE = "Residential care (% of community and residential)"
RESIDENTIAL = "Residential care"
COMMUNITY = "In the community"
SOURCE = "Source"


@dataclass(frozen=True)
class ShareRow:
    who: str
    on: date
    residential: int | None  # None where withheld (disclosure control)
    community: int | None
    source: str

    @property
    def share(self) -> float | None:
        if self.residential is None or self.community is None:
            return None
        base = self.residential + self.community
        return None if base == 0 else round(100 * self.residential / base, 1)


def residential_share_chart(rows: Sequence[ShareRow], *, local_name: str) -> ChartSpec:
    """One bar a row: Scotland's published years in order, then the authority."""
    title = "Children looked after in residential care: Scotland and your authority"
    columns = [WHO, WHEN, RESIDENTIAL, COMMUNITY, SHARE, SOURCE]
    drawn = [row for row in rows if row.share is not None]
    if not drawn:
        return empty_chart(
            name="residential-share", title=title, columns=columns, message="No figures yet"
        )
    table = pl.DataFrame(
        {
            WHO: [row.who for row in rows],
            WHEN: [row.on.strftime("%-d %B %Y") for row in rows],
            RESIDENTIAL: [row.residential for row in rows],
            COMMUNITY: [row.community for row in rows],
            SHARE: [row.share for row in rows],
            SOURCE: [row.source for row in rows],
        },
        schema={
            WHO: pl.String,
            WHEN: pl.String,
            RESIDENTIAL: pl.Int64,
            COMMUNITY: pl.Int64,
            SHARE: pl.Float64,
            SOURCE: pl.String,
        },
    )
    bars = pl.DataFrame(
        {
            "label": [f"{row.who} {row.on.year}" for row in drawn],
            "share": [row.share for row in drawn],
            "local": [row.who == local_name for row in drawn],
        }
    )
    scotland = [row for row in drawn if row.who != local_name]
    local = [row for row in drawn if row.who == local_name]
    words = [
        f"Scotland, {row.on.year}: {row.share}% of children looked after in the community "
        "or in residential care lived in residential care"
        for row in scotland
    ]
    words += [f"{local_name} on {row.on.strftime('%-d %B %Y')}: {row.share}%" for row in local]
    alt_text = f"{title}. " + "; ".join(words) + "."
    withheld = [row for row in rows if row.share is None]
    if withheld:
        alt_text += " Figures withheld under disclosure control are not drawn."
    spec = base_spec(title=title, description=alt_text)
    spec.update(
        {
            "data": {"values": records(bars)},
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "y": {
                    "field": "label",
                    "type": "nominal",
                    "sort": None,
                    "title": None,
                },
                "x": {
                    "field": "share",
                    "type": "quantitative",
                    "title": "Residential care (%)",
                    "scale": {"domain": [0, 100]},
                },
                "color": {
                    "field": "local",
                    "type": "nominal",
                    "scale": {"domain": [False, True], "range": [GREY, SG_BLUE]},
                    "legend": None,
                },
                "stroke": {"value": SG_DARK_BLUE},
            },
        }
    )
    return ChartSpec(
        name="residential-share", title=title, spec=spec, alt_text=alt_text, data=table
    )
