"""Sharing in the administration site: each authority sees its own rows.

Sharing decisions are made on the sharing page (so each is recorded with who and when)
and never changed afterwards; the administration site shows them as a log. So are the
change ideas the authority published, their files, its adoptions from the library, its
advisers' grants and what advisers read: the pages make and withdraw them. Progress
assessments may be corrected here (each change is kept in the row's history).
"""

from __future__ import annotations

from django.contrib import admin

from permanence.web.admin import HistoryAdmin, ReadOnlyAdmin, ReadOnlyHistoryAdmin, admin_site
from permanence.web.national.models import (
    Adoption,
    AdviserGrant,
    AdviserVisit,
    ProjectProgress,
    SharedChangeIdea,
    SharedTemplate,
    SharingDecision,
)


@admin.register(SharingDecision, site=admin_site)
class SharingDecisionAdmin(ReadOnlyAdmin):
    list_display = ("decided_at", "summary", "decided_by", "note")


@admin.register(SharedChangeIdea, site=admin_site)
class SharedChangeIdeaAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "published_at", "unpublished_at", "featured", "retired_at")


@admin.register(SharedTemplate, site=admin_site)
class SharedTemplateAdmin(ReadOnlyAdmin):
    list_display = ("name", "shared_idea", "size", "uploaded_at")
    exclude = ("content",)  # type: ignore[assignment]


@admin.register(Adoption, site=admin_site)
class AdoptionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("change_idea", "adopted_at", "adopted_by")


@admin.register(ProjectProgress, site=admin_site)
class ProjectProgressAdmin(HistoryAdmin):
    list_display = ("project", "assessed_on", "phase", "score")


@admin.register(AdviserGrant, site=admin_site)
class AdviserGrantAdmin(ReadOnlyHistoryAdmin):
    list_display = ("adviser", "starts_on", "ends_on", "revoked_at", "granted_by")


@admin.register(AdviserVisit, site=admin_site)
class AdviserVisitAdmin(ReadOnlyAdmin):
    list_display = ("at", "adviser", "page")
