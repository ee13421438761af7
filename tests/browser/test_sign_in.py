"""Signing in as each role, in a real browser, on accessible pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role


def test_the_sign_in_page_is_accessible(
    page: Page, live_server: Any, db: None, assert_accessible: Callable[[Page], None]
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("role", [role for role in Role if role is not Role.NATIONAL])
def test_each_role_signs_in_to_an_accessible_overview(
    demo_authority: LocalAuthority,
    sign_in: Callable[[Role], Page],
    assert_accessible: Callable[[Page], None],
    role: Role,
) -> None:
    page = sign_in(role)
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    expect(page.get_by_text(role.label, exact=False).first).to_be_visible()
    children_link = page.get_by_role("link", name="Children", exact=True)
    if role is Role.VIEWER:
        expect(children_link).to_have_count(0)
    else:
        expect(children_link).to_be_visible()
    assert_accessible(page)


def test_a_practitioner_reaches_a_childs_journey_by_keyboard(
    demo_authority: LocalAuthority,
    sign_in: Callable[[Role], Page],
    assert_accessible: Callable[[Page], None],
) -> None:
    page = sign_in(Role.PRACTITIONER)
    page.get_by_role("link", name="Children", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Children", exact=True)).to_be_visible()
    assert_accessible(page)
    first_child = page.locator("tbody th a").first
    first_child.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Child ")
    assert_accessible(page)


def test_signing_out_ends_the_session(
    demo_authority: LocalAuthority, sign_in: Callable[[Role], Page], live_server: Any
) -> None:
    page = sign_in(Role.DATA_LEAD)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(f"{live_server.url}/children/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
