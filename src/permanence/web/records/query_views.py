"""Pages where a data lead answers data queries and decides on records no longer in the extract.

- The list of records an extract no longer holds: those waiting for a decision (still
  counted in the figures), then those kept; each with "keep" and "remove".
- Answering a query on a child's journey page, changing the answer or withdrawing it.

Every action is a POST from a data lead (``IMPORT_DATA``), kept with who and when, and
returns to the page it came from.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from permanence.web.accounts.access import requires
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability
from permanence.web.audit.log import log_children_shown
from permanence.web.records.data_queries import (
    AnswerError,
    answer_query,
    keep_absent,
    remove_absent,
    withdraw_answer,
)
from permanence.web.records.models import AbsentRecord, CarePeriod, Child, QueryAnswer
from permanence.web.records.query_forms import AnswerForm, DecisionForm, absent_row

ABSENT_PER_PAGE = 100


@requires(Capability.IMPORT_DATA)
@require_GET
def absent_records(request: HttpRequest) -> HttpResponse:
    """Records no longer in the extract: waiting for a decision first, then those kept."""
    waiting = AbsentRecord.objects.filter(status=AbsentRecord.Status.AWAITING).select_related(
        "missing_from"
    )
    kept = AbsentRecord.objects.filter(status=AbsentRecord.Status.KEPT).select_related(
        "missing_from", "decided_by"
    )
    page = Paginator(waiting, ABSENT_PER_PAGE).get_page(request.GET.get("page"))
    shown_kept = list(kept[:ABSENT_PER_PAGE])
    # Each row names its child: the view is kept in the audit log, as every view is.
    log_children_shown(
        request, [*page.object_list, *shown_kept], "records no longer in the extract"
    )
    return render(
        request,
        "records/queries/absent.html",
        {
            "page": page,
            "rows": [absent_row(absence) for absence in page],
            "kept": shown_kept,
            "kept_count": kept.count(),
        },
    )


@requires(Capability.IMPORT_DATA)
@require_POST
def absent_keep(request: HttpRequest, pk: int) -> HttpResponse:
    absence = get_object_or_404(AbsentRecord, pk=pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        kept = keep_absent(absence, cast(User, request.user), note)
    except AnswerError as error:
        messages.error(request, str(error))
    else:
        what = "" if kept == 1 else f" (with {kept - 1} records that belong to it)"
        messages.success(request, f"Kept: {absence.description}{what}. It is no longer queried.")
    return _back(request, reverse("absent-records"))


@requires(Capability.IMPORT_DATA)
@require_POST
def absent_remove(request: HttpRequest, pk: int) -> HttpResponse:
    absence = get_object_or_404(AbsentRecord, pk=pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        removed = remove_absent(absence, cast(User, request.user), note)
    except AnswerError as error:
        messages.error(request, str(error))
    else:
        what = "record" if removed == 1 else f"{removed} records (with what belonged to it)"
        messages.success(request, f"Removed {what}: {absence.description}.")
    return _back(request, reverse("absent-records"))


@requires(Capability.IMPORT_DATA)
@require_POST
def query_answer(request: HttpRequest, child_pk: int) -> HttpResponse:
    child = get_object_or_404(Child, pk=child_pk)
    journey = reverse("child-journey", args=[child.pk])
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The answer needs what it is and a reason.")
        return redirect(f"{journey}#data-queries")
    period_pk = form.cleaned_data["care_period"]
    period = get_object_or_404(CarePeriod, pk=period_pk, child=child) if period_pk else None
    try:
        answer_query(
            child,
            period,
            form.cleaned_data["rule"],
            form.cleaned_data["kind"],
            form.cleaned_data["reason"],
            cast(User, request.user),
        )
    except AnswerError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The answer to {form.cleaned_data['rule']} was kept.")
    return redirect(f"{journey}#data-queries")


@requires(Capability.IMPORT_DATA)
@require_POST
def query_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    answer = get_object_or_404(QueryAnswer, pk=pk)
    journey = reverse("child-journey", args=[answer.child_id])
    withdraw_answer(answer, cast(User, request.user))
    messages.success(request, f"The answer to {answer.rule} was withdrawn (its history is kept).")
    return redirect(f"{journey}#data-queries")


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the form was on (a child's journey, say), never off the site."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if target and allowed else default)
