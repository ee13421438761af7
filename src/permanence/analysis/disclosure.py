"""Disclosure control: what may leave an authority, and in what form.

Everything shared beyond the authority that holds the records (the national workspace,
benchmarking, downloads) is a table of counts of children, or a figure worked out from
one. Small counts can identify a child ("the one child in X who waited over a year"), so
before a table is shared:

1. **Primary suppression.** A count from 1 to 4 is not shown; the table shows ``c`` in
   its place, with a note. Zero is shown: it says nothing about any child.
2. **Secondary suppression.** A table is published with its totals (the row and column
   totals, and the grand total, are always treated as known even where a page does not
   print them, because they can usually be found in another table). A cell suppressed
   alone in a row or column could be worked out as the total minus the other cells, so
   it gets a partner: the next smallest cell of that row or column is suppressed too.
   Partners are chosen until every row and column holding a suppressed cell holds at
   least two; then the whole set of tables is checked exactly (below), and a partner is
   added wherever a cell could still be worked out.
3. **Bounds.** A reader knows that each ``c`` hides a count of at least 1 (zeros are
   shown and partners are never zeros). Two ``c`` in a row whose hidden total is 2 are
   both 1. So in a row or column whose hidden cells all sit on the same side of the sum,
   the hidden total must exceed the number of hidden cells; otherwise a further partner
   of at least 2 is suppressed.
4. **Linked tables.** Tables of the same figures (the same table as published before, or
   one that differs by one child, or one published beside it) are protected together: a
   cell hidden in one is hidden in all of them, cells with the same key and the same
   value count as one unknown, and the exact check runs over all their equations at
   once, so a hidden cell cannot be worked out by setting one table against another.
   Tables already published are never changed: only the new table gains suppressions.

The exact check: every row and column of every table is a linear equation (the cells
add up to the total). The hidden values are the unknowns. A hidden value can be worked
out exactly when it is the same in every solution of those equations: when its unit
vector lies in the row space of the equations, which is tested with the null space
(numpy's SVD). Tables are small (an authority per row, a handful of columns), so this is
quick.

Figures worked out from counts follow the counts: a percentage is withheld where its
numerator or its base is hidden. Rounding rules (``round_half_up``, ``whole_weeks``):
percentages and their confidence limits to whole numbers; waiting times from Kaplan-Meier
in whole weeks; stage delays in whole days; standardised ratios to two decimal places;
expected counts to one. Dates of birth never leave the authority (``IDENTIFYING_COLUMNS``).

``docs/disclosure-control.md`` describes the rules for people.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

SUPPRESSED_MARK = "c"
"""What a hidden count shows. "c" (confidential) rather than "<5", because a partner
hidden to protect another cell may be any size: "<5" would be untrue for it."""

SUPPRESSION_NOTE = (
    "c: not shown to protect children's confidentiality: a count from 1 to 4, or a figure "
    "hidden so that such a count cannot be worked out from the totals or other tables."
)

THRESHOLD = 5
"""Counts from 1 to THRESHOLD - 1 are hidden."""

TOTAL = "Total"
"""The key of the row and column totals in a protected table."""

IDENTIFYING_COLUMNS: frozenset[str] = frozenset(
    {"child_ref", "date_of_birth", "initials", "name", "first_name", "last_name", "address"}
)
"""Columns that never leave an authority, in any table or file."""

# Values of the null space this close to zero count as zero (the equations have
# coefficients of 0 and +-1, so genuine values are far from it).
_TOLERANCE = 1e-9


class Suppression(StrEnum):
    PRIMARY = "primary"
    """A count from 1 to 4."""
    SECONDARY = "secondary"
    """Hidden so that another hidden count cannot be worked out."""


_NONE, _PRIMARY, _SECONDARY = 0, 1, 2
_REASONS = {_PRIMARY: Suppression.PRIMARY.value, _SECONDARY: Suppression.SECONDARY.value}


@dataclass(frozen=True, slots=True)
class CountTable:
    """A two-way table of counts of children, before protection.

    ``row_keys`` label the rows (authorities, say) and ``column_keys`` the columns
    (outcomes); ``values[i, j]`` is the count. A one-way table has a single column.
    """

    row: str
    column: str
    row_keys: tuple[str, ...]
    column_keys: tuple[str, ...]
    values: NDArray[np.int64]

    def __post_init__(self) -> None:
        if self.values.shape != (len(self.row_keys), len(self.column_keys)):
            raise ValueError("a count table needs one value per row and column key")
        if TOTAL in self.row_keys or TOTAL in self.column_keys:
            raise ValueError(f"{TOTAL!r} is reserved for the totals of a protected table")
        if self.values.size and int(self.values.min()) < 0:
            raise ValueError("counts of children cannot be negative")


def count_table(
    frame: pl.DataFrame,
    *,
    row: str,
    column: str | None = None,
    count: str = "count",
    row_keys: Sequence[str] | None = None,
    column_keys: Sequence[str] | None = None,
) -> CountTable:
    """A ``CountTable`` from a tidy frame: one row per (row key, column key) and a count.

    Keys absent from ``frame`` count 0. ``row_keys`` and ``column_keys`` fix the order
    (and may add rows or columns that are all zero); by default keys keep the order in
    which they first appear. Without ``column`` the table has one column, named ``count``.
    """
    column_name = column if column is not None else count
    rows = list(row_keys) if row_keys is not None else _first_seen(frame.get_column(row))
    columns = (
        list(column_keys)
        if column_keys is not None
        else (_first_seen(frame.get_column(column)) if column is not None else [count])
    )
    values = np.zeros((len(rows), len(columns)), dtype=np.int64)
    if frame.height:
        row_index = {key: index for index, key in enumerate(rows)}
        column_index = {key: index for index, key in enumerate(columns)}
        keys = [pl.col(row).cast(pl.String)]
        keys.append(pl.col(column).cast(pl.String) if column is not None else pl.lit(count))
        summed = frame.group_by(keys[0].alias("_r"), keys[1].alias("_c")).agg(
            pl.col(count).sum().cast(pl.Int64).alias("_n")
        )
        unknown = summed.filter(
            ~pl.col("_r").is_in(rows).fill_null(value=False)
            | ~pl.col("_c").is_in(columns).fill_null(value=False)
        )
        if unknown.height:
            raise ValueError("the frame holds keys that the table's row or column keys do not")
        r = summed.get_column("_r").replace_strict(row_index, return_dtype=pl.Int64).to_numpy()
        c = summed.get_column("_c").replace_strict(column_index, return_dtype=pl.Int64).to_numpy()
        np.add.at(values, (r, c), summed.get_column("_n").to_numpy())
    return CountTable(
        row=row,
        column=column_name,
        row_keys=tuple(rows),
        column_keys=tuple(columns),
        values=values,
    )


def _first_seen(series: pl.Series) -> list[str]:
    return [str(value) for value in series.cast(pl.String).unique(maintain_order=True)]


@dataclass(frozen=True, slots=True, eq=False)
class ProtectedTable:
    """A count table with its totals and the cells hidden to protect children.

    ``frame`` is what may be published. The raw values stay here for the server's own
    use (protecting the next table of the same figures, ``raw_frame``), and must never be
    shown: only ``frame``, ``published`` and ``shown`` are for people.
    """

    row: str
    column: str
    row_labels: tuple[str, ...]  # the row keys, then TOTAL when there are several rows
    column_labels: tuple[str, ...]  # the column keys, then TOTAL when there are several
    values: NDArray[np.int64]
    suppression: NDArray[np.int8]

    @property
    def suppressed(self) -> NDArray[np.bool_]:
        return np.asarray(self.suppression != _NONE, dtype=np.bool_)

    def _index(self, row_key: str, column_key: str) -> tuple[int, int]:
        return self.row_labels.index(row_key), self.column_labels.index(column_key)

    def published(self, row_key: str, column_key: str = TOTAL) -> int | None:
        """The count as published: None where it is hidden."""
        column_key = self._column_key(column_key)
        i, j = self._index(row_key, column_key)
        return None if self.suppression[i, j] != _NONE else int(self.values[i, j])

    def shown(self, row_key: str, column_key: str = TOTAL) -> str:
        """The count as text for a page: the number, or "c"."""
        value = self.published(row_key, column_key)
        return SUPPRESSED_MARK if value is None else str(value)

    def _column_key(self, column_key: str) -> str:
        # A one-column table has no TOTAL column: its only column is the row's total.
        if column_key == TOTAL and TOTAL not in self.column_labels:
            return self.column_labels[0]
        return column_key

    @property
    def frame(self) -> pl.DataFrame:
        """The publishable table, tidy: one row per cell, totals included.

        Columns: the row key, the column key, ``count`` (null where hidden), ``shown``
        (the number or "c"), ``suppressed`` and ``total`` (a row or column total).
        """
        width = len(self.column_labels)
        cells = np.arange(len(self.row_labels) * width)
        rows, columns = cells // width, cells % width
        hidden = self.suppressed.ravel()
        values = self.values.ravel()
        row_labels = [self.row_labels[i] for i in rows]
        column_labels = [self.column_labels[j] for j in columns]
        return pl.DataFrame(
            {
                self.row: row_labels,
                self.column: column_labels,
                "count": pl.Series(
                    [None if h else int(v) for v, h in zip(values, hidden, strict=True)],
                    dtype=pl.Int64,
                ),
                "shown": [
                    SUPPRESSED_MARK if h else str(int(v))
                    for v, h in zip(values, hidden, strict=True)
                ],
                "suppressed": hidden,
                "total": [
                    r == TOTAL or c == TOTAL for r, c in zip(row_labels, column_labels, strict=True)
                ],
            }
        )

    def raw_frame(self) -> pl.DataFrame:
        """Every cell with its raw value and why it is hidden: for the server only.

        Kept so that the next table of the same figures can be protected together with
        this one (``protect(..., alongside=...)``) after this one has been published.
        """
        rows = [label for label in self.row_labels for _ in self.column_labels]
        columns = [label for _ in self.row_labels for label in self.column_labels]
        reasons = [_REASONS.get(int(code)) for code in self.suppression.ravel()]
        return pl.DataFrame(
            {
                "row": rows,
                "column": columns,
                "value": self.values.ravel().astype(np.int64),
                "suppression": pl.Series(reasons, dtype=pl.String),
            }
        )

    @classmethod
    def from_raw_frame(cls, frame: pl.DataFrame, *, row: str, column: str) -> ProtectedTable:
        """A published table back from ``raw_frame``."""
        row_labels = tuple(_first_seen(frame.get_column("row")))
        column_labels = tuple(_first_seen(frame.get_column("column")))
        shape = (len(row_labels), len(column_labels))
        codes = {None: _NONE, Suppression.PRIMARY.value: _PRIMARY}
        suppression = [
            codes.get(reason, _SECONDARY) for reason in frame.get_column("suppression").to_list()
        ]
        return cls(
            row=row,
            column=column,
            row_labels=row_labels,
            column_labels=column_labels,
            values=frame.get_column("value").to_numpy().astype(np.int64).reshape(shape),
            suppression=np.asarray(suppression, dtype=np.int8).reshape(shape),
        )

    @property
    def interior_shape(self) -> tuple[int, int]:
        rows = len(self.row_labels) - (1 if TOTAL in self.row_labels else 0)
        columns = len(self.column_labels) - (1 if TOTAL in self.column_labels else 0)
        return rows, columns


# ---------------------------------------------------------------------------------------
# The grid: a table with its totals, and the equations its rows and columns make.


Line = tuple[tuple[int, int, int], ...]  # (grid row, grid column, sign) per entry


def _with_totals(table: CountTable) -> tuple[tuple[str, ...], tuple[str, ...], NDArray[np.int64]]:
    values = table.values
    rows, columns = values.shape
    row_labels, column_labels = table.row_keys, table.column_keys
    if columns > 1:
        values = np.column_stack([values, values.sum(axis=1)])
        column_labels = (*column_labels, TOTAL)
    if rows > 1:
        values = np.vstack([values, values.sum(axis=0)])
        row_labels = (*row_labels, TOTAL)
    return row_labels, column_labels, values.astype(np.int64)


def _lines(
    shape: tuple[int, int], row_labels: Sequence[str], column_labels: Sequence[str]
) -> list[Line]:
    """The equations of a grid: in each row (and column) the cells add up to the total."""
    lines: list[Line] = []
    rows, columns = shape
    if column_labels and column_labels[-1] == TOTAL:
        for i in range(rows):
            lines.append((*((i, j, 1) for j in range(columns - 1)), (i, columns - 1, -1)))
    if row_labels and row_labels[-1] == TOTAL:
        for j in range(columns):
            lines.append((*((i, j, 1) for i in range(rows - 1)), (rows - 1, j, -1)))
    return lines


@dataclass(slots=True)
class _Grid:
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    values: NDArray[np.int64]
    suppression: NDArray[np.int8]
    fixed: bool  # already published: its suppressions cannot change
    lines: list[Line] = field(default_factory=list)

    def key(self, i: int, j: int) -> tuple[str, str]:
        return self.row_labels[i], self.column_labels[j]


class _Protector:
    """The suppression of a set of linked tables, run to a fixed point."""

    def __init__(self, grids: list[_Grid], threshold: int) -> None:
        self.grids = grids
        self.threshold = threshold
        # Where each key sits in each table, for hiding a cell consistently everywhere.
        self.places: dict[tuple[str, str], list[tuple[int, int, int]]] = {}
        for t, grid in enumerate(grids):
            for i in range(grid.values.shape[0]):
                for j in range(grid.values.shape[1]):
                    self.places.setdefault(grid.key(i, j), []).append((t, i, j))
        # Figures a published table already shows: hiding them again protects nothing,
        # so they are never chosen as partners.
        self.already_shown = {
            (*grid.key(i, j), int(grid.values[i, j]))
            for grid in grids
            if grid.fixed
            for i, j in zip(*np.nonzero(grid.suppression == _NONE), strict=True)
        }

    def can_partner(self, grid: _Grid, i: int, j: int, at_least: int = 1) -> bool:
        """Whether hiding this cell could protect another: shown now, in a table not yet
        published, at least ``at_least`` children, and not shown by a published table."""
        value = int(grid.values[i, j])
        return (
            not grid.fixed
            and grid.suppression[i, j] == _NONE
            and value >= at_least
            and (*grid.key(i, j), value) not in self.already_shown
        )

    # -- hiding -------------------------------------------------------------------------

    def primary(self) -> None:
        for grid in self.grids:
            if grid.fixed:
                continue
            small = (grid.values >= 1) & (grid.values < self.threshold)
            grid.suppression[small & (grid.suppression == _NONE)] = _PRIMARY

    def hide(self, t: int, i: int, j: int) -> None:
        """Hide a cell, and the cell of the same key in every table not yet published."""
        for u, k, m in self.places[self.grids[t].key(i, j)]:
            grid = self.grids[u]
            if not grid.fixed and grid.suppression[k, m] == _NONE:
                grid.suppression[k, m] = _SECONDARY

    def consistent(self) -> bool:
        """Hide in every open table each key hidden in any table; True if anything changed."""
        changed = False
        for places in self.places.values():
            if any(self.grids[t].suppression[i, j] != _NONE for t, i, j in places):
                for t, i, j in places:
                    grid = self.grids[t]
                    if not grid.fixed and grid.suppression[i, j] == _NONE:
                        grid.suppression[i, j] = _SECONDARY
                        changed = True
        return changed

    # -- the simple rules, line by line ---------------------------------------------------

    def line_rules(self) -> bool:
        """One pass of the partner rules over every open line; True if a cell was hidden."""
        for t, grid in enumerate(self.grids):
            if grid.fixed:
                continue
            for line in grid.lines:
                hidden = [(i, j, s) for i, j, s in line if grid.suppression[i, j] != _NONE]
                if not hidden:
                    continue
                partner: tuple[int, int] | None = None
                if len(hidden) == 1:
                    partner = self._smallest(grid, line, 1)
                elif len({s for _, _, s in hidden}) == 1:
                    hidden_sum = sum(int(grid.values[i, j]) for i, j, _ in hidden)
                    if hidden_sum <= len(hidden):
                        partner = self._smallest(grid, line, 2)
                if partner is not None:
                    self.hide(t, *partner)
                    return True
        return False

    def _smallest(self, grid: _Grid, line: Line, at_least: int) -> tuple[int, int] | None:
        """The smallest cell of the line that can be a partner with at least ``at_least``
        children; a cell before a total when they tie, and the first in the line after that."""
        candidates = [
            (int(grid.values[i, j]), s == -1, position, i, j)
            for position, (i, j, s) in enumerate(line)
            if self.can_partner(grid, i, j, at_least)
        ]
        if not candidates:
            return None
        _, _, _, i, j = min(candidates)
        return i, j

    # -- the exact check over every table at once -----------------------------------------

    def unknowns(self) -> tuple[dict[tuple[int, int, int], int], int]:
        """Each hidden cell's unknown: cells of the same key and value share one.

        A hidden cell whose key is shown with the same value in another table is no
        unknown at all: the reader has it from there (and working it out again reveals
        nothing new).
        """
        shown = {
            (*grid.key(i, j), int(grid.values[i, j]))
            for grid in self.grids
            for i, j in zip(*np.nonzero(grid.suppression == _NONE), strict=True)
        }
        variable: dict[tuple[int, int, int], int] = {}
        by_key_value: dict[tuple[str, str, int], int] = {}
        for t, grid in enumerate(self.grids):
            rows, columns = np.nonzero(grid.suppression != _NONE)
            for i, j in zip(rows.tolist(), columns.tolist(), strict=True):
                name = (*grid.key(i, j), int(grid.values[i, j]))
                if name not in shown:
                    variable[(t, i, j)] = by_key_value.setdefault(name, len(by_key_value))
        return variable, len(by_key_value)

    def recoverable(self) -> list[tuple[int, int, int]]:
        """The hidden cells (table, row, column) a reader could work out exactly.

        The reader has the equations (each row and column adds up to its total) and knows
        each hidden count is at least 1. A hidden cell is safe when the hidden values can
        shift together, keeping every equation, with the cell changing and no hidden count
        falling below 1: a direction in the null space of the equations in which no
        hidden 1 falls. Cells above 1 have room to fall a little either way, so only the
        hidden 1s (and zeros hidden to match an earlier table) constrain the direction.
        """
        variable, count = self.unknowns()
        if not count:
            return []
        equations, _ = self._equations(variable, count)
        if not equations:
            return []
        value = np.zeros(count, dtype=np.int64)
        for (t, i, j), index in variable.items():
            value[index] = self.grids[t].values[i, j]
        exposed = _exposed(np.vstack(equations), value)
        return [cell for cell, index in variable.items() if exposed[index]]

    def _equations(
        self, variable: dict[tuple[int, int, int], int], count: int
    ) -> tuple[list[NDArray[np.float64]], list[float]]:
        """Each line as coefficients over the unknowns and the sum of its shown cells."""
        equations: list[NDArray[np.float64]] = []
        constants: list[float] = []
        for t, grid in enumerate(self.grids):
            for line in grid.lines:
                coefficients = np.zeros(count)
                shown = 0.0
                for i, j, s in line:
                    index = variable.get((t, i, j))
                    if index is None:
                        shown += s * float(grid.values[i, j])
                    else:
                        coefficients[index] += s
                if np.any(coefficients):
                    equations.append(coefficients)
                    constants.append(shown)
        return equations, constants

    def break_recovery(self, cell: tuple[int, int, int]) -> bool:
        """Hide one more cell (of at least one child, in a table not yet published) to
        protect ``cell``: the smallest that leaves it open to more than one value, trying
        first the cells that share its row or column key; when no single cell does, the
        one that leaves the fewest cells exposed, so the next round can finish the job.
        Returns False when there is nothing left to hide."""
        t, i, j = cell
        key = self.grids[t].key(i, j)
        # Cells in the same row or column as it, in any table (the same authority, or
        # the same outcome's total in a later table) come first.
        near = {
            (u, k, m)
            for u, grid in enumerate(self.grids)
            for k in range(grid.values.shape[0])
            for m in range(grid.values.shape[1])
            if grid.key(k, m)[0] == key[0] or grid.key(k, m)[1] == key[1]
        }
        candidates = sorted(
            ((u, int(k), int(m)) not in near, int(grid.values[k, m]), u, int(k), int(m))
            for u, grid in enumerate(self.grids)
            for k, m in zip(*np.nonzero(grid.suppression == _NONE), strict=True)
            if self.can_partner(grid, int(k), int(m))
        )
        if not candidates:
            return False
        best: tuple[int, int, int, int] | None = None  # (exposed, u, k, m)
        for _, _, u, k, m in candidates:
            saved = [grid.suppression.copy() for grid in self.grids]
            self.hide(u, k, m)
            exposed = self.recoverable()
            for grid, before in zip(self.grids, saved, strict=True):
                grid.suppression[...] = before
            if cell not in exposed:
                self.hide(u, k, m)
                return True
            if best is None or len(exposed) < best[0]:
                best = (len(exposed), u, k, m)
        assert best is not None
        self.hide(*best[1:])
        return True

    def run(self) -> None:
        self.primary()
        while True:
            if self.consistent() or self.line_rules():
                continue
            # Cells of the new tables first; then those of published tables, which only
            # the new tables' suppressions can protect.
            recoverable = sorted(self.recoverable(), key=lambda c: (self.grids[c[0]].fixed, c))
            if not any(self.break_recovery(cell) for cell in recoverable):
                return


def _exposed(equations: NDArray[np.float64], value: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Which unknowns (hidden cells of at least one child) a reader could pin down.

    ``equations`` are the rows and columns over the unknowns; ``value`` their true values.
    First by linear algebra alone (the null space, numpy's SVD): a cell no direction moves
    is fixed. Then, because no hidden count can fall below 1 (a hidden 1 can only rise),
    each remaining cell is checked for a direction in which it moves and no hidden 1
    falls: a small cone feasibility problem solved by non-negative least squares.
    """
    null = _null_space(equations)  # count x d
    moves = np.linalg.norm(null, axis=1) > 1e-7 if null.size else np.zeros(len(value), bool)
    exposed = ~moves & (value >= 1)
    floor = value <= 1
    if not floor.any():
        return exposed
    # Quick first: a cell above 1 that moves while every hidden 1 stays put is safe.
    safe = np.zeros(len(value), dtype=bool)
    if (~floor).any():
        held = _null_space(equations[:, ~floor])
        if held.size:
            safe[~floor] = np.linalg.norm(held, axis=1) > 1e-7
    for k in np.flatnonzero(moves & (value >= 1) & ~safe):
        signs = (1.0,) if floor[k] else (1.0, -1.0)
        others = floor.copy()
        others[k] = False
        if not any(_direction_exists(null, int(k), others, sign) for sign in signs):
            exposed[k] = True
    return exposed


def _null_space(equations: NDArray[np.float64]) -> NDArray[np.float64]:
    """A basis of the directions that keep every equation (as columns: unknowns x d)."""
    _, singular, vt = np.linalg.svd(equations)
    rank = int(np.sum(singular > _TOLERANCE * max(equations.shape)))
    return np.asarray(vt[rank:].T, dtype=np.float64)


def _direction_exists(
    null: NDArray[np.float64], k: int, held: NDArray[np.bool_], sign: float
) -> bool:
    """Whether some direction v = null @ z has v[k] = sign and v >= 0 wherever ``held``.

    Written as non-negative least squares: z = p - q with p, q >= 0, slack s >= 0, and
    [null[held] -null[held] -I; null[k] -null[k] 0] @ (p, q, s) = (0, sign). A residual
    of zero means such a direction exists.
    """
    d = null.shape[1]
    bound = null[held]
    rows = bound.shape[0]
    matrix = np.zeros((rows + 1, 2 * d + rows))
    matrix[:rows, :d] = bound
    matrix[:rows, d : 2 * d] = -bound
    matrix[:rows, 2 * d :] = -np.eye(rows)
    matrix[rows, :d] = null[k]
    matrix[rows, d : 2 * d] = -null[k]
    target = np.zeros(rows + 1)
    target[rows] = sign
    solution = _nnls(matrix, target)
    return bool(np.linalg.norm(matrix @ solution - target) < 1e-7)


def _nnls(matrix: NDArray[np.float64], target: NDArray[np.float64]) -> NDArray[np.float64]:
    """Lawson and Hanson's non-negative least squares (1974): min |Ax - b|, x >= 0."""
    n = matrix.shape[1]
    x = np.zeros(n)
    passive = np.zeros(n, dtype=bool)
    gradient = matrix.T @ (target - matrix @ x)
    for _ in range(3 * n + 10):
        if passive.all() or gradient[~passive].max(initial=0.0) <= 1e-10:
            break
        candidates = np.where(passive, -np.inf, gradient)
        passive[int(np.argmax(candidates))] = True
        for _ in range(3 * n + 10):
            trial = np.zeros(n)
            trial[passive] = np.linalg.lstsq(matrix[:, passive], target, rcond=None)[0]
            if (trial[passive] > 1e-12).all():
                x = trial
                break
            shrinking = passive & (trial <= 1e-12)
            step = np.min(x[shrinking] / (x[shrinking] - trial[shrinking] + 1e-300))
            x = x + step * (trial - x)
            passive &= x > 1e-12
        gradient = matrix.T @ (target - matrix @ x)
    return x


def protect(
    *tables: CountTable,
    alongside: Sequence[ProtectedTable] = (),
    threshold: int = THRESHOLD,
) -> tuple[ProtectedTable, ...]:
    """Protect ``tables`` together, and together with tables already published.

    ``tables`` are published side by side or hold the same figures (so a cell hidden in
    one is hidden in all). ``alongside`` are tables of the same figures published before:
    they are not changed, but the new tables gain whatever suppressions stop a hidden
    cell of any table being worked out from the others.
    """
    grids = [_open_grid(table) for table in tables]
    grids += [_published_grid(table) for table in alongside]
    _Protector(grids, threshold).run()
    return tuple(
        ProtectedTable(
            row=table.row,
            column=table.column,
            row_labels=grid.row_labels,
            column_labels=grid.column_labels,
            values=grid.values,
            suppression=grid.suppression,
        )
        for table, grid in zip(tables, grids, strict=False)
    )


def protect_table(table: CountTable, *, threshold: int = THRESHOLD) -> ProtectedTable:
    """Protect one table on its own (see ``protect``)."""
    return protect(table, threshold=threshold)[0]


def _open_grid(table: CountTable) -> _Grid:
    row_labels, column_labels, values = _with_totals(table)
    return _Grid(
        row_labels=row_labels,
        column_labels=column_labels,
        values=values,
        suppression=np.zeros(values.shape, dtype=np.int8),
        fixed=False,
        lines=_lines(values.shape, row_labels, column_labels),
    )


def _published_grid(table: ProtectedTable) -> _Grid:
    return _Grid(
        row_labels=table.row_labels,
        column_labels=table.column_labels,
        values=table.values.copy(),
        suppression=table.suppression.copy(),
        fixed=True,
        lines=_lines(table.values.shape, table.row_labels, table.column_labels),
    )


def recoverable_cells(*tables: ProtectedTable) -> list[tuple[int, str, str]]:
    """Hidden cells (table number, row key, column key) that the published cells and
    totals of ``tables`` fix exactly. Empty for tables ``protect`` returned together."""
    grids = [_published_grid(table) for table in tables]
    protector = _Protector(grids, THRESHOLD)
    return [(t, *grids[t].key(i, j)) for t, i, j in protector.recoverable()]


# ---------------------------------------------------------------------------------------
# Figures worked out from counts, and rounding.


def withheld_percent(numerator: int | None, base: int | None) -> float | None:
    """numerator / base × 100, or None where either is hidden or the base is 0."""
    if numerator is None or base is None or base == 0:
        return None
    return 100.0 * numerator / base


def round_half_up(value: float | None, digits: int = 0) -> float | None:
    """Round to ``digits`` places, halves away from zero (62.5% shows as 63%, as people
    expect; Python's ``round`` would give 62)."""
    if value is None or math.isnan(value):
        return None
    scale = 10.0**digits
    return math.copysign(math.floor(abs(value) * scale + 0.5) / scale, value)


def whole_number(value: float | None) -> int | None:
    rounded = round_half_up(value)
    return None if rounded is None else int(rounded)


def whole_weeks(days: float | None) -> int | None:
    """A wait in days as whole weeks, halves up: 94 days (13.4 weeks) is 13 weeks."""
    return None if days is None else whole_number(days / 7)


def hidden_counts(values: Iterable[Any], threshold: int = THRESHOLD) -> list[int]:
    """The values among ``values`` that are counts a table must not show (1 to 4)."""
    return [
        int(value)
        for value in values
        if isinstance(value, int | np.integer)
        and not isinstance(value, bool)
        and 1 <= int(value) < threshold
    ]
