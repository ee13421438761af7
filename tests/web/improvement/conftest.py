"""An improvement record for each of two authorities.

``improvement_record(authority, prefix)`` builds one whole record: a local aim, a project
with Champions' Group members, a driver diagram, change ideas, PDSA cycles (one closed
and adopted, one open that follows it), measures (the aim's run chart and a count entered
by hand), feedback and a risk. Authority B's record carries the marker "bravo-" in every
text, which must never appear to a person of authority A (see test_tenancy.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from permanence.web.accounts.models import LocalAuthority, Team, User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import (
    Agency,
    ChampionsGroupMember,
    ChangeIdea,
    ChartNote,
    Decision,
    Driver,
    Feedback,
    FeedbackGiver,
    FeedbackPoint,
    ImprovementProject,
    LocalAim,
    Measure,
    MeasureKind,
    MeasureSource,
    MeasureValue,
    PdsaCycle,
    Risk,
)
from permanence.web.kernel import cache
from permanence.web.kernel.scope import Scope, scoped_to

from ..conftest import PASSWORD

__all__ = ["PASSWORD", "Record", "improvement_record"]


@dataclass
class Record:
    aim: LocalAim
    project: ImprovementProject
    member: ChampionsGroupMember
    primary: Driver
    secondary: Driver
    idea: ChangeIdea
    first_cycle: PdsaCycle
    second_cycle: PdsaCycle
    outcome: Measure
    entered: Measure
    value: MeasureValue
    feedback: Feedback
    risk: Risk
    note: ChartNote

    def all_rows(self) -> list[object]:
        return list(vars(self).values())


def improvement_record(authority: LocalAuthority, prefix: str) -> Record:
    """One whole improvement record, every text starting with ``prefix``."""
    with scoped_to(Scope.authority(authority.pk)):
        team, _ = Team.objects.get_or_create(authority=authority, name=f"{prefix}Team")
        aim = LocalAim.objects.create(
            authority=authority,
            title=f"{prefix}aim",
            template="recommendation",
            statement=f"{prefix}By 31 March 2027, 80% of children ...",
            start_column="accommodated_date",
            end_column="recommendation_date",
            target_weeks=26,
            target_percent=80,
            start_on_or_after=date(2021, 4, 1),
            by_date=date(2027, 3, 31),
        )
        project = ImprovementProject.objects.create(
            authority=authority,
            title=f"{prefix}project",
            local_aim=aim,
            improvement_start=date(2022, 3, 1),
            governance_group=f"{prefix}heads of service",
        )
        member = ChampionsGroupMember.objects.create(
            authority=authority,
            project=project,
            name=f"{prefix}member",
            agency=Agency.LEGAL,
        )
        primary = Driver.objects.create(
            authority=authority, project=project, text=f"{prefix}primary", position=1
        )
        secondary = Driver.objects.create(
            authority=authority,
            project=project,
            parent=primary,
            text=f"{prefix}secondary",
            position=1,
        )
        idea = ChangeIdea.objects.create(
            authority=authority, project=project, title=f"{prefix}idea", position=1
        )
        idea.drivers.add(secondary)
        first = PdsaCycle.objects.create(
            authority=authority,
            change_idea=idea,
            hoped_to_achieve=f"{prefix}hoped",
            started_on=date(2022, 3, 7),
            team=team,
            age_band="1_4",
            locality=f"{prefix}north",
        )
        first.learned = f"{prefix}learned"
        first.next_steps = f"{prefix}next"
        first.close(date(2022, 4, 4), Decision.ADOPT)
        second = PdsaCycle.objects.create(
            authority=authority,
            change_idea=idea,
            follows=first,
            hoped_to_achieve=f"{prefix}hoped again",
            started_on=date(2022, 5, 2),
        )
        outcome = Measure.objects.create(
            authority=authority,
            project=project,
            kind=MeasureKind.OUTCOME,
            title=f"{prefix}outcome",
            source=MeasureSource.AIM_WEEKS,
            local_aim=aim,
        )
        entered = Measure.objects.create(
            authority=authority,
            project=project,
            kind=MeasureKind.BALANCING,
            title=f"{prefix}moves",
            source=MeasureSource.ENTERED_COUNT,
            unit=f"{prefix}placement moves",
        )
        value = MeasureValue.objects.create(
            authority=authority, measure=entered, month=date(2022, 1, 1), count=4, note=prefix
        )
        feedback = Feedback.objects.create(
            authority=authority,
            project=project,
            month=date(2022, 6, 1),
            giver=FeedbackGiver.PARENT,
            point=FeedbackPoint.PLANNING_MEETING,
            understood=4,
            listened_to=5,
            words=f"{prefix}words",
        )
        risk = Risk.objects.create(
            authority=authority,
            project=project,
            description=f"{prefix}risk",
            owner=f"{prefix}owner",
            likelihood=3,
            impact=4,
            raised_on=date(2022, 2, 1),
        )
        # A note typed on a point of the outcome measure's chart.
        note = ChartNote.objects.create(
            authority=authority,
            chart=f"measure:{outcome.pk}",
            on=date(2022, 3, 1),
            text=f"{prefix}chart note",
        )
        idea.refresh_from_db()
        return Record(
            aim=aim,
            project=project,
            member=member,
            primary=primary,
            secondary=secondary,
            idea=idea,
            first_cycle=first,
            second_cycle=second,
            outcome=outcome,
            entered=entered,
            value=value,
            feedback=feedback,
            risk=risk,
            note=note,
        )


@pytest.fixture
def record_a(two_authorities: tuple[LocalAuthority, LocalAuthority]) -> Record:
    return improvement_record(two_authorities[0], "alpha-")


@pytest.fixture
def record_b(two_authorities: tuple[LocalAuthority, LocalAuthority]) -> Record:
    return improvement_record(two_authorities[1], "bravo-")


@pytest.fixture
def sign_in_as(client, users_a: dict[Role, User]):  # type: ignore[no-untyped-def]
    def _sign_in(role: Role):  # type: ignore[no-untyped-def]
        client.logout()
        assert client.login(username=users_a[role].username, password=PASSWORD)
        return client

    return _sign_in


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """The pages read the journeys frame from the dashboards' cache: each test starts, and
    leaves, with it empty, so no test sees another's frame."""
    cache.STORE.clear()
    yield
    cache.STORE.clear()
