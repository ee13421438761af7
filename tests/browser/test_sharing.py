"""Sharing learning in a real browser: the library, publishing, progress, and advisers'
access, each at a phone's width (320 px, nothing scrolls sideways) and a laptop's, with
axe-core finding no WCAG 2.2 A or AA problem (docs/sharing.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.demo import prepare_demo_improvement
from permanence.web.improvement.models import (
    ChangeIdea,
    ImprovementProject,
    Measure,
    MeasureSource,
)
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.national.learning import publish
from permanence.web.national.models import AdviserGrant, ProjectProgress
from permanence.web.national.sharing import decide

AS_OF = date(2026, 9, 30)


@pytest.fixture
def learning_authority(demo_authority: LocalAuthority) -> dict[str, int]:
    prepare_demo_improvement(demo_authority, as_of=AS_OF, improvement_start=date(2024, 6, 1))
    admin = User.objects.get(username=Role.ADMINISTRATOR.value)
    decide(demo_authority, set(), by=admin, note="browser test", learning=True)
    national = User.objects.get(username=Role.NATIONAL.value)
    with scoped_to(Scope.authority(demo_authority.pk)):
        idea = ChangeIdea.objects.order_by("pk").first()
        assert idea is not None
        # A measure whose months can be shared, so the idea's page draws its run chart.
        shareable = (
            MeasureSource.ENTERED_RATIO,
            MeasureSource.ENTERED_COUNT,
            MeasureSource.AIM_PERCENT,
        )
        measure = (
            Measure.objects.filter(project=idea.project, source__in=shareable)
            .order_by("pk")
            .first()
        )
        shared = publish(
            idea, by=admin, measure=measure, files=[("agenda.txt", "text/plain", b"agenda")]
        )
        project = ImprovementProject.objects.order_by("pk").first()
        ProjectProgress.objects.create(
            authority=demo_authority, project=project, phase="testing", score=Decimal("2.5")
        )
        today = timezone.localdate()
        grant = AdviserGrant.objects.create(
            authority=demo_authority,
            adviser=national,
            starts_on=today,
            ends_on=today + timedelta(days=30),
            reason="browser test",
            granted_by=admin,
        )
    return {"idea": shared.pk, "grant": grant.pk}


PAGES = {
    Role.DATA_LEAD: [
        "/national/library/",
        "/national/library/{idea}/",
        "/national/library/publish/",
        "/national/progress/ours/",
        "/national/statistics/",
    ],
    Role.ADMINISTRATOR: ["/national/sharing/", "/national/advisers/"],
    Role.NATIONAL: [
        "/national/library/{idea}/",
        "/national/progress/",
        "/national/advised/",
        "/national/advised/{grant}/",
        "/national/statistics/",
    ],
}


@pytest.mark.parametrize("width", [320, 1366])
def test_the_pages_of_sharing_learning_reflow_and_pass_axe(
    learning_authority: dict[str, int],
    sign_in: Callable[[Role], Page],
    live_server: Any,
    assert_accessible: Callable[[Page], None],
    width: int,
) -> None:
    for role, addresses in PAGES.items():
        page = sign_in(role)
        page.set_viewport_size({"width": width, "height": 900})
        for address in addresses:
            response = page.goto(live_server.url + address.format(**learning_authority))
            assert response is not None and response.status == 200, address
            if width == 320:
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, f"{address} scrolls sideways at 320 px ({scroll})"
            assert_accessible(page)
        page.context.clear_cookies()
