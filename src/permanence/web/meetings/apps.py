from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "permanence.web.meetings"
    label = "meetings"
    verbose_name = "Planning meetings and decisions"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_save

        from permanence.web.kernel.versions import move_on_when_changed
        from permanence.web.meetings.decisions import decision_facts
        from permanence.web.meetings.measures import held_entered_meetings, with_entered_meetings
        from permanence.web.meetings.models import (
            AgendaItemRecord,
            AgendaVersion,
            LocalMeetingKind,
            MeetingAction,
            PlanDecision,
            PlanningMeeting,
        )
        from permanence.web.planning.lists import read_decisions_from
        from permanence.web.planning.planner import read_entered_meetings_from
        from permanence.web.planning.receivers import plan_record, remember_care_period
        from permanence.web.records.journeys import add_to_the_tables_with

        # The due lists (planning, a floor below) show the decisions that shape the plan.
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
        # A meeting entered here, where the extract has none of its kind, is read as the
        # import's would be (docs/meetings.md's precedence rule): by every journeys frame
        # (the dashboards', the due lists', the national snapshot's) and by review
        # planning, which replans the child's care period when one is saved or deleted.
        add_to_the_tables_with(with_entered_meetings)
        read_entered_meetings_from(held_entered_meetings)
        pre_save.connect(
            remember_care_period, sender=PlanningMeeting, dispatch_uid="meetings-moving"
        )
        post_save.connect(plan_record, sender=PlanningMeeting, dispatch_uid="meetings-saved")
        post_delete.connect(plan_record, sender=PlanningMeeting, dispatch_uid="meetings-deleted")
        # The journeys frame, the meeting measures and the aims on them, the due lists'
        # decisions and the journey page read these: a change moves the pages on.
        move_on_when_changed(
            PlanningMeeting,
            AgendaItemRecord,
            MeetingAction,
            PlanDecision,
            LocalMeetingKind,
            AgendaVersion,
        )
