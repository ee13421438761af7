"""The validation rules: each a code, a severity, plain words, and a vectorised check.

A rule is registered with ``@rule(...)`` beside the function that checks it. The
function is given the ``Workspace`` and one table and returns the rows it finds as a
frame of hits (``_id``, ``fields``, ``value``); it never loops over rows in Python, so a
whole extract is checked in one pass of polars expressions per rule.

Severities:

- ``error``: the row is refused (not loaded); the issue says why and how to fix it.
- ``query``: the row is loaded and listed so someone can check it.

Rules run in phases, in this order, and each phase sees only the rows earlier phases
left in play (``Workspace.active``):

1. ``file``: findings about files, sheets, tables and columns, made while reading.
2. ``field``: each value on its own (blank, not a date, not a code).
3. ``duplicate``: rows that repeat another, or share its key and disagree.
4. ``record``: dates and facts against each other, within a row and across tables.
5. ``reference``: rows whose child or care period is missing or was refused, table by
   table so a refusal cascades from a child to its periods to their records.
6. ``overdue``: queries about the loaded journeys as they stand at the extract date.
7. ``load``: queries the load raises against the records already held (a record the
   extract no longer holds); registered here for the docs, raised by the web loader.

``docs/validation-rules.md`` is generated from this registry (``python -m
permanence.ingest.docs``), and a test keeps the two the same.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl

from permanence.ingest.workspace import ID, Workspace

Severity = Literal["error", "query"]
Phase = Literal["file", "field", "duplicate", "record", "reference", "overdue", "load"]
PHASES: tuple[Phase, ...] = (
    "file",
    "field",
    "duplicate",
    "record",
    "reference",
    "overdue",
    "load",
)

Check = Callable[[Workspace, str], pl.DataFrame]

HITS_SCHEMA: dict[str, pl.DataType] = {
    ID: pl.UInt32(),
    "fields": pl.List(pl.String()),
    "value": pl.String(),
}


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    phase: Phase
    tables: tuple[str, ...]
    fields: tuple[str, ...]
    """The columns the rule concerns; empty where it names them issue by issue."""
    message: str
    fix: str
    check: Check | None = None
    """None for ``file`` rules, whose findings are made while reading the extract."""
    drops_row: bool = False
    """A query whose row is still not loaded a second time (an exact duplicate)."""


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    severity: Severity,
    *,
    phase: Phase,
    tables: Sequence[str],
    fields: Sequence[str],
    message: str,
    fix: str,
    drops_row: bool = False,
) -> Callable[[Check], Check]:
    """Register the decorated function as the check of rule ``code``."""

    def register(check: Check) -> Check:
        _add(
            Rule(
                code, severity, phase, tuple(tables), tuple(fields), message, fix, check, drops_row
            )
        )
        return check

    return register


def file_rule(
    code: str,
    severity: Severity,
    *,
    tables: Sequence[str],
    fields: Sequence[str],
    message: str,
    fix: str,
) -> None:
    """Register a rule whose findings are made while reading (``Notice``)."""
    _add(Rule(code, severity, "file", tuple(tables), tuple(fields), message, fix))


def load_rule(
    code: str,
    severity: Severity,
    *,
    tables: Sequence[str],
    fields: Sequence[str],
    message: str,
    fix: str,
) -> None:
    """Register a rule whose findings the load makes, against the records already held."""
    _add(Rule(code, severity, "load", tuple(tables), tuple(fields), message, fix))


def _add(new: Rule) -> None:
    if new.code in RULES:
        raise ValueError(f"rule {new.code} is registered twice")
    RULES[new.code] = new


RULE_MODULES = (
    "structure",
    "fields",
    "dates",
    "duplicates",
    "records",
    "milestones",
    "decisions",
    "agendas",
    "references",
    "overdue",
    "load",
)
"""The modules that register rules, in the order their rules are listed and run."""


def all_rules() -> dict[str, Rule]:
    """Every registered rule, by code, in the order they run."""
    for module in RULE_MODULES:
        importlib.import_module(f"{__name__}.{module}")  # importing registers the rules
    ordered = sorted(RULES.values(), key=lambda item: PHASES.index(item.phase))
    return {item.code: item for item in ordered}


def hits(
    frame: pl.DataFrame, *, fields: Sequence[str], value: pl.Expr | None = None
) -> pl.DataFrame:
    """The rows of ``frame`` as hits naming ``fields``, with ``value`` as the detail."""
    detail = value if value is not None else pl.lit(None, dtype=pl.String)
    return frame.select(
        pl.col(ID).cast(pl.UInt32),
        pl.lit(list(fields), dtype=pl.List(pl.String)).alias("fields"),
        detail.cast(pl.String).alias("value"),
    )


def no_hits() -> pl.DataFrame:
    return pl.DataFrame(schema=HITS_SCHEMA)


def combine(parts: Sequence[pl.DataFrame]) -> pl.DataFrame:
    frames = [part for part in parts if not part.is_empty()]
    return pl.concat(frames) if frames else no_hits()


def sentence(template: str, *values: pl.Expr | str) -> pl.Expr:
    """``template`` with each ``{}`` replaced by a value (an expression or a column name).

    The same as ``pl.format``, built from ``pl.concat_str``: in polars 2.1 ``pl.format``
    panics on some string columns made of several chunks (found by the messy synthetic
    extract), and a panic must never be how an import ends. A null value gives null.
    """
    pieces = template.split("{}")
    if len(pieces) != len(values) + 1:
        raise ValueError(f"{template!r} has {len(pieces) - 1} placeholders, not {len(values)}")
    parts: list[pl.Expr] = []
    for piece, value in zip(pieces, [*values, None], strict=True):
        if piece:
            parts.append(pl.lit(piece, dtype=pl.String))
        if value is not None:
            column = pl.col(value) if isinstance(value, str) else value
            parts.append(column.cast(pl.String))
    return pl.concat_str(parts)


def iso(expression: pl.Expr) -> pl.Expr:
    """A date as YYYY-MM-DD text, for the ``value`` of an issue."""
    return expression.dt.strftime("%Y-%m-%d")
