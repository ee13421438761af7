"""What an import's page leads with: the causes, the exact counts, and what follows from them.

A data lead who uploads a file with wrong headings must see that first: which file, which
columns are missing, the headings it has beside those expected, and how many rows it
stops. The refusals that follow only from it (a care period whose child is in the file
that could not be read, a placement whose care period was refused) are counted under
their cause, not listed before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from permanence.ingest.format import TABLES
from permanence.ingest.validation import KNOCK_ON_RULES, rule_rank
from permanence.web.records.models import ImportBatch


@dataclass(frozen=True)
class Totals:
    """Rows, each counted once, whatever number of rules found something on it."""

    read: int
    loadable: int
    refused: int
    queried: int


@dataclass(frozen=True)
class Outline:
    totals: Totals
    headings: list[dict[str, Any]]
    """Files with a missing column, their headings beside those expected (``ingest.headings``)."""
    causes: list[dict[str, Any]] = field(default_factory=list)
    """Issues about a whole table or file other than a missing column (no rows, formulas)."""
    knock_ons: list[dict[str, Any]] = field(default_factory=list)
    """Per rule and table, rows refused only because of another refusal."""

    @property
    def knock_on_rows(self) -> int:
        return sum(int(entry["count"]) for entry in self.knock_ons)

    @property
    def nothing_loads(self) -> bool:
        return self.totals.loadable == 0


def outline(batch: ImportBatch) -> Outline:
    figures = batch.summary.get("validation", {})
    counts = figures.get("counts", {}).values()
    totals = Totals(
        read=sum(int(c.get("read", 0)) for c in counts),
        loadable=sum(int(c.get("loaded", 0)) for c in counts),
        refused=sum(int(c.get("refused", 0)) for c in counts),
        queried=sum(int(c.get("queried", 0)) for c in counts),
    )
    headings = [_with_rows(entry, figures) for entry in batch.summary.get("headings", [])]
    return Outline(
        totals=totals,
        headings=headings,
        causes=_causes(batch),
        knock_ons=sorted(
            (
                dict(row)
                for row in batch.issues.filter(rule__in=KNOCK_ON_RULES)
                .values("rule", "table")
                .annotate(count=Count("pk"))
            ),
            key=lambda row: (rule_rank(row["rule"]), TABLES.index(row["table"])),
        ),
    )


def _with_rows(entry: dict[str, Any], figures: dict[str, Any]) -> dict[str, Any]:
    """The report of one file, with its table's rows read, and its headings side by side:
    each expected one beside what the file has for it, then the file's other headings."""
    rows = figures.get("counts", {}).get(entry["table"], {}).get("read", 0)
    required = [m for m in entry["missing"] if m["required"]]
    missing = {m["heading"]: m for m in entry["missing"]}
    suggested = {m["suggestion"] for m in entry["missing"] if m["suggestion"]}
    side_by_side: list[dict[str, Any]] = [
        {"expected": heading, "found": heading, "missing": None}
        if heading not in missing
        else {
            "expected": heading,
            "found": missing[heading]["suggestion"],
            "missing": missing[heading],
        }
        for heading in entry["expected"]
    ]
    side_by_side += [
        {"expected": None, "found": heading, "missing": None}
        for heading in entry["unknown"]
        if heading not in suggested
    ]
    return {
        **entry,
        "rows": rows,
        "blocks": bool(required),
        "required_missing": required,
        "side_by_side": side_by_side,
    }


def _causes(batch: ImportBatch) -> list[dict[str, Any]]:
    """Issues about a whole table or file, bar missing columns (told with the headings)."""
    rows = (
        batch.issues.filter(row__isnull=True)
        .exclude(rule__in=("COLUMN001", "COLUMN002"))
        .values("rule", "severity", "table", "source", "value", "message", "fix")
        .order_by("severity", "rule", "table")
    )
    return [dict(row) for row in rows if rule_rank(row["rule"]) == 0]


def ordered_rules(
    by_rule: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rules' counts split into what to fix and the knock-ons that follow from it."""
    ranked = sorted(by_rule, key=lambda row: rule_rank(str(row["rule"])))
    return (
        [row for row in ranked if row["rule"] not in KNOCK_ON_RULES],
        [row for row in ranked if row["rule"] in KNOCK_ON_RULES],
    )
