"""Gathering an authority's report pack from the database, in that authority's scope.

Everything is read through the scoped managers, so this must run inside the authority's
scope (a request of one of its people, or ``scoped_to`` in the command): the journeys
frame, the aims and what their charts mark come from the dashboards' cached data
(``kernel.cache.authority_data``), so the pack shows what the dashboards show that
day; the PDSA cycles, the risks and the latest import's data-quality figures come from
the improvement record and the imports. ``permanence.reports.build`` does the rest,
without Django.
"""

from __future__ import annotations

from datetime import date

from django.db.models import F, Min
from django.utils import timezone

from permanence.charts.words import join_words
from permanence.pages.process_map import StepNote
from permanence.reports.build import build_pack
from permanence.reports.content import (
    CycleItem,
    GroupActionItem,
    PackContent,
    QualitySummary,
    RiskItem,
    long_date,
)
from permanence.reports.measure_aims import MeasureAimItem
from permanence.web.accounts.models import LocalAuthority
from permanence.web.dashboards.models import ProcessStepNote
from permanence.web.improvement.measure_aims import aims_served, measure_aims_standing
from permanence.web.improvement.models import (
    GroupAction,
    GroupMeeting,
    PdsaCycle,
    Risk,
    RiskKind,
    RiskStatus,
)
from permanence.web.kernel.cache import authority_data
from permanence.web.kernel.pack_progress import progress_items
from permanence.web.records.models import CarePeriod, ImportBatch


def pack_content(
    authority: LocalAuthority, *, as_of: date, since: date | None, measured_on: date | None = None
) -> PackContent:
    """The pack of ``authority`` for the meeting on ``as_of``, reporting the improvement
    work since ``since`` (a fortnight before, by default), its figures measured as of
    ``measured_on`` (the meeting's day, by default): the same frame and page models the
    dashboards use as of that date."""
    data = authority_data(authority.pk, measured_on or as_of)
    return build_pack(
        data.frame,
        data.aims,
        authority_name=data.name,
        authority_code=data.code,
        as_of=as_of,
        since=since,
        marks=data.improvements,
        cycles=cycles(as_of=as_of, since=since),
        risks=risks(),
        quality=latest_quality(),
        step_notes=step_notes(),
        progress=progress_items(),
        group_actions=group_actions(as_of=as_of),
        last_group_meeting=GroupMeeting.objects.filter(held_on__lte=as_of)
        .values_list("held_on", flat=True)
        .first(),
        measured_on=measured_on,
        measure_aims=measure_aims(authority.pk, as_of=measured_on or as_of),
    )


def measure_aims(authority_id: int, *, as_of: date) -> list[MeasureAimItem]:
    """Every local aim on a process measure, where it stands as of ``as_of`` (the same
    figures as the aim's page and the overview), with the aims it serves."""
    served = aims_served()
    return [
        MeasureAimItem(
            title=aim.title,
            measure=aim.measure_title,
            statement=aim.statement,
            progress=progress,
            serves=join_words(served.get(aim.measure, [])),
        )
        for aim, progress in measure_aims_standing(authority_id, as_of=as_of)
    ]


def group_actions(*, as_of: date) -> list[GroupActionItem]:
    """The Champions' Group's actions agreed by ``as_of`` and not done by then."""
    found = (
        GroupAction.objects.filter(meeting__held_on__lte=as_of)
        .exclude(done_on__lte=as_of)
        .select_related("meeting")
    )
    return [
        GroupActionItem(
            what=action.what,
            owner=action.owner,
            agreed_on=action.meeting.held_on,
            due_on=action.due_on,
        )
        for action in found
    ]


def cycles(*, as_of: date, since: date | None) -> list[CycleItem]:
    """The PDSA cycles the pack may report: begun by the meeting and not closed before
    the last one (``build`` sorts them into closed, begun and still under test)."""
    found = PdsaCycle.objects.select_related("change_idea__project", "team").filter(
        started_on__lte=as_of
    )
    if since is not None:
        found = found.exclude(closed_on__lt=since)
    return [
        CycleItem(
            project=cycle.change_idea.project.title,
            change_idea=cycle.change_idea.title,
            number=cycle.number,
            started_on=cycle.started_on,
            closed_on=cycle.closed_on,
            planned_end=cycle.planned_end,
            decision=cycle.get_decision_display() if cycle.decision else "",
            conditions=cycle.conditions,
            hoped_to_achieve=cycle.hoped_to_achieve,
            learned=cycle.learned,
            next_steps=cycle.next_steps,
            change_tested=cycle.change_tested,
        )
        for cycle in found
    ]


def step_notes() -> dict[str, StepNote]:
    """What the authority noted on the process map's steps, by step."""
    return {
        note.step: StepNote(owner=note.owner, testing=note.testing)
        for note in ProcessStepNote.objects.all()
    }


def risks() -> list[RiskItem]:
    """Every project's risks and issues that are not closed."""
    return [
        RiskItem(
            project=risk.project.title,
            kind=str(RiskKind(risk.kind).label).split(":", 1)[0],
            description=risk.description,
            owner=risk.owner,
            likelihood=risk.likelihood,
            impact=risk.impact,
            band=risk.band,
            actions=risk.actions,
            status=risk.get_status_display(),
            is_open=risk.status != RiskStatus.CLOSED,
            raised_on=risk.raised_on,
            reviewed_on=risk.reviewed_on,
        )
        for risk in Risk.objects.select_related("project").exclude(status=RiskStatus.CLOSED)
    ]


def latest_quality() -> QualitySummary | None:
    """The data-quality figures kept with the latest import loaded, or None before any."""
    batch = (
        ImportBatch.objects.filter(status=ImportBatch.Status.LOADED)
        .order_by(F("loaded_at").desc(nulls_last=True), "-created_at", "-pk")
        .first()
    )
    if batch is None:
        return None
    loaded = batch.loaded_at or batch.created_at
    return QualitySummary.from_summary(
        batch.summary.get("validation") if isinstance(batch.summary, dict) else None,
        source=batch.source or "an extract",
        loaded_on=timezone.localdate(loaded) if loaded is not None else None,
        extract_date=batch.extract_date,
    )


def first_record_date() -> date | None:
    """The day the earliest care period in scope began: the first day the pack can be
    measured as of (before it the authority has no records), or None before any."""
    first: date | None = CarePeriod.objects.aggregate(first=Min("period_start"))["first"]
    return first


def measuring_date_problem(measured_on: date, *, today: date) -> str | None:
    """Why ``measured_on`` cannot be the pack's measuring date, or None when it can: not
    after today (nothing later is known) nor before the first record (nothing to measure)."""
    if measured_on > today:
        return "The measuring date cannot be after today: nothing later is known."
    first = first_record_date()
    if first is None:
        return "There are no records to measure yet."
    if measured_on < first:
        return (
            f"The measuring date cannot be before {long_date(first)}, the day the "
            "earliest record begins."
        )
    return None
