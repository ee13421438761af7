"""``permanence report``: an authority's Champions' Group report pack, from the database.

Reads the authority's records and improvement record in that authority's scope only, as
of today (or, with ``--as-of DATE``, the figures as of that measuring date: the same
meaning as ``permanence aims --as-of``, nothing recorded later known), and writes the
pack: the accessible PDF, the PowerPoint slides and the spreadsheet of the data behind
every chart (``docs/report-pack.md``).

``--out`` names a file or a folder:

- ``--out pack.pdf`` writes the PDF (the format is read from the ending);
- ``--out packs/`` (a folder, or a name with no ending) writes all three files into it,
  named ``champions-group-pack-CODE-DATE.pdf`` and so on;
- ``--format all --out pack.pdf`` writes ``pack.pdf``, ``pack.pptx`` and ``pack.xlsx``.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

from permanence.cli._common import UsageError, authority_by_code, iso_date

FILE_FORMATS = ("pdf", "pptx", "xlsx")
FORMAT_CHOICES = (*FILE_FORMATS, "all")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "report",
        help="write an authority's Champions' Group report pack (PDF, slides, data)",
        description=(
            "Writes the report pack for a Champions' Group meeting today: an accessible "
            "PDF, PowerPoint slides and a spreadsheet of the data behind every chart. The "
            "pack names no child. Needs the database."
        ),
    )
    parser.add_argument("--authority", required=True, metavar="CODE", help="the authority's code")
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="FILE",
        help="the file to write (.pdf, .pptx or .xlsx), or a folder for all three",
    )
    parser.add_argument(
        "--since",
        type=iso_date,
        metavar="DATE",
        help="report the improvement work since this date, the last meeting (default: 14 days ago)",
    )
    parser.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="the measuring date: the figures as they stood on this day, nothing recorded "
        "later known (default: today, the meeting's day)",
    )
    parser.add_argument(
        "--format",
        choices=FORMAT_CHOICES,
        help="which file to write (default: from FILE's ending; all three for a folder)",
    )
    parser.set_defaults(run=run)


@dataclass(frozen=True)
class Targets:
    """Where the files go: into ``folder`` under the pack's own names, or to ``files``."""

    formats: tuple[str, ...]
    folder: Path | None
    files: dict[str, Path]

    def path(self, fmt: str, own_name: str) -> Path:
        return self.folder / own_name if self.folder is not None else self.files[fmt]


def targets(out: Path, fmt: str | None) -> Targets:
    """Read ``--out`` and ``--format`` (see the module's description)."""
    suffix = out.suffix.lower().lstrip(".")
    is_folder = out.is_dir() or str(out).endswith(("/", "\\")) or not suffix
    if fmt in FILE_FORMATS and not is_folder and suffix in FILE_FORMATS and suffix != fmt:
        # A PDF named .xlsx would open as a broken spreadsheet.
        raise UsageError(f"{out} ends in .{suffix} but --format is {fmt}: make them agree")
    chosen = fmt or (suffix if suffix in FILE_FORMATS else None)
    if chosen is None:
        if not is_folder:
            raise UsageError(
                f"{out} does not end in .pdf, .pptx or .xlsx: give --format, or a folder"
            )
        chosen = "all"
    formats = FILE_FORMATS if chosen == "all" else (chosen,)
    if is_folder:
        return Targets(formats, out, {})
    if len(formats) == 1:
        return Targets(formats, None, {formats[0]: out})
    return Targets(formats, None, {name: out.with_suffix(f".{name}") for name in formats})


def run(arguments: argparse.Namespace) -> int:
    started = time.perf_counter()
    from permanence.web import setup

    setup()

    from django.utils import timezone

    from permanence.reports.files import PackFormat, file_name, make_files, write_files
    from permanence.web.kernel.scope import Scope, scoped_to
    from permanence.web.reports.assemble import measuring_date_problem, pack_content

    planned = targets(arguments.out, arguments.format)
    today = timezone.localdate()
    if arguments.since is not None and arguments.since > today:
        raise UsageError("--since cannot be after today")
    authority = authority_by_code(arguments.authority)
    measured_on = arguments.as_of if arguments.as_of != today else None
    with scoped_to(Scope.authority(authority.pk)):
        problem = None if measured_on is None else measuring_date_problem(measured_on, today=today)
        if problem is not None:
            raise UsageError(f"--as-of {measured_on}: {problem}")
        content = pack_content(
            authority, as_of=today, since=arguments.since, measured_on=measured_on
        )
    formats = [PackFormat(name) for name in planned.formats]
    paths = {fmt: planned.path(fmt.value, file_name(content, fmt)) for fmt in formats}
    written = write_files(make_files(content, formats), paths)
    seconds = time.perf_counter() - started
    measured = "" if measured_on is None else f", measured as of {measured_on.isoformat()}"
    print(
        f"The report pack for {authority.name}, {today.isoformat()}{measured} "
        f"({seconds:.0f} seconds):"
    )
    for path in written:
        print(f"  {path}")
    return 0
