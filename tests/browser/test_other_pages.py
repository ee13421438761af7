"""The pages the other browser tests do not reach, each checked with axe: review
planning, imports, the report pack and sharing with the national team."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from permanence.synth import generate
from permanence.synth.messy import make_messy
from permanence.synth.writers import write_csv
from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.importing import import_extract
from permanence.web.records.models import Child, ImportBatch

EXTRACT_DATE = date(2026, 9, 30)


@pytest.fixture
def imported(demo_authority: LocalAuthority, tmp_path: Path) -> ImportBatch:
    """A messy extract of the same authority brought in, so its import has issues to show."""
    tables = generate(120, 7, end=EXTRACT_DATE)
    files = write_csv(make_messy(tables, 7), tmp_path)
    outcome = import_extract(files, authority=demo_authority, extract_date=EXTRACT_DATE)
    assert outcome.batch is not None
    return outcome.batch


def _visit(page: Page, url: str, heading: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/planning/", "due"),
        ("/planning/authority/", "due"),
        ("/planning/notifications/", "Notifications"),
        ("/planning/feeds/", "Calendar"),
        ("/planning/policy/", "polic"),
        ("/imports/", "Imports"),
        ("/imports/new/", "Bring in an extract"),
        ("/reports/", "Report pack"),
    ],
)
def test_a_data_leads_pages_are_accessible(
    sign_in: Callable[[Role], Page],
    live_server: Any,
    imported: ImportBatch,
    assert_accessible: Callable[[Page], None],
    path: str,
    heading: str,
) -> None:
    page = sign_in(Role.DATA_LEAD)
    _visit(page, f"{live_server.url}{path}", heading)
    assert_accessible(page)


def test_an_imports_issues_and_a_childs_plan_are_accessible(
    sign_in: Callable[[Role], Page],
    live_server: Any,
    imported: ImportBatch,
    demo_authority: LocalAuthority,
    assert_accessible: Callable[[Page], None],
) -> None:
    page = sign_in(Role.DATA_LEAD)
    _visit(page, f"{live_server.url}/imports/{imported.pk}/", "Import")
    expect(page.get_by_text("Issues by rule")).to_be_visible()
    assert_accessible(page)
    with scoped_to(Scope.authority(demo_authority.pk)):
        child = Child.objects.order_by("pk").first()
    assert child is not None
    page.goto(f"{live_server.url}/planning/children/{child.pk}/")
    assert_accessible(page)


def test_the_report_pack_is_made_from_its_button_and_its_pages_are_accessible(
    sign_in: Callable[[Role], Page],
    live_server: Any,
    demo_authority: LocalAuthority,
    assert_accessible: Callable[[Page], None],
) -> None:
    page = sign_in(Role.VIEWER)
    _visit(page, f"{live_server.url}/reports/", "Report pack")
    page.get_by_role("button", name="Make the report pack").click()
    expect(page.get_by_role("link", name="PDF")).to_be_visible(timeout=120_000)
    assert_accessible(page)


def test_a_viewers_planning_summary_and_an_administrators_sharing_page_are_accessible(
    sign_in: Callable[[Role], Page],
    live_server: Any,
    demo_authority: LocalAuthority,
    assert_accessible: Callable[[Page], None],
) -> None:
    page = sign_in(Role.VIEWER)
    page.goto(f"{live_server.url}/planning/summary/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    page = sign_in(Role.ADMINISTRATOR)
    page.goto(f"{live_server.url}/national/sharing/")
    assert_accessible(page)
