"""``permanence aims``: the four national aims, from an extract or an authority's records.

FILE... is an extract (see ``permanence import``: read and validated the same way, refused
rows left out), or ``--authority CODE`` measures that authority's records in the database.
The journeys frame is built as of ``--as-of``: nothing
recorded later is known. Every aim's figures are reported per entry period (the month,
quarter or year in which each child's clock started). A folder holding several
authorities (an ``authority`` column) is measured as one population.

The measurement itself is in ``permanence.analysis.aims_outcomes``, which takes a frame.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from permanence.cli._common import iso_date, print_json
from permanence.cli._frames import add_frame_source_arguments, frame_from_arguments

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

    frame = frame_from_arguments(arguments, arguments.as_of)
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
