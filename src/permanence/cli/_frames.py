"""Where a command's journeys frame comes from: an extract on disk, or the database.

Commands that measure (``aims``, ``stages``) take either FILE... (an extract in the import
format or any format a column profile describes, read and validated exactly as
``permanence import`` would, refused rows left out) or ``--authority CODE`` (the
authority's records in the database). Either way the one frame builder makes the frame.

Two dates, never one (docs/aims.md, "The measuring date and the extract date"):

- ``--as-of``, the **measuring date**: the frame is built as of it, so nothing recorded
  later is known and a figure can be recomputed as it stood on any past date;
- ``--extract-date``, the day the extract was **taken** from the case recording system
  (default: today): validation's "in the future" checks and overdue queries read it.

Checking an extract as if it had been taken on the measuring date would refuse every row
dated after it and drop whole care periods from a past date's figures. A measuring date
after the extract was taken is refused: the extract cannot know what happened since.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from permanence.cli._common import UsageError, authority_by_code, iso_date

if TYPE_CHECKING:
    import polars as pl


def add_frame_source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="an extract: CSV files, a folder of them, or a workbook (or use --authority)",
    )
    parser.add_argument(
        "--profile", metavar="PROFILE", help="the extract's column profile (default: canonical)"
    )
    parser.add_argument(
        "--authority", metavar="CODE", help="measure this authority's records in the database"
    )
    parser.add_argument(
        "--as-of",
        type=iso_date,
        required=True,
        metavar="DATE",
        help="the measuring date: figures as they stood on this day (nothing later is known)",
    )
    parser.add_argument(
        "--extract-date",
        type=iso_date,
        metavar="DATE",
        help="the day the extract was taken from the case recording system (default: today); "
        "rows dated after it are refused as in the future",
    )


def extract_date_of(arguments: argparse.Namespace) -> date:
    """The day the extract was taken: ``--extract-date``, or today."""
    taken: date = arguments.extract_date or date.today()
    return taken


def frame_from_arguments(arguments: argparse.Namespace, as_of: date) -> pl.DataFrame:
    if arguments.authority and arguments.files:
        raise UsageError("give either FILE... or --authority, not both")
    if arguments.authority:
        if arguments.extract_date is not None:
            raise UsageError(
                "--extract-date describes an extract (FILE...); the database knows when "
                "each of its imports was taken"
            )
        return _frame_from_database(arguments.authority, as_of)
    if not arguments.files:
        raise UsageError("give an extract (FILE...) or --authority CODE")
    taken = extract_date_of(arguments)
    if as_of > taken:
        raise UsageError(
            f"the measuring date {as_of.isoformat()} is after the extract was taken "
            f"({taken.isoformat()}): the extract cannot know what happened since. Measure "
            "on or before the extract date, or give the extract's date with --extract-date"
        )
    return _frame_from_extract(arguments.files, arguments.profile, as_of, taken)


def _frame_from_extract(
    paths: list[Path], profile: str | None, as_of: date, extract_date: date
) -> pl.DataFrame:
    from permanence.ingest import IngestError, read_extract, validate
    from permanence.journey.frame import build_journeys_frame

    try:
        validation = validate(read_extract(paths, profile, extract_date=extract_date))
    except IngestError as error:
        problems = list(getattr(error, "problems", [str(error)]))
        raise UsageError("the extract cannot be read: " + "; ".join(problems)) from None
    if validation.has_errors:
        print(
            f"Note: {validation.error_count} issue(s) refused rows of this extract; they are "
            "left out. `permanence check` lists them.",
            file=sys.stderr,
        )
    name = paths[0].resolve().stem if len(paths) == 1 else "extract"
    return build_journeys_frame(validation.tables, as_of, authority=name or "extract")


def _frame_from_database(code: str, as_of: date) -> pl.DataFrame:
    from permanence.web import setup

    setup()
    from permanence.web.kernel.scope import Scope, scoped_to
    from permanence.web.records.journeys import journeys_frame

    authority = authority_by_code(code)
    with scoped_to(Scope.authority(authority.pk)):
        return journeys_frame(as_of)
