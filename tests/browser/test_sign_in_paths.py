"""Both ways of signing in, in a real browser: a password and a code from an authenticator
app, and single sign-on through a real OpenID Connect provider (django-oauth-toolkit,
started by the test in its own process). Every page on the way passes axe."""

from __future__ import annotations

from base64 import b32decode
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.signin import sso
from permanence.web.signin.models import IdentityProvider

from ..web.signin.provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider
from ..web.signin.totp import code
from .conftest import PASSWORD


@pytest.fixture
def council(transactional_db: None) -> LocalAuthority:
    with scoped_to(Scope.everything()):
        authority = LocalAuthority.objects.create(code="TEST", name="Testshire Council")
    User.objects.create_user(
        username="ada",
        password=PASSWORD,
        email="ada@testshire.example.invalid",
        authority=authority,
        role=Role.ADMINISTRATOR,
    )
    return authority


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    with running_provider(Path(tmp_path_factory.mktemp("browser-oidc"))) as running:
        yield running


def _fits_320(page: Page) -> None:
    page.set_viewport_size({"width": 320, "height": 720})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 720})


def test_a_password_and_a_code_from_the_app(
    page: Page,
    live_server: Any,
    council: LocalAuthority,
    settings: Any,
    assert_accessible: Callable[[Page], None],
) -> None:
    settings.PERMANENCE_SECOND_FACTOR_ROLES = ("administrator", "data_lead")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # An administrator must set up an app before the sign-in completes.
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    assert_accessible(page)
    _fits_320(page)
    key_text = page.locator("code.secret-key").inner_text().replace(" ", "")
    key = b32decode(key_text + "=" * (-len(key_text) % 8))
    page.get_by_label("Code from the app").fill(code(key))
    page.get_by_role("button", name="Check the code").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert_accessible(page)
    recovery = page.locator(".recovery-codes code").all_inner_texts()
    assert len(recovery) == 10
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()

    page.get_by_role("link", name="Signing in and sessions").click()
    expect(page.get_by_role("heading", name="Where you are signed in")).to_be_visible()
    assert_accessible(page)
    _fits_320(page)

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_accessible(page)
    # The app's code of this half-minute was used already; a recovery code, then.
    page.get_by_label("Code").fill(recovery[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    expect(page.get_by_text("You used a recovery code").first).to_be_visible()


def test_single_sign_on_through_the_councils_provider(
    page: Page,
    live_server: Any,
    council: LocalAuthority,
    provider: Provider,
    assert_accessible: Callable[[Page], None],
) -> None:
    provider.client(f"{live_server.url}/accounts/sso/callback/")
    provider.mode("normal")
    provider.person("ada.council", "ada@testshire.example.invalid", verified=True)
    sso.forget_clients()
    with scoped_to(Scope.everything()):
        IdentityProvider.objects.create(
            authority=council,
            name="Testshire Council account",
            issuer=provider.issuer,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
        )
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    _fits_320(page)
    page.get_by_role("link", name="Sign in with your Testshire Council account").click()

    # At the council's provider: its own sign-in form.
    expect(page.get_by_role("heading", name="Council account")).to_be_visible()
    assert page.url.startswith(provider.base)
    page.get_by_label("Email or username").fill("ada.council")
    page.get_by_label("Password").fill("council-password")
    page.get_by_role("button", name="Sign in to the council").click()

    # Back at permanence, signed in as the administrator's own account (no code asked:
    # the council's provider is responsible for its second factor).
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    expect(page.get_by_text("Administrator").first).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You are signed out of permanence")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Sign out of your Testshire Council account").click()
    page.wait_for_load_state()
    if page.url.startswith(provider.base):
        # The provider may ask the person to confirm before it signs them out.
        page.get_by_role("button").first.click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    assert page.url.startswith(live_server.url)
