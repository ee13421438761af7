"""Rules about one value at a time: blank where it must not be, not a date, not a code."""

from __future__ import annotations

import polars as pl

from permanence.ingest.format import (
    EXTRA_DATE_OF_BIRTH,
    TABLES,
    coded_columns,
    date_columns,
    required_columns,
)
from permanence.ingest.readers import SURPLUS
from permanence.ingest.rules import combine, hits, rule, sentence
from permanence.ingest.workspace import Workspace
from permanence.journey.vocabulary import MilestoneKind

KEY_CODED_COLUMNS = frozenset({"placement_type", "legal_status", "meeting_kind", "milestone"})
"""Coded columns a row is meaningless without: an unknown code refuses the row."""


@rule(
    "ROW001",
    "error",
    phase="field",
    tables=TABLES,
    fields=(),
    message="The row has more values than the header has column names, so its values may have "
    "moved into the wrong columns.",
    fix="Put quotation marks around any value that contains the separator (a comma or "
    "semicolon), or export the file again from the case recording system.",
)
def surplus_values(ws: Workspace, table: str) -> pl.DataFrame:
    rows = ws.raw[table].filter(pl.col(SURPLUS).is_not_null())
    return hits(rows, fields=(), value=sentence("extra value {}", pl.col(SURPLUS)))


def _usable(ws: Workspace, table: str) -> pl.DataFrame:
    """The rows the field rules judge (all but those of a source missing a column): the
    text as written, and each value as read beside it as ``<column>__typed``."""
    return ws.fields_view(table)


@rule(
    "REQ001",
    "error",
    phase="field",
    tables=TABLES,
    fields=(),
    message="A value that every row of this table needs is blank.",
    fix="Fill in the value in the case recording system and export again.",
)
def required_value_blank(ws: Workspace, table: str) -> pl.DataFrame:
    rows = _usable(ws, table)
    return combine(
        [
            hits(rows.filter(pl.col(column).is_null()), fields=(column,))
            for column in sorted(required_columns(table))
        ]
    )


@rule(
    "DATE001",
    "error",
    phase="field",
    tables=TABLES,
    fields=(),
    message="The value is not a date, or is a date that does not exist (such as 31/02/2024).",
    fix="Write the date as YYYY-MM-DD or DD/MM/YYYY and check that it exists. Dates with "
    "two-digit years (01/02/03) are not accepted because the century is unclear.",
)
def not_a_date(ws: Workspace, table: str) -> pl.DataFrame:
    rows = _usable(ws, table)
    parts = []
    for column in date_columns(table):
        if column == EXTRA_DATE_OF_BIRTH and table != "children":
            continue  # the repeated date of birth is only compared (CHILD001), never loaded
        unread = rows.filter(pl.col(column).is_not_null() & pl.col(f"{column}__typed").is_null())
        parts.append(hits(unread, fields=(column,), value=pl.col(column)))
    return combine(parts)


@rule(
    "NUM001",
    "error",
    phase="field",
    tables=("meetings",),
    fields=("review_number",),
    message="The review number is not a whole number from 1 to 999.",
    fix="Give the Looked After Child review's number as 1 for the first review, 2 for the "
    "second, and so on; leave it blank for other meetings.",
)
def review_number_not_whole(ws: Workspace, table: str) -> pl.DataFrame:
    rows = _usable(ws, table)
    bad = rows.filter(
        pl.col("review_number").is_not_null() & pl.col("review_number__typed").is_null()
    )
    return hits(bad, fields=("review_number",), value=pl.col("review_number"))


@rule(
    "CODE001",
    "error",
    phase="field",
    tables=("placements", "legal_statuses", "meetings", "milestones"),
    fields=tuple(sorted(KEY_CODED_COLUMNS)),
    message="The value is not a code of the import format, and the row means nothing without "
    "it (the kind of placement, legal status, meeting or milestone).",
    fix="Use one of the codes listed in docs/data-format.md, or add the system's value to the "
    "code map of the column profile.",
)
def unknown_key_code(ws: Workspace, table: str) -> pl.DataFrame:
    rows = _usable(ws, table)
    parts = []
    for column, codes in coded_columns(table).items():
        if column not in KEY_CODED_COLUMNS:
            continue
        unknown = rows.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(list(codes)))
        parts.append(hits(unknown, fields=(column,), value=pl.col(column)))
    return combine(parts)


@rule(
    "CODE002",
    "query",
    phase="field",
    tables=("children", "care_periods", "milestones"),
    fields=("sex", "destination", "detail"),
    message="The value is not a code of the import format; the row is loaded with this value "
    "left blank.",
    fix="Use one of the codes listed in docs/data-format.md (for a milestone's detail, a code "
    "of the milestone's own list), or add the system's value to the column profile's code map.",
)
def unknown_optional_code(ws: Workspace, table: str) -> pl.DataFrame:
    rows = _usable(ws, table)
    parts = []
    for column, codes in coded_columns(table).items():
        if column in KEY_CODED_COLUMNS or column == "detail":
            continue
        unknown = rows.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(list(codes)))
        parts.append(hits(unknown, fields=(column,), value=pl.col(column)))
    if table == "milestones":
        parts.append(_unknown_detail(rows))
    return combine(parts)


def _unknown_detail(rows: pl.DataFrame) -> pl.DataFrame:
    parts = []
    for kind in MilestoneKind:
        vocabulary = kind.detail_vocabulary
        if vocabulary is None:
            continue
        unknown = rows.filter(
            (pl.col("milestone") == kind.value)
            & pl.col("detail").is_not_null()
            & ~pl.col("detail").is_in(list(vocabulary.codes()))
        )
        parts.append(
            hits(
                unknown,
                fields=("detail",),
                value=sentence(
                    "{} is not a {} code", pl.col("detail"), pl.lit(vocabulary.__name__)
                ),
            )
        )
    return combine(parts)
