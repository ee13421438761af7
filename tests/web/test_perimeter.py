"""The perimeter: signing in wherever a person is sent, the app's own error pages, the
demo without debugging, and the headers every response carries."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client

import permanence.web
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import ImportBatch

from .conftest import PASSWORD

# -- signing in, wherever a person is sent ----------------------------------------------


def test_the_admin_sign_in_page_sends_people_to_the_apps_sign_in(db: None, client: Client) -> None:
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"
    assert response.status_code == 200


def test_an_administrator_sent_to_sign_in_from_the_admin_gets_there(
    client: Client, users_a: dict[Role, User]
) -> None:
    response = client.post(
        "/accounts/login/",
        {
            "username": users_a[Role.ADMINISTRATOR].username,
            "password": PASSWORD,
            "next": "/admin/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_sign_in_address_itself_admits_administrators(
    client: Client, users_a: dict[Role, User]
) -> None:
    response = client.get("/admin/login/?next=/admin/accounts/user/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/accounts/user/"
    response = client.post(
        "/accounts/login/",
        {
            "username": users_a[Role.ADMINISTRATOR].username,
            "password": PASSWORD,
            "next": "/admin/accounts/user/",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "alpha-viewer" in response.content.decode()


def test_someone_signed_in_without_the_role_is_told_the_admin_is_not_for_them(
    client: Client, users_a: dict[Role, User]
) -> None:
    client.force_login(users_a[Role.DATA_LEAD])
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "not open to you" in response.content.decode()


# -- the app's own error pages, and no debugging in the demo ----------------------------


def test_the_demo_runs_without_debugging() -> None:
    development = importlib.import_module("permanence.web.settings.development")
    assert development.DEBUG is False


def test_a_missing_page_is_the_apps_own_with_a_way_back(
    client: Client, users_a: dict[Role, User]
) -> None:
    client.force_login(users_a[Role.VIEWER])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and 'href="/"' in body
    assert "URLconf" not in body and "Traceback" not in body
    assert "site.css" in body  # styled like every other page


def test_a_refused_page_says_why_without_internals(
    client: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
) -> None:
    client.force_login(users_a[Role.VIEWER])
    response = client.get("/children/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "not open to you" in body and 'href="/"' in body
    assert "view_child_records" not in body


def _is_the_apps_own(body: str) -> None:
    """Styled as every page (the Design System's page header), with a way back, and
    nothing of Django's debugging."""
    assert 'class="ds_page-header"' in body and "site.css" in body
    assert 'href="/"' in body
    for internal in ("URLconf", "Traceback", "technical_404", "Django", "a fault the person"):
        assert internal not in body


@pytest.mark.parametrize("signed_in", [False, True])
def test_in_production_a_missing_page_is_the_apps_own(
    client: Client, users_a: dict[Role, User], settings: Any, signed_in: bool
) -> None:
    settings.DEBUG = False
    if signed_in:
        client.force_login(users_a[Role.VIEWER])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    _is_the_apps_own(body)
    # Someone signed out may only need to sign in; someone signed in is not offered it.
    assert ('href="/accounts/login/"' in body) is not signed_in


def test_in_production_a_refused_page_is_the_apps_own(
    client: Client, users_a: dict[Role, User], settings: Any
) -> None:
    settings.DEBUG = False
    client.force_login(users_a[Role.VIEWER])
    response = client.get("/imports/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "This page is not open to you" in body and "administrator" in body
    _is_the_apps_own(body)


def test_in_production_a_fault_is_the_apps_own_500_page(db: None, settings: Any) -> None:
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.web.failing_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/fails/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    _is_the_apps_own(body)
    assert 'href="/accounts/login/"' in body  # nobody is known on a 500: sign in is offered


def test_the_favicon_is_found(db: None, client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)
    page = client.get("/accounts/login/").content.decode()
    assert f'rel="icon" href="{response["Location"]}"' in page


def test_a_server_error_page_needs_nothing_but_itself() -> None:
    # Django renders 500.html with no context at all: it must stand alone.
    body = render_to_string("500.html")
    assert "Something went wrong" in body and 'href="/"' in body
    assert "site.css" in body


@pytest.mark.parametrize("name", ["400.html", "403_csrf.html"])
def test_the_other_error_pages_are_the_apps_own(name: str) -> None:
    body = render_to_string(name, {"reason": "internal detail"})
    assert 'href="/"' in body and "internal detail" not in body


def test_static_files_are_served_without_debugging(db: None, client: Client) -> None:
    response = client.get("/static/permanence/site.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)  # type: ignore[attr-defined]


# -- the headers every response carries -------------------------------------------------

TEMPLATE_DIRS = sorted(Path(permanence.web.__file__).parent.rglob("templates"))


def _csp(response: Any) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {directive[0]: directive[1:] for directive in directives}


def test_every_page_carries_a_strict_content_security_policy(
    client: Client, users_a: dict[Role, User]
) -> None:
    client.force_login(users_a[Role.VIEWER])
    policy = _csp(client.get("/"))
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


def test_the_sign_in_page_carries_it_too(db: None, client: Client) -> None:
    assert _csp(client.get("/accounts/login/"))["script-src"] == ["'self'"]


def test_powerful_browser_features_are_switched_off(db: None, client: Client) -> None:
    policy = client.get("/accounts/login/").headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


@pytest.mark.parametrize(
    "path", ["/", "/children/", "/admin/", "/admin/records/child/", "/planning/"]
)
def test_nothing_a_signed_in_person_sees_is_kept_by_a_browser_or_a_proxy(
    client: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
    path: str,
) -> None:
    client.force_login(users_a[Role.ADMINISTRATOR])
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_a_childs_download_is_not_kept_either(
    client: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
) -> None:
    authority_a, _ = two_authorities
    with scoped_to(Scope.authority(authority_a.pk)):
        batch = ImportBatch.objects.first()
    assert batch is not None
    client.force_login(users_a[Role.DATA_LEAD])
    response = client.get(f"/imports/{batch.pk}/data-quality.xlsx")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_static_files_may_be_kept(db: None, client: Client) -> None:
    assert "no-store" not in client.get("/static/permanence/site.css").get("Cache-Control", "")


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
_EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
_STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
_STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)


def test_no_template_of_ours_holds_inline_script_handlers_or_styles() -> None:
    found = []
    for folder in TEMPLATE_DIRS:
        for template in folder.rglob("*.html"):
            text = template.read_text()
            for name, pattern in (
                ("inline script", _INLINE_SCRIPT),
                ("event handler", _EVENT_HANDLER),
                ("style attribute", _STYLE_ATTRIBUTE),
                ("style element", _STYLE_ELEMENT),
            ):
                if pattern.search(text):
                    found.append(f"{template.name}: {name}")
    assert found == []


def test_the_charts_are_drawn_without_eval_or_injected_styles() -> None:
    # Vega compiles expressions with Function() unless told to interpret them, and
    # vega-embed and its tooltip inject <style> elements unless told not to.
    static = Path(permanence.web.__file__).parent
    for script in (
        "static/permanence/charts.js",
        "national/static/national/national.js",
        "improvement/static/improvement/improvement.js",
    ):
        text = (static / script).read_text()
        assert "ast: true" in text and "defaultStyle: false" in text, script
        assert "disableDefaultStyle: true" in text, script
