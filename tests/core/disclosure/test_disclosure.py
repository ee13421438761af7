"""Disclosure control, tested by trying to defeat it.

Hand-worked tables check the rules as docs/disclosure-control.md states them; the
attacker (``attacker.py``, integer programming with scipy) tries to work out every
hidden count from what is published, the way a determined reader would; Hypothesis
throws many random tables full of small counts at both.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from permanence.analysis.disclosure import (
    SUPPRESSED_MARK,
    TOTAL,
    CountTable,
    ProtectedTable,
    count_table,
    hidden_counts,
    protect,
    protect_table,
    recoverable_cells,
    round_half_up,
    whole_number,
    whole_weeks,
    withheld_percent,
)

from .attacker import attack


def table(
    values: list[list[int]], rows: str = "ABCDEFGHIJKLMNOP", columns: str = "wxyzv"
) -> CountTable:
    grid = np.asarray(values, dtype=np.int64)
    return CountTable(
        row="authority",
        column="outcome",
        row_keys=tuple(rows[: grid.shape[0]]),
        column_keys=tuple(columns[: grid.shape[1]]),
        values=grid,
    )


def hidden(protected: ProtectedTable) -> set[tuple[str, str]]:
    frame = protected.frame.filter(pl.col("suppressed"))
    return set(zip(frame["authority"], frame["outcome"], strict=True))


def published_counts(protected: ProtectedTable) -> list[int]:
    return protected.frame.get_column("count").drop_nulls().to_list()


# ---- the rules, by hand -----------------------------------------------------------------


def test_counts_from_one_to_four_are_hidden_and_zero_is_shown() -> None:
    protected = protect_table(table([[0, 1, 20], [4, 5, 30], [3, 0, 40], [2, 6, 50]]))
    shown = {
        (r, c): s for r, c, s in protected.frame.select("authority", "outcome", "shown").rows()
    }
    assert shown[("A", "w")] == "0"
    assert shown[("C", "x")] == "0"
    assert shown[("B", "x")] == SUPPRESSED_MARK  # 5: the partner of the 4 beside it
    for cell in [("A", "x"), ("B", "w"), ("C", "w"), ("D", "w")]:
        assert shown[cell] == SUPPRESSED_MARK
    assert hidden_counts(published_counts(protected)) == []


def test_a_cell_hidden_alone_in_its_row_gets_the_next_smallest_cell_as_partner() -> None:
    # Row A: 3 is hidden; its partner is the next smallest cell of the row, 9 (not 12).
    # Column x then holds 3 alone: its partner is the next smallest of the column, 20.
    # Row B then holds 20 alone: its partner is 25 (smaller than 40).
    protected = protect_table(table([[12, 3, 9], [40, 20, 25], [50, 30, 60]]))
    assert hidden(protected) == {("A", "x"), ("A", "y"), ("B", "x"), ("B", "y")}
    assert recoverable_cells(protected) == []


def test_the_total_minus_the_other_cells_does_not_give_a_hidden_count() -> None:
    values = [[12, 3, 9], [40, 20, 25], [50, 30, 60]]
    protected = protect_table(table(values))
    for row in ("A", "B", "C"):
        total = protected.published(row, TOTAL)
        others = [protected.published(row, column) for column in "wxy"]
        known = [value for value in others if value is not None]
        assert total is not None
        # Whatever the reader subtracts, at least two cells of the row stay unknown.
        assert len(others) - len(known) in {0, 2, 3}
    assert attack([protected]) == []


def test_a_total_of_one_to_four_is_hidden_too() -> None:
    protected = protect_table(table([[1, 2, 0], [30, 40, 50]]))
    assert protected.published("A", TOTAL) is None
    assert protected.published(TOTAL, "x") is not None  # 42 is safe
    assert hidden_counts(published_counts(protected)) == []
    assert attack([protected]) == []


def test_two_hidden_counts_of_one_in_a_row_get_a_third_partner() -> None:
    # Row A: 1 and 1 hidden with the total shown would give 1 + 1 = 2: both are 1.
    protected = protect_table(table([[1, 1, 9, 30], [20, 22, 24, 26], [21, 23, 25, 27]]))
    row_a = [protected.published("A", column) for column in "wxyz"]
    assert row_a.count(None) >= 3
    assert attack([protected]) == []


def test_a_bridge_between_two_blocks_of_hidden_cells_is_closed() -> None:
    # Each row and column with a hidden cell holds two, yet the 7 in row A, column y is a
    # bridge between two 2x2 blocks: row A less the block gives it. The exact check sees it.
    values = [
        [3, 5, 7, 60, 70],
        [6, 2, 80, 90, 65],
        [70, 80, 4, 9, 75],
        [85, 95, 11, 2, 66],
    ]
    protected = protect_table(table(values, columns="vwxyz"))
    assert recoverable_cells(protected) == []
    assert attack([protected]) == []


def test_a_one_way_table_protects_its_total() -> None:
    counts = pl.DataFrame({"authority": ["A", "B", "C"], "count": [3, 40, 50]})
    protected = protect_table(count_table(counts, row="authority"))
    frame = protected.frame
    assert frame.filter(pl.col("authority") == "A")["shown"].item() == SUPPRESSED_MARK
    assert frame.filter(pl.col("authority") == "B")["shown"].item() == SUPPRESSED_MARK
    assert frame.filter(pl.col("authority") == TOTAL)["count"].item() == 93
    assert attack([protected]) == []


def test_count_table_fills_missing_cells_with_zero_and_keeps_the_order_given() -> None:
    tidy = pl.DataFrame(
        {"authority": ["B", "A", "A"], "outcome": ["met", "met", "stopped"], "n": [7, 2, 9]}
    )
    counts = count_table(
        tidy,
        row="authority",
        column="outcome",
        count="n",
        column_keys=["met", "not_met", "stopped"],
    )
    assert counts.row_keys == ("B", "A")
    assert counts.values.tolist() == [[7, 0, 0], [2, 0, 9]]
    with pytest.raises(ValueError, match="keys"):
        count_table(tidy, row="authority", column="outcome", count="n", column_keys=["met"])


def test_total_is_reserved() -> None:
    with pytest.raises(ValueError, match="reserved"):
        CountTable(
            row="r",
            column="c",
            row_keys=(TOTAL,),
            column_keys=("x",),
            values=np.ones((1, 1), dtype=np.int64),
        )


# ---- linked tables ------------------------------------------------------------------------


def test_a_second_table_that_differs_by_one_child_does_not_give_the_first_away() -> None:
    # A hidden 4 becomes a published 5 if the second table is protected on its own: a
    # reader who knows the tables differ by one child learns that the 4 was a 4.
    first = table([[4, 20, 30], [25, 35, 45], [50, 60, 70]])
    second = table([[5, 20, 30], [25, 35, 45], [50, 60, 70]])
    alone = protect_table(second)
    assert alone.published("A", "w") == 5  # the weakness, on its own
    together_first, together_second = protect(first, second)
    assert together_second.published("A", "w") is None
    assert hidden(together_first) == hidden(together_second)
    assert attack([together_first, together_second], differ_by_one=True) == []


def test_an_authority_that_withdraws_cannot_be_worked_out_from_the_totals_before_and_after() -> (
    None
):
    # Published with authority C, whose 3 was hidden; then C withdraws. Without care the
    # national totals before less those after give C's row, hidden 3 and all.
    before = protect_table(table([[10, 20, 30], [40, 50, 60], [3, 8, 9]]))
    assert before.published("C", "w") is None
    after_alone = protect_table(table([[10, 20, 30], [40, 50, 60]]))
    # The naive second publication gives C's hidden count away:
    naive = after_alone.published(TOTAL, "w")
    assert naive is not None
    assert before.published(TOTAL, "w") is not None
    assert before.published(TOTAL, "w") - naive == 3  # type: ignore[operator]
    (after,) = protect(table([[10, 20, 30], [40, 50, 60]]), alongside=[before])
    assert recoverable_cells(before, after) == []
    assert attack([before, after], same_rows=True) == []
    # And the attacker does find C's count against the naive second publication.
    found = attack([before, after_alone], same_rows=True)
    assert ("C", "w", 3) in {(f.row, f.column, f.low) for f in found}


def test_published_tables_are_never_changed() -> None:
    before = protect_table(table([[10, 20, 30], [40, 50, 60], [3, 8, 9]]))
    pattern = before.suppression.copy()
    protect(table([[10, 20, 30], [40, 50, 60]]), alongside=[before])
    assert (before.suppression == pattern).all()


def test_raw_frame_round_trips() -> None:
    protected = protect_table(table([[12, 3, 9], [40, 20, 25], [50, 30, 60]]))
    again = ProtectedTable.from_raw_frame(protected.raw_frame(), row="authority", column="outcome")
    assert again.frame.equals(protected.frame)
    assert (again.values == protected.values).all()


# ---- figures worked out from counts ----------------------------------------------------------


def test_percentages_are_withheld_where_numerator_or_base_is_hidden() -> None:
    assert withheld_percent(None, 20) is None
    assert withheld_percent(5, None) is None
    assert withheld_percent(5, 0) is None
    assert withheld_percent(5, 20) == 25.0


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(62.5, 0, 63.0), (61.49, 0, 61.0), (0.125, 2, 0.13), (2.5, 0, 3.0), (-2.5, 0, -3.0)],
)
def test_halves_round_away_from_zero(value: float, digits: int, expected: float) -> None:
    assert round_half_up(value, digits) == expected


def test_whole_weeks_and_numbers() -> None:
    assert whole_weeks(94) == 13  # 13.43 weeks
    assert whole_weeks(185.5) == 27  # 26.5 weeks: a half rounds up
    assert whole_weeks(None) is None
    assert whole_number(None) is None


# ---- properties -----------------------------------------------------------------------------

small_heavy_counts = st.one_of(
    st.just(0), st.integers(1, 4), st.integers(1, 4), st.integers(5, 12), st.integers(13, 90)
)


@st.composite
def count_tables(draw: st.DrawFn, max_rows: int = 6, max_columns: int = 4) -> CountTable:
    rows = draw(st.integers(1, max_rows))
    columns = draw(st.integers(1, max_columns))
    values = [[draw(small_heavy_counts) for _ in range(columns)] for _ in range(rows)]
    return table(values)


@given(count_tables())
def test_no_published_count_is_from_one_to_four(counts: CountTable) -> None:
    protected = protect_table(counts)
    assert hidden_counts(published_counts(protected)) == []


@given(count_tables())
def test_every_row_and_column_with_a_hidden_cell_has_at_least_two(counts: CountTable) -> None:
    protected = protect_table(counts)
    suppressed = protected.suppressed
    rows, columns = suppressed.shape
    if protected.column_labels[-1] == TOTAL:
        for i in range(rows):
            assert suppressed[i].sum() != 1
    if protected.row_labels[-1] == TOTAL:
        for j in range(columns):
            assert suppressed[:, j].sum() != 1


@given(count_tables(max_rows=5, max_columns=4))
def test_no_hidden_count_can_be_worked_out_by_the_attacker(counts: CountTable) -> None:
    protected = protect_table(counts)
    assert attack([protected]) == []


@given(count_tables(max_rows=4, max_columns=3), st.data())
def test_no_hidden_count_falls_to_a_second_table_one_child_apart(
    counts: CountTable, data: st.DataObject
) -> None:
    rows, columns = counts.values.shape
    i = data.draw(st.integers(0, rows - 1))
    j = data.draw(st.integers(0, columns - 1))
    plus_one = counts.values.copy()
    plus_one[i, j] += 1
    second = CountTable(counts.row, counts.column, counts.row_keys, counts.column_keys, plus_one)
    first_protected, second_protected = protect(counts, second)
    assert hidden_counts(published_counts(second_protected)) == []
    assert attack([first_protected, second_protected], differ_by_one=True) == []


@given(count_tables(max_rows=5, max_columns=3), st.data())
def test_withdrawing_an_authority_gives_nothing_away(
    counts: CountTable, data: st.DataObject
) -> None:
    rows = counts.values.shape[0]
    if rows < 2:
        return
    leaving = data.draw(st.integers(0, rows - 1))
    before = protect_table(counts)
    staying = [k for k in range(rows) if k != leaving]
    after_counts = CountTable(
        counts.row,
        counts.column,
        tuple(counts.row_keys[k] for k in staying),
        counts.column_keys,
        counts.values[staying],
    )
    (after,) = protect(after_counts, alongside=[before])
    assert hidden_counts(published_counts(after)) == []
    # No authority's hidden count can be worked out. (A national total hidden in the
    # second table may equal a sum of hidden cells that the first table already gave as a
    # sum, over several authorities: that says nothing new about any one of them.)
    found = attack([before, after], same_rows=True)
    assert [f for f in found if f.row != TOTAL] == []


@settings(max_examples=25, deadline=None)
@given(count_tables(max_rows=14, max_columns=5))
def test_tables_the_size_of_a_region_hold_up_too(counts: CountTable) -> None:
    protected = protect_table(counts)
    assert hidden_counts(published_counts(protected)) == []
    assert attack([protected]) == []
