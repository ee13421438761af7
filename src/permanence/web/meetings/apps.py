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

        from permanence.web.kernel.versions import move_on_when_changed
        from permanence.web.meetings.models import (
            AgendaItemRecord,
            AgendaVersion,
            LocalMeetingKind,
            MeetingAction,
            PlanDecision,
            PlanningMeeting,
        )

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
