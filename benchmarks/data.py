"""Synthetic extracts the benchmarks share, made once and kept under ``var/bench``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent / "var" / "bench"
END = "2025-03-31"


def synthetic_extract(children: int, seed: int = 1, *, messy: bool = False) -> Path:
    """A folder of canonical CSV files for ``children`` synthetic children (made if missing),
    as a messy extract (``permanence synth --messy``) when asked."""
    folder = BENCH_DIR / f"synth-{children}-{seed}{'-messy' if messy else ''}"
    if not (folder / "milestones.csv").exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "permanence",
                "synth",
                "--children",
                str(children),
                "--seed",
                str(seed),
                "--end",
                END,
                *(["--messy"] if messy else []),
                "--out",
                str(folder),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return folder
