"""Bringing in an extract in the web app: upload, preview every issue, then confirm.

A data lead uploads the files, sees what loading would do (every issue, with its fix,
by rule and by child) and only then loads it. Loading runs in the worker, off the
request (``records.tasks``): the batch page shows its progress while the person watches
(rows checked, rows loaded), then what was added, what changed field by field, and what
the extract no longer holds; the person can leave and come back. A second click while it
loads is told it is loading already. The data-quality report of any batch downloads as a
workbook, and the list of imports shows whether there are fewer queries than last time.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, QuerySet, When
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from permanence.ingest import IngestError
from permanence.ingest.quality_report import write_quality_report
from permanence.ingest.validation import KNOCK_ON_RULES
from permanence.web.accounts.access import requires
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability
from permanence.web.audit.log import log_children_shown
from permanence.web.records.data_queries import answer_queries, answers_table
from permanence.web.records.import_outline import ordered_rules, outline
from permanence.web.records.importing import (
    discard_upload,
    preview_upload,
    stored_validation,
)
from permanence.web.records.models import ImportBatch, ImportIssue
from permanence.web.records.tasks import WAITING_WORDS, load_key
from permanence.web.records.uploads import uploads_root
from permanence.web.tasks.jobs import AlreadyActive, kept_request, start_job_or_keep
from permanence.web.tasks.models import Job
from permanence.web.tasks.progress import describe

ISSUES_PER_PAGE = 100
PROFILE_CHOICES = [
    ("canonical", "The permanence import format (one file per table, or one workbook)"),
    ("clas", "The Children Looked After Statistics (CLAS) return, with its permanence supplement"),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:  # no file chosen: said beside the field, like any required one
                return [single(None, initial)]
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    extract_files = MultipleFileField(
        label="Extract files",
        help_text="CSV files (one per table) or a workbook with a sheet per table.",
    )
    profile = forms.ChoiceField(label="Column profile", choices=PROFILE_CHOICES)
    extract_date = forms.DateField(
        label="Date the data was taken from the case recording system",
        # An HTML date input reads and writes ISO dates, whatever the site's own format.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    replaces_children = forms.BooleanField(
        label="This extract is the whole truth for the children it holds",
        required=False,
        help_text="Their records it no longer holds are removed (each kept in its history) "
        "instead of being listed for you to keep or remove. Children it does not hold are "
        "left as they are.",
    )


@requires(Capability.IMPORT_DATA)
def import_list(request: HttpRequest) -> HttpResponse:
    batches = list(ImportBatch.objects.select_related("created_by").order_by("-created_at")[:50])
    jobs = latest_loads([batch.pk for batch in batches])
    for batch in batches:
        batch.load_job = jobs.get(batch.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "records/imports/list.html",
        {"batches": batches, "trend": quality_trend(batches)},
    )


def latest_loads(batch_ids: list[int]) -> dict[int, Job]:
    """The latest load job of each of these batches (the request's scope)."""
    keys = {f"load-batch:{pk}": pk for pk in batch_ids}
    found: dict[int, Job] = {}
    for job in Job.objects.filter(kind=Job.Kind.LOAD, key__in=keys).order_by("created_at"):
        found[keys[job.key]] = job
    return found


def quality_trend(batches: list[ImportBatch]) -> list[dict[str, Any]]:
    """Loaded imports oldest first, with the change in queries and errors since the one before."""
    loaded = sorted(
        (b for b in batches if b.status == ImportBatch.Status.LOADED),
        key=lambda b: b.loaded_at or b.created_at,
    )
    trend: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for batch in loaded:
        figures = batch.summary.get("validation", {})
        row = {
            "batch": batch,
            "queries": figures.get("queries", 0),
            "errors": figures.get("errors", 0),
            "children_with_queries": figures.get("children_with_queries", 0),
        }
        if previous is not None:
            row["queries_change"] = row["queries"] - previous["queries"]
            row["errors_change"] = row["errors"] - previous["errors"]
        trend.append(row)
        previous = row
    return trend


@requires(Capability.IMPORT_DATA)
def import_new(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        user = cast(User, request.user)
        assert user.authority is not None  # IMPORT_DATA needs an authority
        upload_dir = _save_upload(form.cleaned_data["extract_files"], user.authority.code)
        try:
            batch = preview_upload(
                upload_dir,
                authority=user.authority,
                profile=form.cleaned_data["profile"],
                extract_date=form.cleaned_data["extract_date"],
                user=user,
                replaces_children=form.cleaned_data["replaces_children"],
            )
        except IngestError as error:
            for problem in getattr(error, "problems", [str(error)]):
                form.add_error("extract_files", problem)
        else:
            messages.success(
                request, "The extract was checked: nothing is loaded until you load it."
            )
            return redirect("import-detail", pk=batch.pk)
    return render(request, "records/imports/new.html", {"form": form})


def _save_upload(files: list[Any], authority_code: str) -> Path:
    root = uploads_root() / authority_code
    root.mkdir(parents=True, exist_ok=True)
    upload_dir = Path(tempfile.mkdtemp(prefix=f"{uuid.uuid4().hex[:8]}-", dir=root))
    try:
        for upload in files:
            # Only the base name: an uploaded name never chooses where the file goes.
            name = Path(upload.name).name or "extract"
            with (upload_dir / name).open("wb") as destination:
                for chunk in upload.chunks():
                    destination.write(chunk)
    except BaseException:
        # Half an extract is still children's records, and nothing would point at it.
        shutil.rmtree(upload_dir, ignore_errors=True)
        raise
    return upload_dir


@requires(Capability.IMPORT_DATA)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=pk)
    validation = stored_validation(batch)
    issues = Paginator(_causes_first(batch), ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    by_child = validation.issues_by_child().head(200).to_dicts()
    log_children_shown(
        request,
        [*issues.object_list, *(row.get("child_ref") for row in by_child)],
        "an import's issues",
    )
    answer_queries(issues)
    job = latest_loads([batch.pk]).get(batch.pk)
    task = describe(job, result_url=request.path) if job is not None else None
    # Asked for while another load held the embedded database: the worker queues it next.
    loading = task is not None and not task["finished"]
    kept = (
        batch.status == ImportBatch.Status.PREVIEWED
        and not loading
        and kept_request(load_key(batch)) is not None
    )
    lead = outline(batch)
    to_fix, knock_on_rules = ordered_rules(validation.issues_by_rule().to_dicts())
    waiting = (
        batch.status == ImportBatch.Status.PREVIEWED
        and (task is None or bool(task["finished"]))
        and not kept
    )
    return render(
        request,
        "records/imports/detail.html",
        {
            "batch": batch,
            "job": job,
            "task": task,
            "kept": kept,
            "waiting_words": WAITING_WORDS,
            "figures": batch.summary.get("validation", {}),
            "outline": lead,
            "waiting": waiting,
            "can_load": waiting and not lead.nothing_loads,
            "load": batch.summary.get("load"),
            "by_rule": to_fix,
            "knock_on_rules": knock_on_rules,
            "by_child": by_child,
            "issues": issues,
        },
    )


def _causes_first(batch: ImportBatch) -> QuerySet[ImportIssue]:
    """Every issue: those about a whole file or table first, the refusals that only follow
    from another one last."""
    rank = Case(When(rule__in=KNOCK_ON_RULES, then=2), When(row__isnull=True, then=0), default=1)
    return batch.issues.alias(rank=rank).order_by("rank", "severity", "table", "row", "rule", "pk")


@require_POST
@requires(Capability.IMPORT_DATA)
def import_load(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the batch's load for the worker; its page then follows the progress."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    if batch.status == ImportBatch.Status.LOADED:
        messages.info(request, "This extract has been loaded already.")
    elif batch.status != ImportBatch.Status.PREVIEWED:
        messages.error(request, "This extract was discarded, so it cannot be loaded.")
    else:
        try:
            job = start_job_or_keep(
                Job.Kind.LOAD,
                batch.authority_id,
                arguments={"batch": batch.pk},
                started_by=cast(User, request.user),
                key=load_key(batch),
            )
        except AlreadyActive:
            messages.info(request, "This extract is already loading: its progress is below.")
        else:
            if job is None:  # another extract is being written: it is loaded after that one
                messages.success(
                    request,
                    "Another extract is being loaded now: this one will be loaded as soon as "
                    "it has finished. You can leave this page and come back: it carries on.",
                )
                return redirect("import-detail", pk=batch.pk)
            messages.success(
                request,
                "The extract is being loaded. You can follow it here, or leave this page "
                "and come back: it carries on.",
            )
    return redirect("import-detail", pk=batch.pk)


@require_http_methods(["GET", "POST"])
@requires(Capability.IMPORT_DATA)
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks first (a page of its own, so it works without script); POST discards."""
    batch = get_object_or_404(ImportBatch, pk=pk, status=ImportBatch.Status.PREVIEWED)
    job = latest_loads([batch.pk]).get(batch.pk)
    if (job is not None and job.is_active) or kept_request(load_key(batch)) is not None:
        messages.error(request, "This extract is loading, so it cannot be discarded now.")
        return redirect("import-detail", pk=batch.pk)
    if request.method != "POST":
        return render(request, "records/imports/discard.html", {"batch": batch})
    discard_upload(batch)
    messages.success(request, "The extract was discarded; nothing was loaded.")
    return redirect("import-list")


@requires(Capability.IMPORT_DATA)
def import_quality_report(request: HttpRequest, pk: int) -> FileResponse:
    batch = get_object_or_404(ImportBatch, pk=pk)
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    validation = stored_validation(batch)
    write_quality_report(validation, handle.name, answers=answers_table())
    log_children_shown(
        request, validation.issues.get_column("child_ref").drop_nulls(), "a data-quality workbook"
    )
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"data-quality-import-{batch.pk}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
