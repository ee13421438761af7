"""Rules about planning meetings' attendance and the decisions that shape a plan, by the
same rules as entry in the app (``journey.meeting_rules``).

Unlike the other rules, DECISION001 asks ``decision_problems`` about each decision row
in Python rather than in polars expressions: it is the very function the app's form
calls, so an import and the form cannot disagree, and decisions are a few rows a child.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from permanence.ingest.rules import hits, no_hits, rule
from permanence.ingest.workspace import ID, Workspace
from permanence.journey.meeting_rules import DecisionKind, agencies_in, decision_problems


@rule(
    "DECISION001",
    "error",
    phase="record",
    tables=("milestones",),
    fields=("milestone", "date", "reason", "look_again_on"),
    message="The decision breaks a rule every decision that shapes a plan must meet: not "
    "before the date looked after; a purposeful delay with its reason and a date to look "
    "again after the decision; a referral of a child under 3 only for a child under 3 on "
    "the date looked after (the rules of the app's own form).",
    fix="Correct the decision in the case recording system: its date, the delay's reason or "
    "date to look again, or the kind of decision.",
)
def decision_rules(ws: Workspace, table: str) -> pl.DataFrame:
    codes = [kind.value for kind in DecisionKind]
    rows = ws.with_date_of_birth(ws.active[table].filter(pl.col("milestone").is_in(codes)))
    if rows.is_empty():
        return no_hits()
    found_ids: list[int] = []
    found: list[str] = []
    for row in rows.select(
        ID,
        "milestone",
        "date",
        "reason",
        "look_again_on",
        "period_start",
        "child_date_of_birth",
    ).iter_rows(named=True):
        decided_on: date | None = row["date"]
        if decided_on is None:
            continue
        problems = decision_problems(
            DecisionKind(row["milestone"]),
            decided_on,
            reason=row["reason"] or "",
            look_again_on=row["look_again_on"],
            accommodated=row["period_start"],
            date_of_birth=row["child_date_of_birth"],
            today=ws.extract_date,
        )
        if problems:
            found_ids.append(row[ID])
            found.append(" ".join(problem.message for problem in problems))
    flagged = pl.DataFrame(
        {ID: found_ids, "problem": found}, schema={ID: pl.UInt32, "problem": pl.String}
    )
    return hits(flagged, fields=("milestone", "date"), value=pl.col("problem"))


@rule(
    "MEET010",
    "query",
    phase="record",
    tables=("meetings",),
    fields=("attended",),
    message="Who attended names something that is not an agency of the list: parents, child, "
    "carers, social_worker, team_leader, reviewing_officer, health, education, legal, "
    "reporter (the codes, or their words).",
    fix="Use the agencies' codes separated by semicolons. The meeting is loaded; the "
    "attendance the figures read leaves out what is not on the list.",
)
def unknown_attendance(ws: Workspace, table: str) -> pl.DataFrame:
    rows = ws.active[table].filter(pl.col("attended").is_not_null())
    flagged = rows.with_columns(
        pl.col("attended")
        .map_elements(lambda text: "; ".join(agencies_in(text)[1]), return_dtype=pl.String)
        .alias("unknown")
    ).filter(pl.col("unknown") != "")
    return hits(flagged, fields=("attended",), value=pl.col("unknown"))
