"""Rows of the canonical tables while they are gathered: numpy columns and coded values.

Rows are gathered batch by batch as plain numpy arrays, with every text value held as a
small number into a ``Vocabulary``; only when a table is finished do the numbers become
text, once per column. This keeps a million children's rows cheap to collect, sort and
filter.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from permanence.synth.draws import Indices, Mask


class Vocabulary:
    """The text values a coded column can take; index 0 may stand for a blank."""

    def __init__(self, values: Sequence[str | None]) -> None:
        self.values = tuple(values)
        self._index = {value: number for number, value in enumerate(self.values)}

    def __getitem__(self, value: str | None) -> int:
        return self._index[value]

    def translate(self, values: Sequence[str | None]) -> Indices:
        """Indices here of ``values``: turns a draw among ``values`` into this vocabulary."""
        return np.array([self._index[value] for value in values], dtype=np.int64)

    def series(self, name: str, index: Indices) -> pl.Series:
        return pl.Series(name, self.values, dtype=pl.String).gather(index)


Value = Indices | Mask | int


class Rows:
    """One table's rows being gathered: named int32 columns, appended in chunks.

    A chunk's column may be a constant (a kind of meeting, say): it is kept as the one
    value and written out only when the chunks are joined, into one array per column.
    """

    def __init__(self, **defaults: int) -> None:
        # Every column, with the value a chunk that does not mention it takes.
        self._defaults = defaults
        self._lengths: list[int] = []
        self._chunks: dict[str, list[np.ndarray | int]] = {name: [] for name in defaults}

    def add(self, keep: Mask, **columns: Value) -> None:
        unknown = set(columns) - set(self._defaults)
        if unknown:
            raise KeyError(f"no such column: {', '.join(sorted(unknown))}")
        rows = np.flatnonzero(keep)
        self._lengths.append(len(rows))
        for name, default in self._defaults.items():
            value = columns.get(name, default)
            if isinstance(value, np.ndarray):
                self._chunks[name].append(value[rows].astype(np.int32, copy=False))
            else:
                self._chunks[name].append(int(value))

    def columns(self) -> dict[str, np.ndarray]:
        """Every chunk joined, one int32 array per column; the chunks are released."""
        total = sum(self._lengths)
        bounds = np.concatenate([[0], np.cumsum(self._lengths, dtype=np.int64)])
        joined: dict[str, np.ndarray] = {}
        for name, chunks in self._chunks.items():
            column = np.empty(total, dtype=np.int32)
            for number, chunk in enumerate(chunks):
                column[bounds[number] : bounds[number + 1]] = chunk
            joined[name] = column
        self._lengths = []
        self._chunks = {name: [] for name in self._defaults}
        return joined
