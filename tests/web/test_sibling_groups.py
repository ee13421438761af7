"""Sibling groups from the import: the journey page names the brothers and sisters (each
shown is logged), another authority's group of the same name is never theirs, and the
aim page reads the aim per group (docs/aims.md, "Sibling groups")."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from django.test import Client

from permanence.journey.tables import JourneyTables
from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.audit.models import RecordView
from permanence.web.kernel import cache
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import Child

from ..core.conftest import journey_tables
from .conftest import make_user


def _in_group(tables: JourneyTables, group: str) -> JourneyTables:
    children = tables.children.with_columns(pl.lit(group).alias("sibling_group"))
    return JourneyTables(**{**dict(tables.items()), "children": children})


def _both(first: JourneyTables, second: JourneyTables) -> JourneyTables:
    return JourneyTables(
        **{name: pl.concat([table, getattr(second, name)]) for name, table in first.items()}
    )


def test_the_journey_and_the_aim_page_show_the_sibling_group(
    authority_a: LocalAuthority, authority_b: LocalAuthority, load: Callable[..., object]
) -> None:
    cache.STORE.clear()
    family = _both(
        _in_group(journey_tables("A-0001"), "FAM-7"),
        _in_group(journey_tables("A-0002", initials="BB"), "FAM-7"),
    )
    load(authority_a, _both(family, journey_tables("A-0003", initials="CC")), "alpha.csv")
    load(authority_b, _in_group(journey_tables("B-0001"), "FAM-7"), "bravo.csv")
    with scoped_to(Scope.authority(authority_a.pk)):
        first, second = Child.objects.filter(sibling_group="FAM-7").order_by("child_ref")
    practitioner = make_user(authority_a, Role.PRACTITIONER, "alpha")
    client = Client()
    client.force_login(practitioner)
    page = client.get(f"/children/{first.pk}/").content.decode()
    assert "Brothers and sisters" in page and "Sibling group FAM-7" in page
    assert f'href="/children/{second.pk}/"' in page
    assert "A-0003" not in page and "B-0001" not in page
    with scoped_to(Scope.authority(authority_a.pk)):
        shown = sorted(RecordView.objects.filter(viewer=practitioner).values_list("child_ref"))
    assert shown == [("A-0001",), ("A-0002",)]
    # A child with no group has none named, and the practitioner may record one.
    with scoped_to(Scope.authority(authority_a.pk)):
        alone = Child.objects.get(child_ref="A-0003")
    lone_page = client.get(f"/children/{alone.pk}/").content.decode()
    assert "No sibling group is recorded for this child." in lone_page
    assert f'href="/children/{alone.pk}/siblings/"' in lone_page
    # The aim page counts the group once: two of A's three children are one group.
    aim_page = client.get("/aims/aim_2/").content.decode()
    assert "the aim by sibling group" in aim_page
    table = aim_page.split("Sibling groups by the entry period", 1)[1].split("</table>", 1)[0]
    every = table.split("Every period", 1)[1]
    assert '<td class="numeric">1</td>' in every.split("</tr>", 1)[0]
    cache.STORE.clear()
