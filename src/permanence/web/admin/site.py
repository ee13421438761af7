"""The administration site itself and the base of every page on it (see the package)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import router
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from permanence.web.accounts.roles import Capability
from permanence.web.audit.log import log_children_shown


class PermanenceAdminSite(admin.AdminSite):
    site_header = "permanence administration"
    site_title = "permanence administration"
    index_title = "Your authority's people and settings"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.can(Capability.MANAGE_USERS))

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Sign in on the app's own page (with its throttling), then come back here.

        Django's admin login admits only ``is_staff`` accounts, which nobody here has: it
        refused every administrator. A person signed in without the administrator role
        is told the site is not for them rather than asked to sign in again.
        """
        if request.user.is_authenticated:
            raise PermissionDenied("The administration site is for administrators.")
        destination = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(destination, settings.LOGIN_URL)


admin_site = PermanenceAdminSite(name="admin")


class AuthorityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Administrators may do everything with their own authority's rows, nothing else.

    Every page that shows a child (a list, a row, its history) records it in the audit
    log, through ``log_children_shown``, which finds the child a row leads to.
    """

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

    # -- the audit log: every page that shows a child says so -----------------------------

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        listing = getattr(response, "context_data", {}).get("cl")
        if response.status_code == 200 and listing is not None:
            log_children_shown(request, listing.result_list, f"administration: {self._list}")
        return response

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> Any:
        response = super().changeform_view(request, object_id, form_url, extra_context)
        self._log_object(request, response, "administration: a row")
        return response

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        response = super().delete_view(request, object_id, extra_context)
        context = getattr(response, "context_data", None) or {}
        shown = context.get("object")
        if response.status_code == 200 and isinstance(shown, Model):
            # The page lists everything the deletion would take with it (a person's
            # allocations to children, say): each child among them was shown.
            collector = NestedObjects(using=router.db_for_write(type(shown)))
            collector.collect([shown])
            rows = [row for rows in collector.data.values() for row in rows]
            log_children_shown(request, [shown, *rows], "administration: deleting a row")
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        self._log_object(request, response, "administration: change history")
        return response

    def _log_object(self, request: HttpRequest, response: Any, what: str) -> None:
        context = getattr(response, "context_data", None) or {}
        shown = context.get("original") or context.get("object")
        if response.status_code == 200 and isinstance(shown, Model):
            log_children_shown(request, [shown], what)

    @property
    def _list(self) -> str:
        return f"list of {self.model._meta.verbose_name_plural}"


class HistoryAdmin(AuthorityAdmin, SimpleHistoryAdmin):  # type: ignore[misc]
    """For models whose every change is kept (``ScopedHistoricalRecords``): each row's
    "History" page lists its versions, who made each change and when.

    A version is looked up through the authority scope (the historical model's default
    manager is scoped), so another authority's versions are not found. Restoring one
    ("Revert") needs the permission to change the row: django-simple-history's own view
    saves the posted form for anyone allowed to *view* the history.
    """

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied("Only a row you may change can be restored.")
        response: HttpResponse = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        self._log_object(request, response, "administration: a past version")
        return response

    def render_history_view(
        self, request: HttpRequest, template: str, context: dict[str, Any], **kwargs: Any
    ) -> HttpResponse:
        # A TemplateResponse (not a rendered page) keeps the context for the audit log.
        return TemplateResponse(request, template, context, **kwargs)


class ReadOnlyMixin:
    """Visible to administrators, changed by nobody here."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, AuthorityAdmin):
    """For logs: visible to administrators, changed by nobody."""

    exclude = ()


class ReadOnlyHistoryAdmin(ReadOnlyMixin, HistoryAdmin):
    """For children's records: seen with their history, changed only by an import."""

    exclude = ()
