"""Authority B's rows of sharing learning, for the walks (tests/web/conftest.py).

B published a change idea (with a template file) and recorded its project's progress,
then withdrew its consent to share what it learns: nothing of it may show to anyone of
authority A, by any address. B also let its own national-role person read its record
(a grant nobody of A holds) and adopted a change idea; each text carries B's markers.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import ChangeIdea, ImprovementProject
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.national.models import (
    Adoption,
    AdviserGrant,
    AdviserVisit,
    ProjectProgress,
    SharedChangeIdea,
    SharedTemplate,
)
from permanence.web.national.sharing import decide


def add_bravo_learning(authority_b: LocalAuthority, users_b: dict[Role, User]) -> None:
    admin = users_b[Role.ADMINISTRATOR]
    decide(authority_b, set(), by=admin, note="bravo-only consent", learning=True)
    with scoped_to(Scope.authority(authority_b.pk)):
        project = ImprovementProject.objects.create(
            authority=authority_b, title="bravo-only project", national_aim="aim_2"
        )
        idea = ChangeIdea.objects.create(
            authority=authority_b, project=project, title="bravo-only change idea"
        )
        shared = SharedChangeIdea.objects.create(
            authority=authority_b,
            change_idea=idea,
            title="bravo-only shared idea",
            description="bravo-only description",
            cycles=[{"number": 1, "learned": "bravo-only learning"}],
            published_by=admin,
        )
        SharedTemplate.objects.create(
            authority=authority_b,
            shared_idea=shared,
            name="bravo-agenda.txt",
            content_type="text/plain",
            size=12,
            content=b"bravo-agenda",
        )
        adopted = ChangeIdea.objects.create(
            authority=authority_b, project=project, title="bravo-only adopted idea"
        )
        Adoption.objects.create(
            authority=authority_b, change_idea=adopted, origin=shared, adopted_by=admin
        )
        ProjectProgress.objects.create(
            authority=authority_b,
            project=project,
            phase="testing",
            score=Decimal("2.5"),
            note="bravo-only score",
            recorded_by=admin,
        )
        today = timezone.localdate()
        grant = AdviserGrant.objects.create(
            authority=authority_b,
            adviser=users_b[Role.NATIONAL],
            starts_on=today,
            ends_on=today + timedelta(days=30),
            reason="bravo-only reason for access",
            granted_by=admin,
        )
        AdviserVisit.objects.create(
            authority=authority_b, grant=grant, adviser=users_b[Role.NATIONAL], page="bravo-page"
        )
    decide(authority_b, set(), by=admin, note="bravo-only withdrawal", learning=False)
