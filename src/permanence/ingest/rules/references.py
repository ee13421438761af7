"""Rules about rows that refer to a child or care period that will not be loaded.

A care period belongs to a child and every other record to a care period. A row whose
child or period is not in the extract at all is refused (REF001). A row whose child or
period is in the extract but was itself refused is refused too (REF002), naming the row
and rule that refused its parent: loading it would attach it to nothing, and loading the
parent later without it would silently lose it. Where a file of the parent table could
not be read at all (it lacks a column every row needs, ``COLUMN001``), a row whose parent
is not found is refused because of that file (REF003), not reported as missing from the
extract: the parent is most likely in the file that could not be read, and the file is
the one thing to fix. These run table by table, children
first, so a refusal cascades from a child to its care periods to their records.
"""

from __future__ import annotations

import polars as pl

from permanence.ingest.extract import BLOCKED, SOURCE
from permanence.ingest.format import CHILD_LEVEL_TABLES
from permanence.ingest.readers import ROW
from permanence.ingest.rules import hits, no_hits, rule, sentence
from permanence.ingest.workspace import ID, Workspace

PARENTS: dict[str, tuple[str, list[str]]] = {
    "care_periods": ("children", ["child_ref"]),
    **{table: ("care_periods", ["child_ref", "period_start"]) for table in CHILD_LEVEL_TABLES[1:]},
}


def _parent_keys(ws: Workspace, table: str) -> tuple[str, list[str], pl.DataFrame, pl.DataFrame]:
    parent, key = PARENTS[table]
    present = ws.typed[parent].select(key).drop_nulls().unique()
    loaded = ws.active[parent].select(key).unique()
    return parent, key, present, loaded


@rule(
    "REF001",
    "error",
    phase="reference",
    tables=CHILD_LEVEL_TABLES,
    fields=("child_ref", "period_start"),
    message="The row refers to a child, or to a care period (child and date looked after), that "
    "is not in the extract.",
    fix="Check the child's reference and the care period's start date on this row against the "
    "children and care periods tables; the child or the period may be missing from the extract.",
)
def missing_parent(ws: Workspace, table: str) -> pl.DataFrame:
    parent, key, present, _ = _parent_keys(ws, table)
    if _unreadable_files(ws, parent):
        return no_hits()  # REF003: the parent's file could not be read
    orphans = ws.active[table].join(present, on=key, how="anti")
    what = "child" if parent == "children" else "care period"
    return hits(orphans, fields=key, value=pl.lit(f"no such {what} in the {parent} table"))


@rule(
    "REF002",
    "error",
    phase="reference",
    tables=CHILD_LEVEL_TABLES,
    fields=("child_ref", "period_start"),
    message="The row belongs to a child or care period whose own row was refused, so it is "
    "refused too rather than loaded against nothing.",
    fix="Correct the issue that refused the child's or care period's row (named here); this row "
    "will then load with it.",
)
def refused_parent(ws: Workspace, table: str) -> pl.DataFrame:
    parent, key, present, loaded = _parent_keys(ws, table)
    refused_keys = present.join(loaded, on=key, how="anti")
    if refused_keys.is_empty():
        return no_hits()
    causes = (
        ws.typed[parent]
        .select(ID, *key)
        .join(refused_keys, on=key, how="semi")
        .join(ws.refusals[parent], on=ID, how="inner")
        .join(ws.locations(parent), on=ID, how="left")
        .sort(ID)
        .unique(subset=key, keep="first")
        .select(*key, "rule", SOURCE, ROW)
    )
    rows = ws.active[table].join(refused_keys, on=key, how="semi").join(causes, on=key, how="left")
    what = "child" if parent == "children" else "care period"
    cause = sentence(f"the {what} on row {{}} of {{}} was refused ({{}})", ROW, SOURCE, "rule")
    return hits(rows, fields=key, value=cause.fill_null(f"the {what} was not loaded"))


@rule(
    "REF003",
    "error",
    phase="reference",
    tables=CHILD_LEVEL_TABLES,
    fields=("child_ref", "period_start"),
    message="The row's child or care period cannot be found because the file that should hold "
    "it could not be read (it lacks a column every row needs), so the row is refused with it.",
    fix="Correct the file named here (see its missing column, COLUMN001); this row will then be "
    "checked against it.",
)
def unreadable_parent(ws: Workspace, table: str) -> pl.DataFrame:
    parent, key, present, _ = _parent_keys(ws, table)
    files = _unreadable_files(ws, parent)
    if not files:
        return no_hits()
    orphans = ws.active[table].join(present, on=key, how="anti")
    named = ", ".join(files)
    return hits(orphans, fields=key, value=pl.lit(f"{named} could not be read (COLUMN001)"))


def _unreadable_files(ws: Workspace, table: str) -> list[str]:
    """The files (or sheets) of ``table`` that lack a column every row needs."""
    blocked = ws.raw[table].filter(pl.col(BLOCKED))
    return sorted(blocked.get_column(SOURCE).unique().to_list())
