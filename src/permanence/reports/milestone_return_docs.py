"""The parts of ``docs/milestone-return.md`` generated from the return's own definition
(``RETURN_COLUMNS``), so the docs say exactly what the checks check: the columns in
order with their types and whether each is required, and every code a coded column may
hold. Each part sits between ``<!-- generated:NAME -->`` and ``<!-- end generated:NAME
-->`` as in the import docs (``ingest.docs``). Run ``python -m
permanence.reports.milestone_return_docs`` after changing the format; a test fails while
the docs are out of date.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from permanence.ingest.docs import render
from permanence.reports.milestone_return import RETURN_COLUMNS, ReturnColumn

DOC = "docs/milestone-return.md"


def _type(column: ReturnColumn) -> str:
    kind = str(column.as_dict()["type"])
    return "code" if column.codes is not None else kind


def columns_table() -> str:
    """The return's columns, in the file's order."""
    lines = ["| column | type | required | what |", "| --- | --- | --- | --- |"]
    for column in RETURN_COLUMNS:
        what = column.description
        if column.codes is not None:
            name = column.codes.__name__
            what = f"{what} Codes: [{name}](#{name.lower()})."
        required = "yes" if column.required else ""
        lines.append(f"| `{column.name}` | {_type(column)} | {required} | {what} |")
    return "\n".join(lines)


def code_lists() -> str:
    """Every vocabulary a coded column draws on, once each, with its codes and meanings."""
    parts = []
    seen: list[str] = []
    for column in RETURN_COLUMNS:
        vocabulary = column.codes
        if vocabulary is None or vocabulary.__name__ in seen:
            continue
        seen.append(vocabulary.__name__)
        users = ", ".join(f"`{c.name}`" for c in RETURN_COLUMNS if c.codes is vocabulary)
        rows = "\n".join(f"| `{member.value}` | {member.label} |" for member in vocabulary)
        parts.append(
            f"#### {vocabulary.__name__}\n\nIn {users}.\n\n| code | meaning |\n"
            f"| --- | --- |\n{rows}"
        )
    return "\n\n".join(parts)


GENERATORS: dict[str, Callable[[], str]] = {
    "return-columns": columns_table,
    "return-codes": code_lists,
}


def main(paths: Sequence[str] = ()) -> int:
    """Rewrite the generated parts of the milestone return's docs."""
    for name in paths or (DOC,):
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        updated = render(text, GENERATORS)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            print(f"updated {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
