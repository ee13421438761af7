"""``permanence aims``: the four national aims measured from a folder of canonical CSV files.

FILE is a folder holding the six canonical tables (children.csv, care_periods.csv, ...)
as ``permanence synth`` writes them. The journeys frame is built as of ``--as-of``: nothing
recorded later is known. Every aim's figures are reported per entry period (the month,
quarter or year in which each child's clock started). A folder holding several
authorities (an ``authority`` column) is measured as one population.

The measurement itself is in ``permanence.analysis.aims_outcomes``, which takes a frame,
so the same figures come from the database once ``--authority`` reads from it.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from permanence.cli._common import UsageError, iso_date, print_json

if TYPE_CHECKING:
    import polars as pl

PERIODS = ("month", "quarter", "year")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "aims",
        help="the four national PACE aims, per entry period, from canonical CSV files",
        description=(
            "Measures the four national aims as of a date: for each month, quarter or year "
            "in which children's clocks started, how many met the aim, did not, are still "
            "waiting (within or past the target) or left care without the milestone, and "
            "the percentage met among those whose outcome is known."
        ),
    )
    parser.add_argument(
        "folder", type=Path, metavar="FILE", help="a folder of the six canonical CSV files"
    )
    parser.add_argument(
        "--as-of", type=iso_date, required=True, metavar="DATE", help="the date to measure at"
    )
    parser.add_argument(
        "--period", choices=PERIODS, default="year", help="entry periods (default: year)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of sentences")
    parser.set_defaults(run=run)


def run(arguments: argparse.Namespace) -> int:
    from permanence.analysis.aims_outcomes import evaluate_aims
    from permanence.analysis.aims_text import describe
    from permanence.analysis.periods import Granularity, long_date

    frame = load_frame(arguments.folder, arguments.as_of)
    results = evaluate_aims(frame, granularity=Granularity(arguments.period), as_of=arguments.as_of)
    if arguments.json:
        print_json(
            {
                "as_of": arguments.as_of,
                "period": arguments.period,
                "care_periods": frame.height,
                "aims": [result.as_dict() for result in results],
            }
        )
        return 0
    print(
        f"The national aims as of {long_date(arguments.as_of)}, "
        f"by the {arguments.period} each child's clock started."
    )
    for result in results:
        print()
        print(f"{result.aim.title}. {result.aim.statement}")
        for line in describe(result):
            print(f"  {line}")
    return 0


def load_frame(folder: Path, as_of: date) -> pl.DataFrame:
    """The journeys frame of a folder of canonical CSV files, as of a date.

    Problems with the folder or its files become a one-line ``UsageError``. Tables without
    an ``authority`` column are taken to be one authority, named after the folder.
    """
    import polars as pl

    from permanence.journey.frame import build_journeys_frame
    from permanence.journey.tables import SCHEMAS, read_canonical_csv, table_path

    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder of canonical CSV files")
    missing = [name for name in SCHEMAS if not table_path(folder, name).is_file()]
    if missing:
        raise UsageError(f"{folder} has no {', '.join(f'{name}.csv' for name in missing)}")
    try:
        tables = read_canonical_csv(folder)
        return build_journeys_frame(tables, as_of, authority=folder.resolve().name or "import")
    except (OSError, ValueError, pl.exceptions.PolarsError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        raise UsageError(f"could not read {folder}: {first_line}") from None
