"""``permanence check``: read and validate an extract without a database."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from permanence.cli._common import iso_date, print_json

EXIT_CLEAN = 0
EXIT_ROWS_REFUSED = 1
EXIT_UNREADABLE = 2


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "check",
        help="check an extract against the import format and every validation rule",
        description=(
            "Read an extract (CSV files, a folder of them, or workbooks) and report every issue "
            "the import would find, without touching the database. Exit status: 0 when no row "
            "would be refused, 1 when rows would be refused, 2 when the input cannot be read."
        ),
    )
    add_extract_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--report", metavar="FILE.xlsx", help="also write the data-quality report workbook"
    )
    parser.add_argument(
        "--show", type=int, default=50, metavar="N", help="issues to list (default 50)"
    )
    parser.set_defaults(run=run)


def add_extract_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments every command that reads an extract takes (``import`` reuses them)."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="CSV files, workbooks or folders")
    parser.add_argument(
        "--profile",
        metavar="PROFILE",
        help="column profile: a TOML file, or a shipped one (canonical, template, clas)",
    )
    parser.add_argument(
        "--extract-date",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day the data was taken from the case recording system (default: today)",
    )
    parser.add_argument(
        "--max-mb",
        type=float,
        default=100.0,
        metavar="MB",
        help="refuse any file larger than this many megabytes (default 100)",
    )


def run(arguments: argparse.Namespace) -> int:
    from permanence.ingest import IngestError, read_extract, validate
    from permanence.ingest.presentation import render_text
    from permanence.ingest.quality_report import write_quality_report

    try:
        extract = read_extract(
            arguments.files,
            arguments.profile,
            extract_date=arguments.extract_date or date.today(),
            max_bytes=int(arguments.max_mb * 1024 * 1024),
        )
    except IngestError as error:
        return report_unreadable(error, as_json=arguments.json)
    validation = validate(extract)
    if arguments.report:
        write_quality_report(validation, arguments.report)
    if arguments.json:
        print_json(validation.to_dict())
    else:
        print(render_text(validation, shown=max(arguments.show, 0)))
        if arguments.report:
            print(f"\nData-quality report written to {arguments.report}")
    return EXIT_ROWS_REFUSED if validation.has_errors else EXIT_CLEAN


def report_unreadable(error: Exception, *, as_json: bool) -> int:
    """Say why the input cannot be read, every problem on its own line; exit status 2."""
    problems = list(getattr(error, "problems", [str(error)]))
    if as_json:
        print_json({"readable": False, "problems": problems})
    else:
        print("The extract cannot be read:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
    return EXIT_UNREADABLE
