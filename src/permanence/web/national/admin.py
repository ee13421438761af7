"""Sharing decisions in the administration site: each authority sees its own, read only.

Decisions are made on the sharing page (so each is recorded with who and when) and never
changed afterwards; the administration site shows them as a log.
"""

from __future__ import annotations

from django.contrib import admin

from permanence.web.admin import ReadOnlyAdmin, admin_site
from permanence.web.national.models import SharingDecision


@admin.register(SharingDecision, site=admin_site)
class SharingDecisionAdmin(ReadOnlyAdmin):
    list_display = ("decided_at", "summary", "decided_by", "note")
