"""Rules about the records already held, which only the load can judge.

Validation sees one extract; the load sees it beside the records loaded from earlier
ones. A record an earlier extract held that this one does not (and that no row of it
corrects: ``journey.identity``) stays counted in the figures until a data lead decides,
and is queried on every import until then.
"""

from __future__ import annotations

from permanence.ingest.format import TABLES
from permanence.ingest.rules import load_rule

RECORD_GONE = "RECORD001"

load_rule(
    RECORD_GONE,
    "query",
    tables=TABLES,
    fields=(),
    message="A record loaded from an earlier extract is not in this extract, and no row of it "
    "corrects the record. The record is still counted in the figures until a data lead keeps "
    "it or removes it.",
    fix="Check the child's record in the case recording system. If the system still holds it, "
    "the extract missed it: keep it (and ask why the extract left it out). If the system no "
    "longer holds it, remove it. Both are on the page of records no longer in the extract.",
)
