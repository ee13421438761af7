"""Sibling groups typed in on the child's page: a brother or sister added by reference
(the authority's children only), taken out again, every change kept, read by the journeys
frame where the import gives no group, and the import's group winning where it does
(docs/meetings.md's precedence rule for what is entered here)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import polars as pl
import pytest
from django.test import Client

from permanence.journey.tables import JourneyTables
from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.children.models import EnteredSiblingGroup
from permanence.web.kernel import cache
from permanence.web.kernel.cache import authority_data
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import Child

from ..core.conftest import journey_tables
from .conftest import make_user


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.STORE.clear()
    yield
    cache.STORE.clear()


def _children(*refs: str, groups: dict[str, str] | None = None) -> JourneyTables:
    parts = [journey_tables(ref) for ref in refs]
    tables = JourneyTables(
        **{name: pl.concat([getattr(p, name) for p in parts]) for name, _ in parts[0].items()}
    )
    named = pl.col("child_ref").replace_strict(groups or {}, default=None, return_dtype=pl.String)
    return JourneyTables(
        **{
            **dict(tables.items()),
            "children": tables.children.with_columns(named.alias("sibling_group")),
        }
    )


def _frame_groups(authority: LocalAuthority) -> dict[str, str | None]:
    with scoped_to(Scope.authority(authority.pk)):
        frame = authority_data(authority.pk).frame
    return dict(frame.select("child_ref", "sibling_group").unique().iter_rows())


def test_a_practitioner_adds_and_takes_out_a_brother_or_sister(
    authority_a: LocalAuthority, authority_b: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, _children("A-0001", "A-0002", "A-0003"))
    load(authority_b, _children("B-0001"))
    with scoped_to(Scope.authority(authority_a.pk)):
        first, second, _ = Child.objects.order_by("child_ref")
    client = Client()
    client.force_login(make_user(authority_a, Role.PRACTITIONER, "alpha"))
    page = f"/children/{first.pk}/siblings/"
    assert page in client.get(f"/children/{first.pk}/").content.decode()
    # Another authority's child, and the child itself, are refused.
    refused = client.post(page, {"reference": "B-0001"}).content.decode()
    assert "No child of your authority has the reference B-0001." in refused
    assert "not this one" in client.post(page, {"reference": "A-0001"}).content.decode()

    assert client.post(page, {"reference": "A-0002"}).status_code == 302
    with scoped_to(Scope.authority(authority_a.pk)):
        groups = dict(EnteredSiblingGroup.objects.values_list("child__child_ref", "group"))
        entry = EnteredSiblingGroup.objects.get(child=second)
        assert entry.history.count() == 1
    assert groups == {"A-0001": "A-0001 and siblings", "A-0002": "A-0001 and siblings"}
    journey = client.get(f"/children/{first.pk}/").content.decode()
    assert "Sibling group A-0001 and siblings." in journey and "Child A-0002</a>" in journey
    # The journeys frame (the aims read per sibling group) sees the group typed in.
    assert _frame_groups(authority_a) == {
        "A-0001": "A-0001 and siblings",
        "A-0002": "A-0001 and siblings",
        "A-0003": None,
    }

    removed = client.post(f"/children/siblings/{entry.pk}/remove/", {"from_child": str(first.pk)})
    assert removed.status_code == 302 and removed["Location"] == page
    after = client.get(f"/children/{first.pk}/").content.decode()
    assert "is no longer in sibling group" in after  # the banner
    assert "Child A-0002</a>" not in after
    with scoped_to(Scope.authority(authority_a.pk)):
        assert not EnteredSiblingGroup.objects.filter(child=second).exists()
        # The removal is kept in the history, with who made it.
        assert EnteredSiblingGroup.history.filter(id=entry.pk).count() == 2


def test_the_import_group_wins_and_the_one_typed_in_is_kept(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, _children("A-0001", "A-0002"))
    with scoped_to(Scope.authority(authority_a.pk)):
        first = Child.objects.get(child_ref="A-0001")
    client = Client()
    client.force_login(make_user(authority_a, Role.PRACTITIONER, "alpha"))
    client.post(f"/children/{first.pk}/siblings/", {"reference": "A-0002"})
    # A later extract puts A-0001 in the system's own group FAM-9.
    load(authority_a, _children("A-0001", "A-0002", groups={"A-0001": "FAM-9"}), "later.csv")
    page = client.get(f"/children/{first.pk}/siblings/").content.decode()
    assert "Sibling group FAM-9, from the case recording system." in page
    assert "A-0001 and siblings, is kept but not used" in page
    assert _frame_groups(authority_a) == {"A-0001": "FAM-9", "A-0002": "A-0001 and siblings"}
