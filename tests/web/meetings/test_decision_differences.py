"""The data lead's page of decisions whose date typed in here differs from the extract's
(docs/meetings.md, "Entering what the extract lacks, and which date counts")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.test import Client

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.audit.models import RecordView
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.models import PlanDecision
from permanence.web.records.models import CarePeriod, Milestone

from ...core.conftest import journey_tables
from ..conftest import make_user

PAGE = "/meetings/decision-dates-that-differ/"


def _legal_advice_requested(authority: LocalAuthority, typed: date, imported: date) -> None:
    """Legal advice requested: typed in on one day, brought by the extract on another."""
    with scoped_to(Scope.authority(authority.pk)):
        period = CarePeriod.objects.get()
        PlanDecision.objects.create(
            authority=authority,
            care_period=period,
            kind="legal_advice_requested",
            decided_on=typed,
            decided_by="team leader",
        )
        Milestone.objects.create(
            authority=authority,
            care_period=period,
            milestone="legal_advice_requested",
            date=imported,
        )


def test_the_data_lead_sees_each_childs_two_dates_and_only_their_own(
    authority_a: LocalAuthority, authority_b: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, journey_tables("A-0001"))
    load(authority_b, journey_tables("B-0001"))
    # A: typed in 1 February 2022, the case recording system says 3 February.
    _legal_advice_requested(authority_a, date(2022, 2, 1), date(2022, 2, 3))
    # B: its own difference, which A's data lead must never see.
    _legal_advice_requested(authority_b, date(2022, 3, 1), date(2022, 3, 9))
    lead = make_user(authority_a, Role.DATA_LEAD, "alpha")
    client = Client()
    client.force_login(lead)
    page = client.get(PAGE).content.decode()
    with scoped_to(Scope.authority(authority_a.pk)):
        child = CarePeriod.objects.get().child
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    assert f'href="/children/{child.pk}/"' in row  # the child's journey
    assert f'href="/children/{child.pk}/meetings/"' in row  # where the decision is changed
    assert "A-0001" in row and "Legal advice requested" in row
    # The case recording system's date (used), then the one typed in.
    assert row.index("3 Feb 2022") < row.index("1 Feb 2022")
    assert "B-0001" not in page and "9 Mar 2022" not in page
    # Shown, so logged as a view of the child's record.
    with scoped_to(Scope.authority(authority_a.pk)):
        assert RecordView.objects.filter(viewer=lead, child_ref="A-0001").exists()
    # Linked from the imports page, where the data lead looks after the extract.
    assert PAGE in client.get("/imports/").content.decode()


def test_agreeing_dates_list_nothing_and_a_practitioner_is_refused(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, journey_tables("A-0001"))
    _legal_advice_requested(authority_a, date(2022, 2, 1), date(2022, 2, 1))
    client = Client()
    client.force_login(make_user(authority_a, Role.DATA_LEAD, "alpha"))
    assert "None: every decision typed in here agrees" in client.get(PAGE).content.decode()
    practitioner = Client()
    practitioner.force_login(make_user(authority_a, Role.PRACTITIONER, "alpha"))
    assert practitioner.get(PAGE).status_code == 403
