"""The demo's improvement record holds the Champions' Group's last two meetings, so the
group's page and the report pack's open actions have something to show."""

from __future__ import annotations

from datetime import date

from django.test import Client

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.improvement.demo import prepare_demo_improvement
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.reports.assemble import group_actions

from ..conftest import make_user

AS_OF = date(2026, 3, 31)


def test_the_demo_group_has_met_twice_and_carries_its_open_actions(
    authority_a: LocalAuthority,
) -> None:
    prepare_demo_improvement(authority_a, as_of=AS_OF, improvement_start=date(2024, 4, 1))
    client = Client()
    client.force_login(make_user(authority_a, Role.DATA_LEAD, "alpha"))
    page = client.get("/reports/group/").content.decode()
    # Held eight and four weeks before the demo's date.
    assert "3 February 2026" in page and "3 March 2026" in page
    assert "Add the two-week planning meeting to the case recording system" in page
    # A pack made on the demo's date opens with the three actions still open (of five).
    with scoped_to(Scope.authority(authority_a.pk)):
        carried = [item.what for item in group_actions(as_of=AS_OF)]
    assert sorted(carried) == [
        "Add the two-week planning meeting to the case recording system",
        "Bring the legal advice times by team to the next meeting",
        "Test a written legal advice request with one team",
    ]
