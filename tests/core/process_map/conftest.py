"""Hand-built journeys for the process map tests: the stage tests' builder (a child is a
few dates, the tables follow), imported rather than copied, and the worked example of
docs/process-map.md."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from ..stages.conftest import Child, accommodated, journey, journeys, tables

__all__ = ["Child", "accommodated", "journey", "journeys", "tables"]


def five_children() -> pl.DataFrame:
    """The worked example of docs/process-map.md, measured on 30 June 2025."""
    as_of = date(2025, 6, 30)
    a = journey(
        "A",
        date(2024, 1, 1),
        planning_72h=3,
        first_review=40,
        recommendation=100,
        panel=150,
        agency_decision=170,
        lodged=200,
        order=300,
    )
    b = journey(
        "B",
        date(2024, 1, 1),
        planning_72h=2,
        first_review=30,
        recommendation=90,
        route="return_home",
        returned_home=100,
        supervision_ended=400,
    )
    c = journey("C", date(2025, 6, 1), planning_72h=5)
    d = journey("D", date(2024, 3, 1), planning_72h=1, left=date(2024, 3, 1) + timedelta(50))
    d.destination = "independent_living"
    e = journey("E", date(2025, 1, 1), planning_72h=-2, first_review=20)
    return journeys([a, b, c, d, e], as_of)


class Build:
    """The builders, handed to tests as the ``build`` fixture."""

    Child = Child
    accommodated = staticmethod(accommodated)
    tables = staticmethod(tables)
    journeys = staticmethod(journeys)
    journey = staticmethod(journey)
    five_children = staticmethod(five_children)


@pytest.fixture(scope="session")
def build() -> type[Build]:
    return Build
