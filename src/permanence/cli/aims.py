"""``permanence aims``: the four national aims, from an extract or an authority's records.

FILE... is an extract (see ``permanence import``: read and validated the same way, refused
rows left out), or ``--authority CODE`` measures that authority's records in the database.
The journeys frame is built as of ``--as-of`` (the measuring date): nothing
recorded later is known. An extract is checked as of ``--extract-date``, the day it was
taken (default: today), so measuring at a past date never refuses a later row as "in the
future" (docs/aims.md). Every aim's figures are reported per entry period (the month,
quarter or year in which each child's clock started). A folder holding several
authorities (an ``authority`` column) is measured as one population.

The measurement itself is in ``permanence.analysis.aims_outcomes``, which takes a frame.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from permanence.cli._common import print_json
from permanence.cli._frames import (
    add_frame_source_arguments,
    extract_date_of,
    frame_from_arguments,
)

if TYPE_CHECKING:
    pass

PERIODS = ("month", "quarter", "year")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "aims",
        help="the four national PACE aims, per entry period, from an extract or the database",
        description=(
            "Measures the four national aims as of a date: for each month, quarter or year "
            "in which children's clocks started, how many met the aim, did not, are still "
            "waiting (within or past the target) or left care without the milestone, and "
            "the percentage met among those whose outcome is known."
        ),
    )
    add_frame_source_arguments(parser)
    parser.add_argument(
        "--period", choices=PERIODS, default="year", help="entry periods (default: year)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of sentences")
    parser.set_defaults(run=run)


def run(arguments: argparse.Namespace) -> int:
    from permanence.analysis.aims_outcomes import evaluate_aims
    from permanence.analysis.aims_text import describe
    from permanence.analysis.periods import Granularity, long_date

    frame = frame_from_arguments(arguments, arguments.as_of)
    results = evaluate_aims(frame, granularity=Granularity(arguments.period), as_of=arguments.as_of)
    taken = None if arguments.authority else extract_date_of(arguments)
    if arguments.json:
        print_json(
            {
                "as_of": arguments.as_of,
                "extract_date": taken,
                "period": arguments.period,
                "care_periods": frame.height,
                "aims": [result.as_dict() for result in results],
            }
        )
        return 0
    source = "" if taken is None else f", from an extract taken on {long_date(taken)}"
    print(
        f"The national aims as of {long_date(arguments.as_of)}{source}, "
        f"by the {arguments.period} each child's clock started."
    )
    for result in results:
        print()
        print(f"{result.aim.title}. {result.aim.statement}")
        for line in describe(result):
            print(f"  {line}")
    return 0
