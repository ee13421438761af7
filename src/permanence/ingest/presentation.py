"""A validation as plain text for a terminal: ``permanence check`` and ``permanence import``."""

from __future__ import annotations

from pathlib import Path

from permanence.ingest.format import TABLE_LABELS
from permanence.ingest.validation import Validation

DEFAULT_SHOWN = 50


def render_text(validation: Validation, *, shown: int = DEFAULT_SHOWN) -> str:
    """The counts per table, the issues by rule, and the first ``shown`` issues."""
    lines = [
        f"Checked {', '.join(Path(name).name for name in validation.files)} with the "
        f"{validation.profile} profile; extract date {validation.extract_date.isoformat()}.",
        "",
        *_counts(validation),
        "",
        _totals(validation),
    ]
    if validation.issues.height:
        lines += ["", "By rule:", *_by_rule(validation), "", *_issues(validation, shown)]
    return "\n".join(lines)


def _counts(validation: Validation) -> list[str]:
    headings = ("table", "read", "loaded", "refused", "queried", "repeats")
    rows = [
        (
            TABLE_LABELS.get(table, table),
            counts.read,
            counts.loaded,
            counts.refused,
            counts.queried,
            counts.duplicates,
        )
        for table, counts in validation.counts.items()
    ]
    width = max(len(headings[0]), *(len(row[0]) for row in rows))
    lines = [f"{headings[0]:<{width}}" + "".join(f"{h:>10}" for h in headings[1:])]
    for label, *numbers in rows:
        lines.append(f"{label:<{width}}" + "".join(f"{n:>10,}" for n in numbers))
    return lines


def _totals(validation: Validation) -> str:
    errors, queries = validation.error_count, validation.query_count
    if not errors and not queries:
        return "No issues found."
    refused = validation.rows_refused
    return (
        f"{errors + queries:,} issue(s): {errors:,} error(s), refusing {refused:,} "
        f"row{'' if refused == 1 else 's'}; "
        f"{queries:,} quer{'y' if queries == 1 else 'ies'} (rows loaded, to check)."
    )


def _by_rule(validation: Validation) -> list[str]:
    return [
        f"  {row['rule']:<10} {row['severity']:<5} {row['count']:>8,}  {row['message']}"
        for row in validation.issues_by_rule().iter_rows(named=True)
    ]


def _issues(validation: Validation, shown: int) -> list[str]:
    total = validation.issues.height
    heading = "Issues:" if shown >= total else f"Issues (the first {shown:,} of {total:,}):"
    lines = [heading]
    for issue in validation.issues.head(shown).iter_rows(named=True):
        lines.append("  " + _issue_line(issue))
    if shown < total:
        lines.append("  ... use --show N, --json or --report FILE.xlsx to see them all.")
    return lines


def _issue_line(issue: dict[str, object]) -> str:
    where = str(issue["source"] or TABLE_LABELS.get(str(issue["table"]), issue["table"]) or "")
    if issue["row"] is not None:
        where += f" row {issue['row']}"
    child = f" child {issue['child_ref']}" if issue["child_ref"] is not None else ""
    fields = issue["fields"]
    named = f" {', '.join(str(f) for f in fields)}:" if isinstance(fields, list) and fields else ""
    value = f" {issue['value']}" if issue["value"] is not None else ""
    return f"{where}{child}  {issue['rule']} {issue['severity']}{named}{value}"
