"""The same arguments always give the same authority; different ones a different one."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from permanence.journey.tables import SCHEMAS, JourneyTables
from permanence.synth import default_improvement_start, generate

from .conftest import END


def assert_same(first: JourneyTables, second: JourneyTables) -> None:
    for (name, a), (_, b) in zip(first.items(), second.items(), strict=True):
        assert a.equals(b), name


@settings(max_examples=min(settings().max_examples, 10), deadline=None)
@given(
    children=st.integers(min_value=1, max_value=300),
    seed=st.integers(min_value=0, max_value=2**63),
)
def test_same_arguments_give_identical_tables(children: int, seed: int) -> None:
    assert_same(generate(children, seed, end=END), generate(children, seed, end=END))


def test_identical_at_a_larger_size_too() -> None:
    assert_same(generate(20_000, 5, end=END), generate(20_000, 5, end=END))


def test_a_different_seed_gives_a_different_authority() -> None:
    first, second = generate(600, 1, end=END), generate(600, 2, end=END)
    assert not first.children.equals(second.children)
    assert not first.milestones.equals(second.milestones)


def test_tables_have_the_canonical_columns_and_types_and_no_authority() -> None:
    tables = generate(200, 3, end=END)
    for name, frame in tables.items():
        assert frame.schema == pl.Schema(dict(SCHEMAS[name])), name


def test_exactly_the_children_asked_for() -> None:
    for children in (1, 30, 999):
        tables = generate(children, 9, end=END)
        assert tables.children.height == children
        assert set(tables.care_periods.get_column("child_ref")) == set(
            tables.children.get_column("child_ref")
        )


def test_the_history_spans_the_years_asked_for() -> None:
    tables = generate(2_000, 4, end=END, years=3.0)
    first = tables.care_periods.get_column("period_start").min()
    assert isinstance(first, date)
    assert END - timedelta(days=round(3 * 365.25)) <= first < END - timedelta(days=3 * 365 - 60)


def test_the_improvement_starts_two_and_a_half_years_before_the_end_by_default() -> None:
    start = default_improvement_start(END)
    assert (END - start).days == round(2.5 * 365.25)


def test_no_improvement_means_no_two_week_meetings() -> None:
    tables = generate(2_000, 4, end=END, improvement_start=END + timedelta(days=1))
    assert "planning_2wk" not in set(tables.meetings.get_column("meeting_kind"))


@pytest.mark.parametrize("children", [0, -5, 2_000_001])
def test_impossible_sizes_are_refused(children: int) -> None:
    with pytest.raises(ValueError, match="children"):
        generate(children, 1, end=END)


def test_impossible_history_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="years"):
        generate(30, 1, end=END, years=0.1)
