"""Every page a person can reach, in a real Chromium, at a phone's width and a laptop's.

The crawl starts at the start page as a data lead (the role that reaches the most pages)
and follows every link on the site, one page of each shape (``/children/12/`` stands for
every child's journey). On each page, at 320 px (WCAG 2.2, 1.4.10 reflow) and at 1366 px:

- nothing scrolls sideways at 320 px: wide tables, charts and diagrams scroll inside their
  own region;
- axe-core (WCAG 2.2 A and AA, colour contrast included) finds nothing serious or critical;
  at 320 px every closed <details> (the filters, the data tables, the chart in words) is
  opened first, in the same visit, so what is folded away is checked too;
- every form control shows a visible focus: a real outline or a box shadow, not the
  browser's faint ring.

The two widths are two tests, so ``pytest -n 2`` runs them side by side.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Page

from permanence.synth import generate
from permanence.synth.writers import write_csv
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.demo import prepare_demo_improvement
from permanence.web.records.importing import preview_upload

from .conftest import axe_violations

AS_OF = date(2026, 9, 30)
NARROW, WIDE = 320, 1366
# A bound that only a runaway crawl (a link that makes new shapes forever) would reach;
# the test fails if it does, so no page is left out silently as the product grows.
MOST_PAGES = 250
# Addresses that are not pages: downloads, the sign-out, actions, the admin (its own UI).
NOT_A_PAGE = re.compile(
    r"(logout|/admin/|\.(csv|xlsx|png|svg|pdf|pptx|ics|json|md|zip)$|/static/|/download|"
    r"/reports/packs/[^/]+/(pdf|pptx|xlsx)$|"
    r"\bpage=|/discard/|/load/|/progress)"
)
SERIOUS = {"serious", "critical"}
# The Design System shows focus by a thick outline, a box shadow, a drop shadow (filter) or
# a yellow background; the browser's own ring ("auto") is too faint to count.
FOCUS_STYLE = """(element) => {
    element.blur();
    const look = (style) => [style.boxShadow, style.filter, style.backgroundColor].join("|");
    const before = look(getComputedStyle(element));
    element.focus();
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && style.outlineStyle !== "auto"
        && parseFloat(style.outlineWidth) >= 2;
    return {focused: document.activeElement === element,
            visible: outline || look(style) !== before};
}"""
CONTROLS = (
    "main input:not([type=hidden]):visible, main select:visible, main textarea:visible, "
    "main button:visible"
)


@pytest.fixture
def every_page_authority(demo_authority: LocalAuthority, tmp_path: Path) -> LocalAuthority:
    """The demo authority with an improvement record and an import waiting with an error."""
    prepare_demo_improvement(demo_authority, as_of=AS_OF, improvement_start=date(2024, 6, 1))
    folder = tmp_path / "upload"
    write_csv(generate(20, 3, end=AS_OF), folder)
    children = folder / "children.csv"
    children.write_text(children.read_text().replace("child_ref", "Child Reference", 1))
    preview_upload(
        folder,
        authority=demo_authority,
        profile=None,
        extract_date=AS_OF,
        user=User.objects.get(username=Role.DATA_LEAD.value),
    )
    return demo_authority


def shape(path: str) -> str:
    """One page of each shape is enough: numbers stand for any record."""
    return re.sub(r"\d+", "N", urlsplit(path).path)


def crawl(page: Page, base: str, check: Callable[[str], None]) -> tuple[list[str], list[str]]:
    """Every page reachable by following links from the start page, one of each shape,
    each ``check``ed once while it is open (one visit a page keeps the test quick).

    Returns the pages visited and those still waiting when the bound stopped the crawl
    (none, unless something is wrong)."""
    seen: dict[str, str] = {}
    queue = ["/"]
    while queue and len(seen) < MOST_PAGES:
        path = queue.pop(0)
        if shape(path) in seen:
            continue
        response = page.goto(base + path)
        assert response is not None and response.ok, (
            f"{path} answered {response and response.status}"
        )
        seen[shape(path)] = path
        # The links first: a check moves the focus and may open a details box, never a link.
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        page.wait_for_load_state("networkidle")
        check(path)
        for href in links:
            parts = urlsplit(urljoin(base + path, href))
            if f"{parts.scheme}://{parts.netloc}" != base:
                continue
            found = parts.path + (f"?{parts.query}" if parts.query else "")
            if not NOT_A_PAGE.search(found) and shape(found) not in seen:
                queue.append(found)
    waiting = [path for path in queue if shape(path) not in seen]
    return list(seen.values()), waiting


# Opens every closed <details> on the page (the filters, the data tables, the chart in
# words) and says how many it opened and how many fetch their table when opened.
OPEN_EVERY_DETAILS = """() => {
    const closed = [...document.querySelectorAll("details:not([open])")];
    closed.forEach((details) => { details.open = true; });
    return {opened: closed.length,
            fetched: closed.filter((details) => details.hasAttribute("data-table-src")).length};
}"""
# A long table fetched on opening is in place (charts.js marks it loaded) or failed (the
# mark is taken away again): either way, nothing is still on its way.
FOLDED_TABLES_SETTLED = """() => [...document.querySelectorAll("details[data-table-src]")]
    .every((details) => details.getAttribute("data-loaded") !== "loading")"""
FOLDED_TABLES_FAILED = """() => [...document.querySelectorAll("details[data-table-src]")]
    .filter((details) => details.getAttribute("data-loaded") !== "true")
    .map((details) => details.getAttribute("data-table-src"))"""


@dataclass
class Opened:
    """How many closed <details> the check opened, over the whole crawl."""

    details: int = 0
    fetched_tables: int = 0


def open_every_details(page: Page, opened: Opened) -> list[str]:
    """Open every closed <details> so that what is folded away is checked too, in the
    same visit; wait for the long tables that are fetched on opening."""
    counts = page.evaluate(OPEN_EVERY_DETAILS)
    opened.details += counts["opened"]
    opened.fetched_tables += counts["fetched"]
    if not counts["fetched"]:
        return []
    # The toggle event (which starts the fetch) fires after the script returns.
    page.wait_for_function(FOLDED_TABLES_SETTLED, timeout=15_000)
    failed: list[str] = page.evaluate(FOLDED_TABLES_FAILED)
    return [f"the folded table {src} did not load when opened" for src in failed]


def problems_on(page: Page, width: int, opened: Opened) -> list[str]:
    found: list[str] = []
    if width == NARROW:
        # Folded content (filters, data tables) is checked at the phone's width, where it
        # is likeliest to widen the page; at 1366 px the page is checked as it loads.
        found += open_every_details(page, opened)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > NARROW:
            found.append(f"scrolls sideways: {scroll} px wide")
    for violation in axe_violations(page):
        if violation["impact"] in SERIOUS:
            found.append(f"axe {violation['id']} ({violation['impact']}): {violation['nodes']}")
    if width == WIDE:
        for control in page.locator(CONTROLS).all():
            focus = control.evaluate(FOCUS_STYLE)
            if focus["focused"] and not focus["visible"]:
                found.append(f"no visible focus on {control.evaluate('e => e.outerHTML')[:120]}")
    return found


@pytest.mark.parametrize("width", [NARROW, WIDE])
def test_every_page_reflows_is_accessible_and_shows_focus(
    every_page_authority: LocalAuthority,
    sign_in: Callable[[Role], Page],
    live_server: Any,
    width: int,
) -> None:
    page = sign_in(Role.DATA_LEAD)
    page.set_viewport_size({"width": width, "height": 900})
    failures: dict[str, list[str]] = {}
    opened = Opened()

    def check(path: str) -> None:
        if found := problems_on(page, width, opened):
            failures[path] = found

    paths, waiting = crawl(page, live_server.url, check)
    assert waiting == [], f"the crawl stopped at {len(paths)} pages with these unvisited: {waiting}"
    # The crawl reaches the pages the issue named, or it proves nothing.
    shapes = {shape(path) for path in paths}
    for expected in ("/", "/children/", "/children/N/", "/where-children-wait/", "/imports/N/"):
        assert expected in shapes, f"the crawl did not reach {expected}: {sorted(shapes)}"
    assert len(paths) >= 25, sorted(shapes)
    assert failures == {}, f"at {width} px: {failures}"
    if width == NARROW:
        # The folded content was opened and checked: the filters and the charts' tables
        # on every dashboard, and at least one long table fetched on opening.
        assert opened.details >= 20, opened
        assert opened.fetched_tables >= 1, opened
