"""Rules about files, sheets, tables and columns; their findings are made while reading."""

from __future__ import annotations

from permanence.ingest.format import OPTIONAL_TABLES, TABLES
from permanence.ingest.rules import file_rule

file_rule(
    "TABLE001",
    "error",
    tables=("children", "care_periods"),
    fields=(),
    message="The extract has no table of children or no table of care periods, so no child's "
    "journey can be loaded.",
    fix="Add the missing file (children.csv or care_periods.csv) or a sheet named children or "
    "care_periods, or tell the column profile what the file or sheet is called.",
)

file_rule(
    "TABLE002",
    "query",
    tables=tuple(table for table in TABLES[2:] if table not in OPTIONAL_TABLES),
    fields=(),
    message="The extract has no file or sheet for this table, so none of its records are "
    "loaded; children's journeys will look as if nothing of this kind happened.",
    fix="Add the file or sheet, named as the table (for example placements.csv), or tell the "
    "column profile what it is called. Leave it out only if the system truly records none.",
)

file_rule(
    "COLUMN001",
    "error",
    tables=TABLES,
    fields=(),
    message="A column that every row needs is missing from this file or sheet, so none of its "
    "rows can be loaded.",
    fix="Add the column to the extract, or correct the column profile so it names the column "
    "the system uses (check the spelling of the heading).",
)

file_rule(
    "COLUMN002",
    "query",
    tables=TABLES,
    fields=(),
    message="An optional column is missing from this file or sheet, so it is left blank for "
    "every row.",
    fix="Add the column to the extract if the system records it; if it does not, say so in the "
    'column profile (column = "") and this query goes away.',
)

file_rule(
    "FILE001",
    "query",
    tables=TABLES,
    fields=(),
    message="Some cells of this sheet hold formulas. The values the spreadsheet last calculated "
    "were read; the formulas were not run, and a formula that was never calculated reads as "
    "blank or 0.",
    fix="Check those cells, or export the data from the case recording system again, or copy "
    "the sheet and paste values only, so that the file holds the data itself.",
)

file_rule(
    "FILE002",
    "query",
    tables=(),
    fields=(),
    message="This file or sheet matches no table of the column profile, so it was not read.",
    fix="Name it as the table it holds (for example placements.csv, or a sheet named "
    "placements), or add its name to the column profile; remove it if it does not belong.",
)

file_rule(
    "FILE003",
    "query",
    tables=TABLES,
    fields=(),
    message="The file does not end with a line break, so it may have been cut off and its "
    "last row may be incomplete.",
    fix="Check the last row against the case recording system, or export the file again.",
)
