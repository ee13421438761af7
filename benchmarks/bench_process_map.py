"""How long the process map and the stability and balancing measures take.

Issue 18 asks that the map and all its measures run over 1,000,000 care periods in under
5 seconds on a 2-core machine, and over one authority of 5,000 care periods in under
100 ms. The frame is built first (bench_frame's measure); each is timed on it, best of
five.

Run with ``python -m benchmarks.bench_process_map``. Measured, never asserted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl

from benchmarks.data import END, synthetic_extract
from permanence.analysis.balancing import BALANCING_MEASURES, balancing_table
from permanence.analysis.process_map import process_map
from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import read_canonical_csv

AS_OF = date.fromisoformat(END)
REPEATS = 5


def analyses(frame: pl.DataFrame) -> dict[str, Callable[[], Any]]:
    found: dict[str, Callable[[], Any]] = {"process map": lambda: process_map(frame)}
    for measure in BALANCING_MEASURES:
        found[measure.key] = lambda key=measure.key: balancing_table(key, frame)
    return found


def best_of(function: Callable[[], Any]) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    print(f"The process map and the balancing measures (best of {REPEATS})")
    for children in (5_000, 1_000_000):
        tables = read_canonical_csv(synthetic_extract(children))
        frame = build_journeys_frame(tables, AS_OF, authority="BENCH")
        print(f"\n{children:,} children, {frame.height:,} care periods")
        total = 0.0
        for name, function in analyses(frame).items():
            seconds = best_of(function)
            total += seconds
            print(f"  {name:<30} {seconds * 1000:>9.1f} ms", flush=True)
        print(f"  {'all of them':<30} {total * 1000:>9.1f} ms")
    print("\ntargets (issue 18): 1,000,000 care periods under 5 s; 5,000 under 100 ms")


if __name__ == "__main__":
    main()
