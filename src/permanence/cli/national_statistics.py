"""``permanence national-statistics``: check a table of published national statistics.

    permanence national-statistics                       # the figures shipped with the app
    permanence national-statistics by-authority-2024.csv # check a table before loading it

A table in the documented format (docs/national-statistics.md) is loaded by naming its
file in ``PERMANENCE_NATIONAL_STATISTICS``; this command checks it first and lists its
figures with their sources. Exit status: 0 when every line is in format, 2 when not.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_CLEAN = 0
EXIT_UNREADABLE = 2


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "national-statistics",
        help="check a table of published national statistics (or list the shipped one)",
        description=(
            "Read a table of published Children's Social Work Statistics in the documented "
            "format and list its figures with their sources; without FILE, list the figures "
            "shipped with the app. Exit status: 0 when every line is in format, 2 when not."
        ),
    )
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE", help="a CSV table")
    parser.set_defaults(run=run)


def run(arguments: argparse.Namespace) -> int:
    from permanence.analysis.national_statistics import (
        FormatError,
        read_figures,
        shipped_figures,
    )

    try:
        if arguments.file is None:
            figures = shipped_figures()
        else:
            figures = read_figures(arguments.file.read_text("utf-8"), name=str(arguments.file))
    except (FormatError, OSError, UnicodeDecodeError) as error:
        print(f"permanence national-statistics: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    for figure in figures:
        print(
            f"{figure.on.isoformat()}  {figure.area}  {figure.measure}  {figure.category}  "
            f"{figure.value}  ({figure.publication}: {figure.source_url})"
        )
    print(f"{len(figures)} figures, every line in format.")
    return EXIT_CLEAN
