"""The demo: a synthetic authority brought in through the import, a login per role, and
review planning and an improvement record to look at."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from permanence.web.accounts.roles import Role
from permanence.web.demo import DEMO_PASSWORD, DEMO_USERS, build_demo
from permanence.web.records.models import CarePeriod, Child, ImportBatch
from permanence.web.tenancy.scope import Scope, scoped_to

AS_OF = date(2026, 3, 31)


@pytest.fixture
def demo(db: None, capsys: pytest.CaptureFixture[str]) -> str:
    build_demo(children=60, seed=5, years=4, as_of=AS_OF)
    return capsys.readouterr().out


def test_the_demo_children_come_in_through_the_import(demo: str) -> None:
    with scoped_to(Scope.everything()):
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
        if role is not Role.ADMINISTRATOR:
            assert client.get("/").status_code == 200, username
    assert "/calendar/" in demo and ".ics" in demo
