"""How long reading and validating an extract takes, from CSV and from a workbook.

Issue 4 asks that a 100,000-row extract be validated (and loaded, which the web layer
measures) in under 20 seconds. This measures the pure core: ``read_extract`` (files to
canonical text tables) and ``validate`` (every rule, the clean tables and the issues),
for a synthetic authority of about 100,000 rows across the six tables, written as CSV
files and as one workbook, both clean and with ``--messy`` problems. A larger CSV run
(about a million rows) shows how it scales. A last line reads one workbook in this
process and in a process of its own under a memory limit, as every workbook is read
(``ingest/workbook_process.py``): the difference is what that backstop costs.

Run with ``python -m benchmarks.bench_validate``. The figures are measured, never
asserted: a busy machine is slower, and that is not a failure.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

END = date(2025, 3, 31)
SEED = 1
# About 20 rows per child across the six tables: 5,000 children is about 100,000 rows.
RUNS: tuple[tuple[int, str, bool], ...] = (
    (5_000, "csv", False),
    (5_000, "csv", True),
    (5_000, "xlsx", False),
    (5_000, "xlsx", True),
    (50_000, "csv", False),
)


@dataclass(frozen=True)
class Measured:
    children: int
    form: str
    messy: bool
    rows: int
    megabytes: float
    read_seconds: float
    validate_seconds: float
    issues: int

    @property
    def total_seconds(self) -> float:
        return self.read_seconds + self.validate_seconds


def _timed(action: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def _write_extract(children: int, form: str, messy: bool, folder: Path) -> tuple[int, Path]:
    """A synthetic authority written as the canonical format; returns (rows, path)."""
    from permanence.synth import generate
    from permanence.synth.messy import make_messy
    from permanence.synth.writers import write_csv, write_xlsx

    tables = generate(children, SEED, end=END)
    written = make_messy(tables, SEED) if messy else tables
    rows = sum(frame.height for _, frame in written.items())
    if form == "csv":
        write_csv(written, folder)
        return rows, folder
    return rows, write_xlsx(written, folder / "extract.xlsx")


def measure(children: int, form: str, messy: bool) -> Measured:
    from permanence.ingest import read_extract, validate

    with tempfile.TemporaryDirectory(prefix="bench-validate-") as directory:
        rows, path = _write_extract(children, form, messy, Path(directory))
        size = sum(p.stat().st_size for p in Path(directory).iterdir())
        extract, read_seconds = _timed(lambda: read_extract(path, extract_date=END))
        validation, validate_seconds = _timed(lambda: validate(extract))
    return Measured(
        children=children,
        form=form,
        messy=messy,
        rows=rows,
        megabytes=size / 1e6,
        read_seconds=read_seconds,
        validate_seconds=validate_seconds,
        issues=validation.issues.height,
    )


def reading_apart(children: int = 5_000) -> tuple[float, float]:
    """Seconds to read one workbook in this process, and in a process of its own under a
    memory limit (``ingest/workbook_process.py``, as every workbook is read): the second
    less the first is what the backstop costs."""
    from permanence.ingest.readers import read_workbook_here
    from permanence.ingest.workbook_process import read_workbook_apart

    with tempfile.TemporaryDirectory(prefix="bench-validate-") as directory:
        _, path = _write_extract(children, "xlsx", False, Path(directory))
        data = path.read_bytes()
        _, here = _timed(lambda: read_workbook_here(path, data))
        _, apart = _timed(lambda: read_workbook_apart(path, data))
    return here, apart


def main() -> None:
    print(f"read_extract + validate, synthetic authority (seed {SEED}, extract date {END})")
    print(
        f"{'children':>9} {'form':>5} {'messy':>6} {'rows':>10} {'MB':>7} "
        f"{'read s':>8} {'validate s':>11} {'total s':>8} {'issues':>8}"
    )
    for children, form, messy in RUNS:
        result = measure(children, form, messy)
        print(
            f"{result.children:>9,} {result.form:>5} {'yes' if result.messy else 'no':>6} "
            f"{result.rows:>10,} {result.megabytes:>7.1f} {result.read_seconds:>8.2f} "
            f"{result.validate_seconds:>11.2f} {result.total_seconds:>8.2f} {result.issues:>8,}",
            flush=True,
        )
    here, apart = reading_apart()
    print(
        f"one workbook of 5,000 children: read here {here:.2f} s, in its own process "
        f"{apart:.2f} s (the memory backstop costs {apart - here:.2f} s)"
    )


if __name__ == "__main__":
    main()
