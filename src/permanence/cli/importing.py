"""``permanence import``: validate an extract and load it into an authority's records."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from permanence.cli._common import authority_by_code, print_json
from permanence.cli.check import (
    EXIT_CLEAN,
    EXIT_ROWS_REFUSED,
    add_extract_arguments,
    report_unreadable,
)

#: Exit status when another load of the authority was under way (nothing was loaded).
EXIT_AUTHORITY_BUSY = 3
#: On the embedded database, how long the command waits for another authority's load to
#: finish writing (it holds the database's one write lock) before giving up.
BUSY_PATIENCE_SECONDS = 30 * 60


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "import",
        help="validate an extract and load it into an authority's records",
        description=(
            "Read and validate an extract exactly as `permanence check` does, then load every "
            "row that was not refused into the authority's records in one transaction: it "
            "applies fully or not at all. Each row is matched to the record it was before: by "
            "the system's record id where the extract gives one, else by its natural key, "
            "else as a correction of a record the extract no longer holds, so loading the "
            "same extract twice changes nothing and a corrected date replaces the old one. "
            "Records the extract no longer holds stay counted and are listed for a data lead "
            "to keep or remove (--replace-children removes them instead). One load at a time "
            "for each authority: if another is under way (here or from the web app), nothing "
            "is loaded and the command says so. On the embedded database, a load of another "
            "authority writing meanwhile is waited for (up to 30 minutes). Exit status: 0 "
            "loaded with no row refused, 1 loaded but some rows were refused, 2 the input "
            "could not be read (nothing loaded), 3 another load of the authority was under "
            "way, or the database stayed busy (nothing loaded)."
        ),
    )
    add_extract_arguments(parser)
    parser.add_argument("--authority", required=True, metavar="CODE", help="the authority's code")
    parser.add_argument(
        "--dry-run", action="store_true", help="validate and report, but load nothing"
    )
    parser.add_argument(
        "--replace-children",
        action="store_true",
        help="the extract is the whole truth for the children it holds: remove their records "
        "it no longer holds (kept in the records' history) instead of listing them",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--show", type=int, default=50, metavar="N", help="issues to list (default 50)"
    )
    parser.set_defaults(run=run)


def run(arguments: argparse.Namespace) -> int:
    from permanence.web import setup

    setup()

    from django.db import OperationalError
    from django.utils import timezone

    from permanence.ingest import IngestError
    from permanence.ingest.presentation import render_text
    from permanence.web.kernel.database import is_busy, while_busy
    from permanence.web.records.importing import ImportOutcome, import_extract
    from permanence.web.tasks.locks import AuthorityBusy

    authority = authority_by_code(arguments.authority)
    started = timezone.now()

    def attempt() -> ImportOutcome:
        return import_extract(
            arguments.files,
            authority=authority,
            profile=arguments.profile,
            extract_date=arguments.extract_date or date.today(),
            dry_run=arguments.dry_run,
            replaces_children=arguments.replace_children,
            max_bytes=int(arguments.max_mb * 1024 * 1024),
            wait=False,
        )

    try:
        # Another authority's load holding the embedded database is waited out: the load
        # is all or nothing, so a try that found the database busy left nothing behind.
        outcome = while_busy(attempt, patience=BUSY_PATIENCE_SECONDS)
    except IngestError as error:
        return report_unreadable(error, as_json=arguments.json)
    except AuthorityBusy as busy:
        print(f"permanence import: {busy}", file=sys.stderr)
        return EXIT_AUTHORITY_BUSY
    except OperationalError as error:
        if not is_busy(error):
            raise
        print(
            "permanence import: The database stayed busy with another load for "
            f"{BUSY_PATIENCE_SECONDS // 60} minutes; nothing was loaded into "
            f"{authority.name}'s records. Try again when it has finished.",
            file=sys.stderr,
        )
        return EXIT_AUTHORITY_BUSY

    validation = outcome.validation
    load = outcome.load.as_dict() if outcome.load is not None else None
    follow_ups = [] if arguments.dry_run else _follow_ups(authority.pk, started)
    if not arguments.dry_run:
        from permanence.web.audit.log import flush_spooled_views

        try:  # views of children's records kept while this load wrote
            while_busy(flush_spooled_views, patience=60)
        except OperationalError as error:
            if not is_busy(error):
                raise
            # Still busy with another load: the worker logs them once it is free.
    if arguments.json:
        print_json(
            {
                **validation.to_dict(),
                "authority": authority.code,
                "dry_run": arguments.dry_run,
                "batch": outcome.batch.pk if outcome.batch else None,
                "load": load,
                "then": follow_ups,
            }
        )
    else:
        print(render_text(validation, shown=max(arguments.show, 0)))
        print()
        print(_load_words(authority.name, load, arguments.dry_run))
        for line in follow_ups:
            print(line)
    return EXIT_ROWS_REFUSED if validation.has_errors else EXIT_CLEAN


def _follow_ups(authority_id: int, since: Any) -> list[str]:
    """Run here the work the load queued (planning, the national snapshot), so the
    command's result is complete without a worker; a failure is left to the worker."""
    from permanence.web.kernel.scope import Scope, scoped_to
    from permanence.web.tasks.jobs import run_here
    from permanence.web.tasks.models import Job

    with scoped_to(Scope.authority(authority_id)):
        queued = list(
            Job.objects.filter(
                kind__in=[Job.Kind.REPLAN, Job.Kind.NATIONAL_SNAPSHOT],
                state=Job.State.QUEUED,
                created_at__gte=since,
            ).order_by("pk")
        )
    lines = []
    for job in run_here(queued):
        if job.state == Job.State.DONE:
            lines.append(f"{job.get_kind_display()}: {job.result.get('words', 'done.')}")
        else:
            why = job.error or job.get_state_display()
            lines.append(f"{job.get_kind_display()}: not finished here ({why}); the worker will.")
    return lines


def _load_words(authority: str, load: dict[str, Any] | None, dry_run: bool) -> str:
    if dry_run or load is None:
        return f"Dry run: nothing was loaded into {authority}'s records."
    lines = [f"Loaded into {authority}'s records in one transaction:"]
    for table, figures in load.items():
        name = table.replace("_", " ")
        line = (
            f"  {name}: {figures['added']} added, {figures['changed']} changed "
            f"({figures['corrected']} of them corrections), {figures['unchanged']} unchanged, "
            f"{figures['no_longer_in_extract']} no longer in the extract (still counted, "
            "listed for a data lead to keep or remove)"
        )
        if figures["removed"]:
            line += f", {figures['removed']} removed (the extract replaces its children's records)"
        lines.append(line)
    return "\n".join(lines)
