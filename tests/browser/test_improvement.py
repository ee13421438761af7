"""Keeping the improvement record in a real browser: a project, its driver diagram, a
change idea and a PDSA cycle; refused when closing the cycle without the minimum record;
closed properly; and the cycle marked on the measure's chart. Every page is checked with
axe."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role

IDEA = "2-week planning meeting"
CYCLE = f"Cycle 1 of {IDEA}"


def rows_in(spec: Any) -> list[dict[str, Any]]:
    """Every data row in a Vega-Lite spec, whichever layer carries it."""
    rows: list[dict[str, Any]] = []
    if isinstance(spec, dict):
        data = spec.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            rows += [row for row in data["values"] if isinstance(row, dict)]
        for value in spec.values():
            rows += rows_in(value)
    elif isinstance(spec, list):
        for value in spec:
            rows += rows_in(value)
    return rows


def submit(page: Page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_a_pdsa_cycle_is_planned_refused_closed_and_marked_on_the_chart(
    demo_authority: LocalAuthority,
    sign_in: Callable[[Role], Page],
    assert_accessible: Callable[[Page], None],
) -> None:
    page = sign_in(Role.DATA_LEAD)

    # A project, on national Aim 2.
    page.get_by_role("link", name="Improvement", exact=True).click()
    expect(page.get_by_role("heading", name="Improvement projects", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start a new project").click()
    expect(page.get_by_label("Title")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill("Permanence within 26 weeks")
    page.get_by_label("Aim", exact=True).select_option("national:aim_2")
    page.get_by_label("The improvement work began on").fill("2024-03-01")
    submit(page, "Create the project")
    expect(page.get_by_role("heading", name="Permanence within 26 weeks", level=1)).to_be_visible()
    assert_accessible(page)

    # The driver diagram: a primary and a secondary driver.
    project_nav = page.get_by_role("navigation", name="This project")
    project_nav.get_by_role("link", name="Driver diagram").click()
    page.get_by_role("link", name="Add a primary driver").click()
    page.get_by_label("Primary driver").fill("Early, focused planning")
    submit(page, "Add the primary driver")
    page.get_by_role("link", name="Add a secondary driver under Early, focused planning").click()
    expect(page.get_by_label("Secondary driver")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Secondary driver").fill("Permanence discussed with parents")
    submit(page, "Add the secondary driver")
    picture = page.locator(".diagram-picture svg[role='img']")
    expect(picture).to_contain_text("Permanence discussed with parents")
    expect(page.locator(".driver-outline")).to_contain_text("Early, focused planning")
    assert_accessible(page)

    # A change idea linked to the secondary driver.
    page.get_by_role("link", name="add a change idea").click()
    page.get_by_label("Change idea").fill(IDEA)
    page.get_by_label("Permanence discussed with parents").check()
    assert_accessible(page)
    submit(page, "Add the change idea")
    expect(page.get_by_role("heading", name=IDEA, level=1)).to_be_visible()
    assert_accessible(page)

    # A PDSA cycle: all it needs to start is what it hopes to achieve, and its date.
    page.get_by_role("link", name="Plan a PDSA cycle").click()
    expect(page.get_by_label("What do you hope this change will achieve?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What do you hope this change will achieve?").fill(
        "Parents will know the plan for their child by the end of the meeting."
    )
    page.get_by_label("The test starts on").fill("2025-06-02")
    submit(page, "Start the cycle")
    expect(page.get_by_role("heading", name=CYCLE, level=1)).to_be_visible()
    assert_accessible(page)

    # Closing it without what was learned and the next steps is refused, saying so.
    page.get_by_role("link", name="Close the cycle").click()
    page.get_by_label("Closed on (the act date)").fill("2025-07-07")
    submit(page, "Close the cycle")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(
        "This cycle cannot be closed yet: write what was learned and the next steps."
    )
    expect(summary.get_by_role("link", name="Write what was learned")).to_be_visible()
    expect(page).to_have_title("Error: " + f"Close cycle 1 of “{IDEA}” · permanence")
    assert_accessible(page)

    # Closed properly, adopting the change.
    page.get_by_label("What was learned?").fill("Held within 14 days when set on day one.")
    page.get_by_label("What are the next steps?").fill("Adopt in every team.")
    page.get_by_label("Adopt: build the change into the system").check()
    submit(page, "Close the cycle")
    expect(page.get_by_text("Closed on 7 July 2025: adopt")).to_be_visible()
    assert_accessible(page)

    # The measure's chart marks the cycle and the implemented change without anyone
    # drawing them: in the spec the page embeds, and in the table beside the chart.
    page.get_by_role("navigation", name="This project").get_by_role("link", name="Measures").click()
    page.get_by_role("link", name="Aim 2: weeks each child waited").click()
    chart = page.locator(".chart[data-vega-spec]")
    expect(chart).to_have_attribute("data-rendered", "true")
    spec_id = chart.get_attribute("data-vega-spec")
    spec = json.loads(page.locator(f"script[id='{spec_id}']").text_content() or "{}")
    marks = {(row.get("label"), row.get("date")) for row in rows_in(spec) if "kind" in row}
    assert (CYCLE, "2025-06-02") in marks
    assert (IDEA, "2025-07-07") in marks
    table = page.locator("#tests-of-change-table")
    expect(table.locator("tbody tr", has_text=CYCLE)).to_contain_text("2 June 2025")
    implemented = table.locator("tbody tr", has_text="Change implemented")
    expect(implemented).to_contain_text(IDEA)
    expect(implemented).to_contain_text("7 July 2025")
    expect(page.locator(".chart svg").first).to_be_visible()
    assert_accessible(page)


def test_a_viewer_reads_the_record_but_is_offered_no_changes(
    demo_authority: LocalAuthority,
    sign_in: Callable[[Role], Page],
    assert_accessible: Callable[[Page], None],
    live_server: Any,
) -> None:
    page = sign_in(Role.VIEWER)
    page.get_by_role("link", name="Improvement", exact=True).click()
    expect(page.get_by_role("link", name="Start a new project")).to_have_count(0)
    assert_accessible(page)
    response = page.goto(f"{live_server.url}/improvement/projects/new/")
    assert response is not None and response.status == 403
