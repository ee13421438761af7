"""``permanence survival``: Kaplan-Meier time to a milestone from a plain CSV of dates.

Each row is one child (or care period). The start and end columns hold ISO dates
(YYYY-MM-DD); a blank end means the child is still waiting. ``--censor`` names a column
with the date the child stopped being followed (left care, say). Rows are grouped by
``--by`` and by the entry cohort (``--cohort year|quarter``) of the start date.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from permanence.cli._common import UsageError, iso_date, print_json

if TYPE_CHECKING:
    import polars as pl

    from permanence.analysis.survival import SurvivalResult

METHOD = {
    "estimator": "Kaplan-Meier",
    "std_error": "Greenwood",
    "interval": "pointwise, log-log transform",
    "quantile_interval": "Brookmeyer-Crowley, log-log transform",
    "routes": "Aalen-Johansen cumulative incidence, the other routes competing",
}


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "survival",
        help="Kaplan-Meier time from one date to another, counting children still waiting",
        description=(
            "Follows every child from the start date and estimates, per group, the share "
            "who had reached the end date by each week (Kaplan-Meier). Children still "
            "waiting are counted up to --as-of; children who stopped being followed "
            "(--censor) up to that date."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="a CSV file with a header row")
    parser.add_argument("--start", required=True, metavar="COLUMN", help="the start date column")
    parser.add_argument(
        "--end", required=True, metavar="COLUMN", help="the end date column (blank: waiting)"
    )
    parser.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="the measuring date: dates after it are not yet known (default: today)",
    )
    parser.add_argument("--by", metavar="COLUMN", help="a column to group children by")
    parser.add_argument(
        "--cohort",
        choices=["year", "quarter"],
        help="group children by the year or quarter of their start date (entry cohorts)",
    )
    parser.add_argument(
        "--target-weeks", type=_weeks, metavar="N", help="report the percentage by week N"
    )
    parser.add_argument(
        "--censor",
        metavar="COLUMN",
        help="the date a child stopped being followed (e.g. left care) without the end date",
    )
    parser.add_argument(
        "--route",
        metavar="COLUMN",
        help="the route taken at the end date: adds each route's cumulative incidence",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a summary")
    parser.set_defaults(run=run)


def _weeks(text: str) -> int:
    try:
        weeks = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of weeks") from None
    if weeks < 0:
        raise argparse.ArgumentTypeError("the number of weeks cannot be negative")
    return weeks


def run(arguments: argparse.Namespace) -> int:
    import polars as pl

    from permanence.analysis.survival import (
        OUTCOME,
        FollowUp,
        follow_up,
        routes_by_cohort,
        survival_by_cohort,
    )

    as_of: date = arguments.as_of or date.today()
    raw = _read(arguments.file)
    date_columns = [
        arguments.start,
        arguments.end,
        *([arguments.censor] if arguments.censor else []),
    ]
    _require_columns(raw, [*date_columns, *(c for c in (arguments.by, arguments.route) if c)])
    data = raw.with_columns(_parsed_date(raw, column) for column in date_columns)

    data = follow_up(
        data, start=arguments.start, end=arguments.end, stopped=arguments.censor, as_of=as_of
    )
    not_started = data.filter(pl.col(OUTCOME) == FollowUp.NOT_STARTED.value).height
    by = [arguments.by] if arguments.by else []
    result = survival_by_cohort(
        data,
        start=arguments.start,
        cohort=arguments.cohort,
        by=by,
        target_weeks=arguments.target_weeks,
    )
    routes = None
    if arguments.route:
        routes = routes_by_cohort(
            data,
            start=arguments.start,
            cohort=arguments.cohort,
            by=by,
            route=arguments.route,
            routes=_route_order(data, arguments.route),
        )

    if arguments.json:
        print_json(_payload(arguments, as_of, not_started, result, routes))
    else:
        _print_summary(arguments, as_of, not_started, result, routes)
    return 0


def _read(path: Path) -> pl.DataFrame:
    import polars as pl

    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    try:
        return pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as error:
        first_line = (
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        )
        raise UsageError(f"cannot read {path} as CSV: {first_line}") from None


def _require_columns(data: pl.DataFrame, columns: list[str]) -> None:
    for column in columns:
        if column not in data.columns:
            raise UsageError(
                f"no column {column!r} in the file (it has: {', '.join(data.columns)})"
            )


def _parsed_date(data: pl.DataFrame, column: str) -> pl.Expr:
    """The column as dates; a value that is not a YYYY-MM-DD date stops with its line."""
    import polars as pl

    text = data.get_column(column).str.strip_chars()
    parsed = text.str.to_date("%Y-%m-%d", strict=False)
    bad = (parsed.is_null() & text.is_not_null() & (text != "")).arg_true()
    if bad.len():
        row = int(bad[0])
        raise UsageError(
            f"column {column!r}, line {row + 2}: {text[row]!r} is not a date in the form YYYY-MM-DD"
        )
    return pl.lit(parsed).alias(column)


def _route_order(data: pl.DataFrame, column: str) -> list[str]:
    """The vocabulary's routes that appear, in its order, then any other values."""
    import polars as pl

    from permanence.analysis.survival import REACHED
    from permanence.journey.vocabulary import Route

    seen = set(data.filter(pl.col(REACHED)).get_column(column).drop_nulls().to_list())
    known = [member.value for member in Route if member.value in seen]
    return known + sorted(seen - set(known))


def _group_key(result: SurvivalResult, row: dict[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in result.groups}


def _rows_for(frame: pl.DataFrame, key: dict[str, Any]) -> list[dict[str, Any]]:
    import polars as pl

    condition = pl.lit(True)
    for name, value in key.items():
        condition &= pl.col(name).is_null() if value is None else pl.col(name) == value
    return frame.filter(condition).drop(list(key)).to_dicts()


def _payload(
    arguments: argparse.Namespace,
    as_of: date,
    not_started: int,
    result: SurvivalResult,
    routes: pl.DataFrame | None,
) -> dict[str, Any]:
    groups = []
    for summary in result.summary.to_dicts():
        key = _group_key(result, summary)
        entry: dict[str, Any] = {
            "group": key,
            "summary": {name: value for name, value in summary.items() if name not in key},
            "table": _rows_for(result.table, key),
            "weeks": _rows_for(result.curves, key),
        }
        if routes is not None:
            entry["routes"] = _rows_for(routes, key)
        groups.append(entry)
    return {
        "as_of": as_of,
        "file": str(arguments.file),
        "start": arguments.start,
        "end": arguments.end,
        "censor": arguments.censor,
        "by": arguments.by,
        "cohort": arguments.cohort,
        "route": arguments.route,
        "target_weeks": arguments.target_weeks,
        "confidence": result.confidence,
        "method": METHOD,
        "not_started": not_started,
        "groups": groups,
    }


def _print_summary(
    arguments: argparse.Namespace,
    as_of: date,
    not_started: int,
    result: SurvivalResult,
    routes: pl.DataFrame | None,
) -> None:
    from permanence.analysis.survival_text import describe, group_name

    print(f"Time from {arguments.start} to {arguments.end}, as of {as_of.isoformat()}:")
    if result.summary.is_empty():
        print("No children with a start date on or before the as-of date.")
    for summary in result.summary.to_dicts():
        key = _group_key(result, summary)
        by = {arguments.by: key[arguments.by]} if arguments.by else None
        name = group_name(arguments.start, summary.get("cohort_label"), by)
        print(describe(summary, who=name, end=arguments.end, stopped=arguments.censor))
        if routes is not None:
            print("  " + _routes_line(routes, key, summary, arguments.target_weeks))
    if not_started:
        rows = "1 row" if not_started == 1 else f"{not_started} rows"
        print(
            f"{rows} left out: no start date ({arguments.start}), or one after {as_of.isoformat()}."
        )


def _routes_line(
    routes: pl.DataFrame, key: dict[str, Any], summary: dict[str, Any], target: int | None
) -> str:
    from permanence.journey.vocabulary import Route

    rows = _rows_for(routes, key)
    if not rows:
        return "By route: no children followed."
    week = target if target is not None else int(summary.get("followed_days") or 0) // 7
    at_week = [row for row in rows if row["week"] == week]
    if not at_week or at_week[0]["percent"] is None:
        return f"By route: nobody followed to week {week} yet."
    labels = {member.value: member.label for member in Route}
    shares = ", ".join(
        f"{labels.get(row['route'], row['route'].replace('_', ' '))} {row['percent']:.0f}%"
        for row in at_week
    )
    return f"By week {week}, by route: {shares}."
