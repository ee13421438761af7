"""A practitioner records a two-week planning meeting and its checklist on a child's pages
with the keyboard alone (no mouse, no filling a field by script), and the measure moves.
Each page is checked with axe and for reflow at 320 px."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import polars as pl
from playwright.sync_api import Page, expect

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.kernel import cache
from permanence.web.kernel.cache import authority_data
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.measures import authority_meeting_measures
from permanence.web.meetings.models import AgendaItemRecord, PlanningMeeting
from permanence.web.records.models import CarePeriod

FOCUSED = """() => {
    const e = document.activeElement;
    if (!e) return "";
    const label = e.labels && e.labels.length ? e.labels[0].textContent : "";
    return [e.tagName, e.getAttribute("name") || "", e.getAttribute("value") || "",
            label.trim(), (e.textContent || "").trim()].join("|");
}"""


def tab_to(page: Page, *wanted: str, most: int = 200) -> None:
    """Press Tab until the focused element's tag, name, value, label or text holds every
    one of ``wanted``."""
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if all(part in focused for part in wanted):
            return
    raise AssertionError(f"Tab never reached {wanted}")


# The order of day, month and year in Chromium's date field follows the browser's own
# language, not the page's: a probe date typed first finds it, as a person sees it.
PROBE = {"2003-02-01": ("day", "month", "year"), "2003-01-02": ("month", "day", "year")}


def type_date(page: Page, day: date) -> None:
    """Type a date into the focused date field with the keys a person would press."""
    page.keyboard.type("01/02/2003")
    order = PROBE.get(page.evaluate("document.activeElement.value"), ("year", "month", "day"))
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    parts = {"day": f"{day:%d}", "month": f"{day:%m}", "year": f"{day:%Y}"}
    page.keyboard.type("/".join(parts[name] for name in order))
    assert page.evaluate("document.activeElement.value") == day.isoformat()


def reflows_and_passes_axe(page: Page, assert_accessible: Callable[[Page], None]) -> None:
    assert_accessible(page)
    wide = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.url
    if wide:
        page.set_viewport_size(wide)


def review_dates_measure(authority: LocalAuthority, month: date) -> tuple[int, int]:
    cache.STORE.clear()
    with scoped_to(Scope.authority(authority.pk)):
        data = authority_data(authority.pk)
        measures = authority_meeting_measures(authority.pk, data.frame, data.as_of)
    rows = measures["mtg_review_dates"].table.filter(pl.col("month") == month)
    return (int(rows["numerator"].sum()), int(rows["denominator"].sum()))


def test_a_practitioner_records_a_two_week_meeting_with_the_keyboard_and_the_measure_moves(
    demo_authority: LocalAuthority,
    sign_in: Callable[[Role], Page],
    assert_accessible: Callable[[Page], None],
    live_server: Any,
) -> None:
    # A child placed away from home in a care period still going on, whose two-week
    # meeting neither the extract nor anyone here has recorded (one in the extract would
    # count instead of the one typed in: the precedence rule).
    with scoped_to(Scope.authority(demo_authority.pk)):
        frame = authority_data(demo_authority.pk).frame
        row = (
            frame.filter(
                pl.col("accommodated_date").is_not_null()
                & pl.col("period_end").is_null()
                & pl.col("planning_2wk_date").is_null()
            )
            .sort("accommodated_date")
            .row(0, named=True)
        )
        period = CarePeriod.objects.select_related("child").get(
            child__child_ref=row["child_ref"], period_start=row["period_start"]
        )
        assert not PlanningMeeting.objects.filter(care_period=period, kind="planning_2wk").exists()
    child = period.child
    held = row["accommodated_date"] + timedelta(days=10)
    month = held.replace(day=1)
    before = review_dates_measure(demo_authority, month)

    page = sign_in(Role.PRACTITIONER)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    tab_to(page, "A", "planning meetings and decisions")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Planning meetings and decisions")
    reflows_and_passes_axe(page, assert_accessible)

    tab_to(page, "A", "Record a planning meeting")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a planning meeting")
    reflows_and_passes_axe(page, assert_accessible)
    # The care period: the child's latest, chosen already. The kind: the first radio takes
    # the focus; the arrow key moves to the two-week meeting and chooses it.
    tab_to(page, "INPUT", "kind_choice", "planning_72h")
    page.keyboard.press("ArrowDown")
    assert "planning_2wk" in page.evaluate(FOCUSED)
    tab_to(page, "INPUT", "held_date")
    type_date(page, held)
    tab_to(page, "INPUT", "attended", "parents")
    page.keyboard.press("Space")
    tab_to(page, "INPUT", "attended", "team_leader")
    page.keyboard.press("Space")
    tab_to(page, "BUTTON", "Record the meeting")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Two-week planning meeting")
    reflows_and_passes_axe(page, assert_accessible)

    with scoped_to(Scope.authority(demo_authority.pk)):
        meeting = PlanningMeeting.objects.get(care_period=period, kind="planning_2wk")
        items = {item.key: item.pk for item in meeting.items.all()}
    assert meeting.held_date == held
    assert meeting.attended == ["parents", "team_leader"]

    # The checklist: permanence discussed and review dates set done (Space chooses the
    # first answer, "Done"); the child's views not applicable (two arrows down), with why.
    for key in ("permanence_discussed", "review_dates_set"):
        tab_to(page, "INPUT", f"item_{items[key]}", "done")
        page.keyboard.press("Space")
    tab_to(page, "INPUT", f"item_{items['childs_views']}", "done")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_to(page, "INPUT", f"reason_{items['childs_views']}")
    page.keyboard.type("a baby of ten days")
    tab_to(page, "BUTTON", "Save the checklist")
    page.keyboard.press("Enter")
    expect(page.get_by_text("The checklist is saved (3 items changed).")).to_be_visible()
    reflows_and_passes_axe(page, assert_accessible)

    with scoped_to(Scope.authority(demo_authority.pk)):
        states = dict(AgendaItemRecord.objects.filter(meeting=meeting).values_list("key", "state"))
    assert states["permanence_discussed"] == "done"
    assert states["review_dates_set"] == "done"
    assert states["childs_views"] == "not_applicable"
    assert states["care_plan_agreed"] == ""
    # The measure: one more two-week meeting held that month, and it set every review date.
    assert review_dates_measure(demo_authority, month) == (before[0] + 1, before[1] + 1)

    # A decision's form, and the journey page that shows it, pass the same checks.
    page.goto(f"{live_server.url}/children/{child.pk}/decisions/new/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a decision")
    reflows_and_passes_axe(page, assert_accessible)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    expect(page.get_by_role("heading", name="Planning meetings and decisions")).to_be_visible()
    reflows_and_passes_axe(page, assert_accessible)
