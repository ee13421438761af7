"""The dashboards in a real Chromium: each role's overview, a run chart with a signal,
opening a child from a dot, filters kept in a shared address, downloads, and printing.
Every page is checked with axe.

The synthetic authority's children wait less once the improvement work begins (the
generator's default improvement start), and the improvement record here says the work
began that day, so Aim 2's run chart shows a shift after the red line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from permanence.synth import generate
from permanence.synth.generator import default_improvement_start
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.demo import prepare_demo_improvement
from permanence.web.kernel import cache
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.loading import load_tables
from permanence.web.records.models import ImportBatch

from .conftest import PASSWORD

# The day demo_authority's synthetic history ends; the dashboards read it as today.
TODAY = date(2026, 9, 30)
IMPROVEMENT_START = default_improvement_start(TODAY)
JOURNEY = re.compile(r"^/children/\d+/$")
CHILDREN = 200


@pytest.fixture
def dashboard(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalAuthority]:
    """A synthetic authority of 200 children (enough for Aim 2's run chart to show the
    shift after the improvement start), its improvement record, and a person of every
    role, seen on TODAY."""
    monkeypatch.setattr(cache, "today", lambda: TODAY)
    cache.STORE.clear()
    with scoped_to(Scope.everything()):
        authority = LocalAuthority.objects.create(code="TEST", name="Testshire Council")
        batch = ImportBatch.objects.create(authority=authority, source="synthetic")
    load_tables(generate(CHILDREN, 7, end=TODAY), authority=authority, batch=batch)
    for role in Role:
        User.objects.create_user(
            username=role.value,
            password=PASSWORD,
            authority=authority,
            role=role,
            email=f"{role.value}@example.invalid",
        )
    with scoped_to(Scope.authority(authority.pk)):
        prepare_demo_improvement(authority, as_of=TODAY, improvement_start=IMPROVEMENT_START)
    yield authority
    cache.STORE.clear()


def rendered(page: Page, chart_id: str) -> None:
    expect(page.locator(f"#{chart_id}")).to_have_attribute("data-rendered", "true", timeout=20000)


def embedded_spec(page: Page, chart_id: str) -> dict[str, Any]:
    text = page.locator(f"script#{chart_id}-spec").text_content() or "{}"
    spec: dict[str, Any] = json.loads(text)
    return spec


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


@pytest.mark.parametrize(
    "role", [Role.ADMINISTRATOR, Role.DATA_LEAD, Role.PRACTITIONER, Role.VIEWER]
)
def test_each_role_reads_the_aims_overview(
    dashboard: LocalAuthority,
    sign_in: Callable[[Role], Page],
    assert_accessible: Callable[[Page], None],
    role: Role,
) -> None:
    page = sign_in(role)
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    for title in ("Aim 1", "Aim 2", "Aim 3", "Aim 4", "Our Aim 2"):
        expect(page.get_by_role("heading", name=title, exact=False).first).to_be_visible()
    section = page.locator("section[aria-labelledby='aim-aim_2']")
    figures = section.locator(".figures")
    expect(figures.get_by_text("Met the aim", exact=True)).to_be_visible()
    expect(figures.get_by_text("Still waiting", exact=True)).to_be_visible()
    # One plain sentence of what the run chart rules say, naming the rule.
    expect(section.locator(".headline")).to_contain_text(
        re.compile(
            r"Since the improvement work began in \w+ \d{4}, .*: an? (shift|trend)"
            r"(, an? (improvement|concern))?\."
        )
    )
    rendered(page, "chart-aim_2-trend")
    assert_accessible(page)


def test_a_run_chart_shows_its_signal_and_a_dot_opens_the_childs_journey(
    dashboard: LocalAuthority,
    sign_in: Callable[[Role], Page],
    assert_accessible: Callable[[Page], None],
    live_server: Any,
) -> None:
    page = sign_in(Role.DATA_LEAD)
    page.get_by_role(
        "link", name="See the run chart and the children still waiting for Aim 2"
    ).click()
    expect(page.get_by_role("heading", name="Aim 2: the run chart", level=1)).to_be_visible()
    for chart in ("run-chart", "still-waiting", "survival", "p-chart"):
        rendered(page, f"chart-aim_2-{chart}")

    # The signal: named in words, and picked out on the chart with the rule's name.
    expect(page.locator(".findings")).to_contain_text("a shift")
    spec = embedded_spec(page, "chart-aim_2-run-chart")
    points = [row for row in rows_in(spec) if "value_text" in row]
    shifted = [row for row in points if "Shift" in (row.get("signals") or "")]
    assert shifted, "the run chart marks no point as part of a shift"
    assert any(row["date"] >= IMPROVEMENT_START.isoformat() for row in shifted)
    legend = page.locator("#chart-aim_2-run-chart svg")
    expect(legend).to_contain_text("Shift")
    assert_accessible(page)

    # A dot carries the child's pseudonymous reference in its tooltip and opens the journey.
    assert all(re.fullmatch(r"C-[A-Z2-9]{4}-[A-Z2-9]{4}", row["label"]) for row in points)
    dot = page.locator("#chart-aim_2-run-chart [data-href]").first
    href = dot.get_attribute("data-href") or ""
    assert JOURNEY.match(href), href
    assert href in {row.get("href") for row in points}
    dot.dispatch_event("click")
    page.wait_for_url(f"{live_server.url}{href}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Child ")
    expect(page.get_by_role("heading", name="The aims' clocks").first).to_be_visible()
    assert_accessible(page)


def test_a_viewer_sees_pseudonyms_but_no_links_and_no_child_record(
    dashboard: LocalAuthority, sign_in: Callable[[Role], Page], live_server: Any
) -> None:
    page = sign_in(Role.VIEWER)
    page.goto(f"{live_server.url}/aims/aim_2/")
    rendered(page, "chart-aim_2-run-chart")
    expect(page.locator("[data-href]")).to_have_count(0)
    spec = embedded_spec(page, "chart-aim_2-run-chart")
    assert "href" not in json.dumps(spec)
    assert page.locator("a[href^='/children/']").count() == 0
    response = page.goto(f"{live_server.url}/children/")
    assert response is not None and response.status == 403


def test_filters_live_in_the_address_and_a_shared_address_shows_the_same_view(
    dashboard: LocalAuthority,
    sign_in: Callable[[Role], Page],
    assert_accessible: Callable[[Page], None],
) -> None:
    page = sign_in(Role.DATA_LEAD)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("link", name="Where children wait", exact=True).click()
    # The filters fold away, closed, saying which children are shown.
    disclosure = page.locator(".filters-disclosure summary")
    expect(disclosure).to_contain_text("Which children to show: all children")
    expect(page.locator("form.filters")).to_be_hidden()
    disclosure.click()
    team = page.get_by_label("Team", exact=True)
    chosen = team.locator("option").nth(2).get_attribute("value") or ""
    team.select_option(chosen)
    page.get_by_label("Trend charts by", exact=True).select_option("quarter")
    page.get_by_role("button", name="Show these children").click()
    page.wait_for_load_state()
    assert "per=quarter" in page.url and "team=" in page.url
    assert "period=" not in page.url and "route=" not in page.url  # defaults left out
    expect(page.locator(".ds_leader")).to_contain_text(f"team {chosen}")
    expect(page.locator(".filters-disclosure summary")).to_contain_text(f"team {chosen}")
    expect(
        page.get_by_role("heading", name="By the quarter children were accommodated")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Copy the address").click()
    expect(page.get_by_role("status").filter(has_text="copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url

    shared = page.context.new_page()
    shared.goto(copied)
    expect(shared.get_by_label("Team", exact=True)).to_have_value(chosen)
    expect(shared.get_by_label("Trend charts by", exact=True)).to_have_value("quarter")
    expect(shared.locator(".ds_leader")).to_have_text(page.locator(".ds_leader").inner_text())
    assert (
        shared.locator(".figures").first.inner_text() == page.locator(".figures").first.inner_text()
    )
    assert shared.locator("table").first.inner_text() == page.locator("table").first.inner_text()

    # A mistyped address is read as far as it can be, and says what it ignored.
    shared.goto(copied.replace("per=quarter", "per=fortnight") + "&colour=blue")
    expect(shared.get_by_role("status").filter(has_text="could not be used")).to_contain_text(
        "fortnight"
    )
    expect(shared.get_by_label("Team", exact=True)).to_have_value(chosen)
    assert_accessible(shared)


def test_each_chart_downloads_as_png_svg_and_csv(
    dashboard: LocalAuthority, sign_in: Callable[[Role], Page], live_server: Any
) -> None:
    page = sign_in(Role.VIEWER)
    page.goto(f"{live_server.url}/aims/aim_2/")
    actions = page.locator("#chart-aim_2-run-chart-figure ~ .chart-actions").first

    with page.expect_download() as png_download:
        actions.get_by_role("link", name=re.compile("Download the chart as PNG")).click()
    png = png_download.value
    assert png.suggested_filename == "aim_2-run-chart.png"
    assert png.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    with page.expect_download() as svg_download:
        actions.get_by_role("link", name=re.compile("Download the chart as SVG")).click()
    svg = svg_download.value.path().read_text(encoding="utf-8")
    assert svg_download.value.suggested_filename == "aim_2-run-chart.svg"
    assert svg.lstrip().startswith("<svg") and "<title" in svg and "<desc" in svg

    with page.expect_download() as csv_download:
        actions.get_by_role("link", name=re.compile("Download the data as CSV")).click()
    text = csv_download.value.path().read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Child (pseudonymous reference)"
    assert len(rows) > 10
    assert all(re.fullmatch(r"C-[A-Z2-9]{4}-[A-Z2-9]{4}", row[0]) for row in rows[1:])


def test_printing_hides_the_navigation_and_prints_each_chart_as_its_image(
    dashboard: LocalAuthority, sign_in: Callable[[Role], Page], live_server: Any
) -> None:
    page = sign_in(Role.DATA_LEAD)
    page.goto(f"{live_server.url}/aims/aim_2/")
    rendered(page, "chart-aim_2-run-chart")
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation).to_be_visible()

    # How many chart images the page is fetching at once, at most.
    in_flight: list[int] = [0, 0]  # now, most

    def started(request: Any) -> None:
        if ".png" in request.url:
            in_flight[0] += 1
            in_flight[1] = max(in_flight)

    def ended(request: Any) -> None:
        if ".png" in request.url:
            in_flight[0] -= 1

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    page.emulate_media(media="print")
    figure = page.locator("#chart-aim_2-run-chart-figure")
    # Printing asks the server for every chart's PNG at once; on a busy two-core machine
    # they can take a while. This checks what prints, not how fast.
    expect(figure).to_have_class(re.compile("print-ready"), timeout=120_000)
    image = figure.locator("img.chart-print")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") > 0
    assert (image.get_attribute("src") or "").startswith("/aims/aim_2/charts/run-chart.png")
    expect(figure.locator(".chart-live")).to_be_hidden()
    # Every chart on the page prints, each image fetched after the one before.
    printed = page.evaluate(
        """() => window.permanencePrintImages().then(() =>
            Array.from(document.querySelectorAll("img[data-print-src]"))
                .map(image => image.naturalWidth > 0))"""
    )
    assert len(printed) >= 3 and all(printed), printed
    assert in_flight[1] == 1, "the chart images should be fetched one at a time"
    expect(navigation).to_be_hidden()
    expect(page.locator("form.filters")).to_be_hidden()
    expect(page.locator(".chart-actions").first).to_be_hidden()
    pdf = page.pdf(format="A4", landscape=True)
    assert pdf.startswith(b"%PDF")


def test_where_children_wait_and_the_childrens_list_are_accessible(
    dashboard: LocalAuthority,
    sign_in: Callable[[Role], Page],
    assert_accessible: Callable[[Page], None],
) -> None:
    page = sign_in(Role.PRACTITIONER)
    page.get_by_role("link", name="Where children wait", exact=True).click()
    expect(page.get_by_role("heading", name="Where children wait", level=1)).to_be_visible()
    for chart in (
        "where-children-wait",
        "where-children-wait-by-period",
        "where-children-wait-by-team",
    ):
        rendered(page, f"chart-{chart}")
    page.get_by_text("Show the data as a table").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Children", exact=True).click()
    page.locator(".filters-disclosure summary").click()
    page.get_by_label("Age when accommodated").select_option("1_4")
    page.get_by_role("button", name="Show these children").click()
    page.wait_for_load_state()
    assert "age=1_4" in page.url
    expect(page.locator(".ds_leader")).to_contain_text("aged 1 to 4")
    # The list can be shared and printed like the dashboards.
    expect(page.get_by_role("button", name="Copy the address")).to_be_visible()
    expect(page.get_by_role("button", name="Print this page")).to_be_visible()
    assert_accessible(page)


def test_the_filters_and_a_chart_table_work_from_the_keyboard(
    dashboard: LocalAuthority, sign_in: Callable[[Role], Page]
) -> None:
    page = sign_in(Role.VIEWER)
    disclosure = page.locator(".filters-disclosure summary")
    disclosure.focus()
    page.keyboard.press("Enter")  # the folded filters open from the keyboard
    route = page.get_by_label("Route recommended")
    route.focus()
    page.keyboard.press("ArrowDown")  # the first route
    expect(route).to_have_value("return_home")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show these children")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?route=return_home$"))
    summary = page.locator(".chart-table summary").first
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".chart-table table").first).to_be_visible()


def test_the_sign_in_and_password_reset_pages_are_accessible(
    page: Page, live_server: Any, db: None, assert_accessible: Callable[[Page], None]
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("did not match")
    assert_accessible(page)
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill("someone@example.invalid")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)
