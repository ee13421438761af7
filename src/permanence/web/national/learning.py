"""Sharing learning across authorities: the change-idea library, progress scores, and an
adviser's access to an authority's improvement record (docs/sharing.md).

The one rule: **nothing of an authority shows to anyone outside it unless its decision in
force shares what it learns** (``SharingDecision.learning``, made by its administrator on
the sharing page). Every cross-authority read in this module starts from
``learning_authorities()``: the library's list and pages, its files, the progress across
authorities and its download. Withdrawing takes the authority out of all of them at once.
An adviser's access is separate: a grant by the authority's administrator to one named
person, until a date, revocable, every page read logged (``AdviserVisit``).

Reading another authority's improvement record always happens inside an explicit
``scoped_to`` naming the authorities allowed, so the scope mechanism still guards it.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from permanence.analysis.shared_measure import MonthValue, shared_points
from permanence.reports.content import ProgressAssessment, ProgressItem
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import (
    ChangeIdea,
    Driver,
    ImprovementProject,
    Measure,
    MeasureSource,
    MeasureValue,
    PdsaCycle,
)
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.national.models import (
    Adoption,
    AdviserGrant,
    AdviserVisit,
    Phase,
    ProjectProgress,
    SharedChangeIdea,
    SharedTemplate,
)
from permanence.web.national.sharing import learning_authorities, shares_learning

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
TEMPLATE_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
}
"""The kinds of template file the library takes: documents, never programs."""


class NotSharing(Exception):  # noqa: N818 - named for what the person reads
    """The authority's decision in force does not share what it learns."""


# ---- the library ----------------------------------------------------------------------


def library_ideas() -> QuerySet[SharedChangeIdea]:
    """Every published idea of every authority that shares what it learns."""
    return SharedChangeIdea.everywhere.filter(
        authority_id__in=learning_authorities(), unpublished_at__isnull=True
    ).select_related("authority")


def listed_ideas(
    *, aim: str = "", driver: str = "", stage: str = "", text: str = ""
) -> list[SharedChangeIdea]:
    """The library's list: neither retired nor merged; filtered by aim, driver, stage."""
    ideas = library_ideas().filter(retired_at__isnull=True, merged_into__isnull=True)
    if aim:
        ideas = ideas.filter(aim=aim)
    if stage:
        ideas = ideas.filter(stage=stage)
    if driver:
        ideas = ideas.filter(
            Q(primary_driver__icontains=driver) | Q(secondary_driver__icontains=driver)
        )
    if text:
        ideas = ideas.filter(Q(title__icontains=text) | Q(description__icontains=text))
    return list(ideas)


def library_idea(pk: int) -> SharedChangeIdea:
    """One published idea of an authority that shares, or 404 (as if it never existed)."""
    idea = library_ideas().filter(pk=pk).first()
    if idea is None:
        raise Http404("No such change idea in the library")
    return idea


def library_template(idea: SharedChangeIdea, pk: int) -> SharedTemplate:
    template = SharedTemplate.everywhere.filter(shared_idea=idea, pk=pk).first()
    if template is None:
        raise Http404("No such file")
    return template


def drivers_in_library() -> list[str]:
    names: set[str] = set()
    for primary, secondary in library_ideas().values_list("primary_driver", "secondary_driver"):
        names.update(name for name in (primary, secondary) if name)
    return sorted(names, key=str.casefold)


def _cycles(idea: ChangeIdea) -> list[dict[str, Any]]:
    return [
        {
            "number": cycle.number,
            "change_tested": cycle.change_tested,
            "hoped_to_achieve": cycle.hoped_to_achieve,
            "prediction": cycle.prediction,
            "result_against_prediction": cycle.result_against_prediction,
            "learned": cycle.learned,
            "decision": cycle.get_decision_display() if cycle.decision else "",
            "next_steps": cycle.next_steps,
            "started_on": cycle.started_on.isoformat(),
            "closed_on": cycle.closed_on.isoformat() if cycle.closed_on else "",
        }
        for cycle in PdsaCycle.objects.filter(change_idea=idea).order_by("number", "pk")
    ]


class MeasureNotShareable(Exception):  # noqa: N818 - named for what the person reads
    """A measure whose chart cannot leave the authority (one point per child, or a
    period's weeks or days, which disclosure control does not cover)."""


def measure_chart(measure: Measure) -> tuple[list[dict[str, Any]], str]:
    """The measure's periods under disclosure control, and their unit (percent or count).

    A measure entered by hand shares its months as entered. A measure computed from the
    children's records shares the same way when it is a percentage of children (with its
    numerator and denominator) or a count in each month or quarter: each period follows
    the rules of ``analysis.shared_measure``. A measure of one point per child, or of a
    period's weeks or days, is never shared (``MeasureNotShareable``).
    """
    if measure.is_entered:
        values = [
            MonthValue(v.month, v.numerator, v.denominator, v.count)
            for v in MeasureValue.objects.filter(measure=measure)
        ]
        unit = "percent" if measure.source == MeasureSource.ENTERED_RATIO else "count"
    else:
        values, unit = _computed_values(measure)
    points = shared_points(values)
    return [point.as_dict() for point in points], unit


def _computed_values(measure: Measure) -> tuple[list[MonthValue], str]:
    from permanence.web.improvement.views.measures import aim_problem, measure_series

    if aim_problem(measure):
        raise MeasureNotShareable("The measure's aim cannot be measured, so it has no chart.")
    series = measure_series(measure, measure.project.authority_id)
    if series.per_day:
        raise MeasureNotShareable(
            "This measure has one point per child: its chart is never shared. Share a "
            "percentage or a count by month instead."
        )
    if series.unit == "percent" and all(p.denominator is not None for p in series.points):
        return [
            MonthValue(p.first, numerator=p.numerator, denominator=p.denominator)
            for p in series.points
        ], "percent"
    if series.unit == "count":
        return [MonthValue(p.first, count=round(p.value)) for p in series.points], "count"
    raise MeasureNotShareable(
        "This measure's values are weeks or days, which cannot be put under disclosure "
        "control: share a percentage or a count by month instead."
    )


def publish(
    idea: ChangeIdea,
    *,
    by: User,
    stage: str = "",
    measure: Measure | None = None,
    files: Iterable[tuple[str, str, bytes]] = (),
) -> SharedChangeIdea:
    """Publish the authority's change idea to the library, as it stands now.

    Refused (``NotSharing``) unless the authority's decision in force shares what it
    learns. Runs in the authority's scope (the person's request)."""
    if not shares_learning(idea.authority_id):
        raise NotSharing("Your authority's administrator has not chosen to share what it learns.")
    drivers = list(idea.drivers.select_related("parent"))
    secondary = next((d for d in drivers if d.parent_id is not None), None)
    primary = secondary.parent if secondary is not None else next(iter(drivers), None)
    project = idea.project
    chart, chart_unit = measure_chart(measure) if measure is not None else ([], "")
    with transaction.atomic():
        shared = SharedChangeIdea.objects.create(
            authority_id=idea.authority_id,
            change_idea=idea,
            title=idea.title,
            description=idea.description,
            aim=project.national_aim,
            aim_title=project.aim_label,
            primary_driver=primary.text if primary is not None else "",
            secondary_driver=secondary.text if secondary is not None else "",
            stage=stage,
            cycles=_cycles(idea),
            measure_title=measure.title if measure is not None else "",
            chart=chart,
            chart_unit=chart_unit,
            published_by=by,
        )
        for name, content_type, content in files:
            add_template(shared, name, content_type, content)
    return shared


def add_template(shared: SharedChangeIdea, name: str, content_type: str, content: bytes) -> None:
    SharedTemplate.objects.create(
        authority_id=shared.authority_id,
        shared_idea=shared,
        name=name[:200],
        content_type=content_type,
        size=len(content),
        content=content,
    )


def unpublish(shared: SharedChangeIdea) -> None:
    shared.unpublished_at = timezone.now()
    shared.save(update_fields=["unpublished_at"])


def adopt(
    shared: SharedChangeIdea, *, project: ImprovementProject, driver: Driver | None, by: User
) -> ChangeIdea:
    """A copy of the library's idea in the adopter's own driver diagram (``project``, in
    the person's own authority), with where it came from kept (``Adoption``)."""
    with transaction.atomic():
        idea = ChangeIdea.objects.create(
            authority_id=project.authority_id,
            project=project,
            title=shared.title,
            description=shared.description,
            position=ChangeIdea.objects.filter(project=project).count(),
            created_by=by,
        )
        if driver is not None:
            idea.drivers.add(driver)
        Adoption.objects.create(
            authority_id=project.authority_id, change_idea=idea, origin=shared, adopted_by=by
        )
    return idea


def origin_text(adoption: Adoption) -> str:
    """Where an adopted idea came from: the other authority is named only while it shares."""
    origin = adoption.origin
    if origin is None or origin.authority_id not in learning_authorities():
        return "Adopted from the library across authorities (no longer shared there)."
    return f"Adopted from {origin.authority.name}'s change idea “{origin.title}” in the library."


class Curation:
    FEATURE = "feature"
    UNFEATURE = "unfeature"
    RETIRE = "retire"
    RESTORE = "restore"
    MERGE = "merge"


def curate(
    shared: SharedChangeIdea, action: str, *, note: str = "", into: SharedChangeIdea | None = None
) -> None:
    """The national team's curation: feature, retire (or restore), merge a duplicate."""
    if action == Curation.FEATURE:
        shared.featured = True
    elif action == Curation.UNFEATURE:
        shared.featured = False
    elif action == Curation.RETIRE:
        shared.retired_at = timezone.now()
        shared.featured = False
    elif action == Curation.RESTORE:
        shared.retired_at = None
        shared.merged_into = None
    elif action == Curation.MERGE:
        if into is None or into.pk == shared.pk:
            raise ValueError("Choose another idea to merge this one into.")
        shared.merged_into = into
        shared.featured = False
    else:
        raise ValueError(f"Unknown curation: {action}")
    shared.curation_note = note[:300]
    # The national team has no authority: the row is saved in its owner's scope.
    with scoped_to(Scope.authority(shared.authority_id)):
        shared.save()


# ---- progress across authorities ------------------------------------------------------


@dataclass(frozen=True)
class ProjectStanding:
    authority: str
    project: str
    aim: str
    current: ProjectProgress | None
    history: tuple[ProjectProgress, ...]


def progress_across() -> list[ProjectStanding]:
    """Every project of every authority that shares what it learns, with its phase and
    progress score now and their history (latest first)."""
    sharing = learning_authorities()
    standings = []
    with scoped_to(Scope(sharing)):
        projects = ImprovementProject.objects.select_related("authority", "local_aim")
        progress: dict[int, list[ProjectProgress]] = {}
        for row in ProjectProgress.objects.order_by("project", "-assessed_on", "-pk"):
            progress.setdefault(row.project_id, []).append(row)
        for project in projects.order_by("authority__name", "title", "pk"):
            history = tuple(progress.get(project.pk, []))
            standings.append(
                ProjectStanding(
                    authority=project.authority.name,
                    project=project.title,
                    aim=project.aim_label,
                    current=history[0] if history else None,
                    history=history,
                )
            )
    return standings


@dataclass(frozen=True)
class AuthorityProgress:
    """One sharing authority's projects at a glance: how many in each phase now, how many
    not yet assessed, and the highest and median progress scores now."""

    authority: str
    projects: int
    by_phase: tuple[int, ...]  # in the order of ``Phase``
    not_assessed: int
    highest: Decimal | None
    median: Decimal | None


def progress_by_authority(standings: Sequence[ProjectStanding]) -> list[AuthorityProgress]:
    """The national overview's summary of ``progress_across``, one row per authority."""
    grouped: dict[str, list[ProjectStanding]] = {}
    for standing in standings:
        grouped.setdefault(standing.authority, []).append(standing)
    rows = []
    for authority, projects in grouped.items():
        current = [p.current for p in projects if p.current is not None]
        scores = sorted(row.score for row in current)
        rows.append(
            AuthorityProgress(
                authority=authority,
                projects=len(projects),
                by_phase=tuple(
                    sum(1 for row in current if row.phase == phase.value) for phase in Phase
                ),
                not_assessed=len(projects) - len(current),
                highest=scores[-1] if scores else None,
                median=statistics.median(scores) if scores else None,
            )
        )
    return rows


def own_progress_items() -> list[ProgressItem]:
    """The authority's own projects' phase and progress score now, with the score before,
    for its report pack (``web.reports.assemble``): its own record, in its own scope,
    shown in its own pack whatever it shares."""
    found: dict[int, list[ProjectProgress]] = {}
    for row in ProjectProgress.objects.order_by("project", "-assessed_on", "-pk"):
        found.setdefault(row.project_id, []).append(row)
    items = []
    for project in ImprovementProject.objects.select_related("local_aim"):
        history = found.get(project.pk, [])
        now = history[0] if history else None
        items.append(
            ProgressItem(
                project=project.title,
                aim=project.aim_label,
                phase=_phase_name(now) if now else "",
                score=str(now.score) if now else "",
                assessed_on=now.assessed_on if now else None,
                previous=str(history[1].score) if len(history) > 1 else "",
                history=tuple(
                    ProgressAssessment(row.assessed_on, _phase_name(row), str(row.score))
                    for row in reversed(history)
                ),
            )
        )
    return items


def _phase_name(row: ProjectProgress) -> str:
    """The phase's short name ("Testing"), without its explanation."""
    return str(row.get_phase_display()).split(":", 1)[0]


# ---- an adviser's access --------------------------------------------------------------


def grants_for(adviser: User, on: date) -> list[AdviserGrant]:
    """The grants in force for ``adviser`` on ``on``."""
    grants = AdviserGrant.everywhere.filter(
        adviser=adviser, revoked_at__isnull=True, starts_on__lte=on, ends_on__gt=on
    ).select_related("authority")
    return list(grants)


def grant_in_force(adviser: User, pk: int, on: date) -> AdviserGrant:
    grant = next((g for g in grants_for(adviser, on) if g.pk == pk), None)
    if grant is None:
        raise Http404("No access in force")
    return grant


def record_visit(grant: AdviserGrant, adviser: User, page: str) -> None:
    with scoped_to(Scope.authority(grant.authority_id)):
        AdviserVisit.objects.create(
            authority_id=grant.authority_id, grant=grant, adviser=adviser, page=page[:200]
        )


def improvement_record(grant: AdviserGrant) -> dict[str, Any]:
    """The authority's improvement record, read in its scope: projects, drivers, change
    ideas, PDSA cycles, measures and their entered values. Nothing else is queried."""
    with scoped_to(Scope.authority(grant.authority_id)):
        projects = []
        for project in ImprovementProject.objects.select_related("local_aim").order_by("title"):
            drivers = list(Driver.objects.filter(project=project).order_by("position", "pk"))
            ideas = []
            for idea in ChangeIdea.objects.filter(project=project).prefetch_related("cycles"):
                ideas.append({"idea": idea, "cycles": list(idea.cycles.all())})
            measures = [
                {"measure": measure, "values": list(measure.values.order_by("month"))}
                for measure in Measure.objects.filter(project=project)
            ]
            projects.append(
                {
                    "project": project,
                    "primary": [d for d in drivers if d.parent_id is None],
                    "secondary": [d for d in drivers if d.parent_id is not None],
                    "ideas": ideas,
                    "measures": measures,
                    "progress": list(ProjectProgress.objects.filter(project=project)),
                }
            )
    return {"authority": grant.authority, "projects": projects}


def revoke(grant: AdviserGrant, by: User) -> None:
    grant.revoked_at = timezone.now()
    grant.revoked_by = by
    grant.save(update_fields=["revoked_at", "revoked_by"])


def national_advisers() -> QuerySet[User]:
    """The people an authority may name as its adviser: the national team (who belong to
    no authority)."""
    return User.objects.filter(role=Role.NATIONAL, authority__isnull=True, is_active=True).order_by(
        "username"
    )
