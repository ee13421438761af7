"""The process map's notes in the administration site, with their change history."""

from __future__ import annotations

from django.contrib import admin

from permanence.web.admin import HistoryAdmin, admin_site
from permanence.web.dashboards.models import ChildPopulation, ProcessStepNote


@admin.register(ProcessStepNote, site=admin_site)
class ProcessStepNoteAdmin(HistoryAdmin):
    list_display = ("step", "owner", "changed_at")
    readonly_fields = ("changed_by", "changed_at")


@admin.register(ChildPopulation, site=admin_site)
class ChildPopulationAdmin(HistoryAdmin):
    list_display = ("year", "children", "source", "changed_at")
    readonly_fields = ("changed_by", "changed_at")
