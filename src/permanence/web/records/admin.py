from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from permanence.web.admin import HistoryAdmin, ReadOnlyAdmin, admin_site
from permanence.web.audit.log import log_record_view
from permanence.web.records.models import (
    AbsentRecord,
    CarePeriod,
    Child,
    ImportBatch,
    LegalStatus,
    Meeting,
    Milestone,
    Placement,
    QueryAnswer,
)


class RecordAdmin(HistoryAdmin):
    exclude = ("authority", "source_batch", "entered_by")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.entered_by = request.user
        obj.source_batch = None
        super().save_model(request, obj, form, change)


@admin.register(Child, site=admin_site)
class ChildAdmin(RecordAdmin):
    list_display = ("child_ref", "initials", "date_of_birth", "sex")
    search_fields = ("child_ref",)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        child = self.get_object(request, object_id)
        if child is not None and response.status_code == 200:
            log_record_view(request, child)
        return response


@admin.register(CarePeriod, site=admin_site)
class CarePeriodAdmin(RecordAdmin):
    list_display = ("child", "period_start", "period_end", "destination", "team")
    list_select_related = ("child", "team")
    raw_id_fields = ("child",)


class PeriodRecordAdmin(RecordAdmin):
    raw_id_fields = ("care_period",)
    list_select_related = ("care_period__child",)


@admin.register(Placement, site=admin_site)
class PlacementAdmin(PeriodRecordAdmin):
    list_display = ("care_period", "placement_type", "start_date", "end_date")


@admin.register(LegalStatus, site=admin_site)
class LegalStatusAdmin(PeriodRecordAdmin):
    list_display = ("care_period", "legal_status", "start_date", "end_date")


@admin.register(Meeting, site=admin_site)
class MeetingAdmin(PeriodRecordAdmin):
    list_display = ("care_period", "meeting_kind", "review_number", "due_date", "held_date")


@admin.register(Milestone, site=admin_site)
class MilestoneAdmin(PeriodRecordAdmin):
    list_display = ("care_period", "milestone", "date", "detail")


@admin.register(ImportBatch, site=admin_site)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "source", "created_by", "extract_date")


class DecisionAdmin(HistoryAdmin):
    """Answers to data queries and decisions on records no longer in the extract: made on
    their own pages (a child's journey, the list of records no longer in the extract), and
    here only to be seen with their history."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(QueryAnswer, site=admin_site)
class QueryAnswerAdmin(DecisionAdmin):
    list_display = ("child", "rule", "kind", "reason", "answered_by", "answered_at")
    list_select_related = ("child", "answered_by")


@admin.register(AbsentRecord, site=admin_site)
class AbsentRecordAdmin(DecisionAdmin):
    list_display = ("child_ref", "description", "missing_from", "status", "decided_by")
    list_filter = ("status",)
