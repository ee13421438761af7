"""Children's records in the administration site: read-only, with their history.

Records change through an import (which names its batch in every change) so that the
case recording system stays the one source of truth, and every correction is made
there and comes in with the next extract. Here an administrator can look a record up
and see who changed what, and when; every page that shows a child is audited.
"""

from __future__ import annotations

from django.contrib import admin

from permanence.web.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin, admin_site
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


@admin.register(Child, site=admin_site)
class ChildAdmin(ReadOnlyHistoryAdmin):
    list_display = ("child_ref", "initials", "date_of_birth", "sex", "sibling_group")
    search_fields = ("child_ref", "sibling_group")


@admin.register(CarePeriod, site=admin_site)
class CarePeriodAdmin(ReadOnlyHistoryAdmin):
    list_display = ("child", "period_start", "period_end", "destination", "team")
    list_select_related = ("child", "team")


class PeriodRecordAdmin(ReadOnlyHistoryAdmin):
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


class DecisionAdmin(ReadOnlyHistoryAdmin):
    """Answers to data queries and decisions on records no longer in the extract: made on
    their own pages (a child's journey, the list of records no longer in the extract), and
    here only to be seen with their history."""


@admin.register(QueryAnswer, site=admin_site)
class QueryAnswerAdmin(DecisionAdmin):
    list_display = ("child", "rule", "kind", "reason", "answered_by", "answered_at")
    list_select_related = ("child", "answered_by")


@admin.register(AbsentRecord, site=admin_site)
class AbsentRecordAdmin(DecisionAdmin):
    list_display = ("child_ref", "description", "missing_from", "status", "decided_by")
    list_filter = ("status",)
