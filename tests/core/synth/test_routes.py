"""The generator produces every route through the journey that docs/aims.md counts, about
as often as docs/synthetic-data.md says (issue 13)."""

from __future__ import annotations

import polars as pl
import pytest

from permanence.journey.frame import build_journeys_frame

from .conftest import END, authority


@pytest.fixture(scope="module", params=[1, 2])
def frame(request: pytest.FixtureRequest) -> pl.DataFrame:
    return build_journeys_frame(authority(5000, request.param), END, authority="S")


ROUTES: dict[str, tuple[pl.Expr, float, float]] = {
    # (who, lowest and highest share of accommodated care periods, in percent)
    "a return home that broke down": (
        (pl.col("home_returns_count") >= 1) & pl.col("returned_home_date").is_null(),
        1.0,
        3.5,
    ),
    "a plan not agreed, then agreed at a second panel": (
        (pl.col("permanence_panel_count") >= 2) & pl.col("plan_agreed_date").is_not_null(),
        1.0,
        3.5,
    ),
    "a return home recommended, reversed, then permanence away from home": (
        (pl.col("recommendation_route") == "return_home")
        & pl.col("decision_away_date").is_not_null(),
        0.3,
        2.0,
    ),
    "a plan away from home reversed and made again": (
        (pl.col("recommendation_route") != "return_home") & (pl.col("reversal_count") >= 1),
        0.7,
        2.5,
    ),
    "back home and still looked after at the end of the history": (
        pl.col("returned_home_date").is_not_null() & pl.col("period_end").is_null(),
        2.0,
        6.0,
    ),
    "home without a recommendation while still looked after": (
        pl.col("returned_home_date").is_not_null() & pl.col("recommendation_date").is_null(),
        2.0,
        7.0,
    ),
}


@pytest.mark.parametrize("route", list(ROUTES))
def test_every_route_is_generated_about_as_often_as_documented(
    frame: pl.DataFrame, route: str
) -> None:
    who, lowest, highest = ROUTES[route]
    accommodated = frame.filter(pl.col("accommodated_date").is_not_null())
    percent = 100 * accommodated.filter(who).height / accommodated.height
    assert lowest <= percent <= highest, f"{route}: {percent:.1f}%"
