"""The demo: a synthetic authority brought in through the import, a login per role, and
review planning and an improvement record to look at."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.demo import (
    DEMO_AUTHORITY_CODE,
    DEMO_AUTHORITY_NAME,
    DEMO_NEIGHBOURS,
    DEMO_PASSWORD,
    DEMO_POPULATION_SOURCE,
    DEMO_USERS,
    build_demo,
)
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import CarePeriod, Child, ImportBatch

AS_OF = date(2026, 3, 31)


def demo_authority() -> LocalAuthority:
    with scoped_to(Scope.everything()):
        return LocalAuthority.objects.get(code=DEMO_AUTHORITY_CODE)


@pytest.fixture
def demo(db: None, capsys: pytest.CaptureFixture[str], settings: Any, tmp_path: Path) -> str:
    settings.NATIONAL_SNAPSHOT_DIR = tmp_path / "national"
    build_demo(children=60, seed=5, years=4, as_of=AS_OF)
    return capsys.readouterr().out


def test_the_demo_children_come_in_through_the_import(demo: str) -> None:
    with scoped_to(Scope.authority(demo_authority().pk)):
        assert Child.objects.count() == 60
        assert CarePeriod.objects.count() >= 60
        batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.LOADED
    assert batch.extract_date == AS_OF
    assert "validation" in batch.summary  # its data-quality figures are kept


def test_every_role_can_sign_in_and_practitioners_have_a_calendar_feed(demo: str) -> None:
    for username, role, _, _ in DEMO_USERS:
        client = Client()
        assert client.login(username=username, password=DEMO_PASSWORD), username
        if role is Role.NATIONAL:
            assert client.get("/").status_code == 302
        else:
            assert client.get("/").status_code == 200, username
    assert "/calendar/" in demo and ".ics" in demo


def test_the_national_team_sees_the_demo_and_its_neighbours_side_by_side(demo: str) -> None:
    client = Client()
    assert client.login(username="national", password=DEMO_PASSWORD)
    page = client.get("/national/").content.decode()
    for _, name, _ in DEMO_NEIGHBOURS:
        assert name in page
    assert DEMO_AUTHORITY_NAME in page


def test_the_demo_gives_rates_per_1000_children_and_says_its_population_is_synthetic(
    demo: str,
) -> None:
    client = Client()
    assert client.login(username="datalead", password=DEMO_PASSWORD)
    page = client.get("/process-map/").content.decode()
    assert "in every 1,000 children living in the authority were in care" in page
    assert DEMO_POPULATION_SOURCE in page
