"""The report pack's pages: one button, its progress, then the three files to download.

The button starts a job the worker runs (``reports.tasks``); the page that follows shows
its progress while the person watches (each chart drawn, each file written) and then the
files. The person can leave and come back: the pack page lists packs being made, and any
that failed, with what went wrong.

Who may: everyone whose role can see the aims and charts (``VIEW_AGGREGATES``), viewers
included. The pack names no child (a dot is a child, a still-waiting bar a number by
length of wait) and holds only figures, the group's own record of its improvement work
and the data-quality counts, so it is no more than a viewer already sees on the
dashboards and the improvement pages.

Scope: the pack is made from the signed-in person's own authority (the request's scope),
and kept in, and served from, that authority's folder only (``storage``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods

from permanence.reports.build import default_since
from permanence.reports.content import MEETING_INTERVAL_DAYS, long_date
from permanence.reports.files import PackFormat
from permanence.web.accounts.access import requires
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Capability
from permanence.web.dashboards.assembly import latest_extract_date
from permanence.web.kernel import cache
from permanence.web.reports import storage
from permanence.web.reports.assemble import measuring_date_problem
from permanence.web.tasks.jobs import (
    AlreadyActive,
    kept_ref,
    kept_request_of,
    kept_requests,
    start_job_or_keep,
)
from permanence.web.tasks.models import Job
from permanence.web.tasks.progress import describe

EARLIEST: date = date(2000, 1, 1)


class PackForm(forms.Form):
    measured_on = forms.DateField(
        label="Measure the figures as of",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "ds_input--fixed-10"}),
    )
    since = forms.DateField(
        label="Report the improvement work since",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "ds_input--fixed-10"}),
    )

    def __init__(self, data: QueryDict | None = None, *, today: date) -> None:
        super().__init__(data)
        self.today = today
        self.fields["measured_on"].help_text = (
            "The figures as they stood on this day: nothing recorded later is counted. Leave"
            f" it blank for today, {long_date(today)}."
        )
        self.fields["measured_on"].widget.attrs["max"] = today.isoformat()
        self.fields["since"].help_text = (
            "The date of the last meeting. The Champions' Group meets fortnightly, so leave it"
            f" blank for {long_date(default_since(today))}, {MEETING_INTERVAL_DAYS} days ago."
        )

    def clean_measured_on(self) -> date | None:
        """The measuring date: today when left blank; never after today nor before the
        first record (checked here, whatever the browser's date picker allowed)."""
        measured_on: date | None = self.cleaned_data.get("measured_on")
        if measured_on is None or measured_on == self.today:
            return None
        problem = measuring_date_problem(measured_on, today=self.today)
        if problem is not None:
            raise ValidationError(problem)
        return measured_on

    def clean_since(self) -> date | None:
        since: date | None = self.cleaned_data.get("since")
        if since is not None and since > self.today:
            raise ValidationError("The last meeting cannot be after today.")
        if since is not None and since < EARLIEST:
            raise ValidationError(f"Give a date after {long_date(EARLIEST)}.")
        return since


def _authority(request: HttpRequest) -> LocalAuthority:
    user = cast(User, request.user)
    if user.authority is None:  # ``requires`` refuses people without one
        raise Http404("No authority.")
    return user.authority


@requires(Capability.VIEW_AGGREGATES)
@require_http_methods(["GET", "POST"])
def pack(request: HttpRequest) -> HttpResponse:
    """The button: start making the pack (POST), then follow it to its downloads."""
    authority = _authority(request)
    today = cache.today()
    form = PackForm(request.POST if request.method == "POST" else None, today=today)
    if request.method == "POST" and form.is_valid():
        since: date | None = form.cleaned_data["since"]
        measured_on: date | None = form.cleaned_data["measured_on"]
        arguments = {
            "as_of": today.isoformat(),
            "since": since.isoformat() if since else None,
            "measured_on": measured_on.isoformat() if measured_on else None,
        }
        user = cast(User, request.user)
        key = pack_key(authority, user, arguments)
        try:
            job = start_job_or_keep(
                Job.Kind.REPORT_PACK, authority, key=key, arguments=arguments, started_by=user
            )
        except AlreadyActive as already:  # a second click: the one pack already asked for
            messages.info(request, "This report pack is already being made: its progress is below.")
            if already.job is None:
                return redirect("reports-pack-waiting", ref=kept_ref(key))
            return redirect("reports-pack-making", pk=already.job.pk)
        if job is None:  # an extract is being loaded: the pack is made as soon as it ends
            messages.success(
                request,
                "An extract is being loaded now: the report pack will be made as soon as it "
                "has finished. You can leave this page and come back: it carries on.",
            )
            return redirect("reports-pack-waiting", ref=kept_ref(key))
        messages.success(request, "The report pack is being made.")
        return redirect("reports-pack-making", pk=job.pk)
    return render(
        request,
        "reports/pack.html",
        {
            "form": form,
            "authority_name": authority.name,
            "today": today,
            "extract_date": latest_extract_date(),
            "recent": storage.recent(authority.pk),
            "under_way": _pack_jobs(),
            "waiting": _kept_packs(authority),
        },
    )


def pack_key(authority: LocalAuthority, user: User, arguments: dict[str, str | None]) -> str:
    """One pack at a time for the same person, authority and dates: a double click makes
    one pack, not two."""
    return (
        f"report-pack:{authority.pk}:{user.pk}:{arguments['as_of']}:"
        f"{arguments['since'] or ''}:{arguments.get('measured_on') or ''}"
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def waiting(request: HttpRequest, ref: str) -> HttpResponse | JsonResponse:
    """A pack asked for while an extract was being loaded on the embedded database: it
    waits for the load to finish (``tasks.jobs.start_job_or_keep``), then this follows it
    to its own page. As JSON for ``tasks/progress.js``, which goes there once it is queued."""
    authority = _authority(request)
    user = cast(User, request.user)
    kept = kept_request_of(ref)
    follow = ""
    if (
        kept is None
        or kept.get("authority_id") != authority.pk
        or kept.get("kind") != (Job.Kind.REPORT_PACK)
    ):
        # Queued by now (or never asked for here): this person's pack of that request.
        recent = Job.objects.filter(
            kind=Job.Kind.REPORT_PACK,
            started_by=user,
            created_at__gte=timezone.now() - timedelta(days=storage.KEEP_FOR.days),
        ).exclude(key="")
        job = next((job for job in recent if kept_ref(job.key) == ref), None)
        if job is None:
            raise Http404("There is no report pack waiting under that name.")
        follow = reverse("reports-pack-making", args=[job.pk])
        if not _wants_json(request):
            return redirect(follow)
    task = {
        "finished": False,
        "state": "queued",
        "state_label": "Waiting to start",
        "text": WAITING_WORDS,
        "follow_url": follow,
        "progress_url": request.path,
    }
    if _wants_json(request):
        response = JsonResponse(task)
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "reports/waiting.html", {"task": task, "authority_name": authority.name})


#: What a pack waiting for a load to finish says.
WAITING_WORDS = "Waiting for the extract being loaded to finish loading: then it is made."


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _kept_packs(authority: LocalAuthority) -> list[dict[str, object]]:
    """Packs of the authority asked for while a load holds the database: not yet jobs."""
    kept = kept_requests(Job.Kind.REPORT_PACK, authority.pk)
    people = User.objects.filter(authority=authority).in_bulk(
        [request["started_by_id"] for request in kept]
    )
    return [
        {
            "ref": request["ref"],
            "asked_at": parse_datetime(request["kept_at"]),
            "by": people.get(request["started_by_id"]),
        }
        for request in kept
    ]


def _pack_jobs() -> list[dict[str, object]]:
    """Packs of the authority being made, or that failed in the last week."""
    since = timezone.now() - timedelta(days=storage.KEEP_FOR.days)
    jobs = Job.objects.filter(kind=Job.Kind.REPORT_PACK, created_at__gte=since).exclude(
        state=Job.State.DONE
    )
    return [{"job": job, **describe(job)} for job in jobs.select_related("started_by")[:20]]


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def making(request: HttpRequest, pk: int) -> HttpResponse:
    """A pack being made: its progress, then its files (or what went wrong)."""
    authority = _authority(request)
    job = get_object_or_404(Job, pk=pk, kind=Job.Kind.REPORT_PACK)
    token = job.result.get("token") if job.state == Job.State.DONE else None
    if token and storage.load(authority.pk, str(token)) is not None:
        return redirect("reports-pack-ready", token=token)
    ready_url = ""
    if token:
        ready_url = redirect("reports-pack-ready", token=token).url
    return render(
        request,
        "reports/making.html",
        {
            "job": job,
            "task": describe(job, result_url=ready_url or request.path),
            "authority_name": authority.name,
        },
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def ready(request: HttpRequest, token: str) -> HttpResponse:
    """A made pack's three files."""
    authority = _authority(request)
    made = storage.load(authority.pk, token)
    if made is None:
        raise Http404("There is no pack of that name: it may be more than a week old.")
    return render(
        request,
        "reports/ready.html",
        {"pack": made, "authority_name": authority.name, "keep_days": storage.KEEP_FOR.days},
    )


@requires(Capability.VIEW_AGGREGATES)
@require_GET
def download(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """One of a made pack's files."""
    authority = _authority(request)
    made = storage.load(authority.pk, token)
    try:
        chosen = PackFormat(fmt)
    except ValueError:
        raise Http404("The pack has a PDF, slides and a spreadsheet.") from None
    path = storage.path_of(authority.pk, made, chosen) if made is not None else None
    if path is None or not path.is_file():
        raise Http404("There is no such file.")
    # A few hundred kilobytes to a few megabytes: read whole, so the response is a plain
    # one every client and test reads the same way.
    response = HttpResponse(path.read_bytes(), content_type=chosen.media_type)
    response["Content-Disposition"] = f'attachment; filename="{path.name}"'
    response["Cache-Control"] = "private, no-store"
    return response
