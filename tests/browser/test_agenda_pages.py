"""A data lead makes the authority's own version of the two-week planning meeting agenda
with the keyboard alone: an item reworded, one moved to the top, one retired, one added.
Each page is checked with axe and for reflow at 320 px."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from playwright.sync_api import Page, expect

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.models import AgendaVersion

from .test_meetings import reflows_and_passes_axe, tab_to, type_date


def _replace(page: Page, text: str) -> None:
    """Type over what the focused field holds, as a person selecting it all would."""
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_a_data_lead_makes_an_agenda_version_with_the_keyboard(
    demo_authority: LocalAuthority,
    sign_in: Callable[[Role], Page],
    assert_accessible: Callable[[Page], None],
    live_server: Any,
) -> None:
    page = sign_in(Role.DATA_LEAD)
    page.goto(f"{live_server.url}/meetings/agendas/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Planning meeting agendas")
    reflows_and_passes_axe(page, assert_accessible)

    tab_to(page, "A", "Make a new version", "two-week planning meeting agenda")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Make a new version")
    reflows_and_passes_axe(page, assert_accessible)
    tab_to(page, "INPUT", "name")
    page.keyboard.type("Our two-week agenda 2")
    tab_to(page, "INPUT", "effective_from")
    type_date(page, date(2026, 1, 1))
    tab_to(page, "INPUT", "words_1")
    _replace(page, "Permanence talked through with the parents")
    tab_to(page, "INPUT", "place_6")
    _replace(page, "1")
    tab_to(page, "INPUT", "retire_8")
    page.keyboard.press("Space")
    tab_to(page, "INPUT", "new_1")
    page.keyboard.type("Kinship carers considered")
    tab_to(page, "BUTTON", "Save the new version")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Our two-week agenda 2 saved")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Our two-week agenda 2")
    reflows_and_passes_axe(page, assert_accessible)

    with scoped_to(Scope.authority(demo_authority.pk)):
        version = AgendaVersion.objects.get(name="Our two-week agenda 2")
    items = version.as_agenda().items
    assert [item.key for item in items[:2]] == ["review_dates_set", "permanence_discussed"]
    assert items[1].text == "Permanence talked through with the parents"
    assert "leaflet_offered" not in {item.key for item in items}
    assert items[-1].key == "kinship_carers_considered"
