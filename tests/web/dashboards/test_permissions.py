"""Every dashboard view and download is guarded on the server, and a viewer's pages, chart
specs and downloads hold no child reference, initials, date of birth or link to a child.

The checks can fail: the same walk as a practitioner finds the links a viewer must not
get, and the journey page shows the reference and initials to the roles allowed them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from permanence.journey.pseudonym import pseudonym
from permanence.journey.vocabulary import PlacementType
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import Placement

from .conftest import INITIALS, REF_PREFIX, a_children, signed_in

PAGES = [
    "/",
    "/aims/aim_1/",
    "/aims/aim_2/",
    "/aims/aim_3/",
    "/aims/aim_4/",
    "/aims/aim_2/by-team/",
    "/where-children-wait/",
]
DOWNLOAD = re.compile(
    r'href="(/(?:aims/[\w-]+|where-children-wait)/charts/[\w-]+\.(?:png|svg|csv|html)[^"]*)"'
)
SPEC = re.compile(r'<script id="chart-[^"]+-spec" type="application/json">(.*?)</script>', re.S)
AGGREGATE_ROLES = [Role.ADMINISTRATOR, Role.DATA_LEAD, Role.PRACTITIONER, Role.VIEWER]


def downloads(body: str) -> list[str]:
    return sorted({match.replace("&amp;", "&") for match in DOWNLOAD.findall(body)})


@pytest.mark.parametrize("path", [*PAGES, "/aims/aim_2/charts/run-chart.csv"])
def test_people_not_signed_in_are_sent_to_sign_in(client: Client, db: None, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", AGGREGATE_ROLES)
@pytest.mark.parametrize("path", [*PAGES, "/aims/aim_2/charts/run-chart.csv"])
def test_every_role_with_figures_sees_the_dashboards(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    as_role: Callable[[Role], Client],
    role: Role,
    path: str,
) -> None:
    assert as_role(role).get(path).status_code == 200


@pytest.mark.parametrize("path", [*PAGES, "/aims/aim_2/charts/run-chart.csv"])
def test_a_person_without_the_capability_is_refused(
    synthetic: tuple[LocalAuthority, LocalAuthority], client: Client, path: str
) -> None:
    authority_a, _ = synthetic
    national = User.objects.create_user(
        username="someone-national", password="a-long-test-password", role=Role.NATIONAL
    )
    client.force_login(national)
    # The start page sends the national team on to their own workspace; every other
    # page is refused.
    refused = (302, "/national/") if path == "/" else (403, None)
    response = client.get(path)
    assert (response.status_code, response.get("Location")) == refused
    # Nor does a role missing VIEW_AGGREGATES see figures even with an authority.
    national.authority = authority_a
    national.save()
    response = client.get(path)
    assert (response.status_code, response.get("Location")) == refused


@pytest.mark.parametrize(
    "path",
    [
        "/aims/unknown/",
        "/aims/local_99999/",
        "/aims/aim_2/charts/nothing.png",
        "/aims/aim_2/charts/run-chart.pdf",
        "/where-children-wait/charts/nothing.csv",
    ],
)
def test_unknown_aims_charts_and_formats_are_not_found(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client], path: str
) -> None:
    assert as_role(Role.DATA_LEAD).get(path).status_code == 404


def test_a_local_aim_of_another_authority_is_not_found(
    synthetic: tuple[LocalAuthority, LocalAuthority],
    client: Client,
    users_b: dict[Role, User],
) -> None:
    from permanence.web.improvement.models import LocalAim
    from permanence.web.kernel.scope import Scope, scoped_to

    authority_a, _ = synthetic
    with scoped_to(Scope.authority(authority_a.pk)):
        aim = LocalAim.objects.create(
            authority=authority_a,
            title="Alpha's own aim",
            start_column="accommodated_date",
            end_column="recommendation_date",
            target_weeks=30,
            target_percent=70,
            start_on_or_after=date(2024, 1, 1),
            by_date=date(2027, 3, 31),
        )
    signed_in(client, users_b, Role.DATA_LEAD)
    assert client.get(f"/aims/local_{aim.pk}/").status_code == 404
    assert "Alpha's own aim" not in client.get("/").content.decode()


# ---- a viewer sees no child-identifying data ---------------------------------------------


# A form's CSRF token is random letters and digits, so now and then it holds "XQZ"; it
# says nothing about a child, and the search must not trip on it.
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _walk(client: Client) -> dict[str, str]:
    """Every dashboard page, and every chart download it offers, as text (their CSRF
    tokens blanked). PNGs are fetched but not searched: their text is drawn as pixels,
    and their compressed bytes could hold any three letters by chance; the SVGs and
    specs they are drawn from are searched."""
    seen: dict[str, str] = {}
    for path in PAGES:
        body = client.get(path).content.decode()
        seen[path] = CSRF_TOKEN.sub('name="csrfmiddlewaretoken" value=""', body)
        for address in downloads(body):
            is_png = address.split("?")[0].endswith(".png")
            if is_png and "/trend." not in address:
                continue
            response = client.get(address)
            assert response.status_code == 200, address
            if is_png:
                assert response.content.startswith(b"\x89PNG"), address
                continue
            seen[address] = response.content.decode()
    return seen


def test_a_viewer_sees_no_child_reference_initials_birth_date_or_link(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    authority_a, _ = synthetic
    children = a_children(authority_a)
    seen = _walk(as_role(Role.VIEWER))
    assert len(seen) > 30
    for address, text in seen.items():
        assert REF_PREFIX not in text, address
        assert INITIALS not in text, address
        assert "/children/" not in text, address
        assert '"href"' not in text, address
        assert "date_of_birth" not in text and "Date of birth" not in text, address

    # Each child's date of birth appears nowhere beside their pseudonymous reference.
    by_pseudonym = {
        pseudonym(settings.PSEUDONYM_KEY, authority_a.code, child["child_ref"]): child
        for child in children
    }
    found = 0
    for address, text in seen.items():
        for row in _rows_with_pseudonyms(address, text):
            child = by_pseudonym.get(row["pseudonym"])
            assert child is not None, f"{address}: an unknown pseudonym {row['pseudonym']}"
            found += 1
            born: date = child["date_of_birth"]
            forms = {born.isoformat(), f"{born.day} {born:%b %Y}", f"{born.day} {born:%B %Y}"}
            assert not forms & set(row["values"]), (address, row)
    assert found > 50, "the walk found too few children on the charts to mean anything"


def _rows_with_pseudonyms(address: str, text: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if address.split("?")[0].endswith(".csv"):
        for record in csv.reader(io.StringIO(text)):
            named = [cell for cell in record if re.fullmatch(r"C-[A-Z2-9]{4}-[A-Z2-9]{4}", cell)]
            if named:
                rows.append({"pseudonym": named[0], "values": record})
        return rows
    for spec_text in SPEC.findall(text):
        for values in _data_rows(json.loads(spec_text)):
            label = values.get("label")
            if isinstance(label, str) and label.startswith("C-"):
                rows.append({"pseudonym": label, "values": [str(v) for v in values.values()]})
    return rows


def _data_rows(spec: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(spec, dict):
        data = spec.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            found += [row for row in data["values"] if isinstance(row, dict)]
        for value in spec.values():
            found += _data_rows(value)
    elif isinstance(spec, list):
        for value in spec:
            found += _data_rows(value)
    return found


def test_the_same_walk_as_a_practitioner_finds_links_to_childrens_journeys(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    # The viewer's walk above can fail: a role allowed to open a child gets the links.
    seen = _walk(as_role(Role.PRACTITIONER))
    aim_page = seen["/aims/aim_2/"]
    assert '"href"' in aim_page
    assert re.search(r'<a href="/children/\d+/">C-[A-Z2-9]{4}-[A-Z2-9]{4}</a>', aim_page)
    for text in seen.values():
        assert REF_PREFIX not in text  # pseudonyms on charts for every role


def test_the_journey_names_the_child_to_roles_allowed_to_see_it(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    authority_a, _ = synthetic
    with scoped_to(Scope.authority(authority_a.pk)):
        # Every accommodated child has at least Aim 2's clock running or stopped.
        accommodated = Placement.objects.exclude(placement_type=PlacementType.AT_HOME)
        away = set(accommodated.values_list("care_period__child_id", flat=True))
    child = next(c for c in a_children(authority_a) if c["pk"] in away)
    practitioner = as_role(Role.PRACTITIONER)
    body = practitioner.get(f"/children/{child['pk']}/").content.decode()
    assert child["child_ref"] in body and INITIALS in body
    assert "<h3>The aims' clocks</h3>" in body and ">Aim 2 <" in body
    practitioner.logout()
    viewer = as_role(Role.VIEWER)
    assert viewer.get(f"/children/{child['pk']}/").status_code == 403
    assert viewer.get("/children/").status_code == 403


def test_the_journeys_placement_strip_has_a_key_and_says_itself_in_words(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    authority_a, _ = synthetic
    with scoped_to(Scope.authority(authority_a.pk)):
        accommodated = Placement.objects.exclude(placement_type=PlacementType.AT_HOME)
        away = set(accommodated.values_list("care_period__child_id", flat=True))
    child = next(c for c in a_children(authority_a) if c["pk"] in away)
    body = as_role(Role.PRACTITIONER).get(f"/children/{child['pk']}/").content.decode()
    strip = re.search(r'<svg class="placement-strip" role="img" aria-label="([^"]+)"', body)
    assert strip is not None, "the strip is named for screen readers, not hidden from them"
    assert strip.group(1).startswith("Where the child lived in this care period, from ")
    # Each period's key names exactly the care settings its strip draws.
    for period in body.split('<svg class="placement-strip"')[1:]:
        drawn = set(re.findall(r'<rect class="setting--(\w+)"', period.split("</svg>", 1)[0]))
        key = period.split('<ul class="placement-key"', 1)[1].split("</ul>", 1)[0]
        named = re.findall(r"setting--(\w+)", key)
        assert drawn and sorted(named) == sorted(drawn)
