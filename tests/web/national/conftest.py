"""Three synthetic authorities that share with the national workspace, and its people.

Every child reference is rewritten to start with ``KIDREF-`` so that a leak of any
child's reference, on any page or in any file, is a plain substring search; every date
of birth is collected for the same purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from django.test import Client
from django.utils import timezone

from permanence.analysis.benchmarking import Section
from permanence.journey.tables import JourneyTables
from permanence.synth import generate
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.national.publication import reference_date, window_start
from permanence.web.national.sharing import decide

from ..conftest import PASSWORD

REF_MARKER = "KIDREF-"
SIZES = {"NORTH": 160, "SOUTH": 90, "WEST": 12}


def marked(tables: JourneyTables, code: str) -> JourneyTables:
    """The tables with every child reference made recognisable: KIDREF-<code>-<ref>."""
    prefix = f"{REF_MARKER}{code}-"
    return JourneyTables(
        **{
            name: frame.with_columns((pl.lit(prefix) + pl.col("child_ref")).alias("child_ref"))
            for name, frame in tables.items()
        }
    )


@dataclass
class Nation:
    authorities: dict[str, LocalAuthority]
    admins: dict[str, User]
    national: User
    births: set[str]  # every date of birth, as ISO text and as dd/mm/yyyy

    def client_for(self, user: User) -> Client:
        client = Client()
        assert client.login(username=user.username, password=PASSWORD)
        return client


@pytest.fixture
def snapshot_dir(settings: object, tmp_path: Path) -> Path:
    directory = tmp_path / "national"
    settings.NATIONAL_SNAPSHOT_DIR = directory  # type: ignore[attr-defined]
    return directory


def _learning_of(authority: LocalAuthority, admin: User, adviser: User) -> None:
    """A published change idea, a progress score and an adviser's grant, so the walks
    reach every page of sharing learning with something on it."""
    from datetime import timedelta
    from decimal import Decimal

    from permanence.web.improvement.models import ChangeIdea, ImprovementProject
    from permanence.web.national.learning import publish
    from permanence.web.national.models import AdviserGrant, ProjectProgress

    with scoped_to(Scope.authority(authority.pk)):
        project = ImprovementProject.objects.create(
            authority=authority, title="North project", national_aim="aim_2"
        )
        idea = ChangeIdea.objects.create(authority=authority, project=project, title="North idea")
        publish(idea, by=admin, files=[("agenda.txt", "text/plain", b"agenda")])
        ProjectProgress.objects.create(
            authority=authority, project=project, phase="testing", score=Decimal("2.5")
        )
        today = timezone.localdate()
        AdviserGrant.objects.create(
            authority=authority,
            adviser=adviser,
            starts_on=today,
            ends_on=today + timedelta(days=30),
            reason="walk",
            granted_by=admin,
        )


@pytest.fixture
def nation(db: None, load: Callable[..., object], snapshot_dir: Path) -> Nation:
    today = timezone.localdate()
    end = reference_date(today)
    authorities: dict[str, LocalAuthority] = {}
    admins: dict[str, User] = {}
    births: set[str] = set()
    for seed, (code, children) in enumerate(SIZES.items(), start=11):
        with scoped_to(Scope.everything()):
            authority = LocalAuthority.objects.create(code=code, name=f"{code.title()} Council")
        tables = marked(generate(children, seed, end=end, years=5), code)
        load(authority, tables, f"{code.lower()}.csv")
        for born in tables.children.get_column("date_of_birth").to_list():
            # The two dates the national pages print are not dates of birth, whoever
            # happens to have been born on them.
            if born not in {end, window_start(end)}:
                births.update({born.isoformat(), born.strftime("%d/%m/%Y")})
        authorities[code] = authority
        admins[code] = User.objects.create_user(
            username=f"{code.lower()}-admin",
            password=PASSWORD,
            authority=authority,
            role=Role.ADMINISTRATOR,
        )
        decide(authority, set(Section), by=admins[code], note="test", as_of=end, learning=True)
    national = User.objects.create_user(
        username="national-team", password=PASSWORD, role=Role.NATIONAL
    )
    _learning_of(authorities["NORTH"], admins["NORTH"], national)
    return Nation(authorities=authorities, admins=admins, national=national, births=births)
