"""Review planning in the administration site.

Administrators set policy versions, the warning periods and who is allocated to which
child. Planned meetings, notifications and digests are written by the planner and the
alerts run, so they are shown read-only. Choices of users are always drawn from the
authority's own people: Django would otherwise list every authority's users.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils import timezone

from permanence.web.accounts.models import User
from permanence.web.admin import HistoryAdmin, ReadOnlyAdmin, admin_site
from permanence.web.planning.models import (
    AlertDigest,
    Allocation,
    CalendarFeed,
    PlannedMeeting,
    PlanningSettings,
    ReviewPolicyVersion,
)


class _ScopedUsers:
    """Offer only the authority's own people wherever a form chooses a user."""

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.related_model is User:
            kwargs["queryset"] = User.in_scope.filter(is_active=True).order_by("username")
        field: ModelChoiceField[Any] | None = super().formfield_for_foreignkey(  # type: ignore[misc]
            db_field, request, **kwargs
        )
        return field


@admin.register(ReviewPolicyVersion, site=admin_site)
class ReviewPolicyVersionAdmin(HistoryAdmin):
    list_display = (
        "name",
        "effective_from",
        "planning_meeting_weeks",
        "later_review_months",
        "legal_advice_week",
        "assessment_limit_days",
        "refer_young_children",
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A version that has taken effect set due dates; deleting it would rewrite them.
        if obj is not None and obj.effective_from <= timezone.localdate():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(PlanningSettings, site=admin_site)
class PlanningSettingsAdmin(HistoryAdmin):
    list_display = (
        "__str__",
        "due_soon_days",
        "aim_1_warning_weeks",
        "aim_2_warning_weeks",
        "aim_3_warning_weeks",
        "aim_4_warning_weeks",
    )
    fieldsets = (
        (
            "Due lists and warnings",
            {
                "fields": (
                    "due_soon_days",
                    "aim_1_warning_weeks",
                    "aim_2_warning_weeks",
                    "aim_3_warning_weeks",
                    "aim_4_warning_weeks",
                )
            },
        ),
        (
            "The routes whose application in court stops Aim 4's clock",
            {
                "description": (
                    "The PACE sources name permanence orders, with or without authority to "
                    "adopt, and adoption. A plan agreed for a route Aim 4 does not follow is "
                    "not counted by it. Every change is kept with who made it."
                ),
                "fields": (
                    "aim_4_permanence_order",
                    "aim_4_permanence_order_adopt",
                    "aim_4_adoption",
                    "aim_4_kinship_order",
                ),
            },
        ),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        if PlanningSettings.objects.exists():
            return False
        return super().has_add_permission(request)


@admin.register(Allocation, site=admin_site)
class AllocationAdmin(_ScopedUsers, HistoryAdmin):
    list_display = ("care_period", "worker", "part", "started", "ended")
    list_filter = ("part",)
    list_select_related = ("care_period__child", "worker")
    raw_id_fields = ("care_period",)
    search_fields = ("care_period__child__child_ref", "worker__username")


@admin.register(PlannedMeeting, site=admin_site)
class PlannedMeetingAdmin(ReadOnlyAdmin):
    list_display = ("care_period", "kind", "number", "due_date", "status", "held_date")
    list_filter = ("status", "kind")
    list_select_related = ("care_period__child",)
    search_fields = ("care_period__child__child_ref",)


@admin.register(CalendarFeed, site=admin_site)
class CalendarFeedAdmin(ReadOnlyAdmin):
    """Administrators can see which feeds exist and revoke one (the action below)."""

    list_display = ("owner", "team", "created_at", "revoked_at")
    exclude = ("token_hash",)  # type: ignore[assignment]
    actions = ["revoke_feeds"]

    @admin.action(description="Revoke the selected calendar feeds")
    def revoke_feeds(self, request: HttpRequest, queryset: Any) -> None:
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


@admin.register(AlertDigest, site=admin_site)
class AlertDigestAdmin(ReadOnlyAdmin):
    list_display = ("run_date", "recipient", "notices", "subject", "sent_at")
