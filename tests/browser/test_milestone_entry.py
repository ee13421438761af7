"""A practitioner adds a milestone the extract lacks on a child's journey page with the
keyboard alone (docs/meetings.md, "Milestones entered in the app"), and the child's Aim 2
clock stops at it. Each page is checked with axe and for reflow at 320 px."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import polars as pl
from playwright.sync_api import Page, expect

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.kernel import cache
from permanence.web.kernel.cache import authority_data
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import CarePeriod, Milestone

from .test_meetings import reflows_and_passes_axe, tab_to, type_date


def _press_down_until(page: Page, value: str, most: int = 12) -> None:
    """Move the focused list's choice down, as a person does with the arrow key."""
    for _ in range(most):
        if page.evaluate("document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == value


def test_a_practitioner_adds_a_recommendation_with_the_keyboard(
    demo_authority: LocalAuthority,
    sign_in: Callable[[Role], Page],
    assert_accessible: Callable[[Page], None],
    live_server: Any,
) -> None:
    # A child still waiting for a recommendation, accommodated in a period still going on.
    with scoped_to(Scope.authority(demo_authority.pk)):
        frame = authority_data(demo_authority.pk).frame
        row = (
            frame.filter(
                pl.col("accommodated_date").is_not_null()
                & pl.col("period_end").is_null()
                & pl.col("recommendation_date").is_null()
            )
            .sort("accommodated_date")
            .row(-1, named=True)
        )
        period = CarePeriod.objects.select_related("child").get(
            child__child_ref=row["child_ref"], period_start=row["period_start"]
        )
        others = Milestone.objects.filter(care_period=period).count()
    child = period.child
    recommended = row["accommodated_date"] + timedelta(days=1)

    page = sign_in(Role.PRACTITIONER)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    tab_to(page, "A", "Add a milestone")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add a milestone")
    reflows_and_passes_axe(page, assert_accessible)

    # The care period: the child's latest, chosen already. The kind and the route: each
    # list's choice moved with the arrow key.
    tab_to(page, "SELECT", "milestone")
    _press_down_until(page, "permanence_recommendation")
    tab_to(page, "INPUT", "date")
    type_date(page, recommended)
    tab_to(page, "SELECT", "detail")
    _press_down_until(page, "poa")
    tab_to(page, "BUTTON", "Add the milestone")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Milestone saved: Permanence recommendation")).to_be_visible()
    expect(page.get_by_role("heading", name="Milestones entered here")).to_be_visible()
    reflows_and_passes_axe(page, assert_accessible)

    with scoped_to(Scope.authority(demo_authority.pk)):
        entered = Milestone.objects.exclude(entered_by=None).get(care_period=period)
        assert Milestone.objects.filter(care_period=period).count() == others + 1
    assert (entered.milestone, entered.date, entered.detail) == (
        "permanence_recommendation",
        recommended,
        "poa",
    )
    assert entered.entered_by is not None and entered.entered_by.username == "practitioner"
    # The figures read it: the child's recommendation is the date typed in.
    cache.STORE.clear()
    with scoped_to(Scope.authority(demo_authority.pk)):
        frame = authority_data(demo_authority.pk).frame
    [after] = frame.filter(
        (pl.col("child_ref") == child.child_ref) & (pl.col("period_start") == period.period_start)
    ).iter_rows(named=True)
    assert after["recommendation_date"] == recommended

    # The change page, with its history, passes the same checks, reached by the keyboard.
    tab_to(page, "A", "Change", "permanence recommendation")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Its history")).to_be_visible()
    reflows_and_passes_axe(page, assert_accessible)
    assert "Typed in" in page.content()
