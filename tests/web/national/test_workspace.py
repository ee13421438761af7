"""The national workspace: figures only, never a child, for the people allowed to see it.

Every page and download is checked for counts from 1 to 4 (in the cells that hold
counts), for any child's reference and for any date of birth; a national user walks
every address of the site; an authority's people try to reach the national figures by
address; and a withdrawal takes effect at once, with its history kept.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from permanence.analysis.aims import NATIONAL_AIMS
from permanence.analysis.aims_outcomes import Outcome
from permanence.analysis.benchmarking import Section
from permanence.web.accounts.middleware import scope_for_user
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability, Role
from permanence.web.kernel.scope import Scope
from permanence.web.national.models import NationalPublication, NationalSnapshot, SharingDecision
from permanence.web.national.snapshots import snapshot_path

from ..conftest import PASSWORD
from .conftest import REF_MARKER, Nation

NATIONAL_PAGES = [
    "/national/",
    *[f"/national/aims/{aim.id}/" for aim in NATIONAL_AIMS],
    "/national/survival/",
    "/national/stages/",
]
DOWNLOADS = [f"/national/download/{name}.csv" for name in ("aims", "bands", "survival", "stages")]


class CountCells(HTMLParser):
    """The text of every table cell marked as holding a count (class "count")."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        self._open = tag == "td" and "count" in classes
        if self._open:
            self.cells.append("")

    def handle_data(self, data: str) -> None:
        if self._open:
            self.cells[-1] += data.strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._open = False


def small_counts_in_page(body: str) -> list[str]:
    parser = CountCells()
    parser.feed(body)
    assert parser.cells, "the page should hold count cells"
    return [cell for cell in parser.cells if cell in {"1", "2", "3", "4"}]


def small_counts_in_csv(body: str) -> list[str]:
    lines = [line for line in body.splitlines() if line and not line.startswith("#")]
    header = lines[0].split(",")
    count_columns = {"counted", "met", "not_met", "pending", "stopped", "known"}
    found = []
    for line in lines[1:]:
        for name, value in zip(header, line.split(","), strict=True):
            if name in count_columns and value in {"1", "2", "3", "4"}:
                found.append(f"{name}={value}")
    return found


def identifying(body: str, nation: Nation) -> list[str]:
    found = [REF_MARKER] if REF_MARKER in body else []
    found += sorted(born for born in nation.births if born in body)
    return found


@pytest.fixture
def national_client(nation: Nation) -> Client:
    return nation.client_for(nation.national)


def test_signing_in_takes_the_national_team_to_the_national_picture(
    nation: Nation, national_client: Client
) -> None:
    response = national_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/national/"
    page = national_client.get("/national/").content.decode()
    assert 'href="/national/"' in page  # the navigation's one link for them
    assert 'href="/children/"' not in page
    admin_page = nation.client_for(nation.admins["NORTH"]).get("/").content.decode()
    assert 'href="/national/sharing/"' in admin_page
    assert 'href="/imports/"' in admin_page


def test_a_national_user_sees_every_sharing_authority_and_no_child(
    nation: Nation, national_client: Client
) -> None:
    for page in NATIONAL_PAGES:
        response = national_client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert identifying(body, nation) == [], page
        assert "child_ref" not in body
    home = national_client.get("/national/").content.decode()
    for authority in nation.authorities.values():
        assert authority.name in home


def test_no_page_shows_a_count_from_one_to_four(nation: Nation, national_client: Client) -> None:
    published = []
    for page in [f"/national/aims/{aim.id}/" for aim in NATIONAL_AIMS]:
        body = national_client.get(page).content.decode()
        assert small_counts_in_page(body) == [], page
        parser = CountCells()
        parser.feed(body)
        published += [int(cell) for cell in parser.cells if cell.isdigit()]
    # Not everything is hidden: the test would mean little if it were.
    assert any(count >= 5 for count in published)
    # The smallest authority does have small counts: they are shown as "c".
    body = national_client.get("/national/aims/aim_2/").content.decode()
    assert re.search(r'class="numeric count">c<', body)


def test_no_download_holds_a_small_count_a_reference_or_a_date_of_birth(
    nation: Nation, national_client: Client
) -> None:
    for address in DOWNLOADS:
        response = national_client.get(address)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        body = response.content.decode()
        assert small_counts_in_csv(body) == [], address
        assert identifying(body, nation) == [], address
        assert "date_of_birth" not in body
    assert national_client.get("/national/download/children.csv").status_code == 404


def test_the_published_record_holds_no_small_count(nation: Nation, national_client: Client) -> None:
    national_client.get("/national/")
    publication = NationalPublication.objects.get()
    for row in publication.figures["aims"]:
        for column in ("counted", "met", "not_met", "pending", "stopped", "known"):
            assert row[column] not in {1, 2, 3, 4}


def test_people_of_an_authority_cannot_reach_the_national_figures_by_address(
    nation: Nation,
) -> None:
    north = nation.authorities["NORTH"]
    people = [nation.admins["NORTH"]] + [
        User.objects.create_user(
            username=f"north-{role.value}", password=PASSWORD, authority=north, role=role
        )
        for role in (Role.DATA_LEAD, Role.PRACTITIONER, Role.VIEWER)
    ]
    for person in people:
        client = nation.client_for(person)
        for address in [*NATIONAL_PAGES, *DOWNLOADS]:
            assert client.get(address).status_code == 403, (person.role, address)


def test_the_sharing_page_shows_only_the_administrators_own_authority(nation: Nation) -> None:
    client = nation.client_for(nation.admins["NORTH"])
    body = client.get("/national/sharing/").content.decode()
    assert "North Council" in body
    assert "South Council" not in body and "West Council" not in body
    # Asking for another authority by any parameter changes nothing.
    other = client.get("/national/sharing/", {"authority": nation.authorities["SOUTH"].pk})
    assert "South Council" not in other.content.decode()
    assert nation.client_for(nation.national).get("/national/sharing/").status_code == 403


def test_a_withdrawal_takes_effect_at_once_and_is_kept_in_the_history(
    nation: Nation, national_client: Client
) -> None:
    before = national_client.get("/national/").content.decode()
    assert "West Council" in before
    admin = nation.client_for(nation.admins["WEST"])
    response = admin.post("/national/sharing/", {"note": "Reviewing our data"})
    assert response.status_code == 302
    after = national_client.get("/national/").content.decode()
    assert "West Council" not in after
    for page in NATIONAL_PAGES:
        assert "West Council" not in national_client.get(page).content.decode()
    assert not NationalSnapshot.everywhere.filter(authority=nation.authorities["WEST"]).exists()
    decisions = SharingDecision.everywhere.filter(authority=nation.authorities["WEST"])
    assert decisions.count() == 2
    latest = decisions.first()
    assert latest is not None
    assert latest.sections == frozenset()
    assert latest.decided_by == nation.admins["WEST"]
    assert latest.note == "Reviewing our data"
    history = admin.get("/national/sharing/").content.decode()
    assert "Reviewing our data" in history and "Shares nothing" in history
    # The figures after the withdrawal were protected together with those before it.
    assert NationalPublication.objects.count() == 2


def test_sharing_one_section_keeps_the_others_out(nation: Nation, national_client: Client) -> None:
    admin = nation.client_for(nation.admins["SOUTH"])
    admin.post("/national/sharing/", {"sections": [Section.STAGES.value]})
    aim_page = national_client.get("/national/aims/aim_2/").content.decode()
    stages_page = national_client.get("/national/stages/").content.decode()
    assert "South Council" not in aim_page
    assert "South Council" in stages_page


def test_snapshots_hold_no_reference_and_no_date_of_birth(nation: Nation) -> None:
    import polars as pl

    for snapshot in NationalSnapshot.everywhere.all():
        frame = pl.read_parquet(snapshot_path(snapshot))
        assert frame.get_column("date_of_birth").null_count() == frame.height
        assert not frame.get_column("child_ref").str.starts_with(REF_MARKER).any()
        assert frame.get_column("team").null_count() == frame.height


def test_a_national_user_can_do_nothing_at_child_level(nation: Nation) -> None:
    national = nation.national
    assert national.can(Capability.VIEW_NATIONAL)
    assert [c for c in Capability if national.can(c)] == [Capability.VIEW_NATIONAL]
    assert scope_for_user(national) == Scope.nothing()
    # Even a national user wrongly given an authority reaches none of its records.
    national.authority = nation.authorities["NORTH"]
    assert [c for c in Capability if national.can(c)] == [Capability.VIEW_NATIONAL]
    assert scope_for_user(national) == Scope.nothing()
    national.is_active = False
    assert not any(national.can(c) for c in Capability)


def test_administrators_manage_sharing_but_do_not_see_the_national_figures(
    nation: Nation,
) -> None:
    admin = nation.admins["NORTH"]
    assert admin.can(Capability.MANAGE_SHARING)
    assert not admin.can(Capability.VIEW_NATIONAL)


def test_the_national_pages_and_downloads_answer_only_get(
    nation: Nation, national_client: Client
) -> None:
    for address in [*NATIONAL_PAGES, *DOWNLOADS]:
        assert national_client.post(address).status_code == 405, address
        assert national_client.get(address).status_code == 200, address
    header = national_client.get(DOWNLOADS[0]).content.decode().splitlines()[0]
    assert header.startswith("# permanence national figures: Each aim's counts and figures")


def test_the_aim_pages_name_outcomes_as_the_authoritys_own_pages_do(
    nation: Nation, national_client: Client
) -> None:
    body = national_client.get("/national/aims/aim_2/").content.decode()
    for outcome in Outcome:
        assert f'<th scope="col" class="numeric">{outcome.label}</th>' in body, outcome


def test_the_sharing_form_renders_through_the_form_renderer_and_refuses_an_unknown_section(
    nation: Nation,
) -> None:
    admin = nation.client_for(nation.admins["SOUTH"])
    page = admin.get("/national/sharing/").content.decode()
    # The Design System markup comes from the one form renderer, not hand-written controls.
    assert 'class="ds_checkbox__input"' in page
    assert 'class="ds_hint-text"' in page
    assert f'value="{Section.STAGES.value}"' in page
    before = SharingDecision.everywhere.filter(authority=nation.authorities["SOUTH"]).count()
    refused = admin.post("/national/sharing/", {"sections": ["not-a-section"], "note": "x"})
    assert refused.status_code == 200
    assert "ds_error-summary" in refused.content.decode()
    after = SharingDecision.everywhere.filter(authority=nation.authorities["SOUTH"]).count()
    assert after == before
