"""``permanence profile check``: what a column profile maps of an extract, and what not."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from permanence.cli._common import print_json


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "profile",
        help="work with column profiles (how a system's extract maps onto the import format)",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="show what a profile maps of an extract, and what it does not",
        description=(
            "Read the files with the profile and list, table by table, the columns that map, "
            "the columns missing, the columns not read, the code values not translated and the "
            "dates not understood. Exit status: 0 when everything required maps, 1 when "
            "something required does not, 2 when the profile or a file cannot be read."
        ),
    )
    check.add_argument(
        "profile",
        metavar="PROFILE",
        help="a profile TOML file, or a shipped one (canonical, template, clas)",
    )
    check.add_argument("files", nargs="+", metavar="FILE", help="CSV files, workbooks or folders")
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.add_argument(
        "--max-mb", type=float, default=100.0, metavar="MB", help="largest file accepted"
    )
    check.set_defaults(run=run)


def run(arguments: argparse.Namespace) -> int:
    from permanence.cli.check import report_unreadable
    from permanence.ingest import IngestError, read_extract
    from permanence.ingest.profile_check import check_profile, render_check

    try:
        extract = read_extract(
            arguments.files,
            arguments.profile,
            extract_date=date.today(),
            max_bytes=int(arguments.max_mb * 1024 * 1024),
        )
    except IngestError as error:
        return report_unreadable(error, as_json=arguments.json)
    result = check_profile(extract)
    if arguments.json:
        print_json(result.to_dict())
    else:
        print(render_check(result))
    return 0 if result.ok else 1
