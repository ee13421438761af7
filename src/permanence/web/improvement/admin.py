"""The improvement record in the administration site, for administrators to put right
what the pages cannot (a member entered twice, a project to retire). The pages are the
place to keep the record; the same rules apply here (a cycle cannot be closed without its
minimum record, and a cycle that adopts its change marks the change idea implemented)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Field
from django.http import HttpRequest

from permanence.web.admin import HistoryAdmin, admin_site
from permanence.web.improvement.models import (
    AcceptedPhase,
    ChampionsGroupMember,
    ChangeIdea,
    Driver,
    Feedback,
    GroupAction,
    GroupMeeting,
    ImprovementProject,
    LocalAim,
    Measure,
    MeasureValue,
    PdsaCycle,
    Risk,
)
from permanence.web.improvement.process_measures import process_measure_choices


class ChoosesProcessMeasure(HistoryAdmin):
    """The process measure chosen from the authority's catalogue, as on the pages."""

    process_measure_field: str = ""

    def formfield_for_dbfield(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == self.process_measure_field:
            return forms.ChoiceField(
                label=str(db_field.verbose_name).capitalize(),
                choices=process_measure_choices(),
                required=False,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(LocalAim, site=admin_site)
class LocalAimAdmin(ChoosesProcessMeasure):
    process_measure_field = "measure"
    list_display = ("title", "target_percent", "start_on_or_after", "by_date")


@admin.register(ImprovementProject, site=admin_site)
class ImprovementProjectAdmin(HistoryAdmin):
    list_display = ("title", "national_aim", "local_aim", "improvement_start")


@admin.register(ChampionsGroupMember, site=admin_site)
class ChampionsGroupMemberAdmin(HistoryAdmin):
    list_display = ("name", "agency", "role_in_group", "project")
    list_filter = ("agency",)


@admin.register(Driver, site=admin_site)
class DriverAdmin(HistoryAdmin):
    list_display = ("text", "parent", "project", "position")


@admin.register(ChangeIdea, site=admin_site)
class ChangeIdeaAdmin(HistoryAdmin):
    list_display = ("title", "project", "implemented_from")


@admin.register(PdsaCycle, site=admin_site)
class PdsaCycleAdmin(HistoryAdmin):
    list_display = ("__str__", "started_on", "closed_on", "decision")
    list_filter = ("decision",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # As on the pages: a cycle that adopts its change marks the change idea
        # implemented from the cycle's act date (the admin's save is one transaction).
        obj.record_adoption()


@admin.register(Measure, site=admin_site)
class MeasureAdmin(ChoosesProcessMeasure):
    process_measure_field = "process_measure"
    list_display = ("title", "kind", "source", "project")


@admin.register(MeasureValue, site=admin_site)
class MeasureValueAdmin(HistoryAdmin):
    list_display = ("measure", "month", "numerator", "denominator", "count")


@admin.register(Feedback, site=admin_site)
class FeedbackAdmin(HistoryAdmin):
    list_display = ("month", "giver", "point", "project")


@admin.register(Risk, site=admin_site)
class RiskAdmin(HistoryAdmin):
    list_display = ("description", "owner", "likelihood", "impact", "status", "project")
    list_filter = ("status",)


@admin.register(AcceptedPhase, site=admin_site)
class AcceptedPhaseAdmin(HistoryAdmin):
    """The new phases accepted on the aims' run charts, with their change history. A phase
    is accepted on the aim's page, only where the chart suggests it (so none is added
    here, and its date and count are not changed); here an administrator may put its
    "why" right, or remove it (as "Undo" on the aim's page does)."""

    list_display = ("aim_id", "starts_on", "baseline_n", "accepted_by", "accepted_at")
    list_filter = ("aim_id",)
    readonly_fields = ("aim_id", "starts_on", "baseline_n", "accepted_by", "accepted_at")
    fields = ("aim_id", "starts_on", "baseline_n", "reason", "accepted_by", "accepted_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(GroupMeeting, site=admin_site)
class GroupMeetingAdmin(HistoryAdmin):
    list_display = ("held_on", "pack_date")
    readonly_fields = ("recorded_by",)


@admin.register(GroupAction, site=admin_site)
class GroupActionAdmin(HistoryAdmin):
    list_display = ("what", "owner", "meeting", "due_on", "done_on")
    list_select_related = ("meeting",)
    raw_id_fields = ("meeting",)
