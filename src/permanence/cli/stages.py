"""``permanence stages``: where children wait, from an extract or an authority's records.

For each stage of the journey (accommodated → 72-hour meeting → ... → order) the days
children spent in it, and the stages ranked by their share of all the days waited,
counting the days so far of children still waiting. See docs/stages.md for the rules.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from permanence.cli._common import print_json
from permanence.cli._frames import add_frame_source_arguments, frame_from_arguments

if TYPE_CHECKING:
    from permanence.analysis.stages import StageFigures, StageGroup


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "stages",
        help="where children wait: days in each stage of the journey, ranked by share",
        description=(
            "The days accommodated children spent in each stage of the journey to "
            "permanence (median, quartiles, 90th percentile), how many are in each stage "
            "now, and the stages ranked by their share of all the days waited."
        ),
    )
    add_frame_source_arguments(parser)
    parser.add_argument(
        "--by",
        choices=("period", "team"),
        help="also show each period of accommodation, or each team",
    )
    parser.add_argument(
        "--period",
        choices=("quarter", "year"),
        default="year",
        help="with --by period: years or quarters of accommodation (default: year)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a summary")
    parser.set_defaults(run=run)


def run(arguments: argparse.Namespace) -> int:
    from permanence.analysis.periods import Granularity, long_date
    from permanence.analysis.stages import GroupBy, stage_table

    frame = frame_from_arguments(arguments, arguments.as_of)
    result = stage_table(
        frame,
        by=GroupBy(arguments.by or "all"),
        granularity=Granularity(arguments.period),
        as_of=arguments.as_of,
    )
    if arguments.json:
        print_json(result.as_dict())
        return 0
    print(f"Where children wait, as of {long_date(arguments.as_of)}.")
    print("Stages are ranked by their share of all the days waited, children waiting now included.")
    for group in (result.overall, *result.groups):
        print()
        print(_group_heading(group))
        for line in _stage_lines(group):
            print(f"  {line}")
    return 0


def _group_heading(group: StageGroup) -> str:
    children = "1 child" if group.children == 1 else f"{group.children:,} children"
    return f"{group.label}: {children} accommodated, {group.days_total:,} days waited in all"


def _stage_lines(group: StageGroup) -> list[str]:
    if not group.days_total:
        return ["No days waited yet."]
    return [_stage_line(stage) for stage in group.ranked() if stage.days_total or stage.reached]


def _stage_line(stage: StageFigures) -> str:
    line = f"{stage.rank:>2}. {stage.label}: {int(stage.share + 0.5)}% of the days"
    if stage.reached and stage.median is not None:
        line += (
            f"; {stage.reached} reached it, median {_days(stage.median)} "
            f"(quartiles {_days(stage.lower_quartile)} to {_days(stage.upper_quartile)}, "
            f"90th percentile {_days(stage.p90)})"
        )
    if stage.in_now:
        line += (
            f"; {stage.in_now} in it now, median {_days(stage.waiting_median)} so far, "
            f"longest {_days(stage.waiting_longest)}"
        )
    if stage.out_of_order:
        line += f"; {stage.out_of_order} dated before an earlier milestone (check the record)"
    return line


def _days(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g} days" if value != 1 else "1 day"
