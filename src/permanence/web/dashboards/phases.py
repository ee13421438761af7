"""New phases of an aim's run chart: a data lead accepts the phase the chart suggests, or
undoes one, from the aim's page.

The run chart offers a sustained shift as a suggested new phase (its text says so, and
says when the shift began before the improvement work). Accepting it keeps an
``AcceptedPhase`` (who, when and why, with its change history); the authority's data
version moves on, so every page and the pack then draw the new median from that date.
Only roles with ``ACCEPT_PHASES`` see the buttons, and the views refuse everyone else.
Only a phase the run chart suggests now can be accepted: a date posted by hand that the
chart (read with the filters the person was reading it with) does not suggest is refused,
and nothing is kept. The number of children the new median rests on is the suggestion's,
whatever was posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qs

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from permanence.analysis.aims import AimDefinition
from permanence.charts import ImprovementMarks, PhaseStart
from permanence.charts.words import month_year
from permanence.pages import aim_page
from permanence.pages.aim_page import AimPage
from permanence.pages.filters import measuring_date, parse_filters
from permanence.pages.overview import NO_IMPROVEMENT, summarise_aim
from permanence.web.accounts.access import requires
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability
from permanence.web.improvement.models import PHASE_REASON_DEFAULT, AcceptedPhase
from permanence.web.kernel import cache
from permanence.web.kernel.cache import authority_data, cached

#: Where the phases section goes in an aim's cached page body: it carries a form with the
#: person's own CSRF token and their role's buttons, so it is never cached.
PHASES_SLOT = "<!-- phases -->"


class AcceptPhaseForm(forms.Form):
    starts_on = forms.DateField()
    baseline_n = forms.IntegerField(min_value=1, max_value=32767)
    reason = forms.CharField(max_length=2000, strip=True)
    # The page's filters, so the person returns to the chart they were reading.
    filters = forms.CharField(required=False, max_length=2000)


@dataclass(frozen=True)
class ShownPhase:
    """An accepted phase as the page lists it."""

    phase: AcceptedPhase
    accepted_by: str
    early: bool  # it begins before the improvement work it would be credited to


def phases_section(request: HttpRequest, aim: AimDefinition, page: AimPage, query: str) -> str:
    """The suggested phases (with the accept form for those who may) and the accepted
    ones (with who, when, why and an undo button), for the aim's page."""
    user = cast(User, request.user)
    accepted = [
        _shown(phase, page.improvement)
        for phase in AcceptedPhase.objects.filter(aim_id=aim.id).select_related("accepted_by")
    ]
    if not page.suggestions and not accepted:
        return ""
    return render_to_string(
        "dashboards/_phases.html",
        {
            "aim": aim,
            "suggestions": [_suggested(s, page.improvement) for s in page.suggestions],
            "accepted": accepted,
            "can_accept": user.can(Capability.ACCEPT_PHASES),
            "default_reason": PHASE_REASON_DEFAULT,
            "filters": query,
        },
        request=request,
    )


def _suggested(suggestion: PhaseStart, improvement: ImprovementMarks) -> dict[str, Any]:
    return {
        "phase": suggestion,
        "month": month_year(suggestion.on),
        "early": improvement.start is not None and suggestion.on < improvement.start,
    }


def _shown(phase: AcceptedPhase, improvement: ImprovementMarks) -> ShownPhase:
    who = phase.accepted_by
    name = (
        (who.get_full_name() or who.get_username()) if who is not None else "someone no longer here"
    )
    early = improvement.start is not None and phase.starts_on < improvement.start
    return ShownPhase(phase=phase, accepted_by=name, early=early)


def _back(aim_id: str, query: str) -> HttpResponseRedirect:
    url = reverse("dashboard-aim", args=[aim_id])
    # Only ever a query string on our own address: never somewhere else.
    query = query.lstrip("?").replace("#", "")
    # To the top of the page, where the banner says what changed.
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


@requires(Capability.ACCEPT_PHASES)
@require_POST
def accept_phase(request: HttpRequest, aim_id: str) -> HttpResponse:
    """Accept the suggested new phase of ``aim_id``'s run chart from the date posted."""
    user = cast(User, request.user)
    assert user.authority_id is not None  # ``requires`` refuses people without one
    aim = authority_data(user.authority_id).aim(aim_id)
    if aim is None:
        raise Http404("No aim has that name here.")
    form = AcceptPhaseForm(request.POST)
    if not form.is_valid():
        problem = (
            "Say why the group accepts the new phase."
            if "reason" in form.errors
            else ("The new phase could not be read: open the aim's page and try again.")
        )
        messages.error(request, problem)
        return _back(aim.id, request.POST.get("filters", ""))
    data = form.cleaned_data
    when = month_year(data["starts_on"])
    if AcceptedPhase.objects.filter(aim_id=aim.id, starts_on=data["starts_on"]).exists():
        messages.info(request, f"The new phase from {when} was already accepted.")
        return _back(aim.id, data["filters"])
    suggested = {
        phase.on: phase for phase in _suggested_now(user.authority_id, aim, data["filters"])
    }
    chosen = suggested.get(data["starts_on"])
    if chosen is None:
        messages.error(
            request,
            f"The run chart does not suggest a new phase from {data['starts_on']:%-d %B %Y}, "
            "so nothing was accepted. Only a phase the chart suggests now can be accepted: "
            "open the aim's page to see what it suggests.",
        )
        return _back(aim.id, data["filters"])
    try:
        with transaction.atomic():
            _, created = AcceptedPhase.objects.get_or_create(
                aim_id=aim.id,
                starts_on=data["starts_on"],
                defaults={
                    "authority_id": user.authority_id,
                    "baseline_n": chosen.baseline_n or data["baseline_n"],
                    "reason": data["reason"],
                    "accepted_by": user,
                },
            )
    except IntegrityError:  # the same click, posted twice at once: the first one counts
        created = False
    if created:
        messages.success(
            request,
            f"New phase accepted from {when}: the run chart now draws a new median from there.",
        )
    else:
        messages.info(request, f"The new phase from {when} was already accepted.")
    return _back(aim.id, data["filters"])


def _suggested_now(authority_id: int, aim: AimDefinition, query: str) -> tuple[PhaseStart, ...]:
    """The new phases the aim's run chart suggests now, read with the filters in ``query``
    (the page the person accepted from), as the aim's page works them out."""
    params = parse_qs(query.lstrip("?"))
    day = cache.today()
    data = authority_data(authority_id, measuring_date(params, today=day))
    filters = parse_filters(params, teams=data.teams, as_of=data.as_of, today=day).filters
    improvement = data.improvements.get(aim.id, NO_IMPROVEMENT)

    def work_out() -> tuple[PhaseStart, ...]:
        summary = summarise_aim(data.frame, aim, filters, improvement, as_of=data.as_of)
        return aim_page.suggested_phases(summary.result, improvement)

    return cached(data, "aim-suggestions", (aim.id, filters.key()), work_out)


@requires(Capability.ACCEPT_PHASES)
@require_POST
def undo_phase(request: HttpRequest, aim_id: str, pk: int) -> HttpResponse:
    """Undo an accepted phase: the chart goes back to the median before it. Its history
    keeps who accepted it, why, and who undid it."""
    phase = get_object_or_404(AcceptedPhase, pk=pk, aim_id=aim_id)
    when = month_year(phase.starts_on)
    phase.delete()
    messages.success(
        request, f"Undone: the new phase from {when} is gone, and the chart reads as before."
    )
    return _back(aim_id, request.POST.get("filters", ""))
