"""How long ``permanence synth`` takes, and how much memory, at a million children.

Issue 2 asks that ``permanence synth --children 1000000 --seed 1`` write its output in
under 30 seconds with under 4 GB of memory on a 2-core machine. Each run here is a fresh
``permanence`` process, timed from the outside: wall time, the CPU time it used, and its
peak resident memory (``getrusage(RUSAGE_CHILDREN)``, which reports the largest child
process waited for so far, so runs go smallest first).

Run with ``python -m benchmarks.bench_synth``. The figures are measured, never asserted:
a busy machine is slower, and that is not a failure.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

END = "2025-03-31"
RUNS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (600, ("--format", "both")),
    (600, ("--messy", "--format", "both")),
    (100_000, ()),
    (1_000_000, ()),
)


@dataclass(frozen=True)
class Measured:
    children: int
    options: tuple[str, ...]
    wall_seconds: float
    cpu_seconds: float
    peak_mb: float
    output_mb: float


def measure(children: int, options: tuple[str, ...]) -> Measured:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as folder:
        command = [
            sys.executable, "-m", "permanence", "synth",
            "--children", str(children), "--seed", "1", "--end", END,
            *options, "--out", folder,
        ]  # fmt: skip
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        output = sum(path.stat().st_size for path in Path(folder).iterdir())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(children, options, wall, cpu, after.ru_maxrss / 1024, output / 1e6)


def main() -> None:
    print(f"permanence synth --seed 1 --end {END}, one fresh process per run")
    print(
        f"{'children':>10}  {'options':<24} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} "
        f"{'output MB':>9}"
    )
    for children, options in RUNS:
        run = measure(children, options)
        print(
            f"{run.children:>10,}  {' '.join(run.options) or 'csv':<24} {run.wall_seconds:>7.1f} "
            f"{run.cpu_seconds:>7.1f} {run.peak_mb:>8,.0f} {run.output_mb:>9,.1f}",
            flush=True,
        )
    print("target (issue 2): 1,000,000 children in under 30 s wall, under 4,096 MB peak")


if __name__ == "__main__":
    main()
