"""How long the process map and the stability and balancing measures take.

Issue 18 asks that the map and all its measures run over 1,000,000 care periods in under
5 seconds on a 2-core machine, and over one authority of 5,000 care periods in under
100 ms. The frame is built first (bench_frame's measure); each is timed on it, best of
five. Beside each wall-clock time is the processor time the process used (all its
threads): on a machine shared with other work the wall clock waits for the processor,
while the processor time does not, and on a quiet machine the wall clock is no longer
than it (the work never waits on a disk or the network).

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
from permanence.analysis.flows import quarterly_flows
from permanence.analysis.process_map import process_map
from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import read_canonical_csv

AS_OF = date.fromisoformat(END)
REPEATS = 5


def analyses(frame: pl.DataFrame) -> dict[str, Callable[[], Any]]:
    found: dict[str, Callable[[], Any]] = {"process map": lambda: process_map(frame)}
    for measure in BALANCING_MEASURES:
        found[measure.key] = lambda key=measure.key: balancing_table(key, frame)
    found["flows per quarter"] = lambda: quarterly_flows(frame)
    return found


def best_of(function: Callable[[], Any]) -> tuple[float, float]:
    """The best wall-clock time of ``REPEATS`` runs, and the best processor time."""
    walls, processors = [], []
    for _ in range(REPEATS):
        started, used = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - started)
        processors.append(time.process_time() - used)
    return min(walls), min(processors)


def main() -> None:
    print(f"The process map and the balancing measures (best of {REPEATS})")
    for children in (5_000, 1_000_000):
        tables = read_canonical_csv(synthetic_extract(children))
        frame = build_journeys_frame(tables, AS_OF, authority="BENCH")
        print(f"\n{children:,} children, {frame.height:,} care periods")
        total = processor_total = 0.0
        print(f"  {'':<30} {'wall clock':>12} {'processor':>12}")
        for name, function in analyses(frame).items():
            seconds, processor = best_of(function)
            total += seconds
            processor_total += processor
            print(f"  {name:<30} {seconds * 1000:>9.1f} ms {processor * 1000:>9.1f} ms", flush=True)
        print(f"  {'all of them':<30} {total * 1000:>9.1f} ms {processor_total * 1000:>9.1f} ms")
    print("\ntargets (issue 18): 1,000,000 care periods under 5 s; 5,000 under 100 ms")


if __name__ == "__main__":
    main()
