"""The national benchmarking page's figures for 32 authorities and 1,000,000 care periods.

Issue 8 asks that the national workspace (about 12,000 children looked after at a time,
15 years of history, 32 authorities) stays fast at a million care periods: the figures of
the national benchmarking page (every aim's counts under disclosure control, Wilson
intervals, funnel limits, age standardisation, Kaplan-Meier medians per authority and
stage delays) in under 5 seconds on a 2-core machine.

The 32 synthetic authorities (``permanence.synth.generate``, 15 years each) are sized
like Scotland's: a few large, many small, the largest about a fifth of the whole. Each
is built into its journeys frame and written as the national snapshot the web app keeps
(``analysis.benchmarking.national_snapshot``, Parquet, one file per authority) under
``var/bench/national``, once. The timed part reads those files and computes the figures,
as the page does the first time a sharing state is seen (every later view reads the
stored result). Run with ``python -m benchmarks.bench_national``. Measured, never asserted.
"""

from __future__ import annotations

import json
import resource
import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from permanence.analysis.aims import NATIONAL_AIMS
from permanence.analysis.benchmarking import (
    aim_band_outcomes,
    national_figures,
    national_snapshot,
    stage_medians,
    survival_medians,
)
from permanence.analysis.disclosure import recoverable_cells
from permanence.journey.frame import build_journeys_frame
from permanence.synth import generate

AS_OF = date(2025, 3, 31)
SINCE = date(2022, 4, 1)  # the national window: three years to the reference date
YEARS = 15.0
AUTHORITIES = 32
CARE_PERIODS = 1_000_000
PERIODS_PER_CHILD = 1.04  # what the generator gives over 15 years
SNAPSHOTS = Path(__file__).resolve().parent.parent / "var" / "bench" / "national"


def authority_sizes(total_children: int, count: int = AUTHORITIES) -> list[int]:
    """Children per authority: a skewed spread like Scotland's (largest about 20%)."""
    weights = np.geomspace(1.0, 40.0, count)[::-1] ** 1.15
    weights = weights / weights.sum()
    return [max(round(float(w) * total_children), 30) for w in weights]


def build_snapshots() -> list[Path]:
    """One Parquet snapshot per authority, made once and kept."""
    marker = SNAPSHOTS / "complete"
    paths = sorted(SNAPSHOTS.glob("A*.parquet"))
    if marker.exists() and len(paths) == AUTHORITIES:
        return paths
    shutil.rmtree(SNAPSHOTS, ignore_errors=True)
    SNAPSHOTS.mkdir(parents=True)
    sizes = authority_sizes(round(CARE_PERIODS / PERIODS_PER_CHILD))
    started = time.perf_counter()
    for number, children in enumerate(sizes, start=1):
        code = f"A{number:02d}"
        tables = generate(children, number, end=AS_OF, years=YEARS).with_authority(code)
        frame = national_snapshot(build_journeys_frame(tables, AS_OF))
        frame.write_parquet(SNAPSHOTS / f"{code}.parquet", compression="zstd")
    marker.write_text("ok\n")
    print(f"built {AUTHORITIES} snapshots in {time.perf_counter() - started:.0f} s (kept)")
    return sorted(SNAPSHOTS.glob("A*.parquet"))


def timed(label: str, results: dict[str, float], function: Any, *args: Any, **kwargs: Any) -> Any:
    started = time.perf_counter()
    value = function(*args, **kwargs)
    results[label] = time.perf_counter() - started
    return value


def main() -> None:
    paths = build_snapshots()
    size_mb = sum(path.stat().st_size for path in paths) / 1e6
    results: dict[str, float] = {}

    frame = timed(
        "read the 32 snapshots", results, lambda: pl.concat([pl.read_parquet(p) for p in paths])
    )
    figures = timed("national figures, everything", results, national_figures, frame, since=SINCE)
    # The parts, for where the time goes (each measured on its own).
    _, children = timed(
        "  the aims' counts per authority and age band",
        results,
        aim_band_outcomes,
        frame,
        NATIONAL_AIMS,
        since=SINCE,
    )
    timed(
        "  Kaplan-Meier medians per authority",
        results,
        survival_medians,
        children,
        NATIONAL_AIMS,
        AS_OF,
    )
    timed("  stage medians per authority", results, stage_medians, frame, since=SINCE)
    unrecoverable = timed(
        "  checking no hidden count can be worked out",
        results,
        lambda: all(not recoverable_cells(t) for t in figures.tables.values()),
    )
    stored = timed(
        "  the published figures as JSON (what a view reads)",
        results,
        lambda: json.dumps(figures.as_dict()),
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    counted = figures.aims.filter(pl.col("authority") == "Total")
    hidden = int(figures.aims.select(pl.col("met").is_null().sum()).item())
    print(f"{frame.height:,} care periods in {AUTHORITIES} authorities, as of {AS_OF}")
    in_memory = frame.estimated_size() / 1e6
    print(f"snapshots on disk: {size_mb:.0f} MB of Parquet; frame in memory: {in_memory:.0f} MB")
    for label, seconds in results.items():
        print(f"{label:<50} {seconds:6.2f} s")
    print(f"peak memory of this process: {peak_mb:,.0f} MB")
    print(f"published figures stored per publication: {len(stored) / 1e3:.0f} kB of JSON")
    print(
        f"children counted per aim (window from {SINCE}): "
        + ", ".join(f"{row['aim']} {row['counted']:,}" for row in counted.iter_rows(named=True))
    )
    print(
        f"authority rows with 'met' hidden, over all aims: {hidden}; "
        f"every hidden count unrecoverable: {unrecoverable}"
    )


if __name__ == "__main__":
    main()
