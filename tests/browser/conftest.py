"""Browser tests: a real Chromium, driven by Playwright, against a live server.

Chromium comes from the distribution's packages (``scripts/ensure-chromium`` installs it
in CI); these tests fail, never skip, when it is missing. Every page a test opens can be
checked with axe-core, installed from npm like the other front-end packages.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.loading import load_tables
from permanence.web.records.models import ImportBatch

REPOSITORY = Path(__file__).resolve().parents[2]
AXE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "a-long-browser-test-password"
# Chromium's connections to the outside world are refused on build machines; these flags
# keep it from trying. Root (as in CI containers) needs --no-sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's synchronous API runs an event loop in the test's thread; Django would
# otherwise refuse the test's own database calls as if they were made from async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path() -> str:
    for candidate in (
        os.environ.get("PERMANENCE_CHROMIUM"),
        "chromium",
        "chromium-browser",
        "google-chrome",
    ):
        if candidate and (found := shutil.which(candidate)):
            return found
    pytest.fail(
        "Chromium is not installed: run scripts/ensure-chromium (browser tests never skip).",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True, locale="en-GB")
    # axe-core is loaded into every page by the browser itself (an init script is not
    # subject to the page's Content-Security-Policy, which forbids inline script).
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    # Anything the Content-Security-Policy blocks is a page that breaks in production.
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert blocked == [], f"the Content-Security-Policy blocked: {blocked}"


@pytest.fixture
def demo_authority(transactional_db: None) -> LocalAuthority:
    """A small synthetic authority with one person of every role."""
    from datetime import date

    from permanence.synth import generate

    with scoped_to(Scope.everything()):
        authority = LocalAuthority.objects.create(code="TEST", name="Testshire Council")
        batch = ImportBatch.objects.create(authority=authority, source="synthetic")
    load_tables(generate(120, 7, end=date(2026, 9, 30)), authority=authority, batch=batch)
    for role in Role:
        User.objects.create_user(
            username=role.value,
            password=PASSWORD,
            authority=authority,
            role=role,
            email=f"{role.value}@example.invalid",
        )
    return authority


@pytest.fixture
def sign_in(page: Page, live_server: Any) -> Callable[[Role], Page]:
    def _sign_in(role: Role) -> Page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(role.value)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    return _sign_in


AXE_RUN = """async () => await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
})"""

# What Chromium says when a navigation replaces the document while axe is reading it.
NAVIGATED_AWAY = ("Execution context was destroyed", "reading 'documentElement'", "navigat")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it stands, against WCAG 2.2 A and AA.

    A click on a link starts a navigation that Playwright does not wait for; if the next
    page replaces the document while axe runs, axe fails part way (seen once in CI). The
    run then waits for the new page to load and checks that page instead, which is the one
    the test meant.
    """
    for attempt in range(3):
        page.wait_for_load_state()
        try:
            result: dict[str, Any] = page.evaluate(AXE_RUN)
            break
        except PlaywrightError as error:
            if attempt == 2 or not any(words in str(error) for words in NAVIGATED_AWAY):
                raise
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


@pytest.fixture
def assert_accessible() -> Callable[[Page], None]:
    def _check(page: Page) -> None:
        violations = axe_violations(page)
        assert violations == [], f"axe found accessibility problems on {page.url}: {violations}"

    return _check
