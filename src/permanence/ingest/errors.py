"""The two ways an import can fail before any row is looked at.

Everything else that is wrong with an extract is an issue on a row or a table (see
``permanence.ingest.rules``) and never an exception. These two mean there is nothing to
validate: a file that cannot be read at all, or a column profile that makes no sense.
Both carry every problem found, each naming the file (and sheet or row where it
applies), so the person can fix them all in one go.
"""

from __future__ import annotations

from collections.abc import Sequence


class IngestError(Exception):
    """A problem that stops the import; ``problems`` holds one sentence per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return self.problems[0]
        return "\n".join(f"- {problem}" for problem in self.problems)


class ExtractError(IngestError):
    """A file of the extract cannot be read: wrong type, empty, damaged or too large."""


class ProfileError(IngestError):
    """A column profile cannot be used: bad TOML, an unknown table, column or code."""
