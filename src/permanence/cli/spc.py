"""``permanence spc``: a control chart from a plain CSV file.

    permanence spc waits.csv --chart i --value weeks --transform log --order decided_on --json
    permanence spc monthly.csv --chart p --numerator met --denominator counted --order month

Charts: ``i`` (individual values, optionally of log or x^(1/3.6) transformed values),
``mr`` (moving ranges), ``p`` (proportions with varying denominators), ``t`` (time between
events) and ``g`` (count between events). The ordering, baseline, phase and exclusion
options are those of ``permanence runchart``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from permanence.cli._common import UsageError, print_json
from permanence.cli.runchart import add_series_arguments, load_series


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "spc",
        help="a control chart (I, MR, P, C, U, T or G) from a CSV file, with its signals",
        description=(
            "Build a control chart from a CSV file: centre line and limits per point, per "
            "phase, and the points that signal special cause variation."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="a CSV file with a header line")
    parser.add_argument(
        "--chart",
        required=True,
        choices=("i", "mr", "p", "c", "u", "t", "g"),
        help="the kind of chart",
    )
    parser.add_argument("--value", metavar="COLUMN", help="the measure (every chart but p and u)")
    parser.add_argument(
        "--numerator", metavar="COLUMN", help="p and u charts: the count (meeting it)"
    )
    parser.add_argument(
        "--denominator",
        metavar="COLUMN",
        help="p chart: the count of all; u chart: the units of opportunity",
    )
    parser.add_argument(
        "--transform",
        choices=("none", "log", "power"),
        default="none",
        help="i chart: chart ln(x) or x^(1/3.6) for skewed data, shown on the original scale",
    )
    parser.add_argument(
        "--screen-moving-ranges",
        action="store_true",
        help="i, mr and t charts: set aside moving ranges above 3.267 x their average first",
    )
    add_series_arguments(parser)
    parser.set_defaults(run=run)


def run(arguments: argparse.Namespace) -> int:
    from permanence.analysis.control import analyse_control_chart, describe_control_chart

    columns = _value_columns(arguments)
    series = load_series(arguments, columns)
    numbers = [series.columns[c] for c in columns]
    ratio = arguments.chart in ("p", "u")
    try:
        result = analyse_control_chart(
            arguments.chart,
            None if ratio else numbers[0],
            numerators=numbers[0] if ratio else None,
            denominators=numbers[1] if ratio else None,
            transform=arguments.transform,
            baseline_n=arguments.baseline,
            baseline_end=series.baseline_end(arguments.baseline_until),
            phase_breaks=series.phase_breaks(arguments.phase_breaks),
            exclude=series.excluded,
            screen_moving_ranges=arguments.screen_moving_ranges,
        )
    except ValueError as error:
        raise UsageError(series.explain(error)) from None
    if arguments.json:
        print_json({**result.to_json(), **series.to_json()})
    else:
        print("\n".join(describe_control_chart(result, series.labels)))
    return 0


def _value_columns(arguments: argparse.Namespace) -> list[str]:
    if arguments.chart in ("p", "u"):
        chart = arguments.chart
        if arguments.numerator is None or arguments.denominator is None:
            raise UsageError(f"a {chart} chart needs --numerator and --denominator")
        if arguments.value is not None:
            raise UsageError(f"a {chart} chart takes --numerator and --denominator, not --value")
        return [arguments.numerator, arguments.denominator]
    if arguments.value is None:
        raise UsageError(f"a {arguments.chart} chart needs --value")
    if arguments.numerator is not None or arguments.denominator is not None:
        raise UsageError("--numerator and --denominator are for p and u charts only")
    if arguments.transform != "none" and arguments.chart != "i":
        raise UsageError("--transform applies to i charts (a t chart always uses x^(1/3.6))")
    return [arguments.value]
