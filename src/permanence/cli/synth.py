"""``permanence synth``: write a synthetic local authority in the canonical import format.

    permanence synth --children 600 --seed 1 --out var/synthetic
    permanence synth --children 600 --seed 1 --messy --format both --out var/messy
    permanence synth --children 600 --seed 1 --out var/synthetic --load FIF

The run is up to three steps: ``generate_tables`` draws the authority, ``write_tables``
writes it (messy, if asked, at write time), and with ``--load`` the files written go
through the same import as a real extract (every validation rule, then one all-or-nothing
load) into an existing authority's records.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from permanence.cli._common import UsageError, authority_by_code, iso_date

if TYPE_CHECKING:
    import polars as pl

    from permanence.journey.tables import JourneyTables

FORMATS = ("csv", "xlsx", "both", "clas")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "synth",
        help="generate a synthetic local authority (the only data for development and demos)",
        description=(
            "Generate a synthetic local authority, reproducible from a seed, and write it in "
            "the canonical import format. Synthetic data is the only data this project uses "
            "for development, tests and demonstrations: never a real child's."
        ),
    )
    parser.add_argument(
        "--children",
        type=int,
        required=True,
        metavar="N",
        help="how many children (realistic from about 30 to 1,000,000)",
    )
    parser.add_argument("--seed", type=int, required=True, metavar="S", help="the random seed")
    parser.add_argument(
        "--end",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the last day of the history; nothing is dated later (default: today)",
    )
    parser.add_argument(
        "--years",
        type=float,
        default=6.0,
        metavar="Y",
        help="how many years of history before --end (default: 6)",
    )
    parser.add_argument(
        "--improvement-start",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="when the improvement work starts (default: about 2.5 years before --end)",
    )
    parser.add_argument(
        "--messy",
        action="store_true",
        help="write what a real extract contains: blanks, mistakes, duplicates, mixed formats",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        help=(
            "CSV files, one workbook, both, or the authority's Children Looked After "
            "Statistics return with its permanence supplement (clas; docs/clas.md) "
            "(default: csv)"
        ),
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="the folder to write into"
    )
    parser.add_argument(
        "--earlier-extract",
        type=Path,
        default=None,
        metavar="DIR",
        help=(
            "also write, as CSV in DIR, an earlier extract of the same authority as its system "
            "held it before the data were cleaned: dates entered wrongly, which --out corrects, "
            "and records entered in error, which --out no longer holds (import DIR first)"
        ),
    )
    parser.add_argument(
        "--load",
        metavar="CODE",
        default=None,
        help=(
            "then import what was written into the records of the authority with this code "
            "(validated, then loaded in one transaction, as `permanence import` does)"
        ),
    )
    parser.set_defaults(run=run)


@dataclass(frozen=True)
class Settings:
    children: int
    seed: int
    end: date
    years: float
    improvement_start: date


def run(arguments: argparse.Namespace) -> int:
    settings = settings_from(arguments)
    tables = generate_tables(settings)
    if arguments.earlier_extract is not None and arguments.messy:
        raise UsageError("--earlier-extract is written clean: leave out --messy")
    if arguments.format == "clas" and (arguments.messy or arguments.earlier_extract):
        raise UsageError(
            "the CLAS return is written clean: leave out --messy and --earlier-extract"
        )
    written = write_tables(tables, settings, arguments.out, arguments.format, arguments.messy)
    print(summary(tables, settings, written, messy=arguments.messy))
    earlier: list[Path] = []
    if arguments.earlier_extract is not None:
        earlier, words = write_earlier(tables, settings, arguments.earlier_extract)
        print(words)
    if arguments.load:
        if earlier:
            print(load_written(earlier, arguments.load, settings.end))
        profile = "clas" if arguments.format == "clas" else None
        print(load_written(written, arguments.load, settings.end, profile=profile))
    return 0


def write_earlier(tables: JourneyTables, settings: Settings, out: Path) -> tuple[list[Path], str]:
    """Write the earlier extract (``synth.corrections``) as CSV; returns it and a sentence."""
    from permanence.synth.corrections import earlier_extract
    from permanence.synth.writers import write_csv

    earlier = earlier_extract(tables, settings.seed, extract_date=settings.end)
    written = write_csv(earlier.tables, out)
    return written, (
        f"Wrote an earlier extract of the same authority to {out}: {earlier.corrected.height:,} "
        f"dates and kinds the extract above corrects, {earlier.entered_in_error.height:,} "
        "records entered in error that it no longer holds. Import it first."
    )


def load_written(
    written: list[Path], authority_code: str, extract_date: date, *, profile: str | None = None
) -> str:
    """Import the files just written into an authority's records; returns what happened.

    A workbook and CSV files hold the same tables, so only one of them is read.
    """
    from permanence.web import setup

    setup()

    from permanence.web.records.importing import import_extract

    authority = authority_by_code(authority_code)
    csv_files = [path for path in written if path.suffix == ".csv"]
    outcome = import_extract(
        csv_files or written, authority=authority, profile=profile, extract_date=extract_date
    )
    refused = outcome.validation.issues.height
    load = outcome.load.as_dict() if outcome.load is not None else {}
    added = sum(figures["added"] for figures in load.values())
    changed = sum(figures["changed"] for figures in load.values())
    batch = outcome.batch.pk if outcome.batch is not None else "-"
    return (
        f"Imported into {authority.name}'s records (import {batch}): "
        f"{added:,} records added, {changed:,} changed; {refused:,} issues found "
        "(listed on the import's page)."
    )


def settings_from(arguments: argparse.Namespace) -> Settings:
    from permanence.synth import default_improvement_start

    end = arguments.end or date.today()
    if arguments.children < 1:
        raise UsageError("--children must be at least 1")
    return Settings(
        children=arguments.children,
        seed=arguments.seed,
        end=end,
        years=arguments.years,
        improvement_start=arguments.improvement_start or default_improvement_start(end),
    )


def generate_tables(settings: Settings) -> JourneyTables:
    """Draw the synthetic authority (clean tables)."""
    from permanence.synth import generate

    try:
        return generate(
            settings.children,
            settings.seed,
            end=settings.end,
            years=settings.years,
            improvement_start=settings.improvement_start,
        )
    except ValueError as error:
        raise UsageError(str(error)) from None


def write_tables(
    tables: JourneyTables, settings: Settings, out: Path, file_format: str, messy: bool
) -> list[Path]:
    """Write the tables as CSV files and/or a workbook in ``out``; returns what was written."""
    if file_format == "clas":
        from permanence.synth.clas import write_clas

        return write_clas(tables, out)
    from permanence.synth.messy import make_messy
    from permanence.synth.writers import (
        WORKBOOK_NAME,
        TooManyRowsForExcel,
        check_fits_excel,
        write_csv,
        write_xlsx,
    )

    to_write: JourneyTables | Mapping[str, pl.DataFrame] = (
        make_messy(tables, settings.seed) if messy else tables
    )
    wants_workbook = file_format in ("xlsx", "both")
    if wants_workbook:
        try:
            check_fits_excel(to_write)  # before anything is written
        except TooManyRowsForExcel as error:
            raise UsageError(f"cannot write a workbook: {error}") from None
    written: list[Path] = []
    if file_format in ("csv", "both"):
        written.extend(write_csv(to_write, out))
    if wants_workbook:
        written.append(write_xlsx(to_write, out / WORKBOOK_NAME))
    return written


def summary(tables: JourneyTables, settings: Settings, written: list[Path], *, messy: bool) -> str:
    rows = ", ".join(f"{name} {frame.height:,}" for name, frame in tables.items())
    kind = "messy extract" if messy else "clean tables"
    history_start = date.fromordinal(settings.end.toordinal() - round(settings.years * 365.25))
    files = ", ".join(path.name for path in written)
    folder = written[0].parent if written else ""
    return (
        f"Synthetic local authority (seed {settings.seed}): "
        f"{tables.children.height:,} children and {tables.care_periods.height:,} care periods, "
        f"history {history_start.isoformat()} to {settings.end.isoformat()}, "
        f"improvement work from {settings.improvement_start.isoformat()}. "
        f"Rows per table (clean): {rows}. "
        f"Wrote the {kind} to {folder}: {files}."
    )
