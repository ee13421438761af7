"""Two authorities with a child each, and a person of every role in each.

Authority B's records carry marker strings that must never appear in anything a person
of authority A can reach (see test_tenancy_walk.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import polars as pl
import pytest
from django.utils import timezone

from permanence.journey.tables import JourneyTables
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.children.models import EnteredSiblingGroup
from permanence.web.dashboards.models import ProcessStepNote
from permanence.web.improvement.models import AcceptedPhase, ChartNote
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.loading import load_tables
from permanence.web.records.models import Child, ImportBatch, QueryAnswer
from permanence.web.signin.models import ExternalIdentity, IdentityProvider, SignInPolicy

from ..core.conftest import journey_tables
from .group_rows import add_group_rows
from .meetings.records import add_meeting_records
from .milestones.records import add_entered_milestone
from .sharing_rows import add_bravo_learning

PASSWORD = "a-long-test-password"
# B's child's date of birth, in every form a page or a download writes a date: a page that
# showed B's child by date of birth alone (no reference, no name) is caught too.
B_BORN = date(2016, 11, 29)
B_MARKERS = (
    "B-SECRET-REF",
    "Bravo Council",
    "Bravo Locality Team",
    "bravo-",
    "29 November 2016",
    "29 Nov 2016",
    "29/11/2016",
    "2016-11-29",
)


@pytest.fixture
def everything() -> Iterator[None]:
    """Set-up code sees every authority, as a system task would."""
    with scoped_to(Scope.everything()):
        yield


@pytest.fixture
def load() -> Callable[..., object]:
    def _load(authority: LocalAuthority, tables: JourneyTables, source: str = "test.csv") -> object:
        with scoped_to(Scope.authority(authority.pk)):
            batch = ImportBatch.objects.create(authority=authority, source=source)
        return load_tables(tables, authority=authority, batch=batch)

    return _load


@pytest.fixture
def authority_a(db: None) -> LocalAuthority:
    with scoped_to(Scope.everything()):
        return LocalAuthority.objects.create(code="ALPHA", name="Alpha Council")


@pytest.fixture
def authority_b(db: None) -> LocalAuthority:
    with scoped_to(Scope.everything()):
        return LocalAuthority.objects.create(code="BRAVO", name="Bravo Council")


def make_user(authority: LocalAuthority, role: Role, prefix: str) -> User:
    return User.objects.create_user(
        username=f"{prefix}-{role.value}",
        password=PASSWORD,
        email=f"{prefix}-{role.value}@example.invalid",
        authority=authority,
        role=role,
    )


@pytest.fixture
def users_a(authority_a: LocalAuthority) -> dict[Role, User]:
    return {role: make_user(authority_a, role, "alpha") for role in Role}


@pytest.fixture
def users_b(authority_b: LocalAuthority) -> dict[Role, User]:
    return {role: make_user(authority_b, role, "bravo") for role in Role}


@pytest.fixture
def two_authorities(
    authority_a: LocalAuthority,
    authority_b: LocalAuthority,
    users_a: dict[Role, User],
    users_b: dict[Role, User],
    load: Callable[..., object],
) -> tuple[LocalAuthority, LocalAuthority]:
    load(authority_a, journey_tables("A-0001"), "alpha.csv")
    bravo = journey_tables("B-SECRET-REF", team="Bravo Locality Team", initials="ZQ", born=B_BORN)
    # B's child in a sibling group (its name a marker: it must never show to A).
    bravo = JourneyTables(
        **{
            **dict(bravo.items()),
            "children": bravo.children.with_columns(
                pl.lit("bravo-siblings").alias("sibling_group")
            ),
        }
    )
    load(authority_b, bravo, "bravo-extract.csv")
    # A later extract without B's agency decision: a record waiting for B's data lead.
    fewer = JourneyTables(**{**dict(bravo.items()), "milestones": bravo.milestones.head(1)})
    load(authority_b, fewer, "bravo-extract-2.csv")
    with scoped_to(Scope.authority(authority_b.pk)):
        child = Child.objects.get()
        QueryAnswer.objects.create(
            authority=authority_b,
            child=child,
            rule="OVERDUE001",
            kind=QueryAnswer.Kind.PURPOSEFUL_DELAY,
            reason="bravo-only reason",
            answered_by=users_b[Role.DATA_LEAD],
            answered_at=timezone.now(),
        )
        # A new phase B's data lead accepted on Aim 2's run chart: the walks post its undo.
        AcceptedPhase.objects.create(
            authority=authority_b,
            aim_id="aim_2",
            starts_on=date(2022, 6, 1),
            baseline_n=9,
            reason="bravo-only phase reason",
            accepted_by=users_b[Role.DATA_LEAD],
        )
        # B's note typed on a point of Aim 2's run chart: the walks post its change and
        # removal with A's form values, and A's Aim 2 page must never show it.
        ChartNote.objects.create(
            authority=authority_b,
            chart="aim:aim_2",
            on=date(2022, 6, 1),
            text="bravo-only chart note",
            written_by=users_b[Role.DATA_LEAD],
        )
        # B's note on a step of its process map: the walks post A's note form at that step.
        ProcessStepNote.objects.create(
            authority=authority_b,
            step="first_review",
            owner="bravo-only owner",
            testing="bravo-only test of change",
            changed_by=users_b[Role.DATA_LEAD],
        )
        # B's sign-in settings (the walks must neither show nor change them).
        SignInPolicy.objects.create(authority=authority_b, idle_minutes=45)
        provider = IdentityProvider.objects.create(
            authority=authority_b,
            name="Second council account",  # listed on the public sign-in page
            issuer="https://idp.bravo.example.invalid",
            client_id="bravo-client-id",
            client_secret="bravo-client-secret",
        )
        ExternalIdentity.objects.create(
            authority=authority_b,
            provider=provider,
            user=users_b[Role.PRACTITIONER],
            subject="bravo-subject",
        )
    # Planning meetings, their checklists, actions and decisions (web/meetings).
    add_meeting_records(authority_a, users_a[Role.PRACTITIONER], "alpha")
    add_meeting_records(authority_b, users_b[Role.PRACTITIONER], "bravo-meeting")
    # A milestone typed in on each child's journey page (web/children/milestones.py).
    add_entered_milestone(authority_a, users_a[Role.PRACTITIONER], "alpha")
    add_entered_milestone(authority_b, users_b[Role.PRACTITIONER], "bravo-milestone")
    # The Champions' Group's meetings and a reviewing officer's allocation (A's
    # practitioner chairs A's child's reviews, so "Your reviews" shows the child).
    add_group_rows(authority_a, users_a[Role.PRACTITIONER], "alpha")
    add_group_rows(authority_b, users_b[Role.PRACTITIONER], "bravo-group")
    add_bravo_learning(authority_b, users_b)  # shared, then withdrawn: nothing may show
    # A sibling group typed in on each child's page (B's a marker: it must never show).
    for authority, group in ((authority_a, "alpha-entered"), (authority_b, "bravo-entered")):
        with scoped_to(Scope.authority(authority.pk)):
            EnteredSiblingGroup.objects.create(
                authority=authority, child=Child.objects.get(), group=group
            )
    return authority_a, authority_b
