"""The data lead's list of milestones typed in that differ from the import's
(docs/meetings.md, "Milestones entered in the app"): the import's date counts, neither is
changed, and the data lead puts the wrong side right."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from permanence.web.accounts.access import requires
from permanence.web.accounts.roles import Capability
from permanence.web.audit.log import log_children_shown
from permanence.web.records.entered_milestones import milestone_differences


@requires(Capability.IMPORT_DATA)
@require_GET
def milestones_that_differ(request: HttpRequest) -> HttpResponse:
    found = milestone_differences()
    # Each row names its child: the view is kept in the audit log, as every view is.
    log_children_shown(
        request, [d.milestone.care_period for d in found], "milestones that differ from the import"
    )
    return render(request, "records/milestones_that_differ.html", {"found": found})
