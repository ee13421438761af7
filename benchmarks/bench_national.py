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
``var/bench/national``, once. The timed part is what the first page view after a sharing
change does (``web.national.publication.workspace``; every later view reads the stored
result): read those files, read back the tables of the publication made before the change
for the same reference date (here every authority but the last shared; the last has just
started), and compute the figures for the new sharing state, protected together with those
earlier tables. Run with ``python -m benchmarks.bench_national``. Measured, never asserted.
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
    COUNT_COLUMNS,
    Section,
    aim_band_outcomes,
    national_figures,
    national_snapshot,
    stage_medians,
    survival_medians,
)
from permanence.analysis.disclosure import ProtectedTable, recoverable_cells
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


Shares = dict[str, set[Section]]


def sharing_states(frame: pl.DataFrame) -> tuple[Shares, Shares]:
    """Who shared before the change and who shares after: every authority shares every
    section, except that the last has only now started to share."""
    codes = sorted(frame.get_column("authority").unique().to_list())
    after = {code: set(Section) for code in codes}
    before = {code: set(Section) for code in codes[:-1]}
    return before, after


def stored_earlier(frame: pl.DataFrame, shares: Shares) -> str:
    """The earlier publication's raw tables as the database holds them (JSON). Not timed:
    an earlier view computed them."""
    earlier = national_figures(frame, shares=shares, since=SINCE, as_of=AS_OF)
    return json.dumps(earlier.raw_tables())


# ``ProtectedTable.raw_frame``'s columns, as ``web.national.publication`` gives them.
RAW_SCHEMA = {"row": pl.String, "column": pl.String, "value": pl.Int64, "suppression": pl.String}


def earlier_tables(stored: str) -> dict[str, list[ProtectedTable]]:
    """The earlier tables read back, as ``web.national.publication.earlier_tables`` does."""
    return {
        aim: [
            ProtectedTable.from_raw_frame(
                pl.DataFrame(rows, schema=RAW_SCHEMA), row="authority", column="outcome"
            )
        ]
        for aim, rows in json.loads(stored).items()
        if rows
    }


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
    before, after = sharing_states(frame)
    stored = stored_earlier(frame, before)
    previous = timed("the earlier publication's tables, read back", results, earlier_tables, stored)
    figures = timed(
        "national figures, everything",
        results,
        national_figures,
        frame,
        shares=after,
        since=SINCE,
        previous=previous,
        as_of=AS_OF,
    )
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
    published = timed(
        "  the published figures as JSON (what a view reads)",
        results,
        lambda: json.dumps(figures.as_dict()),
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    national = figures.aims.filter(pl.col("authority") == "Total")
    # Protected together with the earlier publication, some national totals are withheld
    # (they would give away the new authority's small counts): count them, print none.
    withheld = sum(national.get_column(name).null_count() for name in COUNT_COLUMNS)
    hidden = int(figures.aims.select(pl.col("met").is_null().sum()).item())
    print(f"{frame.height:,} care periods in {AUTHORITIES} authorities, as of {AS_OF}")
    in_memory = frame.estimated_size() / 1e6
    print(f"snapshots on disk: {size_mb:.0f} MB of Parquet; frame in memory: {in_memory:.0f} MB")
    for label, seconds in results.items():
        print(f"{label:<50} {seconds:6.2f} s")
    print(f"peak memory of this process: {peak_mb:,.0f} MB")
    print(f"published figures stored per publication: {len(published) / 1e3:.0f} kB of JSON")
    print(
        f"children counted per aim (window from {SINCE}): "
        + ", ".join(f"{aim} {rows.height:,}" for aim, rows in sorted(children.items()))
    )
    print(
        f"authority rows with 'met' hidden, over all aims: {hidden}; "
        f"national count cells withheld: {withheld}; "
        f"every hidden count unrecoverable: {unrecoverable}"
    )


if __name__ == "__main__":
    main()
