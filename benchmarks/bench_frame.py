"""How long the journeys frame takes to build from a file, at a million care periods.

Issue 2 asks that the frame for 1,000,000 care periods build from a file in under 10
seconds on a 2-core machine. The file is the canonical CSV that ``permanence synth``
writes; it is made once and kept under ``var/bench`` (about 1.2 GB), then read and built
in a fresh process so nothing is cached in memory from the writing.

Run with ``python -m benchmarks.bench_frame``. Measured, never asserted.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.data import synthetic_extract

AS_OF = "2025-03-31"

_CHILD = """
import json, sys, time
from datetime import date
from pathlib import Path
started = time.perf_counter()
from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import read_canonical_csv
imported, imported_cpu = time.perf_counter(), time.process_time()
tables = read_canonical_csv(Path(sys.argv[1]))
read, read_cpu = time.perf_counter(), time.process_time()
frame = build_journeys_frame(tables, date.fromisoformat(sys.argv[2]), authority="BENCH")
built, built_cpu = time.perf_counter(), time.process_time()
rows = sum(t.height for _, t in tables.items())
print(json.dumps({"periods": frame.height, "rows": rows, "import": imported - started,
                  "read": read - imported, "build": built - read,
                  "read_cpu": read_cpu - imported_cpu, "build_cpu": built_cpu - read_cpu}))
"""


def measure(folder: Path) -> dict[str, float]:
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-c", _CHILD, str(folder), AS_OF],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures: dict[str, float] = json.loads(output)
    figures["wall"] = wall
    figures["peak_mb"] = after.ru_maxrss / 1024
    return figures


def main() -> None:
    print("Journeys frame from canonical CSV files, fresh process per run")
    print(
        "Wall seconds, then the processor seconds of the whole process (every thread, "
        "time.process_time), which a busy machine changes far less"
    )
    print(
        f"{'children':>10} {'periods':>10} {'rows':>11} {'read s':>7} {'build s':>8} "
        f"{'read+build':>10} {'read cpu':>9} {'build cpu':>10} {'peak MB':>8}"
    )
    for children in (5_000, 1_000_000):
        folder = synthetic_extract(children)
        run = measure(folder)
        print(
            f"{children:>10,} {int(run['periods']):>10,} {int(run['rows']):>11,} "
            f"{run['read']:>7.2f} {run['build']:>8.2f} {run['read'] + run['build']:>10.2f} "
            f"{run['read_cpu']:>9.2f} {run['build_cpu']:>10.2f} {run['peak_mb']:>8,.0f}",
            flush=True,
        )
    print("target (issue 2): the frame for 1,000,000 care periods from a file in under 10 s")


if __name__ == "__main__":
    main()
