"""An import's agenda checklists and actions (the extract's ``agenda_items`` and
``meeting_actions``, docs/data-format.md), loaded into the models the app's own forms
write: ``AgendaItemRecord`` and ``MeetingAction``.

They hang on a ``PlanningMeeting`` of the import's own, linked to the records' meeting
they belong to (``imported_meeting``), made the first time an extract brings a
checklist or an action for that meeting. A meeting entered in the app is never written
to: where the app holds the same meeting, the two stand side by side and the precedence
rule (``meetings.measures``, docs/meetings.md) says which counts: the case recording
system's, with the answers that differ listed for the data lead.

Called by the records' load, inside its transaction (``records.meeting_details``), so
the checklists and actions go in all or nothing with the rest of the extract. A later
extract's answer for the same meeting and item, or the owner and dates of the same
action (its words), replace the earlier ones; the same extract twice writes nothing;
an item or action a later extract leaves out is kept (nothing is removed silently).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import polars as pl
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from permanence.analysis.meetings import AgendaItem, MeetingKind, agenda_in_force, same_action
from permanence.journey.tables import JourneyTables
from permanence.web.meetings.models import (
    AgendaItemRecord,
    AgendaVersion,
    MeetingAction,
    PlanningMeeting,
    agenda_versions,
)
from permanence.web.records.loading import TableLoad
from permanence.web.records.models import ImportBatch, Meeting

#: The kinds of meeting with an agenda, as the import's ``meeting_kind`` names them.
KINDS_WITH_AGENDA = (MeetingKind.PLANNING_72H.value, MeetingKind.PLANNING_2WK.value)
BATCH_SIZE = 2000

MeetingKey = tuple[str, date, str, date]
"""How a row names its meeting: child, care period start, kind, date held."""


def own_agenda_keys() -> dict[str, frozenset[str]]:
    """The item keys of the authority's own agenda versions (in scope), by kind: an
    extract's checklist may use them beside the shipped agendas' (MEET011)."""
    keys: dict[str, set[str]] = defaultdict(set)
    for version in AgendaVersion.objects.filter(kind__in=KINDS_WITH_AGENDA):
        keys[version.kind] |= {item.key for item in version.as_agenda().items}
    return {kind: frozenset(found) for kind, found in keys.items()}


def load_imported_details(tables: JourneyTables, batch: ImportBatch) -> dict[str, dict[str, Any]]:
    """Load the extract's checklists and actions (in the current scope, inside the load's
    transaction); what was done, by table, in the shape of the records' load summary."""
    items, actions = tables.agenda_items, tables.meeting_actions
    loader = _DetailsLoader(batch)
    if items.is_empty() and actions.is_empty():
        if PlanningMeeting.objects.filter(imported_meeting__isnull=False).exists():
            loader.meetings_for(set())  # those made before follow their meetings' dates
        return {}
    meetings = loader.meetings_for(_keys_of(items) | _keys_of(actions))
    return {
        "agenda_items": loader.items(items, meetings).as_dict(),
        "meeting_actions": loader.actions(actions, meetings).as_dict(),
    }


def _keys_of(rows: pl.DataFrame) -> set[MeetingKey]:
    return set(rows.select("child_ref", "period_start", "meeting_kind", "held_date").iter_rows())


class _DetailsLoader:
    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        self.reason = f"Import batch {batch.pk}"
        self.versions = agenda_versions()

    def meetings_for(self, keys: set[MeetingKey]) -> dict[MeetingKey, PlanningMeeting]:
        """The import's planning meeting for each meeting the rows name, made where the
        import has none yet (with the agenda in force the day it was held), its date
        kept in step with the records' meeting."""
        held = self._records_meetings()
        wanted = {key: held[key] for key in keys if key in held}
        ours = {
            meeting.imported_meeting_id: meeting
            # Every one the import made in scope: a list of ids could pass the database's
            # limit on a query's values.
            for meeting in PlanningMeeting.objects.filter(imported_meeting__isnull=False)
        }
        # Every meeting the import made follows its records' meeting, named by these
        # rows or not: a later extract may correct the date it was held.
        now = {pk: (key[3], period_id) for key, (pk, period_id) in held.items()}
        moved = []
        for pk, meeting in ours.items():
            if pk in now and (meeting.held_date, meeting.care_period_id) != now[pk]:
                meeting.held_date, meeting.care_period_id = now[pk]
                moved.append(meeting)
        new = [
            PlanningMeeting(
                authority_id=self.batch.authority_id,
                care_period_id=period_id,
                kind=kind,
                held_date=held_date,
                agenda_version=agenda_in_force(kind, held_date, self.versions).version,
                imported_meeting_id=pk,
            )
            for (_, _, kind, held_date), (pk, period_id) in wanted.items()
            if pk not in ours
        ]
        if moved:
            bulk_update_with_history(
                moved,
                PlanningMeeting,
                fields=["held_date", "care_period"],
                batch_size=BATCH_SIZE,
                default_change_reason=self.reason,
            )
        for made in bulk_create_with_history(
            new, PlanningMeeting, batch_size=BATCH_SIZE, default_change_reason=self.reason
        ):
            ours[made.imported_meeting_id] = made
        return {key: ours[pk] for key, (pk, _) in wanted.items()}

    @staticmethod
    def _records_meetings() -> dict[MeetingKey, tuple[int, int]]:
        """Each held planning meeting of the records in scope: (its pk, its care period)."""
        found: dict[MeetingKey, tuple[int, int]] = {}
        rows = (
            Meeting.objects.filter(meeting_kind__in=KINDS_WITH_AGENDA, held_date__isnull=False)
            .order_by("pk")
            .values_list(
                "pk",
                "care_period_id",
                "care_period__child__child_ref",
                "care_period__period_start",
                "meeting_kind",
                "held_date",
            )
        )
        for pk, period_id, ref, start, kind, held_date in rows:
            if held_date is not None:
                found.setdefault((ref, start, kind, held_date), (pk, period_id))
        return found

    def items(self, rows: pl.DataFrame, meetings: dict[MeetingKey, PlanningMeeting]) -> TableLoad:
        report = TableLoad()
        held: dict[tuple[int, str], AgendaItemRecord] = {
            (item.meeting_id, item.key): item
            for item in AgendaItemRecord.objects.filter(meeting__imported_meeting__isnull=False)
        }
        with_items = {meeting_id for meeting_id, _ in held}
        new: list[AgendaItemRecord] = []
        # A meeting's first checklist is its whole agenda, the items the extract does not
        # answer left not recorded (as a meeting recorded in the app starts).
        # A meeting with actions but no checklist row keeps no checklist.
        for named in _keys_of(rows):
            answered = meetings.get(named)
            if answered is None or answered.pk in with_items:
                continue
            agenda = agenda_in_force(answered.kind, answered.held_date, self.versions)
            for position, item in enumerate(agenda.items):
                held[(answered.pk, item.key)] = _record(answered, item, position)
                new.append(held[(answered.pk, item.key)])
        changed: list[AgendaItemRecord] = []
        for ref, start, kind, held_date, key, answer, reason in rows.select(
            "child_ref", "period_start", "meeting_kind", "held_date", "item", "answer", "reason"
        ).iter_rows():
            meeting = meetings.get((ref, start, kind, held_date))
            if meeting is None:
                continue  # validation refuses a row whose meeting is not loaded (MEET015)
            values = (answer, (reason or "")[:300])
            found = held.get((meeting.pk, key))
            if found is None:
                found = self._item(meeting, key, len(held))
                held[(meeting.pk, key)] = found
                new.append(found)
            record = found
            if record.pk is None:
                report.added += 1
            elif (record.state, record.reason) == values:
                report.unchanged += 1
                continue
            else:
                changed.append(record)
                report.changed += 1
            record.state, record.reason = values
        bulk_create_with_history(
            new, AgendaItemRecord, batch_size=BATCH_SIZE, default_change_reason=self.reason
        )
        if changed:
            bulk_update_with_history(
                changed,
                AgendaItemRecord,
                fields=["state", "reason"],
                batch_size=BATCH_SIZE,
                default_change_reason=self.reason,
            )
        return report

    def _item(self, meeting: PlanningMeeting, key: str, after: int) -> AgendaItemRecord:
        """A checklist item the meeting's agenda lacks: a key of another version of the
        authority's agenda for the kind (MEET011 lets no other through), with its words,
        placed after the agenda's own items."""
        words = next(
            (
                item.text
                for version in self.versions
                if version.kind == meeting.kind
                for item in version.items
                if item.key == key
            ),
            key,
        )
        return _record(meeting, AgendaItem(key, words), after)

    def actions(self, rows: pl.DataFrame, meetings: dict[MeetingKey, PlanningMeeting]) -> TableLoad:
        report = TableLoad()
        held: dict[tuple[int, str], MeetingAction] = {
            (action.meeting_id, same_action(action.what)): action
            for action in MeetingAction.objects.filter(meeting__imported_meeting__isnull=False)
        }
        new: list[MeetingAction] = []
        changed: list[MeetingAction] = []
        for ref, start, kind, held_date, what, owner, due, done in rows.select(
            "child_ref",
            "period_start",
            "meeting_kind",
            "held_date",
            "action",
            "owner",
            "due_date",
            "done_date",
        ).iter_rows():
            meeting = meetings.get((ref, start, kind, held_date))
            if meeting is None:
                continue  # refused by validation (MEET015)
            values = {"owner": (owner or "")[:100], "due_date": due, "done_on": done}
            action = held.get((meeting.pk, same_action(what)))
            if action is None:
                action = MeetingAction(
                    authority_id=meeting.authority_id, meeting=meeting, what=what[:300], **values
                )
                held[(meeting.pk, same_action(what))] = action
                new.append(action)
                report.added += 1
                continue
            if all(getattr(action, name) == value for name, value in values.items()):
                report.unchanged += 1
                continue
            for name, value in values.items():
                setattr(action, name, value)
            changed.append(action)
            report.changed += 1
        bulk_create_with_history(
            new, MeetingAction, batch_size=BATCH_SIZE, default_change_reason=self.reason
        )
        if changed:
            bulk_update_with_history(
                changed,
                MeetingAction,
                fields=["owner", "due_date", "done_on"],
                batch_size=BATCH_SIZE,
                default_change_reason=self.reason,
            )
        return report


def _record(meeting: PlanningMeeting, item: AgendaItem, position: int) -> AgendaItemRecord:
    return AgendaItemRecord(
        authority_id=meeting.authority_id,
        meeting=meeting,
        position=position,
        key=item.key,
        text=item.text[:300],
    )
