"""The log of children shown, read-only in the administration site."""

from django.contrib import admin

from permanence.web.admin.site import ReadOnlyAdmin, admin_site
from permanence.web.audit.models import RecordView


@admin.register(RecordView, site=admin_site)
class RecordViewAdmin(ReadOnlyAdmin):
    list_display = ("viewed_at", "viewer", "child_ref", "path")
    # No filter by viewer: Django would list every user of every authority in it.
    search_fields = ("child_ref", "viewer__username")
