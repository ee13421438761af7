"""Running every rule over an extract: ``validate(extract) -> Validation``.

The rules run phase by phase (see ``permanence.ingest.rules``). After each phase the rows
with an error are refused and taken out of play, so later rules judge rows only against
rows that will be loaded. The reference phase runs table by table, children first, so
that the refusal of a child's row refuses its care periods and theirs refuses their
records, each with an issue naming the cause. Nothing is ever loaded against nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from permanence.ingest.extract import BLOCKED, SOURCE, Extract, Notice
from permanence.ingest.format import TABLES
from permanence.ingest.readers import ROW
from permanence.ingest.rules import PHASES, Phase, Rule, all_rules
from permanence.ingest.validation import ISSUE_SCHEMA, TableCounts, Validation
from permanence.ingest.workspace import ID, Workspace
from permanence.journey.tables import JourneyTables, conform

_HIT_COLUMNS = [ID, "rule", "fields", "value"]


def validate(
    extract: Extract, *, agenda_keys: Mapping[str, frozenset[str]] | None = None
) -> Validation:
    """Judge every row of ``extract`` by every rule; see ``Validation`` for the result.

    ``agenda_keys``: the item keys of the authority's own agendas, by kind of meeting, an
    agenda checklist may use beside the shipped agendas' (the web import passes them)."""
    rules = all_rules()
    ws = Workspace.from_extract(extract, agenda_keys)
    found: dict[str, list[pl.DataFrame]] = {table: [] for table in TABLES}
    dropped: dict[str, pl.Series] = {table: pl.Series(ID, [], dtype=pl.UInt32) for table in TABLES}
    for phase in PHASES:
        if phase in ("file", "load"):
            continue  # found while reading, or by the load against the records held
        order = [TABLES] if phase != "reference" else [(table,) for table in TABLES]
        for tables in order:
            phase_hits = _run_phase(ws, rules, phase, tables)
            for table, table_hits in phase_hits.items():
                found[table].append(table_hits)
                _settle(ws, rules, table, table_hits, dropped)
    return _result(ws, rules, found, dropped)


def _run_phase(
    ws: Workspace, rules: dict[str, Rule], phase: Phase, tables: tuple[str, ...]
) -> dict[str, pl.DataFrame]:
    """Every hit of the phase's rules on ``tables``, before any row is taken out of play."""
    collected: dict[str, list[pl.DataFrame]] = {table: [] for table in tables}
    for rule in rules.values():
        if rule.phase != phase or rule.check is None:
            continue
        for table in rule.tables:
            if table not in collected:
                continue
            rule_hits = rule.check(ws, table)
            if not rule_hits.is_empty():
                collected[table].append(
                    rule_hits.with_columns(pl.lit(rule.code).alias("rule")).select(_HIT_COLUMNS)
                )
    return {table: pl.concat(parts) if parts else _no_hits() for table, parts in collected.items()}


def _settle(
    ws: Workspace,
    rules: dict[str, Rule],
    table: str,
    table_hits: pl.DataFrame,
    dropped: dict[str, pl.Series],
) -> None:
    """Refuse the rows with an error; set aside exact repeats (loaded once)."""
    errors = [code for code, rule in rules.items() if rule.severity == "error"]
    repeats = [code for code, rule in rules.items() if rule.drops_row]
    ws.refuse(table, table_hits.filter(pl.col("rule").is_in(errors)).select(ID, "rule"))
    repeat_ids = table_hits.filter(pl.col("rule").is_in(repeats))[ID].unique()
    ws.drop(table, repeat_ids)
    dropped[table] = pl.concat([dropped[table], repeat_ids]).unique()


def _no_hits() -> pl.DataFrame:
    return pl.DataFrame(
        schema={ID: pl.UInt32, "rule": pl.String, "fields": pl.List(pl.String), "value": pl.String}
    )


def _result(
    ws: Workspace,
    rules: dict[str, Rule],
    found: dict[str, list[pl.DataFrame]],
    dropped: dict[str, pl.Series],
) -> Validation:
    rule_text = pl.DataFrame(
        {
            "rule": list(rules),
            "severity": [rule.severity for rule in rules.values()],
            "message": [rule.message for rule in rules.values()],
            "fix": [rule.fix for rule in rules.values()],
        }
    )
    row_issues = [_row_issues(ws, table, found[table], rule_text) for table in TABLES]
    issues = pl.concat([_notice_issues(ws.extract.notices, rule_text), *row_issues])
    issues = _sorted(issues)
    clean = {table: ws.active[table].sort(ID) for table in TABLES}
    tables = JourneyTables(
        **{table: conform(table, ws.clean(table).sort(ID).drop(ID)) for table in TABLES}
    )
    source_rows = {
        table: clean[table]
        .select(ID)
        .join(ws.locations(table), on=ID, how="left", maintain_order="left")
        .select(pl.col(SOURCE).alias("source"), pl.col(ROW).alias("row"))
        for table in TABLES
    }
    counts = {table: _counts(ws, table, issues, dropped[table]) for table in TABLES}
    return Validation(
        tables=tables,
        source_rows=source_rows,
        issues=issues,
        counts=counts,
        extract_date=ws.extract_date,
        profile=ws.extract.profile.name,
        files=ws.extract.files,
    )


def _row_issues(
    ws: Workspace, table: str, parts: list[pl.DataFrame], rule_text: pl.DataFrame
) -> pl.DataFrame:
    table_hits = pl.concat(parts) if parts else _no_hits()
    located = (
        table_hits.join(ws.raw[table].select(ID, SOURCE, ROW, "child_ref"), on=ID, how="left")
        .join(_periods_of(ws, table), on=ID, how="left")
        .join(rule_text, on="rule", how="left")
    )
    return located.select(
        "rule",
        "severity",
        pl.lit(table).alias("table"),
        pl.col(ROW).alias("row"),
        pl.col(SOURCE).alias("source"),
        "child_ref",
        "period_start",
        "fields",
        "message",
        "fix",
        "value",
    ).cast(ISSUE_SCHEMA)  # type: ignore[arg-type]


def _periods_of(ws: Workspace, table: str) -> pl.DataFrame:
    """``_id`` and the care period (its start, as read) of each row of ``table``."""
    typed = ws.typed[table]
    if "period_start" not in typed.columns:
        return pl.DataFrame(schema={ID: pl.UInt32, "period_start": pl.Date})
    return typed.select(ID, "period_start")


def _notice_issues(notices: tuple[Notice, ...], rule_text: pl.DataFrame) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "rule": [notice.rule for notice in notices],
            "table": [notice.table for notice in notices],
            "row": [notice.row for notice in notices],
            "source": [notice.source for notice in notices],
            "child_ref": [None for _ in notices],
            "period_start": [None for _ in notices],
            "fields": [list(notice.fields) for notice in notices],
            "value": [notice.value for notice in notices],
        },
        schema={
            "rule": pl.String,
            "table": pl.String,
            "row": pl.Int64,
            "source": pl.String,
            "child_ref": pl.String,
            "period_start": pl.Date,
            "fields": pl.List(pl.String),
            "value": pl.String,
        },
    )
    return frame.join(rule_text, on="rule", how="left").select(list(ISSUE_SCHEMA))


def _sorted(issues: pl.DataFrame) -> pl.DataFrame:
    order = pl.col("table").replace_strict(
        {table: index for index, table in enumerate(TABLES)}, default=-1, return_dtype=pl.Int32
    )
    return (
        issues.with_columns(order.alias("_order"))
        .sort(["_order", "source", "row", "rule"], nulls_last=False)
        .drop("_order")
    )


def _counts(ws: Workspace, table: str, issues: pl.DataFrame, repeats: pl.Series) -> TableCounts:
    raw = ws.raw[table]
    loaded = ws.active[table].select(ID)
    located_queries = (
        issues.filter(
            (pl.col("table") == table)
            & (pl.col("severity") == "query")
            & pl.col("row").is_not_null()
        )
        .select(pl.col("source").alias(SOURCE), pl.col("row").alias(ROW))
        .unique()
    )
    queried = (
        ws.locations(table)
        .join(loaded, on=ID, how="semi")
        .join(located_queries, on=[SOURCE, ROW], how="semi")
    )
    # A row of a file that cannot be loaded at all (a required column missing) may also
    # be refused by a row rule: it is one refused row, counted once.
    blocked = raw.filter(pl.col(BLOCKED)).select(ID)
    refused = pl.concat([ws.refusals[table].select(ID), blocked]).unique().height
    return TableCounts(
        read=raw.height,
        loaded=loaded.height,
        refused=refused,
        queried=queried.height,
        duplicates=repeats.len(),
    )
