"""Every action that changes the improvement record says what it did on the next page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to

from .conftest import Record


@pytest.fixture
def lead(client: Client, users_a: dict[Role, User]) -> Client:
    client.force_login(users_a[Role.DATA_LEAD])
    return client


@pytest.fixture
def in_a(record_a: Record) -> Any:
    with scoped_to(Scope.authority(record_a.project.authority_id)):
        yield


def banner_after(client: Client, response: Any) -> str:
    """The notification banner on the page the action sent the person to."""
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    found = re.search(
        r'<div class="ds_notification ds_notification--success"[^>]*role="status">.*?'
        r'<div class="ds_notification__text"><p>(.*?)</p>',
        page,
        re.S,
    )
    assert found is not None, "no banner"
    return found[1]


ACTIONS: dict[str, tuple[Callable[[Record], tuple[str, dict[str, str]]], str]] = {
    "a project created": (
        lambda r: (
            reverse("improvement-project-new"),
            {"title": "Faster", "aim": "national:aim_2", "improvement_start": "2022-03-01"},
        ),
        "Project created.",
    ),
    "a local aim created": (
        lambda r: (
            reverse("improvement-aim-new"),
            {
                "title": "Our stretch aim",
                "template": "recommendation_stretch",
                "target_percent": "75",
                "start_on_or_after": "2024-04-01",
                "by_date": "2027-03-31",
            },
        ),
        "Local aim created.",
    ),
    "a driver added": (
        lambda r: (
            reverse("improvement-primary-driver-new", args=[r.project.pk]),
            {"text": "Second"},
        ),
        "Primary driver added.",
    ),
    "a driver removed": (
        lambda r: (reverse("improvement-driver-remove", args=[r.secondary.pk]), {}),
        "Driver removed.",
    ),
    "a member removed": (
        lambda r: (reverse("improvement-member-remove", args=[r.member.pk]), {}),
        "Member removed.",
    ),
    "a cycle started": (
        lambda r: (
            reverse("improvement-cycle-new", args=[r.idea.pk]),
            {"hoped_to_achieve": "Reviews set at accommodation", "started_on": "2023-05-01"},
        ),
        "PDSA cycle started.",
    ),
    "a cycle closed": (
        lambda r: (
            reverse("improvement-cycle-close", args=[r.second_cycle.pk]),
            {
                "hoped_to_achieve": "alpha-hoped again",
                "learned": "It needs a named chair.",
                "next_steps": "Test in a second team.",
                "closed_on": "2022-06-01",
                "decision": "adapt",
            },
        ),
        "PDSA cycle closed.",
    ),
    "a value added": (
        lambda r: (
            reverse("improvement-measure-value-add", args=[r.entered.pk]),
            {"month": "2022-02", "count": "3"},
        ),
        "Value added.",
    ),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_change_is_confirmed_in_a_banner(
    action: str, lead: Client, record_a: Record, in_a: None
) -> None:
    build, said = ACTIONS[action]
    url, data = build(record_a)
    assert banner_after(lead, lead.post(url, data)) == said


def test_the_banner_is_shown_once(lead: Client, record_a: Record, in_a: None) -> None:
    url, data = ACTIONS["a driver added"][0](record_a)
    response = lead.post(url, data)
    banner_after(lead, response)
    assert "ds_notification" not in lead.get(response["Location"]).content.decode()
