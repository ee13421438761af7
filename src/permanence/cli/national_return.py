"""``permanence return``: an authority's permanence milestone return for a collection year.

Reads the authority's records from the database (in that authority's scope only), builds
the journeys frame as of the year's last day (or today, while the year is not over), and
writes the return: a CSV file and its JSON description beside it (FILE.json). The return
holds every care period open at any time in the year, with the milestone dates PACE
tracked, a pseudonym for each child that stays the same from year to year, and no
reference, initials or date of birth. It is checked against its own rules first; a
return with errors is not written. ``docs/milestone-return.md`` describes the format.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from permanence.cli._common import UsageError, authority_by_code

SHOWN_PROBLEMS = 20


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "return",
        help="write an authority's permanence milestone return for a collection year",
        description=(
            "Writes the permanence milestone return of one authority for one collection "
            "year (YEAR 2025 is 1 August 2024 to 31 July 2025): every care period open in "
            "the year with its milestone dates, children named by pseudonym only. Needs "
            "the database."
        ),
    )
    parser.add_argument("--authority", required=True, metavar="CODE", help="the authority's code")
    parser.add_argument(
        "--year", required=True, type=int, metavar="YEAR", help="the year the collection ends"
    )
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="the CSV to write")
    parser.add_argument(
        "--layout",
        choices=("permanence", "clas"),
        default="permanence",
        help="the format's own columns (default), or the CLAS-compatible layout: CLAS's "
        "headings and destination codes, dates as DD/MM/YYYY",
    )
    parser.set_defaults(run=run)


def run(arguments: argparse.Namespace) -> int:
    from permanence.web import setup

    setup()

    from django.conf import settings
    from django.utils import timezone

    from permanence.reports.milestone_return import (
        CollectionYear,
        build_return,
        errors,
        validate_return,
        write_return,
    )
    from permanence.web.kernel.scope import Scope, scoped_to
    from permanence.web.records.journeys import journeys_frame

    year = CollectionYear(arguments.year)
    today = timezone.localdate()
    if year.first_day > today:
        raise UsageError(f"the collection year {year.label} has not begun")
    authority = authority_by_code(arguments.authority)
    key = getattr(settings, "PSEUDONYM_KEY", "")
    if not key:
        raise UsageError("set PERMANENCE_PSEUDONYM_KEY: the return's pseudonyms need a key")
    as_of = min(year.last_day, today)
    with scoped_to(Scope.authority(authority.pk)):
        frame = journeys_frame(as_of)
    milestone_return = build_return(frame, authority=authority.code, year=year.year, key=key)
    problems = validate_return(
        milestone_return.rows, authority=authority.code, year=year.year, as_of=as_of
    )
    refused = errors(problems)
    if refused:
        print(f"The return for {authority.name}, {year.label}, breaks its rules:")
        for problem in refused[:SHOWN_PROBLEMS]:
            rows = ", ".join(str(row) for row in problem.rows[:10])
            more = "" if len(problem.rows) <= 10 else f" and {len(problem.rows) - 10} more"
            print(f"  {problem.rule}: {problem.message} (rows {rows}{more})")
        print("Nothing was written. Put the records right and run the command again.")
        return 1
    csv_path, sidecar = write_return(
        milestone_return, arguments.out, problems=problems, layout=arguments.layout
    )
    state = "complete" if milestone_return.complete else f"provisional, as known on {as_of}"
    print(
        f"Wrote {csv_path} ({milestone_return.rows.height} care periods, {state}) "
        f"and its description {sidecar}."
    )
    for problem in problems:
        print(f"  to check: {problem.message} ({len(problem.rows)} rows)")
    return 0
