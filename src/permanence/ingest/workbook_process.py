"""Reading a workbook in a process of its own, under a hard limit on its memory.

The limits (``workbook_limits.py``) predict from a workbook's XML the memory reading it
will take, and refuse one that would take too much before the reader opens it. This is
the backstop for a workbook they ever misjudge: the reader (python-calamine, and the
polars tables made from its cells) never runs in the process that asked for it, so a
web worker or the worker that loads an extract cannot be killed by it.

``read_workbook_apart`` starts a fresh interpreter (``python -m
permanence.ingest.workbook_process``; never a fork of a process with threads), which
caps its own address space with ``RLIMIT_AS`` at what it holds once started plus
``MAX_READER_MEMORY``, reads the workbook it is sent on its standard input and sends the
sheets back on its standard output (pickled; a sheet's table in polars' own binary form).
An allocation past the cap fails in that process only: Python's ``MemoryError``, or the
reader's own abort; the kernel's out-of-memory killer is asked to choose it first; it
writes no core file. The caller gets an ``ExtractError`` saying the workbook needs more
memory than allowed and what to do, like any other limit.

Starting the process costs the time to start Python and import polars: about half a
second of processor time for each workbook (``benchmarks/bench_validate.py`` reads a
workbook both ways). The cap is enforced on Linux, where the product runs; elsewhere the workbook is
still read in its own process, without a cap.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import permanence
from permanence.ingest.errors import ExtractError
from permanence.ingest.workbook_limits import WHAT_TO_DO

if TYPE_CHECKING:
    from permanence.ingest.readers import RawSheet

MAX_READER_MEMORY = 3 * 1024 * 1024 * 1024
"""The address space reading one workbook may take, beyond what the reading process holds
once Python and polars are loaded: 3 GB. A large authority's full history as a workbook
takes about 350 MB; the most a workbook the limits let through was seen to take is about
2 GB (address space reserved, not all of it used)."""

MAX_READING_SECONDS = 300
"""How long reading one workbook may take: 5 minutes. A large authority's full history
(about 400,000 rows) reads in a few seconds; a workbook still being read after this long
is one the limits misjudged in time rather than memory (a reader caught in a pathological
file), and it must not hold the worker that loads extracts for ever."""

#: The reading process's exit status when Python ran out of memory.
OUT_OF_MEMORY = 3
#: How a process ends when an allocation fails where Python cannot catch it (the reader
#: aborts) or the kernel's out-of-memory killer ends it.
_KILLED_FOR_MEMORY = frozenset({-signal.SIGABRT, -signal.SIGKILL})
#: The dynamic loader's exit status when it cannot allocate a new thread's memory (it
#: writes "cannot allocate memory for thread-local data" and exits, rather than abort).
_LOADER_FAILED = 127


def _ran_out_of_memory(finished: subprocess.CompletedProcess[bytes]) -> bool:
    return (
        finished.returncode == OUT_OF_MEMORY
        or finished.returncode in _KILLED_FOR_MEMORY
        or (finished.returncode == _LOADER_FAILED and b"cannot allocate memory" in finished.stderr)
    )


def read_workbook_apart(path: Path, data: bytes, *, memory: int | None = None) -> list[RawSheet]:
    """Every worksheet of the workbook ``data`` (named ``path``), read in its own process.

    ``memory`` is the memory the reading may take (``MAX_READER_MEMORY`` unless given).
    Raises ``ExtractError`` when the workbook cannot be read, needs more memory, or takes
    longer than ``MAX_READING_SECONDS``.
    """
    allowance = MAX_READER_MEMORY if memory is None else memory
    try:
        finished = subprocess.run(  # noqa: S603 - our own module, and numbers
            [sys.executable, "-m", __name__, str(allowance)],
            input=pickle.dumps((str(path), data), protocol=pickle.HIGHEST_PROTOCOL),
            capture_output=True,
            env=_environment(),
            check=False,
            timeout=MAX_READING_SECONDS,
        )
    except subprocess.TimeoutExpired:
        # subprocess.run has already killed the reading process and waited for it.
        raise ExtractError(
            [
                f"{path.name}: the workbook took longer to read than allowed "
                f"({MAX_READING_SECONDS:,} seconds); {WHAT_TO_DO}"
            ]
        ) from None
    if finished.returncode == 0:
        outcome, value = pickle.loads(finished.stdout)  # noqa: S301 - our own process's
        if outcome == "refused":
            raise ExtractError(value)
        sheets: list[RawSheet] = value
        return sheets
    if _ran_out_of_memory(finished):
        raise ExtractError(
            [
                f"{path.name}: the workbook needs more memory to read than allowed "
                f"({allowance / 1024 / 1024:,.0f} MB); {WHAT_TO_DO}"
            ]
        )
    if finished.returncode < 0:
        raise ExtractError(
            [
                f"{path.name}: the workbook reader stopped on it (signal "
                f"{-finished.returncode}); it may be damaged, so save it again from the "
                "spreadsheet program, or as CSV files"
            ]
        )
    # Anything else is a fault of ours, not of the file: said in full to whoever runs it.
    raise RuntimeError(
        f"reading {path.name} in its own process failed (exit status "
        f"{finished.returncode}): {finished.stderr.decode(errors='replace')[-2000:]}"
    )


def _environment() -> dict[str, str]:
    """The reading process's environment: this one's, finding this copy of permanence,
    with one polars thread (each thread reserves address space, and more threads would
    make the cap depend on the machine's cores)."""
    environment = dict(os.environ)
    source = str(Path(permanence.__file__).resolve().parent.parent)
    paths = [source, *filter(None, environment.get("PYTHONPATH", "").split(os.pathsep))]
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    environment["POLARS_MAX_THREADS"] = "1"
    return environment


# ---------------------------------------------------------------------------------------
# The reading process


def _cap_memory(allowance: int) -> None:
    """Cap this process's address space at what it holds now plus ``allowance``; no core
    file; the out-of-memory killer's first choice. Linux only: elsewhere, no cap."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not a POSIX system
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            held = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        with open("/proc/self/oom_score_adj", "w", encoding="ascii") as score:
            score.write("1000")
    except OSError:  # pragma: no cover - not Linux
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = held + allowance
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _main(arguments: list[str]) -> int:
    # What reading loads and starts is loaded and started before the cap (the modules,
    # polars' thread), so that the cap is met only by the workbook's own cells.
    import encodings.cp437  # noqa: F401 - zipfile reads some part names with it

    import polars as pl
    import python_calamine  # noqa: F401

    from permanence.ingest.readers import read_workbook_here

    pl.DataFrame({"a": ["x"]}).with_row_index().filter(pl.col("a").str.len_chars() > 0)
    _cap_memory(int(arguments[0]))
    outcome: tuple[str, Any]
    try:
        name, data = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - from our caller
        try:
            outcome = ("sheets", read_workbook_here(Path(name), data))
        except ExtractError as error:
            outcome = ("refused", list(error.problems))
        answer = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        del data, outcome
        sys.stdout.buffer.write(answer)
        sys.stdout.buffer.flush()
    except BaseException as error:
        if _out_of_memory(error):
            os._exit(OUT_OF_MEMORY)  # nothing more can be done with no memory left
        raise
    return 0


# How the system says it has no memory to give, when polars or a library says it for it.
_NO_MEMORY = ("os error 12", "Cannot allocate memory", "failed to map segment")


def _out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` means an allocation failed (``MemoryError``, or the system's
    "cannot allocate memory" passed on by a library)."""
    return isinstance(error, MemoryError) or any(words in str(error) for words in _NO_MEMORY)


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
