"""People, teams and the authority in the administration site.

An administrator adds and changes their own authority's people and gives them their
authority's roles. The national improvement team's role is not offered: it reaches
every sharing authority's figures, so only a system administrator gives it, with
``permanence national-team`` (docs/security.md). Every change to a person, a role given
included, is kept with who made it (the "History" page).
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset as reset_sign_in_failures
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Field, QuerySet
from django.http import HttpRequest

from permanence.web.accounts import second_factor
from permanence.web.accounts.models import LocalAuthority, Team, User
from permanence.web.accounts.roles import Role
from permanence.web.admin.site import AuthorityAdmin, HistoryAdmin, ReadOnlyAdmin, admin_site

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
    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "team",
        "is_active",
        "uses_a_code",
    )
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

    actions = ["let_sign_in_again", "reset_second_factor"]

    @admin.display(boolean=True, description="Second factor")
    def uses_a_code(self, person: User) -> bool:
        return second_factor.has_second_factor(person)

    @admin.action(description="Reset the second factor of the selected people")
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """For a lost phone: the person sets up an app again at their next sign-in (if their
        role must have one) or may. Kept in each person's history with who reset it."""
        reset = []
        for person in queryset:  # the administrator's own people only (scoped)
            second_factor.remove(person)
            second_factor.note_in_history(person, "second factor reset by an administrator")
            self.log_change(request, person, "Reset the second factor.")
            reset.append(person.username)
        messages.success(
            request, f"The second factor of {len(reset)} was reset: " + ", ".join(reset)
        )

    @admin.action(description="Let the selected people sign in again (clear their failures)")
    def let_sign_in_again(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """Clears the failures of the administrator's own people (scoped), each kept in the
        site's log with who let them in."""
        cleared = []
        for person in queryset:
            reset_sign_in_failures(username=person.username)
            self.log_change(request, person, "Let sign in again (failures cleared).")
            cleared.append(person.username)
        messages.success(request, f"{len(cleared)} may sign in again: " + ", ".join(cleared))

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


class SignInLogAdmin(ReadOnlyAdmin):
    """Sign-in attempts (django-axes' logs) of the authority's own people, read-only.

    The logs are kept by username, not by authority, so each list is narrowed to the
    usernames of the administrator's people; attempts on names nobody has, and the
    lock of an address, are for the system administrator (``permanence manage
    axes_list_attempts``, ``axes_reset_ip``: docs/security.md).
    """

    list_filter = ()
    search_fields = ("username", "ip_address")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        own_people = User.in_scope.values("username")
        return super().get_queryset(request).filter(username__in=own_people)


@admin.register(AccessAttempt, site=admin_site)
class SignInFailuresNowAdmin(SignInLogAdmin):
    list_display = ("username", "ip_address", "failures_since_start", "attempt_time")
    fields = list_display


@admin.register(AccessFailureLog, site=admin_site)
class FailedSignInAdmin(SignInLogAdmin):
    list_display = ("attempt_time", "username", "ip_address", "locked_out", "user_agent")


@admin.register(AccessLog, site=admin_site)
class SignInAdmin(SignInLogAdmin):
    list_display = ("attempt_time", "logout_time", "username", "ip_address", "user_agent")
