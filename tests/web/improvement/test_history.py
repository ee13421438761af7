"""Every change to the improvement record and the review policy is kept, with who made it
and when: a Champions' Group can see later what a cycle first set out to do and what was
changed since. The history is reached through the authority scope like the records."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse

from permanence.analysis.schedule import STATUTORY_POLICY
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import Decision, Measure, PdsaCycle
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning.models import ReviewPolicyVersion

from .conftest import Record


def test_closing_a_cycle_through_the_pages_keeps_what_it_said_before(
    client: Client, record_a: Record, users_a: dict[Role, User]
) -> None:
    lead = users_a[Role.DATA_LEAD]
    client.force_login(lead)
    cycle = record_a.second_cycle
    response = client.post(
        reverse("improvement-cycle-close", args=[cycle.pk]),
        {
            "hoped_to_achieve": "Permanence discussed within 14 days.",
            "learned": "It needs a named chair.",
            "next_steps": "Test in a second team.",
            "closed_on": "2022-06-01",
            "decision": "adapt",
        },
    )
    assert response.status_code == 302
    with scoped_to(Scope.authority(record_a.project.authority_id)):
        versions = list(PdsaCycle.history.filter(id=cycle.pk).order_by("history_date"))
    assert [version.history_type for version in versions] == ["+", "~"]
    before, after = versions
    assert (before.closed_on, before.learned) == (None, "")
    assert (after.closed_on, after.decision) == (date(2022, 6, 1), Decision.ADAPT)
    assert after.learned == "It needs a named chair."
    assert after.history_user == lead


def test_a_removed_measure_is_still_in_the_history(
    client: Client, record_a: Record, users_a: dict[Role, User]
) -> None:
    client.force_login(users_a[Role.DATA_LEAD])
    measure = record_a.outcome
    response = client.post(reverse("improvement-measure-remove", args=[measure.pk]))
    assert response.status_code == 302
    with scoped_to(Scope.authority(record_a.project.authority_id)):
        assert not Measure.objects.filter(pk=measure.pk).exists()
        kept = list(
            Measure.history.filter(id=measure.pk)
            .order_by("history_date")
            .values_list("history_type", "title", "history_user")
        )
    assert kept == [
        ("+", measure.title, None),  # made by the fixture, outside a request
        ("-", measure.title, users_a[Role.DATA_LEAD].pk),
    ]


def test_one_authoritys_history_is_not_anothers(
    record_a: Record, record_b: Record, authority_b: LocalAuthority
) -> None:
    with scoped_to(Scope.authority(authority_b.pk)):
        ids = set(PdsaCycle.history.values_list("id", flat=True))
    assert record_b.first_cycle.pk in ids
    assert record_a.first_cycle.pk not in ids and record_a.second_cycle.pk not in ids


def test_a_policy_change_keeps_its_history_and_the_admin_shows_it(
    client: Client, authority_a: LocalAuthority, users_a: dict[Role, User]
) -> None:
    admin = users_a[Role.ADMINISTRATOR]
    client.force_login(admin)
    fields = {"name": "2-week planning meeting", "effective_from": "2030-04-01"}
    defaults = {
        "planning_72h_days": 3,
        "first_review_weeks": 6,
        "second_review_months": 3,
        "later_review_months": 6,
        "planning_meeting_weeks": 2,
        "review_before_referral": "on",
        "review_before_application": "on",
        "prior_review_window_days": STATUTORY_POLICY.prior_review_window_days,
        "young_child_age": STATUTORY_POLICY.young_child_age,
        "notes": "",
    }
    response = client.post("/admin/planning/reviewpolicyversion/add/", {**fields, **defaults})
    assert response.status_code == 302, response.context["adminform"].form.errors
    with scoped_to(Scope.authority(authority_a.pk)):
        version = ReviewPolicyVersion.objects.get()
    changed = {**fields, **defaults, "planning_meeting_weeks": 3}
    response = client.post(f"/admin/planning/reviewpolicyversion/{version.pk}/change/", changed)
    assert response.status_code == 302, response.context["adminform"].form.errors
    with scoped_to(Scope.authority(authority_a.pk)):
        weeks = list(
            version.history.order_by("history_date").values_list(
                "planning_meeting_weeks", "history_user"
            )
        )
    assert weeks == [(2, admin.pk), (3, admin.pk)]
    page = client.get(f"/admin/planning/reviewpolicyversion/{version.pk}/history/")
    assert page.status_code == 200
    assert admin.username in page.content.decode()
