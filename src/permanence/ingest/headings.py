"""The headings of each file beside the headings the profile expects, for a person to fix.

When a file lacks a column (``COLUMN001``, ``COLUMN002``) the cause is nearly always a
heading spelled differently: ``child_reference`` for ``child_ref``, ``DOB`` for
``date_of_birth``. ``heading_report`` lists, for every file or sheet with a missing
column or a heading nothing reads, the headings expected and the headings found, and for
each missing one the found heading it most likely is ("did you mean").

Headings are not children's data, so the report can be kept with an import's figures.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import TypedDict

from permanence.ingest.extract import Extract, SheetMapping
from permanence.ingest.format import columns, required_columns

SIMILAR_ENOUGH = 0.6
"""difflib's ratio (0 to 1) above which a found heading is offered as "did you mean"."""


class MissingHeading(TypedDict):
    column: str
    """The canonical column."""
    heading: str
    """The heading the profile looked for."""
    required: bool
    """True when no row of the file can load without it."""
    suggestion: str | None
    """A heading in the file that is probably this one, or None."""


class FileHeadings(TypedDict):
    source: str
    table: str
    expected: list[str]
    found: list[str]
    missing: list[MissingHeading]
    unknown: list[str]
    """Headings in the file that no column reads (in the file's order)."""


COLUMN_RULES = frozenset({"COLUMN001", "COLUMN002"})


def heading_report(extract: Extract) -> list[FileHeadings]:
    """One entry per file or sheet with a missing column, in the order they were read.

    A column is missing here when reading it raised ``COLUMN001`` or ``COLUMN002``: an
    optional column the format lets a system leave out quietly is not a problem to fix.
    """
    reported: dict[str, set[str]] = {}
    for notice in extract.notices:
        if notice.rule in COLUMN_RULES and notice.source is not None:
            reported.setdefault(notice.source, set()).update(notice.fields)
    return [
        _report(mapping, reported[mapping.source])
        for mapping in extract.mappings
        if reported.get(mapping.source)
    ]


def _report(mapping: SheetMapping, reported: set[str]) -> FileHeadings:
    required = required_columns(mapping.table)
    unknown = [heading for heading in mapping.unused if not heading.startswith("(column ")]
    expected = [
        mapping.found.get(column) or mapping.missing[column]
        for column in columns(mapping.table)
        if column in mapping.found or column in reported
    ]
    missing: list[MissingHeading] = []
    offered: set[str] = set()
    for column, heading in mapping.missing.items():
        if column not in reported:
            continue
        suggestion = did_you_mean(heading, [h for h in unknown if h not in offered])
        if suggestion is not None:
            offered.add(suggestion)
        missing.append(
            {
                "column": column,
                "heading": heading,
                "required": column in required,
                "suggestion": suggestion,
            }
        )
    # Required columns first: they are the ones that stop the file loading.
    missing.sort(key=lambda item: not item["required"])
    return {
        "source": mapping.source,
        "table": mapping.table,
        "expected": expected,
        "found": [heading for heading in mapping.header if heading],
        "missing": missing,
        "unknown": unknown,
    }


def did_you_mean(expected: str, candidates: Iterable[str]) -> str | None:
    """The candidate heading most like ``expected``, if any is like it at all.

    Headings are compared without case, spaces, underscores or punctuation; a heading made
    of the expected one's initials (``DOB`` for ``date_of_birth``) counts as like it.
    """
    wanted = _squashed(expected)
    by_key = {_squashed(candidate): candidate for candidate in candidates}
    if not wanted or not by_key:
        return None
    if wanted in by_key:
        return by_key[wanted]
    initials = "".join(word[0] for word in _words(expected))
    if len(initials) > 1 and initials in by_key:
        return by_key[initials]
    close = difflib.get_close_matches(wanted, list(by_key), n=1, cutoff=SIMILAR_ENOUGH)
    return by_key[close[0]] if close else None


def _words(text: str) -> Sequence[str]:
    return [word for word in re.split(r"[^0-9a-z]+", text.casefold()) if word]


def _squashed(text: str) -> str:
    return "".join(_words(text))
