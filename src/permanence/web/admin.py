"""The administration site: an authority's administrators manage its people and records.

It is Django's admin with two changes. Only the administrator role may enter (Django's
``is_staff`` flag plays no part), and every list, form and choice it shows is already
restricted to the administrator's authority by the models' scoped managers.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from permanence.web.accounts.roles import Capability


class PermanenceAdminSite(admin.AdminSite):
    site_header = "permanence administration"
    site_title = "permanence administration"
    index_title = "Your authority's people and records"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.can(Capability.MANAGE_USERS))


admin_site = PermanenceAdminSite(name="admin")


class AuthorityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Administrators may do everything with their own authority's rows, nothing else."""

    exclude: ClassVar[list[str] | tuple[str, ...] | None] = ("authority",)

    def _allowed(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.can(Capability.MANAGE_USERS))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.authority = request.user.authority  # type: ignore[union-attr]
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(AuthorityAdmin):
    """For logs: visible to administrators, changed by nobody."""

    exclude = ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
