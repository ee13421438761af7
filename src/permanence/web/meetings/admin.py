"""Planning meetings and decisions in the administration site.

An authority's own agendas and meeting kinds are set here (each version kept with who
changed it); meetings, their agenda items, actions and decisions are entered on the
child's pages and may be put right here, every change kept.
"""

from __future__ import annotations

from django.contrib import admin

from permanence.web.admin import HistoryAdmin, admin_site
from permanence.web.meetings.models import (
    AgendaItemRecord,
    AgendaVersion,
    LocalMeetingKind,
    MeetingAction,
    PlanDecision,
    PlanningMeeting,
)


@admin.register(LocalMeetingKind, site=admin_site)
class LocalMeetingKindAdmin(HistoryAdmin):
    list_display = ("name", "within_days")


@admin.register(AgendaVersion, site=admin_site)
class AgendaVersionAdmin(HistoryAdmin):
    list_display = ("name", "kind", "local_kind", "effective_from")
    list_filter = ("kind",)


@admin.register(PlanningMeeting, site=admin_site)
class PlanningMeetingAdmin(HistoryAdmin):
    list_display = ("care_period", "kind", "held_date", "agenda_version")
    list_filter = ("kind",)
    list_select_related = ("care_period__child", "local_kind")
    raw_id_fields = ("care_period",)
    readonly_fields = ("entered_by",)
    search_fields = ("care_period__child__child_ref",)


@admin.register(AgendaItemRecord, site=admin_site)
class AgendaItemRecordAdmin(HistoryAdmin):
    list_display = ("text", "meeting", "state")
    list_filter = ("state",)
    raw_id_fields = ("meeting",)


@admin.register(MeetingAction, site=admin_site)
class MeetingActionAdmin(HistoryAdmin):
    list_display = ("what", "owner", "due_date", "done_on")
    raw_id_fields = ("meeting",)
    readonly_fields = ("entered_by",)


@admin.register(PlanDecision, site=admin_site)
class PlanDecisionAdmin(HistoryAdmin):
    list_display = ("care_period", "kind", "decided_on", "decided_by")
    list_filter = ("kind",)
    list_select_related = ("care_period__child",)
    raw_id_fields = ("care_period", "meeting")
    readonly_fields = ("entered_by",)
    search_fields = ("care_period__child__child_ref",)
