"""People, teams and the authority in the administration site.

An administrator adds and changes their own authority's people and gives them their
authority's roles. The national improvement team's role is not offered: it reaches
every sharing authority's figures, so only a system administrator gives it, with
``permanence national-team`` (docs/security.md). Every change to a person, a role given
included, is kept with who made it (the "History" page).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Field, QuerySet
from django.http import HttpRequest

from permanence.web.accounts.models import LocalAuthority, Team, User
from permanence.web.accounts.roles import Role
from permanence.web.admin import AuthorityAdmin, HistoryAdmin, ReadOnlyAdmin, admin_site

#: The roles an authority's administrator may give: their own authority's.
AUTHORITY_ROLES = [(role.value, role.label) for role in Role if role is not Role.NATIONAL]


@admin.register(LocalAuthority, site=admin_site)
class LocalAuthorityAdmin(ReadOnlyAdmin):
    list_display = ("name", "code")


@admin.register(Team, site=admin_site)
class TeamAdmin(AuthorityAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(User, site=admin_site)
class UserAdmin(HistoryAdmin, DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "first_name", "last_name", "email", "role", "team", "is_active")
    list_filter = ("role", "is_active", "team")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Role", {"fields": ("role", "team", "is_active")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "username",
                    "email",
                    "role",
                    "team",
                    "usable_password",
                    "password1",
                    "password2",
                )
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    exclude = None
    history_list_display = ["role", "team", "is_active"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Users are not reached through the default manager (signing in needs it unscoped),
        # so the admin asks the scoped one.
        return User.in_scope.all()

    def formfield_for_choice_field(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "role":
            # The form refuses any other value, whatever is posted.
            kwargs["choices"] = AUTHORITY_ROLES
        return super().formfield_for_choice_field(db_field, request, **kwargs)
