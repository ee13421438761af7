"""The per-row forms on a child's data queries and on the list of records no longer in
the extract are Django forms drawn by the one form renderer (the Design System's
markup: a question per field, its label, its own id), and posting them as a browser would
(every field as the page fills it) does what the hand-written forms did."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import pytest
from django.test import Client

from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import (
    AbsentRecord,
    CarePeriod,
    Child,
    ImportBatch,
    Placement,
    QueryAnswer,
)

from ..conftest import PASSWORD
from .conftest import Loader
from .one_child import write_extract
from .test_query_answers import WAITING

_FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', re.DOTALL)
_ATTRIBUTE = re.compile(r'([\w-]+)(?:="([^"]*)")?')


def _attributes(tag: str) -> dict[str, str]:
    return {name: html.unescape(value or "") for name, value in _ATTRIBUTE.findall(tag)}


def forms_on(page: str) -> list[tuple[str, dict[str, str], str]]:
    """Each post form: its action, what a browser would post, and its markup."""
    found = []
    for action, body in _FORM.findall(page):
        data: dict[str, str] = {}
        for tag in re.findall(r"<input\b[^>]*>", body):
            attributes = _attributes(tag[6:-1])
            if attributes.get("type") in {"submit", "button"} or "name" not in attributes:
                continue
            data[attributes["name"]] = attributes.get("value", "")
        for name, options in re.findall(
            r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, re.DOTALL
        ):
            chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options) or re.search(
                r'<option value="([^"]*)"', options
            )
            data[name] = html.unescape(chosen[1]) if chosen else ""
        found.append((html.unescape(action), data, body))
    return found


def assert_design_system(page: str, forms: list[tuple[str, dict[str, str], str]]) -> None:
    """Every control is the Design System's, labelled, and no id is used twice."""
    ids = Counter(re.findall(r'\bid="([^"]+)"', page))
    assert [name for name, count in ids.items() if count > 1] == []
    for _, _, body in forms:
        for control in re.findall(r"<(?:input|select)\b[^>]*>", body):
            attributes = _attributes(control)
            if attributes.get("type") == "hidden" or "csrfmiddlewaretoken" in control:
                continue
            assert {"ds_input", "ds_select"} & set(attributes.get("class", "").split()), control
            assert f'<label class="ds_label" for="{attributes["id"]}">' in body, control
        if "<select" in body or 'type="text"' in body:
            assert 'class="ds_question' in body


@pytest.fixture
def data_lead(client: Client, users_a: dict[Role, User]) -> Client:
    client.login(username=users_a[Role.DATA_LEAD].username, password=PASSWORD)
    return client


@pytest.fixture
def child_with_absences(
    authority_a: LocalAuthority, tmp_path: Path, load_extract: Loader
) -> tuple[Child, list[AbsentRecord]]:
    """The child with an OVERDUE001 query and two of its records (its placements) marked
    as no longer in the extract."""
    load_extract(write_extract(tmp_path / "waiting", milestones=()), WAITING)
    with scoped_to(Scope.authority(authority_a.pk)):
        child = Child.objects.get()
        batch = ImportBatch.objects.get()
        period = CarePeriod.objects.get(child=child)
        placements = list(Placement.objects.filter(care_period=period).order_by("pk"))
        absences = [
            AbsentRecord.objects.create(
                authority=authority_a,
                table="placements",
                record_pk=placement.pk,
                child=child,
                child_ref=child.child_ref,
                period_start=period.period_start,
                description=f"Placement {number} of the test child",
                missing_from=batch,
            )
            for number, placement in enumerate(placements[:1] * 2, start=1)
        ]
    return child, absences


def test_a_childs_query_and_absence_forms_are_drawn_and_post_as_before(
    child_with_absences: tuple[Child, list[AbsentRecord]],
    data_lead: Client,
    authority_a: LocalAuthority,
) -> None:
    child, (first, second) = child_with_absences
    journey = f"/children/{child.pk}/"
    page = data_lead.get(journey).content.decode()
    forms = forms_on(page)
    assert_design_system(page, forms)
    answer = next(data for action, data, _ in forms if action.endswith("/answer/"))
    with scoped_to(Scope.authority(authority_a.pk)):
        period = CarePeriod.objects.get(child=child)
    # What the page fills in: the rule and care period; the first kind offered; no reason.
    assert answer["rule"] == "OVERDUE001" and answer["care_period"] == str(period.pk)
    assert answer["reason"] == ""
    assert 'value="purposeful_delay"' in page  # OVERDUE001 is about a wait
    response = data_lead.post(
        f"/data-quality/children/{child.pk}/answer/",
        {**answer, "kind": "purposeful_delay", "reason": "sibling assessment"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#data-queries")
    with scoped_to(Scope.authority(authority_a.pk)):
        kept = QueryAnswer.objects.get()
    assert (kept.rule, kept.care_period_id, kept.kind, kept.reason) == (
        "OVERDUE001",
        period.pk,
        "purposeful_delay",
        "sibling assessment",
    )
    # The form now shows the answer given, to change it.
    page = data_lead.get(journey).content.decode()
    answer = next(data for action, data, _ in forms_on(page) if action.endswith("/answer/"))
    assert (answer["kind"], answer["reason"]) == ("purposeful_delay", "sibling assessment")
    assert "Change the answer" in page

    keep = next(data for action, data, _ in forms_on(page) if f"/{first.pk}/keep/" in action)
    assert keep["next"] == f"{journey}#data-queries"
    response = data_lead.post(
        f"/data-quality/not-in-extract/{first.pk}/keep/", {**keep, "note": "on the system"}
    )
    assert response.status_code == 302 and response["Location"] == f"{journey}#data-queries"
    with scoped_to(Scope.authority(authority_a.pk)):
        first.refresh_from_db()
        second.refresh_from_db()
    assert (first.status, first.note) == ("kept", "on the system")
    assert second.status == "awaiting"


def test_the_list_of_records_no_longer_in_the_extract_draws_its_forms_and_posts_them(
    child_with_absences: tuple[Child, list[AbsentRecord]],
    data_lead: Client,
    authority_a: LocalAuthority,
) -> None:
    _, (_first, second) = child_with_absences
    page = data_lead.get("/data-quality/not-in-extract/").content.decode()
    forms = forms_on(page)
    assert_design_system(page, forms)
    assert "Why keep it" in page and "Why remove it" in page
    remove = next(data for action, data, _ in forms if f"/{second.pk}/remove/" in action)
    response = data_lead.post(
        f"/data-quality/not-in-extract/{second.pk}/remove/", {**remove, "note": "closed in error"}
    )
    assert response.status_code == 302 and response["Location"] == "/data-quality/not-in-extract/"
    with scoped_to(Scope.authority(authority_a.pk)):
        second.refresh_from_db()
        assert (second.status, second.note) == ("removed", "closed in error")
        assert not Placement.objects.filter(pk=second.record_pk).exists()
