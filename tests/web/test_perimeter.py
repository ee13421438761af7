"""The perimeter: signing in wherever a person is sent, the app's own error pages, the
demo without debugging, and the headers every response carries."""

from __future__ import annotations

import importlib

import pytest
from django.template.loader import render_to_string
from django.test import Client

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role

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
