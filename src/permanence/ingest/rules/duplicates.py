"""Rules about rows that repeat each other.

An exact repeat (every value the same once read) is harmless: the record is loaded once
and the repeat is listed. Rows that share a natural key (``format.NATURAL_KEYS``) but
disagree elsewhere are two versions of one record; nobody can tell which is right, so
neither is loaded.
"""

from __future__ import annotations

import polars as pl

from permanence.ingest.extract import SOURCE
from permanence.ingest.format import EXTRA_DATE_OF_BIRTH, NATURAL_KEYS, TABLES, with_natural_key
from permanence.ingest.readers import ROW
from permanence.ingest.rules import combine, hits, rule, sentence
from permanence.ingest.workspace import ID, Workspace
from permanence.journey.tables import RECORD_ID


def _value_columns(frame: pl.DataFrame, table: str) -> list[str]:
    """The columns that make a record: not the row id, nor a repeated date of birth (a
    record repeated with two dates of birth is one record; CHILD001 reports the date)."""
    skip = {ID} if table == "children" else {ID, EXTRA_DATE_OF_BIRTH}
    return [column for column in frame.columns if column not in skip]


@rule(
    "DUP001",
    "query",
    phase="duplicate",
    tables=TABLES,
    fields=(),
    message="The row repeats another row exactly; the record is loaded once.",
    fix="Remove the repeated row from the case recording system's report, if it is a fault "
    "of the report; nothing needs correcting in the records themselves.",
    drops_row=True,
)
def exact_repeat(ws: Workspace, table: str) -> pl.DataFrame:
    repeats = _repeats(ws, table)
    located = repeats.join(ws.locations(table).rename({ID: "first_id"}), on="first_id", how="left")
    return hits(located, fields=(), value=sentence("repeats row {} of {}", ROW, SOURCE))


def _repeats(ws: Workspace, table: str) -> pl.DataFrame:
    """``_id`` of each row that repeats an earlier one, with ``first_id`` of the earlier.

    Rows are matched by a hash of all their values, then every match is confirmed value
    by value, so a hash collision can never set a different record aside.
    """
    active = ws.active[table].sort(ID)
    values = _value_columns(active, table)
    candidates = (
        active.with_columns(pl.struct(values).hash().alias("row_hash"))
        .with_columns(pl.col(ID).first().over("row_hash").alias("first_id"))
        .filter(pl.col(ID) != pl.col("first_id"))
    )
    if candidates.is_empty():
        return pl.DataFrame(schema={ID: pl.UInt32, "first_id": pl.UInt32})
    firsts = active.select(
        pl.col(ID).alias("first_id"), *(pl.col(name).alias(f"{name}__first") for name in values)
    )
    same = pl.all_horizontal(pl.col(name).eq_missing(pl.col(f"{name}__first")) for name in values)
    return candidates.join(firsts, on="first_id").filter(same).select(ID, "first_id")


@rule(
    "DUP002",
    "error",
    phase="duplicate",
    tables=TABLES,
    fields=(),
    message="Two or more rows describe the same record (the same record id, or without record "
    "ids the same child, care period, kind and date) but disagree in other values, so none of "
    "them is loaded.",
    fix="Find the rows listed in the case recording system, keep the right one and correct or "
    "remove the other.",
)
def conflicting_versions(ws: Workspace, table: str) -> pl.DataFrame:
    """Rows with one identity and different values: by record id where a row has one (two
    rows with different ids are two records, whatever their dates), else by natural key."""
    active = ws.active[table].join(_repeats(ws, table).select(ID), on=ID, how="anti")
    if RECORD_ID not in active.columns:
        return _conflicts(ws, table, active, list(NATURAL_KEYS[table]))
    given = pl.col(RECORD_ID).is_not_null()
    return combine(
        [
            _conflicts(ws, table, active.filter(given), ["child_ref", RECORD_ID]),
            _conflicts(ws, table, active.filter(~given), list(NATURAL_KEYS[table])),
        ]
    )


def _conflicts(ws: Workspace, table: str, active: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    keyed = with_natural_key(table, active)
    others = [column for column in _value_columns(active, table) if column not in key]
    shared = keyed.filter(pl.struct(key).is_duplicated())
    located = shared.join(ws.locations(table), on=ID, how="left")
    conflicts = (
        located.with_columns(pl.len().over(key).alias("versions"))
        .filter(pl.col("versions") > 1)
        .with_columns(
            pl.col(ROW).cast(pl.String).implode().over(key).list.join(", ").alias("rows"),
            *[
                (pl.col(column).n_unique().over(key) > 1).alias(f"differs_{column}")
                for column in others
            ],
        )
    )
    differing = (
        pl.concat_list(
            [pl.when(pl.col(f"differs_{column}")).then(pl.lit(column)) for column in others]
        )
        .list.drop_nulls()
        .list.join(", ")
    )
    named = [*key[:-1], "due_date", "held_date"] if key[-1] == "occasion" else key
    return hits(
        conflicts,
        fields=named,
        value=sentence("rows {} differ in {}", pl.col("rows"), differing),
    )
