"""The synthetic authority written as its Children Looked After Statistics (CLAS) return.

``clas_return`` turns the canonical tables into the four files of the return (child,
episode, placement, legal reason) with the return's headings, codes and UK dates, and the
two small permanence supplement files the return does not hold (meetings and milestones,
in the return's own identifiers). The codes are the shipped ``clas`` profile's, read
backwards from the profile itself, so the writer and the profile cannot drift apart: the
return read with the profile is the canonical extract again.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from permanence.journey.tables import JourneyTables

UK_DATE = "%d/%m/%Y"

RETURN_FILES: dict[str, str] = {
    "children": "CLAS_CHILD.csv",
    "care_periods": "CLAS_EPISODE.csv",
    "placements": "CLAS_PLACEMENT.csv",
    "legal_statuses": "CLAS_LEGAL.csv",
}
"""The return's own files: what every authority already sends."""

SUPPLEMENT_FILES: dict[str, str] = {
    "meetings": "PERMANENCE_MEETINGS.csv",
    "milestones": "PERMANENCE_MILESTONES.csv",
}
"""What the return does not hold, kept beside it by the authority."""


def clas_profile_document() -> dict[str, Any]:
    """The shipped ``clas`` profile as its TOML document (source values as written)."""
    text = (resources.files("permanence.ingest") / "profiles" / "clas.toml").read_text(
        encoding="utf-8"
    )
    return tomllib.loads(text)


def _writing_codes(document: Mapping[str, Any], table: str) -> dict[str, dict[str, str]]:
    """Canonical code -> the first source value the profile reads as it, per column."""
    codes = document["tables"][table].get("codes", {})
    backwards: dict[str, dict[str, str]] = {}
    for column, mapping in codes.items():
        chosen: dict[str, str] = {}
        for source, canonical in mapping.items():
            chosen.setdefault(canonical, source)
        backwards[column] = chosen
    return backwards


def clas_return(tables: JourneyTables, *, supplement: bool = True) -> dict[str, pl.DataFrame]:
    """File name -> the table as the return (and, with ``supplement``, its supplement) holds it.

    Every value is text, as a return's CSV file holds it: dates as day/month/year, codes
    as the profile's source values. A canonical code the profile cannot write raises
    ``ValueError`` naming it.
    """
    document = clas_profile_document()
    files = dict(RETURN_FILES)
    if supplement:
        files.update(SUPPLEMENT_FILES)
    written: dict[str, pl.DataFrame] = {}
    for table, file_name in files.items():
        written[file_name] = _as_return(getattr(tables, table), table, document)
    return written


def _as_return(frame: pl.DataFrame, table: str, document: Mapping[str, Any]) -> pl.DataFrame:
    section = document["tables"][table]
    headings: Mapping[str, str] = section["columns"]
    codes = _writing_codes(document, table)
    columns: list[pl.Expr] = []
    for canonical, heading in headings.items():
        if not heading:
            continue  # the return does not hold this column
        value = pl.col(canonical)
        if frame.schema[canonical] == pl.Date:
            value = value.dt.strftime(UK_DATE)
        elif canonical in codes:
            unknown = set(frame[canonical].drop_nulls().unique()) - set(codes[canonical])
            if unknown:
                raise ValueError(
                    f"the clas profile has no {table}.{canonical} code for "
                    f"{', '.join(sorted(unknown))}"
                )
            value = value.replace_strict(codes[canonical], default=None, return_dtype=pl.String)
        else:
            value = value.cast(pl.String)
        columns.append(value.alias(heading))
    return frame.select(columns)


def write_clas(tables: JourneyTables, directory: Path, *, supplement: bool = True) -> list[Path]:
    """Write the return (and its supplement) as CSV files in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, frame in clas_return(tables, supplement=supplement).items():
        path = directory / file_name
        frame.write_csv(path)
        written.append(path)
    return written
