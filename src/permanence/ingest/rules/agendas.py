"""Rules about what a planning meeting achieved: its agenda checklist (``agenda_items``)
and the team leader's actions (``meeting_actions``), by the rules of the app's own
checklist and action forms (docs/meetings.md).

Each row names its meeting as the meetings table does (the care period, the kind, the
date held), so a row is refused where the meeting is not loaded with it (MEET015); a
later extract's answer or dates for the same item or action replace the earlier ones.
"""

from __future__ import annotations

import polars as pl

from permanence.ingest.format import MEETING_DETAIL_TABLES
from permanence.ingest.rules import hits, iso, no_hits, rule, sentence
from permanence.ingest.workspace import ID, Workspace
from permanence.journey.agendas import SHIPPED_AGENDAS
from permanence.journey.tables import MEETING_OF_ROW
from permanence.journey.vocabulary import AgendaAnswer


def _known_keys(ws: Workspace) -> pl.DataFrame:
    """(meeting_kind, item) for every key an agenda of the authority may hold: the
    shipped agendas' and those of its own versions."""
    pairs = {(kind, item.key) for kind, agenda in SHIPPED_AGENDAS.items() for item in agenda.items}
    pairs |= {(kind, key) for kind, keys in ws.agenda_keys.items() for key in keys}
    kinds, items = zip(*sorted(pairs), strict=True) if pairs else ((), ())
    return pl.DataFrame(
        {"meeting_kind": list(kinds), "item": list(items), "known": [True] * len(kinds)},
        schema={"meeting_kind": pl.String, "item": pl.String, "known": pl.Boolean},
    )


@rule(
    "MEET011",
    "error",
    phase="record",
    tables=("agenda_items",),
    fields=("meeting_kind", "item"),
    message="The agenda item is not on the authority's agenda for this kind of meeting (the "
    "shipped 72-hour and two-week agendas, or a version of the authority's own), or the kind "
    "of meeting has no agenda.",
    fix="Give the item's key as the agenda names it (docs/meetings.md lists the shipped keys, "
    "such as permanence_discussed); an item of the authority's own needs its agenda version "
    "in the app first (Planning meeting agendas).",
)
def item_not_on_agenda(ws: Workspace, table: str) -> pl.DataFrame:
    rows = ws.active[table].filter(
        pl.col("item").is_not_null() & pl.col("meeting_kind").is_not_null()
    )
    unknown = rows.join(_known_keys(ws), on=["meeting_kind", "item"], how="left").filter(
        pl.col("known").is_null()
    )
    return hits(
        unknown,
        fields=("meeting_kind", "item"),
        value=sentence("{} at a {}", "item", "meeting_kind"),
    )


@rule(
    "MEET012",
    "error",
    phase="record",
    tables=("agenda_items",),
    fields=("answer", "reason"),
    message="The agenda item is answered not applicable without saying why.",
    fix="Give the reason the item did not apply in the reason column (the app's checklist asks "
    "for it too), or answer done or not done.",
)
def not_applicable_without_reason(ws: Workspace, table: str) -> pl.DataFrame:
    reason = pl.col("reason").str.strip_chars().fill_null("")
    rows = ws.active[table].filter(
        (pl.col("answer") == AgendaAnswer.NOT_APPLICABLE.value) & (reason == "")
    )
    return hits(rows, fields=("answer", "reason"))


@rule(
    "MEET013",
    "error",
    phase="record",
    tables=("meeting_actions",),
    fields=("held_date", "due_date"),
    message="The action is due before the meeting that agreed it was held.",
    fix="Check the action's due date and the meeting's date in the case recording system and "
    "correct whichever is wrong.",
)
def due_before_meeting(ws: Workspace, table: str) -> pl.DataFrame:
    rows = ws.active[table].filter(pl.col("due_date") < pl.col("held_date"))
    return hits(
        rows,
        fields=("held_date", "due_date"),
        value=sentence("due {}, meeting {}", iso(pl.col("due_date")), iso(pl.col("held_date"))),
    )


@rule(
    "MEET014",
    "error",
    phase="record",
    tables=("meeting_actions",),
    fields=("held_date", "done_date"),
    message="The action is recorded as done before the meeting that agreed it was held.",
    fix="Check the date the action was done and the meeting's date in the case recording "
    "system and correct whichever is wrong. (A done date after the extract date is DATE003.)",
)
def done_before_meeting(ws: Workspace, table: str) -> pl.DataFrame:
    rows = ws.active[table].filter(pl.col("done_date") < pl.col("held_date"))
    return hits(
        rows,
        fields=("held_date", "done_date"),
        value=sentence("done {}, meeting {}", iso(pl.col("done_date")), iso(pl.col("held_date"))),
    )


@rule(
    "MEET015",
    "error",
    phase="reference",
    tables=MEETING_DETAIL_TABLES,
    fields=MEETING_OF_ROW,
    message="The row names a meeting (the child, care period, kind and date held) that the "
    "meetings table does not hold, or whose row there was refused, so it is refused too "
    "rather than loaded against no meeting.",
    fix="Check the child, care period start, kind and date held on this row against the "
    "meetings table; correct this row, or the meeting's own row if that was refused.",
)
def meeting_not_loaded(ws: Workspace, table: str) -> pl.DataFrame:
    meetings = ws.active["meetings"].select(MEETING_OF_ROW).drop_nulls().unique()
    if ws.active[table].is_empty():
        return no_hits()
    # A row whose care period is missing or refused is REF001's or REF002's, not this rule's.
    periods = ws.active["care_periods"].select("child_ref", "period_start").unique()
    orphans = (
        ws.active[table]
        .join(periods, on=["child_ref", "period_start"], how="semi")
        .join(meetings, on=list(MEETING_OF_ROW), how="anti")
    )
    in_extract = ws.typed["meetings"].select(MEETING_OF_ROW).drop_nulls().unique()
    refused = orphans.join(in_extract, on=list(MEETING_OF_ROW), how="semi").select(ID)
    return hits(
        orphans.with_columns(pl.col(ID).is_in(refused[ID].implode()).alias("refused")),
        fields=MEETING_OF_ROW,
        value=pl.when(pl.col("refused"))
        .then(pl.lit("the meeting's row was refused"))
        .otherwise(pl.lit("no such meeting held that day in the meetings table")),
    )
