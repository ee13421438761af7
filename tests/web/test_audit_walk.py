"""Every response that shows who a child is has a row in the audit log naming who saw whom.

The walk visits every address of the app and the administration site (taken from the
URL resolver, so new pages are walked as soon as they exist) as every role of authority
A, with A's own identifiers, and reads each response, downloads included. Wherever A's
child's reference, initials or date of birth appear, the audit log must have gained a
row, during that request, naming the person and the child, and the response must tell
browsers and proxies not to keep it (``Cache-Control: no-store``).

The negative controls switch the audit helper, and the no-store header, off and check
the walk then complains.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.audit import log as audit_log
from permanence.web.audit.models import RecordView
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.planning.models import Allocation, Notification
from permanence.web.records.models import AbsentRecord, CarePeriod, ImportBatch, ImportIssue
from permanence.web.security import middleware as security_middleware

from . import walk

REFERENCE = "A-0001"
# How the pages write the child's initials ("(AA)", a table cell) and date of birth.
SHOWS_THE_CHILD = re.compile(
    r"A-0001|[>(]AA[<)]|2019-05-17|17/05/2019|17 May 2019|17 May, 2019|May 17, 2019"
)


@pytest.fixture
def authority_a_with_an_import(
    two_authorities: tuple[LocalAuthority, LocalAuthority], users_a: dict[Role, User]
) -> LocalAuthority:
    """A's child, and an import whose data-quality report names the child."""
    authority_a, _ = two_authorities
    with scoped_to(Scope.authority(authority_a.pk)):
        batch = ImportBatch.objects.create(
            authority=authority_a,
            source="alpha-monthly.csv",
            created_by=users_a[Role.DATA_LEAD],
            status=ImportBatch.Status.LOADED,
            summary={"validation": {"queries": 1, "errors": 0, "counts": {}, "files": []}},
        )
        ImportIssue.objects.create(
            authority=authority_a,
            batch=batch,
            rule="R999",
            severity="query",
            table="children",
            row=2,
            child_ref=REFERENCE,
            message="A query about this child",
        )
        # Allocated to the practitioner, with a notice: their own lists name the child.
        period = CarePeriod.objects.get()
        # A record the latest extract no longer holds: its list names the child.
        AbsentRecord.objects.create(
            authority=authority_a,
            table="milestones",
            record_pk=1,
            child=period.child,
            child_ref=REFERENCE,
            period_start=period.period_start,
            description=f"Child {REFERENCE}: a permanence recommendation",
            missing_from=batch,
        )
        practitioner = users_a[Role.PRACTITIONER]
        Allocation.objects.create(authority=authority_a, care_period=period, worker=practitioner)
        Notification.objects.create(
            authority=authority_a,
            recipient=practitioner,
            care_period=period,
            state="overdue",
            what="Looked After Child review 2",
            due_date=date(2022, 5, 18),
            key="review-2",
            created_on=date(2022, 5, 19),
        )
    return authority_a


def _last_view_id(authority: LocalAuthority) -> int:
    with scoped_to(Scope.authority(authority.pk)):
        return RecordView.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def unaudited_views(
    authority: LocalAuthority, users: dict[Role, User], visits: Callable[[], None] | None = None
) -> list[str]:
    """Every (role, address) whose response showed A's child with no audit row for it."""
    clients = {role: Client() for role in users}
    for role, user in users.items():
        clients[role].force_login(user)
    owned = walk.with_models_read_by(walk.identifiers_of(authority), list(clients.values()))
    found = []
    visited = 0
    for role, user in users.items():
        client = clients[role]
        for route in walk.routes():
            for url in walk.urls(route, owned):
                before = _last_view_id(authority)
                response = client.get(url)
                visited += 1
                if response.status_code != 200:
                    continue
                if not SHOWS_THE_CHILD.search(walk.body_text(response)):
                    continue
                with scoped_to(Scope.authority(authority.pk)):
                    logged = RecordView.objects.filter(
                        pk__gt=before, viewer=user, child_ref=REFERENCE
                    ).exists()
                if not logged:
                    found.append(f"{role.value} {url}")
                if "no-store" not in response.get("Cache-Control", ""):
                    found.append(f"{role.value} {url} may be kept (no Cache-Control: no-store)")
    assert visited > 200, "the walk visited too few addresses to mean anything"
    return found


def test_every_response_that_shows_a_child_is_audited(
    authority_a_with_an_import: LocalAuthority, users_a: dict[Role, User]
) -> None:
    found = unaudited_views(authority_a_with_an_import, users_a)
    assert found == [], "\n".join(found)


@pytest.mark.walk_control
def test_the_walk_finds_a_page_that_forgets_to_audit(
    authority_a_with_an_import: LocalAuthority,
    users_a: dict[Role, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(audit_log, "log_children_shown", lambda *args, **kwargs: 0)
    monkeypatch.setattr("permanence.web.admin.site.log_children_shown", lambda *args, **kwargs: 0)
    found = unaudited_views(
        authority_a_with_an_import, {Role.ADMINISTRATOR: users_a[Role.ADMINISTRATOR]}
    )
    assert any("/admin/records/child/" in place for place in found)


@pytest.mark.walk_control
def test_the_walk_finds_a_page_a_browser_may_keep(
    authority_a_with_an_import: LocalAuthority,
    users_a: dict[Role, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(security_middleware, "patch_cache_control", lambda *args, **kwargs: None)
    found = unaudited_views(
        authority_a_with_an_import, {Role.ADMINISTRATOR: users_a[Role.ADMINISTRATOR]}
    )
    assert any("/children/" in place and "may be kept" in place for place in found), found
