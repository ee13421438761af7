"""A job's progress, for the page that follows it, and the administrators' status page.

Both read ``Job`` through the authority scope: a person reaches only their own
authority's jobs. Each kind of job is seen by the people who may start it (a load by
those who bring in extracts, a report pack by everyone who sees the aims); the work the
product does for itself (planning after a load, the national snapshot, the daily alert
digest) by administrators, on the status page.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from permanence.web.accounts.access import requires
from permanence.web.accounts.roles import Capability
from permanence.web.tasks.models import Job
from permanence.web.tasks.progress import describe

#: Who may follow each kind of job.
SEEN_BY: dict[str, Capability] = {
    Job.Kind.LOAD: Capability.IMPORT_DATA,
    Job.Kind.REPORT_PACK: Capability.VIEW_AGGREGATES,
    Job.Kind.REPLAN: Capability.MANAGE_USERS,
    Job.Kind.NATIONAL_SNAPSHOT: Capability.MANAGE_USERS,
    Job.Kind.ALERT_DIGEST: Capability.MANAGE_USERS,
}
#: The status page lists the finished jobs of this many days past.
STATUS_DAYS = 7


def result_url(job: Job) -> str:
    """Where a finished job's result is shown."""
    if job.kind == Job.Kind.LOAD and "batch" in job.arguments:
        return reverse("import-detail", args=[job.arguments["batch"]])
    if job.kind == Job.Kind.REPORT_PACK and job.result.get("token"):
        return reverse("reports-pack-ready", args=[job.result["token"]])
    return ""


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def progress(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's state and progress, as JSON, for ``tasks/progress.js``."""
    job = get_object_or_404(Job, pk=pk)
    if not request.user.can(SEEN_BY[job.kind]):  # type: ignore[union-attr]
        raise Http404("There is no such job.")
    response = JsonResponse(describe(job, result_url=result_url(job)))
    response["Cache-Control"] = "private, no-store"
    return response


@requires(Capability.MANAGE_USERS)
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    """Every job of the authority that needs attention, is under way or ended lately."""
    since = timezone.now() - timedelta(days=STATUS_DAYS)
    jobs = Job.objects.select_related("started_by")
    failed = [
        describe_row(job) for job in jobs.filter(state=Job.State.FAILED, created_at__gte=since)
    ]
    active = [describe_row(job) for job in jobs.filter(state__in=Job.ACTIVE).order_by("created_at")]
    done = [
        describe_row(job) for job in jobs.filter(state=Job.State.DONE, created_at__gte=since)[:100]
    ]
    return render(
        request,
        "tasks/status.html",
        {
            "failed": failed,
            "active": active,
            "stalled": sum(1 for row in active if row["stalled"]),
            "done": done,
            "days": STATUS_DAYS,
        },
    )


def describe_row(job: Job) -> dict[str, object]:
    return {"job": job, **describe(job, result_url=result_url(job))}
