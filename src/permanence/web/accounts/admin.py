from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from permanence.web.accounts.models import LocalAuthority, Team, User
from permanence.web.admin import AuthorityAdmin, ReadOnlyAdmin, admin_site


@admin.register(LocalAuthority, site=admin_site)
class LocalAuthorityAdmin(ReadOnlyAdmin):
    list_display = ("name", "code")


@admin.register(Team, site=admin_site)
class TeamAdmin(AuthorityAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(User, site=admin_site)
class UserAdmin(AuthorityAdmin, DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "first_name", "last_name", "email", "role", "team", "is_active")
    list_filter = ("role", "is_active", "team")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Role", {"fields": ("role", "team", "is_active")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "email", "role", "team", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")
    exclude = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Users are not reached through the default manager (signing in needs it unscoped),
        # so the admin asks the scoped one.
        return User.in_scope.all()
