"""The hook by which an import's agenda checklists and actions reach the meetings app.

An extract may bring what planning meetings achieved (the ``agenda_items`` and
``meeting_actions`` tables, docs/data-format.md). The records hold the meetings; the
checklists and actions are the meetings app's (``meetings.AgendaItemRecord`` and
``MeetingAction``, the models the app's own forms write), a floor above. So the records
offer two small hooks the meetings app fills in when it starts (``meetings.apps``):

- ``agenda_keys``: the item keys of the authority's own agenda versions, which an
  extract's checklist may use beside the shipped agendas' (rule MEET011);
- ``load_meeting_details``: called inside the load's transaction, after the records are
  written, so the checklists and actions are loaded all or nothing with the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from permanence.journey.tables import JourneyTables
from permanence.web.records.models import ImportBatch

AgendaKeys = Callable[[], Mapping[str, frozenset[str]]]
DetailsLoader = Callable[[JourneyTables, ImportBatch], dict[str, dict[str, object]]]

_keys: list[AgendaKeys] = []
_loaders: list[DetailsLoader] = []


def read_agenda_keys_from(provider: AgendaKeys) -> None:
    if provider not in _keys:
        _keys.append(provider)


def load_meeting_details_with(loader: DetailsLoader) -> None:
    if loader not in _loaders:
        _loaders.append(loader)


def agenda_keys() -> dict[str, frozenset[str]]:
    """The authority's own agenda keys by kind of meeting (in the current scope)."""
    found: dict[str, frozenset[str]] = {}
    for provider in _keys:
        for kind, keys in provider().items():
            found[kind] = found.get(kind, frozenset()) | keys
    return found


def load_meeting_details(tables: JourneyTables, batch: ImportBatch) -> dict[str, dict[str, object]]:
    """Load the extract's checklists and actions; what each loader did, by table."""
    done: dict[str, dict[str, object]] = {}
    for loader in _loaders:
        done |= loader(tables, batch)
    return done
