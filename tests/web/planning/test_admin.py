"""Administrators set review policies (never backwards) and allocations (own people only)."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from django.utils import timezone

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning.models import ReviewPolicyVersion

from ..conftest import PASSWORD

FORM = {
    "name": "3-monthly reviews",
    "planning_72h_days": 3,
    "planning_meeting_weeks": 2,
    "first_review_weeks": 6,
    "second_review_months": 3,
    "later_review_months": 3,
    "review_before_referral": "on",
    "review_before_application": "on",
    "prior_review_window_days": 28,
    "young_child_age": 3,
    "notes": "",
}


def signed_in_admin(client: Client, users_a: dict[Role, User]) -> Client:
    client.login(username=users_a[Role.ADMINISTRATOR].username, password=PASSWORD)
    return client


def versions(authority: LocalAuthority) -> list[date]:
    with scoped_to(Scope.authority(authority.pk)):
        return list(ReviewPolicyVersion.objects.values_list("effective_from", flat=True))


def test_a_policy_version_takes_effect_today_or_later_never_in_the_past(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
    client: Client,
) -> None:
    authority_a, _ = two_authorities
    admin = signed_in_admin(client, users_a)
    today = timezone.localdate()
    refused = admin.post(
        "/admin/planning/reviewpolicyversion/add/",
        {**FORM, "effective_from": (today - timedelta(days=1)).isoformat()},
    )
    assert refused.status_code == 200
    assert "A policy cannot take effect in the past" in refused.content.decode()
    assert versions(authority_a) == []

    accepted = admin.post(
        "/admin/planning/reviewpolicyversion/add/", {**FORM, "effective_from": today.isoformat()}
    )
    assert accepted.status_code == 302
    assert versions(authority_a) == [today]


def test_a_version_in_force_can_be_neither_changed_nor_deleted(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
    client: Client,
) -> None:
    authority_a, _ = two_authorities
    with scoped_to(Scope.authority(authority_a.pk)):
        version = ReviewPolicyVersion.objects.create(
            authority=authority_a, effective_from=date(2024, 1, 1), name="Old"
        )
    admin = signed_in_admin(client, users_a)
    changed = admin.post(
        f"/admin/planning/reviewpolicyversion/{version.pk}/change/",
        {**FORM, "effective_from": "2024-01-01"},
    )
    assert "already in force and cannot be changed" in changed.content.decode()
    admin.post(f"/admin/planning/reviewpolicyversion/{version.pk}/delete/", {"post": "yes"})
    assert versions(authority_a) == [date(2024, 1, 1)]
    with scoped_to(Scope.authority(authority_a.pk)):
        assert ReviewPolicyVersion.objects.get().name == "Old"


def test_a_statute_breaking_policy_is_refused_with_the_reason(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
    client: Client,
) -> None:
    admin = signed_in_admin(client, users_a)
    response = admin.post(
        "/admin/planning/reviewpolicyversion/add/",
        {
            **FORM,
            "effective_from": timezone.localdate().isoformat(),
            "later_review_months": 12,
        },
    )
    assert "later reviews must be due within 6 months (statute)" in response.content.decode()


def test_allocations_offer_only_the_authoritys_own_people(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
    client: Client,
) -> None:
    admin = signed_in_admin(client, users_a)
    page = admin.get("/admin/planning/allocation/add/").content.decode()
    assert "alpha-practitioner" in page
    assert "bravo-" not in page


def test_an_administrator_can_revoke_any_calendar_feed_of_their_authority(
    two_authorities: tuple[LocalAuthority, LocalAuthority],
    users_a: dict[Role, User],
    client: Client,
) -> None:
    from permanence.web.planning import feeds
    from permanence.web.planning.models import CalendarFeed

    authority_a, _ = two_authorities
    with scoped_to(Scope.authority(authority_a.pk)):
        feed, token = feeds.make_feed(users_a[Role.PRACTITIONER])
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    admin = signed_in_admin(client, users_a)
    page = admin.get("/admin/planning/calendarfeed/").content.decode()
    assert "revoke_feeds" in page
    assert feed.token_hash not in page
    admin.post(
        "/admin/planning/calendarfeed/",
        {"action": "revoke_feeds", "_selected_action": [feed.pk], "index": 0},
    )
    with scoped_to(Scope.authority(authority_a.pk)):
        assert CalendarFeed.objects.get().revoked_at is not None
    assert client.get(f"/calendar/{token}.ics").status_code == 404
