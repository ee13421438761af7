"""The dashboards' cache: each page worked out once, and never served after the records
(or the improvement record) it came from have changed: a typed change, an import, a
change rolled back, a change to the improvement work."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from permanence.pages.overview import Overview
from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.dashboards import views
from permanence.web.improvement.models import ImprovementProject
from permanence.web.kernel.cache import LruCache
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.kernel.versions import bump, data_version
from permanence.web.records.models import CarePeriod

from ..conftest import journey_tables

LOOKED_AFTER = re.compile(r"<dt>Children looked after</dt><dd>(\d+)</dd>")


def looked_after(client: Client) -> int:
    match = LOOKED_AFTER.search(client.get("/").content.decode())
    assert match is not None
    return int(match[1])


# ---- the store ---------------------------------------------------------------------------


def test_each_entry_is_computed_once_and_the_least_recently_used_goes_first() -> None:
    store = LruCache(entries=2)
    calls: list[str] = []

    def make(name: str) -> Callable[[], str]:
        def compute() -> str:
            calls.append(name)
            return name.upper()

        return compute

    assert store.get_or_compute("a", make("a")) == "A"
    assert store.get_or_compute("a", make("a")) == "A"
    store.get_or_compute("b", make("b"))
    store.get_or_compute("a", make("a"))  # a is now the most recently used
    store.get_or_compute("c", make("c"))  # so b goes
    store.get_or_compute("b", make("b"))
    assert calls == ["a", "b", "c", "b"]
    assert len(store) == 2


def test_many_requests_at_once_wait_for_one_computation() -> None:
    store = LruCache(entries=4)
    calls = 0
    release = threading.Event()

    def slow() -> int:
        nonlocal calls
        calls += 1
        release.wait(5)
        return 42

    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(store.get_or_compute("k", slow)))
        for _ in range(20)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    release.set()
    for thread in threads:
        thread.join(5)
    assert results == [42] * 20
    assert calls == 1


def test_stale_entries_can_be_dropped() -> None:
    store = LruCache(entries=8)
    for key in [("data", 1, "v1"), ("page", 1, "v1"), ("page", 2, "v1"), ("page", 1, "v2")]:
        store.get_or_compute(key, lambda: 0)
    dropped = store.discard(lambda key: key[1] == 1 and key[2] != "v2")  # type: ignore[index]
    assert dropped == 2
    assert len(store) == 2


# ---- the data version --------------------------------------------------------------------


def test_the_version_moves_on_with_each_change_and_back_when_it_rolls_back(
    authority_a: LocalAuthority,
) -> None:
    first = data_version(authority_a.pk)
    assert data_version(authority_a.pk) == first  # reading it changes nothing
    bump(authority_a.pk)
    second = data_version(authority_a.pk)
    assert second != first
    seen_inside: list[str] = []

    def failing_change() -> None:
        with transaction.atomic():
            bump(authority_a.pk)
            seen_inside.append(data_version(authority_a.pk))
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert seen_inside[0] not in {first, second}
    assert data_version(authority_a.pk) == second


def test_a_typed_change_to_a_record_shows_on_the_next_page(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    authority_a, _ = synthetic
    client = as_role(Role.VIEWER)
    before = looked_after(client)
    assert looked_after(client) == before  # from the cache
    version = data_version(authority_a.pk)
    with scoped_to(Scope.authority(authority_a.pk)):
        period = CarePeriod.objects.filter(period_end__isnull=True).order_by("pk").first()
        assert period is not None
        period.period_end = date(2026, 9, 1)
        period.destination = "home"
        period.save()
    assert data_version(authority_a.pk) != version
    assert looked_after(client) == before - 1


def test_a_deleted_record_shows_on_the_next_page(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    authority_a, _ = synthetic
    client = as_role(Role.VIEWER)
    before = looked_after(client)
    version = data_version(authority_a.pk)
    with scoped_to(Scope.authority(authority_a.pk)):
        period = CarePeriod.objects.filter(period_end__isnull=True).order_by("pk").first()
        assert period is not None
        period.delete()  # and its placements, meetings and milestones with it
    assert data_version(authority_a.pk) != version
    assert looked_after(client) == before - 1


def test_an_import_shows_on_the_next_page(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    as_role: Callable[[Role], Client],
    load: Callable[..., object],
    django_capture_on_commit_callbacks: Any,
) -> None:
    authority_a, _ = synthetic
    client = as_role(Role.VIEWER)
    before = looked_after(client)
    version = data_version(authority_a.pk)
    # The loader writes in bulk (no per-row signal) and announces the load once committed.
    with django_capture_on_commit_callbacks(execute=True):
        load(authority_a, journey_tables("REF-NEW-CHILD", looked_after=date(2026, 8, 1)))
    assert data_version(authority_a.pk) != version
    assert looked_after(client) == before + 1


def test_a_change_to_the_improvement_work_shows_on_the_aims_charts(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    authority_a, _ = synthetic
    client = as_role(Role.DATA_LEAD)
    assert "2020-02-03" not in client.get("/aims/aim_2/").content.decode()
    with scoped_to(Scope.authority(authority_a.pk)):
        ImprovementProject.objects.create(
            authority=authority_a,
            title="An earlier start",
            national_aim="aim_2",
            improvement_start=date(2020, 2, 3),
        )
    assert "2020-02-03" in client.get("/aims/aim_2/").content.decode()


def test_a_page_is_worked_out_once_until_something_changes(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    as_role: Callable[[Role], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    authority_a, _ = synthetic
    calls = 0
    real = views.overview

    def counted(*args: Any, **kwargs: Any) -> Overview:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    # The overview as the dashboards' views call it.
    monkeypatch.setattr(views, "overview", counted)
    client = as_role(Role.VIEWER)
    for _ in range(3):
        client.get("/")
    assert calls == 1
    client.get("/?team=Children+and+Families+North")
    assert calls == 2  # another filter set is another page
    bump(authority_a.pk)
    client.get("/")
    assert calls == 3


def test_each_authority_has_its_own_pages(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    client: Client,
    users_a: dict[Role, Any],
    users_b: dict[Role, Any],
) -> None:
    from .conftest import signed_in

    a = looked_after(signed_in(client, users_a, Role.VIEWER))
    client.logout()
    b = looked_after(signed_in(client, users_b, Role.VIEWER))
    assert a > 10 and b == 1


def test_a_failed_computation_is_not_kept() -> None:
    store = LruCache(entries=2)

    def broken() -> int:
        raise ValueError("the records could not be read")

    with pytest.raises(ValueError, match="could not be read"):
        store.get_or_compute("k", broken)
    assert store.get_or_compute("k", lambda: 7) == 7
