"""Roles are enforced on the server for every view; viewers never see who a child is."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from permanence.web.accounts.access import PUBLIC
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Capability, Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import Child

from .conftest import PASSWORD


def _leaf_patterns(patterns: list[URLPattern | URLResolver]) -> list[URLPattern]:
    leaves: list[URLPattern] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # the admin site guards its own views (see the admin tests below)
            leaves.extend(_leaf_patterns(pattern.url_patterns))
        else:
            leaves.append(pattern)
    return leaves


def test_every_view_declares_who_may_use_it() -> None:
    undeclared = [
        str(pattern.pattern)
        for pattern in _leaf_patterns(get_resolver().url_patterns)
        if not hasattr(pattern.callback, "required_capability")
    ]
    assert undeclared == []


def test_only_the_sign_in_pages_the_calendar_feed_and_the_icon_are_public() -> None:
    # The calendar feed is read by calendar programs that cannot sign in: its secret,
    # revocable address is the credential (see docs/review-planning.md). The icon's
    # address only sends a browser to the static icon.
    public = sorted(
        pattern.name or ""
        for pattern in _leaf_patterns(get_resolver().url_patterns)
        if getattr(pattern.callback, "required_capability", None) == PUBLIC
    )
    assert public == sorted(
        [
            "calendar-feed",
            "favicon",
            "login",
            "logout",
            "password_reset",
            "password_reset_done",
            "password_reset_confirm",
            "password_reset_complete",
            # The second step of a password sign-in (the pending sign-in is the credential).
            "second-factor",
            "second-factor-set-up",
            # Single sign-on: the way to the authority's identity provider and back.
            "sso-start",
            "sso-callback",
        ]
    )


@pytest.mark.parametrize("path", ["/", "/children/", "/admin/"])
def test_people_who_are_not_signed_in_are_sent_to_sign_in(
    client: Client, db: None, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ADMINISTRATOR, 200),
        (Role.DATA_LEAD, 200),
        (Role.PRACTITIONER, 200),
        (Role.VIEWER, 403),
    ],
)
def test_childrens_records_are_for_roles_that_work_with_children(
    client: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
    role: Role,
    expected: int,
) -> None:
    authority_a, _ = two_authorities
    with scoped_to(Scope.authority(authority_a.pk)):
        child = Child.objects.get()
    client.login(username=users_a[role].username, password=PASSWORD)
    assert client.get("/children/").status_code == expected
    assert client.get(f"/children/{child.pk}/").status_code == expected


AUTHORITY_ROLES = [role for role in Role if role is not Role.NATIONAL]


@pytest.mark.parametrize("role", AUTHORITY_ROLES)
def test_the_overview_is_for_every_role_and_names_no_child(
    client: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
    role: Role,
) -> None:
    client.login(username=users_a[role].username, password=PASSWORD)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Children looked after" in body
    assert "A-0001" not in body


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMINISTRATOR, True),
        (Role.DATA_LEAD, False),
        (Role.PRACTITIONER, False),
        (Role.VIEWER, False),
    ],
)
def test_only_administrators_enter_the_administration_site(
    client: Client,
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
    role: Role,
    allowed: bool,
) -> None:
    client.login(username=users_a[role].username, password=PASSWORD)
    response = client.get("/admin/records/child/")
    assert (response.status_code == 200) is allowed


def test_a_person_without_an_authority_can_do_nothing(db: None) -> None:
    drifter = User.objects.create_user(
        username="drifter", password=PASSWORD, role=Role.ADMINISTRATOR
    )
    assert not any(drifter.can(capability) for capability in Capability)


def test_a_deactivated_person_can_do_nothing(users_a: dict[Role, User]) -> None:
    admin = users_a[Role.ADMINISTRATOR]
    admin.is_active = False
    assert not any(admin.can(capability) for capability in Capability)


def test_requires_one_of_admits_any_of_its_capabilities_and_refuses_the_rest(
    users_a: dict[Role, User],
) -> None:
    """The national app's library is for authorities' people and the national team alike;
    ``requires_one_of`` lets either capability in and no other."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.http import HttpRequest, HttpResponse

    from permanence.web.accounts.access import requires_one_of

    @requires_one_of(Capability.MANAGE_SHARING, Capability.VIEW_NATIONAL)
    def page(request: HttpRequest) -> HttpResponse:
        return HttpResponse("in")

    assert page.required_capabilities == (  # type: ignore[attr-defined]
        Capability.MANAGE_SHARING,
        Capability.VIEW_NATIONAL,
    )
    assert page.required_capability == Capability.MANAGE_SHARING  # type: ignore[attr-defined]
    request = HttpRequest()
    request.user = users_a[Role.ADMINISTRATOR]
    assert page(request).status_code == 200
    request.user = users_a[Role.VIEWER]
    with pytest.raises(PermissionDenied):
        page(request)
    request.user = AnonymousUser()
    request.path = "/somewhere/"
    assert page(request).status_code == 302
