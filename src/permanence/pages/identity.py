"""How children are named and reached on the charts one person sees.

Children are named on charts by a pseudonymous reference only (``Identity.pseudonyms``),
for every role, and carry a link to their journey only for roles allowed to open it
(``Identity.hrefs``). The child's own reference, initials and date of birth never reach a
chart, its data or its downloads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import polars as pl

PSEUDONYM: Final = "pseudonym"
JOURNEY: Final = "journey"
#: The label of the pseudonymous reference on charts, in tooltips and in tables.
CHILD_LABEL: Final = "Child (pseudonymous reference)"


@dataclass(frozen=True, slots=True)
class Identity:
    """How children are named and reached on the charts one person sees.

    ``pseudonyms``: each child reference's pseudonymous reference (every role sees
    these). ``hrefs``: each child reference's journey address, or ``None`` when the
    person's role may not open a child's record; then no chart carries any link.
    """

    pseudonyms: Mapping[str, str]
    hrefs: Mapping[str, str] | None = None

    @property
    def links(self) -> bool:
        return self.hrefs is not None


def identify(children: pl.DataFrame, identity: Identity) -> pl.DataFrame:
    """``children`` (rows with ``child_ref``) with the ``pseudonym`` column and, for
    roles that may open a child, the ``journey`` address. One vectorised lookup."""
    columns = [
        pl.col("child_ref")
        .replace_strict(dict(identity.pseudonyms), default=None, return_dtype=pl.String)
        .alias(PSEUDONYM)
    ]
    if identity.hrefs is not None:
        columns.append(
            pl.col("child_ref")
            .replace_strict(dict(identity.hrefs), default=None, return_dtype=pl.String)
            .alias(JOURNEY)
        )
    return children.with_columns(columns)
