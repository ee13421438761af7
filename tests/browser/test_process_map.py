"""The process map in a real Chromium, at a phone's width and a laptop's: the flowchart
draws, scrolls inside its own labelled region at 320 px (never the page), the steps where
most waiting happens stand out in words, the flows per quarter draw with their table, a
data lead notes a step, and axe finds nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role

NARROW, WIDE = 320, 1366


@pytest.mark.parametrize("width", [NARROW, WIDE])
def test_the_process_map_reads_at_both_widths_and_a_step_can_be_noted(
    width: int,
    demo_authority: LocalAuthority,
    sign_in: Callable[[Role], Page],
    assert_accessible: Callable[[Page], None],
    live_server: Any,
) -> None:
    page = sign_in(Role.DATA_LEAD)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/process-map/")
    expect(page.get_by_role("heading", name="The process map", level=1)).to_be_visible()
    chart = page.locator("#chart-process-map")
    expect(chart).to_have_attribute("data-rendered", "true", timeout=20000)
    region = page.get_by_role("region", name="scrolls sideways on a narrow screen")
    expect(region).to_be_visible()
    expect(page.locator(".tag-most-waiting").first).to_be_visible()
    if width == NARROW:
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
        scroll = region.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert scroll[0] > scroll[1], "the map should scroll inside its own region"
    page.get_by_text("Show the data as a table").first.click()
    # the flows per quarter: a chart that draws, its table, and the page still reflows
    flows = page.locator("#chart-flows")
    flows.scroll_into_view_if_needed()
    expect(flows).to_have_attribute("data-rendered", "true", timeout=20000)
    expect(page.get_by_role("heading", name="Flows: coming into care")).to_be_visible()
    page.get_by_text("Show the data as a table").nth(1).click()
    expect(
        page.get_by_role("region", name="The data of the chart: Children coming")
    ).to_be_visible()
    if width == NARROW:
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
    assert_accessible(page)

    page.get_by_role("link", name="Add a note on First Looked After Child review held").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Note on the step")
    assert_accessible(page)
    page.get_by_label("Who owns this step").fill("Reviewing officers")
    page.get_by_label("What is being tested here").fill("Every review date set at accommodation")
    page.get_by_role("button", name="Save the note").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status").first).to_contain_text("Saved the note")
    expect(page.locator("#step-first_review")).to_contain_text("Reviewing officers")
    if width == NARROW:
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
    assert_accessible(page)
