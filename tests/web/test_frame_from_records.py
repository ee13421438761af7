"""The web layer's journeys frame is the core's frame of the same tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from polars.testing import assert_frame_equal

from permanence.journey.frame import build_journeys_frame
from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.journeys import journeys_frame

from .conftest import journey_tables


def test_records_round_trip_to_the_same_frame(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    tables = journey_tables("007")
    load(authority_a, tables)
    as_of = date(2022, 7, 1)
    with scoped_to(Scope.authority(authority_a.pk)):
        from_records = journeys_frame(as_of)
    expected = build_journeys_frame(tables, as_of, authority="ALPHA")
    assert_frame_equal(from_records, expected)
    assert from_records.row(0, named=True)["recommendation_date"] == date(2022, 6, 1)
