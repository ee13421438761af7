"""An attacker who tries to work out hidden counts, written independently of the protector.

The attacker sees what a page shows (every count not marked "c", every total) and knows
what the note says: each "c" hides a whole number of children of at least 1 (zeros are
shown; a zero hidden only to match an earlier table is treated as known to be zero).
For each hidden cell they solve two integer programmes with scipy's ``milp`` (test-only:
scipy comes with statsmodels): the smallest and the largest value the cell can take
consistent with everything published. A cell is disclosed when the two agree.

With ``differ_by_one`` the attacker also knows that the second table holds exactly one
more child than the first, in some cell (the same table published on two days, or with
one more child counted): the hardest case the issue names. With ``same_rows`` they know
the authorities present in both tables hold the same counts in both (one withdrew).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from permanence.analysis.disclosure import TOTAL, ProtectedTable


@dataclass(frozen=True)
class Finding:
    table: int
    row: str
    column: str
    low: int
    high: int


def _variables(tables: list[ProtectedTable]) -> list[tuple[int, int, int]]:
    return [
        (t, i, j)
        for t, table in enumerate(tables)
        for i in range(len(table.row_labels))
        for j in range(len(table.column_labels))
    ]


def _equations(table: ProtectedTable) -> list[list[tuple[int, int, int]]]:
    """Rows and columns of the table with its totals: cells add up to the total."""
    rows, columns = len(table.row_labels), len(table.column_labels)
    lines = []
    if table.column_labels[-1] == TOTAL:
        for i in range(rows):
            lines.append([(i, j, 1) for j in range(columns - 1)] + [(i, columns - 1, -1)])
    if table.row_labels[-1] == TOTAL:
        for j in range(columns):
            lines.append([(i, j, 1) for i in range(rows - 1)] + [(rows - 1, j, -1)])
    return lines


def attack(
    tables: list[ProtectedTable], *, differ_by_one: bool = False, same_rows: bool = False
) -> list[Finding]:
    """Every hidden cell whose value the attacker can pin down exactly.

    ``same_rows``: the attacker knows every row (authority) present in two tables holds
    the same counts in both: an authority withdrew between them, nothing else changed.
    """
    cells = _variables(tables)
    index = {cell: k for k, cell in enumerate(cells)}
    n = len(cells)
    extra = 0
    if differ_by_one:
        first = tables[0]
        interior = [
            (i, j)
            for i, label in enumerate(first.row_labels)
            for j, column in enumerate(first.column_labels)
            if label != TOTAL and column != TOTAL
        ]
        extra = len(interior)  # binary: the one extra child is in this cell
    rows_a: list[np.ndarray] = []
    low_b: list[float] = []
    high_b: list[float] = []
    for t, table in enumerate(tables):
        for line in _equations(table):
            row = np.zeros(n + extra)
            for i, j, s in line:
                row[index[(t, i, j)]] += s
            rows_a.append(row)
            low_b.append(0.0)
            high_b.append(0.0)
    lower = np.zeros(n + extra)
    upper = np.full(n + extra, np.inf)
    for k, (t, i, j) in enumerate(cells):
        table = tables[t]
        if table.suppression[i, j]:
            # A "c" hides at least one child; a hidden zero (kept hidden only to match an
            # earlier table) the attacker is even told about: a stronger attacker than any
            # real reader, so the test errs on the safe side.
            lower[k] = 1 if table.values[i, j] >= 1 else 0
        else:
            lower[k] = upper[k] = float(table.values[i, j])
    if differ_by_one:
        for e, (i, j) in enumerate(interior):
            # second - first - d_e = 0, d_e binary; exactly one d_e is 1.
            row = np.zeros(n + extra)
            row[index[(1, i, j)]] = 1
            row[index[(0, i, j)]] = -1
            row[n + e] = -1
            rows_a.append(row)
            low_b.append(0.0)
            high_b.append(0.0)
            upper[n + e] = 1
        row = np.zeros(n + extra)
        row[n:] = 1
        rows_a.append(row)
        low_b.append(1.0)
        high_b.append(1.0)
    if same_rows:
        for (t, i, j), k in index.items():
            row_key, column_key = tables[t].row_labels[i], tables[t].column_labels[j]
            if row_key == TOTAL:
                continue
            for (u, m, q), other in index.items():
                if u > t and (tables[u].row_labels[m], tables[u].column_labels[q]) == (
                    row_key,
                    column_key,
                ):
                    row = np.zeros(n + extra)
                    row[k], row[other] = 1, -1
                    rows_a.append(row)
                    low_b.append(0.0)
                    high_b.append(0.0)
    constraints = LinearConstraint(np.vstack(rows_a), low_b, high_b) if rows_a else []
    integrality = np.ones(n + extra)
    findings = []
    for k, (t, i, j) in enumerate(cells):
        if not tables[t].suppression[i, j] or tables[t].values[i, j] == 0:
            continue  # shown, or a hidden zero: knowing it is zero tells nothing of any child
        bounds: list[int | None] = []
        for sign in (1.0, -1.0):
            objective = np.zeros(n + extra)
            objective[k] = sign
            result = milp(
                objective,
                constraints=constraints,
                integrality=integrality,
                bounds=Bounds(lower, upper),
            )
            if sign < 0 and not result.success:
                # The published values are a solution, so the maximum is unbounded.
                bounds.append(None)
                continue
            assert result.success, result.message
            bounds.append(round(result.x[k]))
        low, high = bounds
        if low is not None and low == high:
            findings.append(
                Finding(t, tables[t].row_labels[i], tables[t].column_labels[j], low, high)
            )
    return findings
