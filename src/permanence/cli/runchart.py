"""``permanence runchart``: read a run chart from a plain CSV file.

    permanence runchart waits.csv --value weeks --order recommended_on \\
        --baseline-until 2019-03-31 --rules ihi --json

Points are put in time order by ``--order`` (dates or numbers), ties broken by
``--tie-break`` and then by their line in the file; without ``--order`` the file's order
is the time order. Point positions in the JSON (and in ``--phase-breaks``) count from 0 in
that time order; the readable summary counts from 1, as people do.

The CSV helpers here are shared with ``permanence spc``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from permanence.cli._common import UsageError, iso_date, print_json

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import polars as pl

    from permanence.analysis.runchart import PhaseBreak


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "runchart",
        help="read a run chart from a CSV file: median, runs, shifts, trends",
        description=(
            "Read a run chart from a CSV file under the IHI rules of Perla, Provost and "
            "Murray (shift, trend, number of runs) or the Anhøj rules (longest run, "
            "crossings of the median), and say which points form each signal."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="a CSV file with a header line")
    parser.add_argument("--value", required=True, metavar="COLUMN", help="the measure to chart")
    parser.add_argument(
        "--rules",
        choices=("ihi", "anhoej"),
        default="ihi",
        help="the rule set to read the chart with (default: ihi)",
    )
    add_series_arguments(parser)
    parser.add_argument(
        "--astronomical",
        action="store_true",
        help="also flag points outside the I chart limits of their phase",
    )
    parser.set_defaults(run=run)


def add_series_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments ``runchart`` and ``spc`` share: order, baseline, phases, exclusions."""
    parser.add_argument(
        "--order", metavar="COLUMN", help="dates or numbers that put the points in time order"
    )
    parser.add_argument(
        "--tie-break",
        metavar="COLUMN",
        help="breaks ties in --order (a child reference, say); then the file's line order",
    )
    baseline = parser.add_mutually_exclusive_group()
    baseline.add_argument(
        "--baseline",
        type=int,
        metavar="N",
        help="freeze the first phase's centre on its first N points and extend it",
    )
    baseline.add_argument(
        "--baseline-until",
        type=iso_date,
        metavar="DATE",
        help="freeze the first phase's centre on the points up to DATE (needs --order dates)",
    )
    parser.add_argument(
        "--phase-breaks",
        nargs="+",
        default=[],
        metavar="BREAK",
        help=(
            "start a new phase at a point: its position counting from 0 (as in the JSON) or "
            "a date (the first point on or after it); add :N to rest its centre on its "
            "first N points, e.g. 24:9"
        ),
    )
    parser.add_argument(
        "--exclude",
        metavar="COLUMN",
        help="a column whose non-empty cells set that point aside, the cell giving the reason",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a summary")


def run(arguments: argparse.Namespace) -> int:
    from permanence.analysis.runchart import analyse_run_chart, describe_run_chart

    series = load_series(arguments, [arguments.value])
    try:
        result = analyse_run_chart(
            series.columns[arguments.value],
            rules=arguments.rules,
            baseline_n=arguments.baseline,
            baseline_end=series.baseline_end(arguments.baseline_until),
            phase_breaks=series.phase_breaks(arguments.phase_breaks),
            exclude=series.excluded,
            astronomical=arguments.astronomical,
        )
    except ValueError as error:
        raise UsageError(series.explain(error)) from None
    if arguments.json:
        print_json({**result.to_json(), **series.to_json()})
    else:
        lines = describe_run_chart(result, series.labels)
        lines += [
            f"To start that phase, run again with --phase-breaks {s.start}:{s.baseline_n} "
            "(a position counting from 0, and the points its median rests on)."
            for s in result.rephase_suggestions
        ]
        print("\n".join(lines))
    return 0


# --------------------------------------------------------------------------------------
# Reading a CSV into a series in time order (shared with `permanence spc`)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """Columns of a CSV, as numbers, in time order, with what is needed to explain them."""

    path: Path
    columns: dict[str, npt.NDArray[np.float64]]
    lines: list[int]
    labels: list[str] | None
    order: pl.Series | None
    excluded: dict[int, str]

    def baseline_end(self, until: date | None) -> int | None:
        """The position after the last point on or before ``until``."""
        if until is None:
            return None
        order = self._date_order("--baseline-until")
        return sum(1 for day in order if day <= until)

    def phase_breaks(self, texts: list[str]) -> list[PhaseBreak]:
        """``--phase-breaks`` as positions: ``24``, ``24:9``, ``2020-04-01``, ``2020-04-01:9``."""
        from permanence.analysis.runchart import PhaseBreak

        breaks = []
        for text in texts:
            where, _, count = text.partition(":")
            baseline_n = _positive_int(count, f"--phase-breaks {text}") if count else None
            breaks.append(PhaseBreak(self._position(where, text), baseline_n))
        return breaks

    def _position(self, where: str, text: str) -> int:
        if where.strip().lstrip("-").isdigit():
            return int(where)
        try:
            day = date.fromisoformat(where.strip())
        except ValueError:
            raise UsageError(
                f"--phase-breaks {text}: give a point position (from 0) or a date YYYY-MM-DD"
            ) from None
        order = self._date_order("a phase break given as a date")
        return next((i for i, d in enumerate(order) if d >= day), len(order))

    def _date_order(self, needed_for: str) -> list[date]:
        import polars as pl

        if self.order is None or self.order.dtype != pl.Date:
            raise UsageError(f"{needed_for} needs --order to name a column of dates")
        return list(self.order.to_list())

    def explain(self, error: ValueError) -> str:
        """An analysis error in terms of the file: point positions become line numbers."""
        import re

        def line_of(match: re.Match[str]) -> str:
            position = int(match.group(1))
            if 0 <= position < len(self.lines):
                return f"point {position} (line {self.lines[position]} of {self.path.name})"
            return match.group(0)

        return re.sub(r"point (\d+)", line_of, str(error))

    def to_json(self) -> dict[str, Any]:
        """Where each point came from, so positions can be traced back to the file."""
        extra: dict[str, Any] = {"lines": self.lines}
        if self.labels is not None:
            extra["order"] = self.labels
        return extra


def load_series(arguments: argparse.Namespace, value_columns: list[str]) -> Series:
    """Read ``arguments.file`` and return ``value_columns`` as numbers, in time order."""
    import polars as pl

    frame = _read_csv(arguments.file)
    wanted = [*value_columns, arguments.order, arguments.tie_break, arguments.exclude]
    missing = [c for c in wanted if c is not None and c not in frame.columns]
    if missing:
        raise UsageError(
            f"{arguments.file.name} has no column {missing[0]!r} "
            f"(its columns: {', '.join(frame.columns)})"
        )
    line = "__permanence_line__"
    frame = frame.with_row_index(line, offset=2)  # the header is line 1
    if arguments.order is not None:
        frame = frame.with_columns(_parsed_order(frame, arguments.order, line))
        sort_by = [arguments.order, *([arguments.tie_break] if arguments.tie_break else [])]
        frame = frame.sort([*sort_by, line], nulls_last=True, maintain_order=True)
    excluded: dict[int, str] = {}
    if arguments.exclude is not None:
        reasons = frame.get_column(arguments.exclude).fill_null("").str.strip_chars()
        excluded = {i: r for i, r in enumerate(reasons.to_list()) if r}
    columns = {
        name: _numbers(frame, name, line, excluded, arguments.file.name) for name in value_columns
    }
    order = frame.get_column(arguments.order) if arguments.order is not None else None
    labels = [str(v) for v in order.to_list()] if order is not None else None
    return Series(
        path=arguments.file,
        columns=columns,
        lines=frame.get_column(line).cast(pl.Int64).to_list(),
        labels=labels,
        order=order,
        excluded=excluded,
    )


def _read_csv(path: Path) -> pl.DataFrame:
    """Every column as text: identifiers and codes keep their leading zeros."""
    import polars as pl

    try:
        frame = pl.read_csv(path, infer_schema=False)
    except FileNotFoundError:
        raise UsageError(f"there is no file {str(path)!r}") from None
    except (OSError, pl.exceptions.PolarsError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "unreadable"
        raise UsageError(f"cannot read {path.name} as CSV: {first_line}") from None
    if frame.height == 0:
        raise UsageError(f"{path.name} has a header but no points")
    return frame


def _parsed_order(frame: pl.DataFrame, column: str, line: str) -> pl.Series:
    """The order column as dates if every cell is a date, else as numbers, else an error."""
    import polars as pl

    text = frame.get_column(column).str.strip_chars()
    blank = frame.filter(text.is_null() | (text == ""))
    if blank.height:
        raise UsageError(
            f"line {blank.get_column(line)[0]}: no value in the order column {column!r}"
        )
    as_dates = text.str.to_date("%Y-%m-%d", strict=False)
    if as_dates.null_count() == 0:
        return as_dates.alias(column)
    as_numbers = text.cast(pl.Float64, strict=False)
    if as_numbers.null_count() == 0:
        return as_numbers.alias(column)
    bad = frame.filter(as_dates.is_null() & as_numbers.is_null())
    raise UsageError(
        f"line {bad.get_column(line)[0]}: {bad.get_column(column)[0]!r} in the order column "
        f"{column!r} is neither a date (YYYY-MM-DD) nor a number"
    )


def _numbers(
    frame: pl.DataFrame, column: str, line: str, excluded: dict[int, str], file_name: str
) -> npt.NDArray[np.float64]:
    """A column as floats. An empty or non-numeric cell is an error unless the point is excluded."""
    import numpy as np
    import polars as pl

    text = frame.get_column(column).str.strip_chars()
    numbers = text.cast(pl.Float64, strict=False)
    for position in numbers.is_null().arg_true().to_list():
        if position in excluded:
            continue
        cell = text[position]
        line_number = frame.get_column(line)[position]
        if cell is None or cell == "":
            raise UsageError(
                f"line {line_number} of {file_name}: no value in column {column!r}; give one or "
                "set the point aside with --exclude"
            )
        raise UsageError(
            f"line {line_number} of {file_name}: {cell!r} in column {column!r} is not a number"
        )
    values = numbers.fill_null(float("nan")).to_numpy().astype(np.float64)
    non_finite = np.flatnonzero(~np.isfinite(values))
    for position in non_finite.tolist():
        if position not in excluded:
            raise UsageError(
                f"line {frame.get_column(line)[position]} of {file_name}: "
                f"{text[position]!r} in column {column!r} is not a usable number"
            )
    return values


def _positive_int(text: str, where: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"{where}: {text!r} is not a whole number of points of 1 or more")
    return int(text)
