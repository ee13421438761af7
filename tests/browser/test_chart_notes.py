"""A note typed on a point of a measure's chart with the keyboard alone: the point chosen
from the chart's own points, the note listed under the chart with who wrote it, and
marked on the chart (N1). The page is checked with axe at 1366 px and for reflow at
320 px."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from playwright.sync_api import Page, expect

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import (
    ImprovementProject,
    Measure,
    MeasureKind,
    MeasureSource,
    MeasureValue,
)
from permanence.web.kernel.scope import Scope, scoped_to

from .test_improvement import rows_in

NOTE = "Two sibling groups came into care"


def _measure(authority: LocalAuthority) -> Measure:
    """A rate entered by hand over four months, on a project of the authority's."""
    with scoped_to(Scope.authority(authority.pk)):
        project = ImprovementProject.objects.create(
            authority=authority, title="Stable placements", national_aim="aim_2"
        )
        measure = Measure.objects.create(
            authority=authority,
            project=project,
            kind=MeasureKind.BALANCING,
            title="Placement moves per 100 care days",
            source=MeasureSource.ENTERED_RATE,
            unit="placement moves",
            exposure="care days",
            chart="control",
        )
        for month, (count, days) in enumerate([(3, 900), (5, 950), (2, 880), (4, 910)], 1):
            MeasureValue.objects.create(
                authority=authority,
                measure=measure,
                month=date(2026, month, 1),
                count=count,
                denominator=days,
            )
    return measure


def test_a_note_is_typed_on_a_point_with_the_keyboard_and_marked_on_the_chart(
    demo_authority: LocalAuthority,
    sign_in: Callable[[Role], Page],
    assert_accessible: Callable[[Page], None],
    live_server: object,
) -> None:
    measure = _measure(demo_authority)
    page = sign_in(Role.DATA_LEAD)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/improvement/measures/{measure.pk}/")  # type: ignore[attr-defined]
    expect(page.get_by_role("heading", name="Notes on the chart's points")).to_be_visible()
    assert_accessible(page)

    # The keyboard alone: the point from the list of the chart's points, then the note.
    point = page.get_by_label("The point", exact=True)
    point.focus()
    page.keyboard.press("ArrowDown")  # January 2026 -> February 2026
    expect(point).to_have_value("2026-02-01")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Note", exact=True)).to_be_focused()
    page.keyboard.type(NOTE)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Add the note")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    notes = page.locator("section.chart-notes table")
    expect(notes).to_contain_text(NOTE)
    expect(notes).to_contain_text("February 2026")
    expect(notes).to_contain_text("N1")
    spec = json.loads(page.locator(f"#measure-chart-{measure.pk}-spec").text_content() or "{}")
    assert any(row.get("number") == "N1" for row in rows_in(spec))
    assert f"N1, 1 Feb 2026: {NOTE}" in spec["description"]
    expect(page.locator(f"#measure-chart-{measure.pk}-alt")).to_contain_text(NOTE)
    assert_accessible(page)

    # Reflow at 320 px: nothing scrolls sideways, and the form is still reachable.
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    expect(page.get_by_label("The point", exact=True)).to_be_visible()
    assert_accessible(page)
