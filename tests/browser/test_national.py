"""The national workspace in a real browser: a national user reads it, and axe agrees.

The national team signs in, opens the national figures and an aim's page (its funnel
plot drawn by vega-embed), and axe-core finds no WCAG 2.2 A or AA problem on either.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from permanence.analysis.benchmarking import Section
from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.national.publication import reference_date
from permanence.web.national.sharing import decide


@pytest.fixture
def sharing_authority(
    demo_authority: LocalAuthority, settings: Any, tmp_path: Path
) -> LocalAuthority:
    settings.NATIONAL_SNAPSHOT_DIR = tmp_path / "national"
    decide(
        demo_authority,
        set(Section),
        by=None,
        note="browser test",
        as_of=reference_date(timezone.localdate()),
    )
    return demo_authority


def test_a_national_user_reads_the_national_figures(
    sharing_authority: LocalAuthority,
    sign_in: Callable[[Role], Page],
    live_server: Any,
    assert_accessible: Callable[[Page], None],
) -> None:
    page = sign_in(Role.NATIONAL)
    page.goto(f"{live_server.url}/national/")
    expect(page.get_by_role("heading", name="National figures", level=1)).to_be_visible()
    expect(page.get_by_role("row", name=sharing_authority.name).first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="National workspace").get_by_role(
        "link", name="Aim 2"
    ).click()
    expect(page.get_by_role("heading", name="Aim 2: national figures")).to_be_visible()
    expect(page.locator("[data-vega-spec][data-rendered='true']").first).to_be_attached()
    assert_accessible(page)


def test_the_national_pages_show_no_childs_reference(
    sharing_authority: LocalAuthority,
    sign_in: Callable[[Role], Page],
    live_server: Any,
) -> None:
    from permanence.web.kernel.scope import Scope, scoped_to
    from permanence.web.records.models import Child

    with scoped_to(Scope.authority(sharing_authority.pk)):
        references = list(Child.objects.values_list("child_ref", flat=True))
    page = sign_in(Role.NATIONAL)
    for address in (
        "/national/",
        "/national/aims/aim_2/",
        "/national/survival/",
        "/national/stages/",
    ):
        page.goto(f"{live_server.url}{address}")
        text = page.content()
        # References of 5 or more digits, so a count or a year cannot be mistaken for one.
        assert [ref for ref in references if len(ref) >= 5 and ref in text] == []


#: The narrowest a chart is drawn (``LEGIBLE`` in charts.js and national.js).
LEGIBLE = 540


@pytest.mark.parametrize("width", [320, 1366])
def test_national_charts_keep_a_legible_width_and_scroll_inside_their_region(
    sharing_authority: LocalAuthority,
    sign_in: Callable[[Role], Page],
    live_server: Any,
    width: int,
) -> None:
    """At 320 px a national chart is drawn 540 px wide and scrolls inside its own labelled
    region (the page does not scroll sideways); at 1366 px it fits its column. Without
    the minimum width the 320 px chart is squeezed into 288 px and this fails."""
    page = sign_in(Role.NATIONAL)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/national/aims/aim_2/")
    charts = page.locator("[data-vega-spec][data-rendered='true']")
    expect(charts.first).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for chart in charts.all():
        drawn = chart.evaluate(
            """(element) => ({
                svg: element.querySelector("svg").getBoundingClientRect().width,
                box: element.clientWidth,
                scrolls: element.scrollWidth > element.clientWidth,
                role: element.getAttribute("role"),
                label: element.getAttribute("aria-label") || "",
                tabindex: element.getAttribute("tabindex"),
            })"""
        )
        if width == 320:
            assert drawn["svg"] >= LEGIBLE, drawn
            assert drawn["scrolls"], drawn
            # Its own region, named and reachable from the keyboard, as on the dashboards
            # (vega-embed makes the container a labelled graphics document).
            assert drawn["role"] in {"region", "graphics-document"} and drawn["label"], drawn
            assert drawn["tabindex"] == "0", drawn
        else:
            assert drawn["box"] > LEGIBLE and drawn["svg"] <= drawn["box"] + 1, drawn
            assert not drawn["scrolls"], drawn
