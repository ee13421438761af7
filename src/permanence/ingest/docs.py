"""The parts of the import docs that are generated from the code, so they cannot drift.

``docs/data-format.md`` carries the column table of every canonical table and the code
lists of every vocabulary; ``docs/validation-rules.md`` carries every registered rule.
Each generated part sits between ``<!-- generated:NAME -->`` and
``<!-- end generated:NAME -->``; ``render`` rewrites those parts and leaves the prose
around them alone. Run ``python -m permanence.ingest.docs`` after changing a vocabulary,
a table or a rule; a test fails while the docs are out of date.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path

import polars as pl

from permanence.ingest.format import (
    CHILD_LEVEL_TABLES,
    COLUMN_NOTES,
    DETAIL_VOCABULARIES,
    EXTRA_DATE_OF_BIRTH,
    IDENTITIES,
    MEETING_DETAIL_TABLES,
    NATURAL_KEYS,
    TABLES,
    columns,
    required_columns,
)
from permanence.ingest.rules import all_rules
from permanence.journey.tables import RECORD_ID, SCHEMAS
from permanence.journey.vocabulary import (
    AgendaAnswer,
    Coded,
    Destination,
    LegalStatusKind,
    MeetingKind,
    MilestoneKind,
    PlacementType,
    Sex,
)

VOCABULARIES: tuple[type[Coded], ...] = (
    Sex,
    Destination,
    PlacementType,
    LegalStatusKind,
    MeetingKind,
    MilestoneKind,
    *DETAIL_VOCABULARIES,
    AgendaAnswer,
)

DOCS = ("docs/data-format.md", "docs/validation-rules.md")

_BLOCK = re.compile(
    r"(<!-- generated:(?P<name>[\w:-]+) -->\n)(?P<body>.*?)(<!-- end generated:(?P=name) -->)",
    re.DOTALL,
)


def _type_name(table: str, column: str) -> str:
    if column == EXTRA_DATE_OF_BIRTH and table in CHILD_LEVEL_TABLES:
        return "date"
    dtype = SCHEMAS[table][column]
    if dtype == pl.Date:
        return "date"
    if dtype == pl.Int16:
        return "whole number"
    return "text"


def columns_table(table: str) -> str:
    """The Markdown table of ``table``'s columns: name, type, required, meaning."""
    lines = ["| column | type | required | what it holds |", "| --- | --- | --- | --- |"]
    for column in columns(table):
        required = "yes" if column in required_columns(table) else ""
        if column == EXTRA_DATE_OF_BIRTH and table in CHILD_LEVEL_TABLES:
            note = (
                "Optional extra: the child's date of birth as this table repeats it. Checked "
                "against the children table (CHILD001), then dropped."
            )
        else:
            note = COLUMN_NOTES[table][column]
        for vocabulary in VOCABULARIES:
            name = vocabulary.__name__
            note = note.replace(f"{name} code", f"[{name}](#{name.lower()}) code")
        lines.append(f"| `{column}` | {_type_name(table, column)} | {required} | {note} |")
    lines += ["", identity_sentence(table)]
    return "\n".join(lines)


def _names(columns: Sequence[str]) -> str:
    return ", ".join(f"`{column}`" for column in columns)


def identity_sentence(table: str) -> str:
    """How a row of ``table`` is recognised in a later extract (see "Record identity")."""
    identity = IDENTITIES[table]
    natural = f"Natural key: {_names(NATURAL_KEYS[table])}."
    if table == "children":
        return natural
    if table in MEETING_DETAIL_TABLES:
        return f"{natural} A later extract's row with the same key replaces the earlier one."
    stable = _names([*identity.parent, *identity.stable])
    overlap = " whose dates overlap" if identity.span is not None else ""
    return (
        f"{natural} Matched by `{RECORD_ID}` within the child where given; otherwise by the "
        f"natural key; otherwise a record the extract no longer holds is corrected by a new "
        f"row with the same {stable}{overlap}."
    )


def code_lists() -> str:
    """Every vocabulary as a Markdown table of codes and meanings."""
    parts = []
    for vocabulary in VOCABULARIES:
        rows = "\n".join(f"| `{member.value}` | {member.label} |" for member in vocabulary)
        parts.append(f"### {vocabulary.__name__}\n\n| code | meaning |\n| --- | --- |\n{rows}")
    return "\n\n".join(parts)


def detail_by_milestone() -> str:
    """Which vocabulary each milestone's detail comes from."""
    lines = ["| milestone | detail holds |", "| --- | --- |"]
    for kind in MilestoneKind:
        vocabulary = kind.detail_vocabulary
        what = f"a {vocabulary.__name__} code" if vocabulary is not None else "nothing (blank)"
        lines.append(f"| `{kind.value}` | {what} |")
    return "\n".join(lines)


def rules_reference() -> str:
    """Every registered rule: code, severity, message, fix, fields and tables."""
    parts = []
    for rule in all_rules().values():
        fields = ", ".join(f"`{field}`" for field in rule.fields) or "named on each issue"
        tables = ", ".join(f"`{table}`" for table in rule.tables) or "any file or sheet"
        parts.append(
            "\n".join(
                [
                    f"### {rule.code} ({rule.severity})",
                    "",
                    f"- **Message:** {rule.message}",
                    f"- **Fix:** {rule.fix}",
                    f"- **Fields:** {fields}",
                    f"- **Tables:** {tables}",
                    f"- **Phase:** {rule.phase}",
                ]
            )
        )
    return "\n\n".join(parts)


def rules_summary() -> str:
    lines = ["| code | severity | message |", "| --- | --- | --- |"]
    for rule in all_rules().values():
        anchor = f"#{rule.code.lower()}-{rule.severity}"
        lines.append(f"| [{rule.code}]({anchor}) | {rule.severity} | {rule.message} |")
    return "\n".join(lines)


GENERATORS: dict[str, Callable[[], str]] = {
    "codes": code_lists,
    "detail": detail_by_milestone,
    "rules": rules_reference,
    "rules-summary": rules_summary,
    **{f"columns:{table}": partial(columns_table, table) for table in TABLES},
}


def render(document: str, generators: Mapping[str, Callable[[], str]] | None = None) -> str:
    """``document`` with every generated part brought up to date (by ``generators``: by
    default the import docs' own)."""
    making = GENERATORS if generators is None else generators

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in making:
            raise KeyError(f"no generator for the generated part {name!r}")
        return f"{match.group(1)}{making[name]()}\n{match.group(4)}"

    return _BLOCK.sub(replace, document)


def generated_names(document: str) -> list[str]:
    return [match.group("name") for match in _BLOCK.finditer(document)]


def main(paths: Sequence[str] = ()) -> int:
    """Rewrite the generated parts of the docs (by default those in ``DOCS``)."""
    for name in paths or DOCS:
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        updated = render(text)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            print(f"updated {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
