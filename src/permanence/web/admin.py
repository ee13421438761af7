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
from simple_history.admin import SimpleHistoryAdmin

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

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        """The form, with a new row's authority set before it is validated: a model's
        ``clean`` may check a choice against the authority (an allocation's worker, say),
        and the field itself is not on the form."""
        form_class = super().get_form(request, obj, change=change, **kwargs)
        authority = getattr(request.user, "authority", None)

        class FormForTheAuthority(form_class):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **form_kwargs: Any) -> None:
                super().__init__(*args, **form_kwargs)
                # Rows of models without an authority (the authority itself) are left be.
                unset = getattr(self.instance, "authority_id", "no such field") is None
                if unset and authority is not None:
                    self.instance.authority = authority

        FormForTheAuthority.__name__ = form_class.__name__
        return FormForTheAuthority

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.authority = request.user.authority  # type: ignore[union-attr]
        super().save_model(request, obj, form, change)


class HistoryAdmin(AuthorityAdmin, SimpleHistoryAdmin):  # type: ignore[misc]
    """For models whose every change is kept (``HistoricalRecords``): each row's
    "History" page lists its versions, who made each change and when."""


class ReadOnlyAdmin(AuthorityAdmin):
    """For logs: visible to administrators, changed by nobody."""

    exclude = ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
