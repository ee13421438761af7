"""Where a command's journeys frame comes from: an extract on disk, or the database.

Commands that measure (``aims``, ``stages``) take either FILE... (an extract in the import
format or any format a column profile describes, read and validated exactly as
``permanence import`` would, refused rows left out) or ``--authority CODE`` (the
authority's records in the database). Either way the one frame builder makes the frame.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from permanence.cli._common import UsageError, authority_by_code

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


def frame_from_arguments(arguments: argparse.Namespace, as_of: date) -> pl.DataFrame:
    if arguments.authority and arguments.files:
        raise UsageError("give either FILE... or --authority, not both")
    if arguments.authority:
        return _frame_from_database(arguments.authority, as_of)
    if not arguments.files:
        raise UsageError("give an extract (FILE...) or --authority CODE")
    return _frame_from_extract(arguments.files, arguments.profile, as_of)


def _frame_from_extract(paths: list[Path], profile: str | None, as_of: date) -> pl.DataFrame:
    from permanence.ingest import IngestError, read_extract, validate
    from permanence.journey.frame import build_journeys_frame

    try:
        validation = validate(read_extract(paths, profile, extract_date=as_of))
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
    from permanence.web.records.journeys import journeys_frame
    from permanence.web.tenancy.scope import Scope, scoped_to

    authority = authority_by_code(code)
    with scoped_to(Scope.authority(authority.pk)):
        return journeys_frame(as_of)
