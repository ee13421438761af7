from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "permanence.web.meetings"
    label = "meetings"
    verbose_name = "Planning meetings and decisions"

    def ready(self) -> None:
        # The due lists (planning, a floor below) show the decisions that shape the plan.
        from permanence.web.meetings.decisions import decision_facts
        from permanence.web.planning.lists import read_decisions_from

        read_decisions_from(decision_facts)

        # An import's agenda checklists and actions (records, a floor below, loads the
        # records and hands these tables here, in the same transaction).
        from permanence.web.meetings.importing import load_imported_details, own_agenda_keys
        from permanence.web.records.meeting_details import (
            load_meeting_details_with,
            read_agenda_keys_from,
        )

        read_agenda_keys_from(own_agenda_keys)
        load_meeting_details_with(load_imported_details)
