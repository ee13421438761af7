"""An administrator or data lead makes the authority's own version of an agenda on the
app's pages: items reworded, reordered, retired and added; meetings already recorded keep
the items they were written with; every version and change is kept with who made it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.test import Client

from permanence.analysis.meetings import AGENDA_2WK
from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.forms import new_key
from permanence.web.meetings.models import AgendaVersion, LocalMeetingKind, PlanningMeeting
from permanence.web.records.models import CarePeriod

from ...core.conftest import journey_tables
from ..conftest import make_user

NEW = "/meetings/agendas/new/planning_2wk/"


def _shipped_form(**changes: str) -> dict[str, str]:
    """What the form sends untouched: the shipped two-week agenda, item for item."""
    data = {"name": "Our two-week agenda", "effective_from": "2022-01-21"}
    for number, item in enumerate(AGENDA_2WK.items, start=1):
        data[f"words_{number}"] = item.text
        data[f"place_{number}"] = str(number)
    return {**data, **changes}


def _meeting(authority: LocalAuthority, held: date) -> PlanningMeeting:
    meeting = PlanningMeeting(
        authority=authority,
        care_period=CarePeriod.objects.get(),
        kind="planning_2wk",
        held_date=held,
    )
    meeting.start_agenda()
    return meeting


def test_a_data_lead_rewords_reorders_retires_and_adds_items(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, journey_tables("A-0001"))
    lead_user = make_user(authority_a, Role.DATA_LEAD, "alpha")
    lead = Client()
    lead.force_login(lead_user)
    with scoped_to(Scope.authority(authority_a.pk)):
        before = _meeting(authority_a, date(2022, 1, 20))
    form = lead.get(NEW).content.decode()
    assert 'name="words_9"' in form and "Key: review_dates_set" in form
    # Item 2's words emptied without retiring it: refused, and nothing saved.
    refused = lead.post(NEW, _shipped_form(words_2=""))
    assert "Give the item&#x27;s words, or retire it." in refused.content.decode()
    response = lead.post(
        NEW,
        _shipped_form(
            words_1="Permanence talked through with the parents",  # reworded
            place_6="1",  # review dates set moves to the top
            retire_8="on",  # the leaflet retired
            new_1="Kinship carers considered",  # added at the end
        ),
    )
    assert response.status_code == 302
    with scoped_to(Scope.authority(authority_a.pk)):
        version = AgendaVersion.objects.get()
        keys = [item.key for item in version.as_agenda().items]
        assert keys[:2] == ["review_dates_set", "permanence_discussed"]
        assert "leaflet_offered" not in keys
        assert keys[-1] == "kinship_carers_considered"
        assert version.as_agenda().items[1].text == "Permanence talked through with the parents"
        after = _meeting(authority_a, date(2022, 1, 21))
        # The meeting recorded before keeps its items; the one after follows the version.
        assert before.items.filter(key="leaflet_offered").exists()
        assert not after.items.filter(key="leaflet_offered").exists()
        assert after.agenda_version == "Our two-week agenda"
        [made] = version.history.all()
        assert made.history_user == lead_user
    page = lead.get(f"/meetings/agendas/versions/{version.pk}/").content.decode()
    assert "Kinship carers considered" in page
    assert "1 meeting recorded follows it." in page
    assert "alpha-data_lead" in page  # who made it
    listing = lead.get("/meetings/agendas/").content.decode()
    assert "Our two-week agenda" in listing
    # The next version starts from this one; the same name twice is refused.
    again = lead.post(NEW, _shipped_form(effective_from="2023-01-01"))
    assert "Another version of this agenda has this name" in again.content.decode()


def test_a_local_kinds_agenda_and_who_may_make_one(
    authority_a: LocalAuthority, load: Callable[..., object]
) -> None:
    load(authority_a, journey_tables("A-0001"))
    with scoped_to(Scope.authority(authority_a.pk)):
        local = LocalMeetingKind.objects.create(authority=authority_a, name="Family meeting")
    practitioner = Client()
    practitioner.force_login(make_user(authority_a, Role.PRACTITIONER, "alpha"))
    address = f"/meetings/agendas/local/{local.pk}/new/"
    assert practitioner.get(address).status_code == 403
    assert practitioner.get("/meetings/agendas/").status_code == 200
    admin = Client()
    admin.force_login(make_user(authority_a, Role.ADMINISTRATOR, "alpha"))
    # Every item retired: an agenda needs one.
    empty = admin.post(
        address,
        {
            "name": "Ours",
            "effective_from": "2022-01-01",
            "place_1": "1",
            "retire_1": "on",
            "place_2": "2",
            "retire_2": "on",
        },
    )
    assert "An agenda needs at least one item." in empty.content.decode()
    saved = admin.post(
        address,
        {
            "name": "Ours",
            "effective_from": "2022-01-01",
            "words_1": "The plan reviewed",
            "place_1": "1",
            "words_2": "Actions logged",
            "place_2": "2",
        },
    )
    assert saved.status_code == 302
    with scoped_to(Scope.authority(authority_a.pk)):
        version = AgendaVersion.objects.get()
        assert (version.kind, version.local_kind) == ("local", local)
    assert admin.get("/meetings/agendas/new/review/").status_code == 404


def test_a_new_items_key_is_made_from_its_words_once() -> None:
    assert new_key("Kinship carers considered!", set()) == "kinship_carers_considered"
    assert new_key("Kinship carers considered", {"kinship_carers_considered"}) == (
        "kinship_carers_considered_2"
    )
    assert new_key("???", set()) == "item"
