"""Notes typed on a chart's points: added on the chart's page by the roles that keep the
improvement record, on one of the chart's own points, marked on the chart (N1) and said
in its text alternative and data table, listed under it with who wrote each and when,
kept in their history, and never shown to, or written by, another authority."""

from __future__ import annotations

import json
import re
from datetime import date

from django.test import Client
from django.urls import reverse

from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Role
from permanence.web.improvement.models import ChartNote
from permanence.web.kernel.scope import Scope, scoped_to

from .conftest import Record

JANUARY = "2022-01-01"  # the entered measure's one month


def _add(client: Client, chart: str, on: str, text: str) -> int:
    response = client.post(
        reverse("improvement-chart-note-add"), {"chart": chart, "on": on, "text": text}
    )
    return response.status_code


def _notes(record: Record) -> list[ChartNote]:
    with scoped_to(Scope.authority(record.project.authority_id)):
        measures = ChartNote.objects.filter(chart__startswith="measure:")
        return list(measures.exclude(pk=record.note.pk))


def _spec(page: str, measure_pk: int) -> dict[str, object]:
    found = re.search(
        rf'<script id="measure-chart-{measure_pk}-spec" type="application/json">(.*?)</script>',
        page,
        re.S,
    )
    assert found is not None
    spec: dict[str, object] = json.loads(found.group(1))
    return spec


def test_a_data_lead_adds_a_note_on_a_point_and_the_chart_marks_it(
    client: Client, record_a: Record, users_a: dict[Role, User]
) -> None:
    lead = users_a[Role.DATA_LEAD]
    client.force_login(lead)
    measure = record_a.entered
    page_url = reverse("improvement-measure", args=[measure.pk])
    form_page = client.get(page_url).content.decode()
    # The form offers the chart's points to choose from, by name.
    assert f'<option value="{JANUARY}">January 2022</option>' in form_page
    assert _add(client, f"measure:{measure.pk}", JANUARY, "Two sibling groups came in") == 302
    [note] = _notes(record_a)
    assert (note.chart, note.on, note.written_by) == (
        f"measure:{measure.pk}",
        date(2022, 1, 1),
        lead,
    )
    page = client.get(page_url).content.decode()
    # Listed under the chart with its number, who wrote it and when.
    assert "Two sibling groups came in" in page
    assert f"{lead.get_full_name() or lead.get_username()}, " in page
    spec = _spec(page, measure.pk)
    description = str(spec["description"])
    assert "Notes on the chart's points: N1, 1 Jan 2022: Two sibling groups came in." in (
        description
    )
    numbers = [
        row["number"]
        for layer in spec["layer"]  # type: ignore[attr-defined]
        for row in layer.get("data", {}).get("values", [])
        if "number" in row
    ]
    assert "N1" in numbers
    # The data table (and its download) has the note on its point's row.
    assert "N1 Two sibling groups came in" in page
    csv = client.get(reverse("improvement-measure-csv", args=[measure.pk])).content.decode()
    assert "Notes" in csv.splitlines()[0]
    assert "N1 Two sibling groups came in" in csv


def test_a_viewer_cannot_add_a_note_and_sees_no_form(
    client: Client, record_a: Record, users_a: dict[Role, User]
) -> None:
    client.force_login(users_a[Role.VIEWER])
    measure = record_a.entered
    page = client.get(reverse("improvement-measure", args=[measure.pk])).content.decode()
    assert "Notes on the chart's points" in page
    assert reverse("improvement-chart-note-add") not in page
    assert _add(client, f"measure:{measure.pk}", JANUARY, "viewer-was-here") == 403
    edit = reverse("improvement-chart-note-edit", args=[record_a.note.pk])
    assert client.post(edit, {"text": "viewer-was-here"}).status_code == 403
    remove = reverse("improvement-chart-note-remove", args=[record_a.note.pk])
    assert client.post(remove).status_code == 403
    assert _notes(record_a) == []
    with scoped_to(Scope.authority(record_a.project.authority_id)):
        assert ChartNote.objects.get(pk=record_a.note.pk).text == "alpha-chart note"


def test_a_date_the_chart_does_not_have_is_refused(
    client: Client, record_a: Record, users_a: dict[Role, User]
) -> None:
    client.force_login(users_a[Role.DATA_LEAD])
    chart = f"measure:{record_a.entered.pk}"
    assert _add(client, chart, "2022-02-01", "Not a point") == 302
    assert _add(client, chart, JANUARY, "") == 302
    assert _add(client, "measure:nonsense", JANUARY, "x") == 404
    assert _notes(record_a) == []


def test_no_note_goes_on_another_authoritys_chart_nor_shows_from_it(
    client: Client, record_a: Record, record_b: Record, users_a: dict[Role, User]
) -> None:
    client.force_login(users_a[Role.ADMINISTRATOR])
    assert _add(client, f"measure:{record_b.entered.pk}", JANUARY, "alpha-was-here") == 404
    assert _notes(record_b) == []
    for note in (record_b.note,):
        edit = reverse("improvement-chart-note-edit", args=[note.pk])
        assert client.get(edit).status_code == 404
        assert client.post(edit, {"text": "alpha-was-here"}).status_code == 404
        remove = reverse("improvement-chart-note-remove", args=[note.pk])
        assert client.post(remove).status_code == 404
    with scoped_to(Scope.authority(record_b.project.authority_id)):
        assert ChartNote.objects.get(pk=record_b.note.pk).text == "bravo-chart note"
    # A's own chart of the same kind never carries B's note.
    page = client.get(reverse("improvement-measure", args=[record_a.outcome.pk])).content
    assert b"bravo-chart note" not in page
    assert b"alpha-chart note" in page


def test_changing_and_removing_a_note_is_kept_in_its_history(
    client: Client, record_a: Record, users_a: dict[Role, User]
) -> None:
    lead = users_a[Role.PRACTITIONER]
    client.force_login(lead)
    note = record_a.note
    edit = reverse("improvement-chart-note-edit", args=[note.pk])
    assert client.post(edit, {"text": "alpha-the officer started"}).status_code == 302
    remove = reverse("improvement-chart-note-remove", args=[note.pk])
    assert client.post(remove).status_code == 302
    with scoped_to(Scope.authority(record_a.project.authority_id)):
        assert not ChartNote.objects.filter(pk=note.pk).exists()
        versions = list(ChartNote.history.filter(id=note.pk).order_by("history_date"))
    assert [v.history_type for v in versions] == ["+", "~", "-"]
    assert [v.text for v in versions] == [
        "alpha-chart note",
        "alpha-the officer started",
        "alpha-the officer started",
    ]
    assert versions[1].history_user == lead
    assert versions[2].history_user == lead


def test_a_note_on_an_aims_run_chart_is_marked_on_its_page_and_only_its_authoritys(
    client: Client, record_a: Record, users_a: dict[Role, User]
) -> None:
    client.force_login(users_a[Role.DATA_LEAD])
    page = client.get(reverse("dashboard-aim", args=["aim_2"])).content.decode()
    # B's note on its own Aim 2 chart (tests/web/conftest.py) is never on A's.
    assert "bravo-only chart note" not in page
    assert "Notes on the chart's points" in page
    options = re.findall(r'<option value="(\d{4}-\d\d-\d\d)">', page)
    assert options, "A's Aim 2 run chart has a dot to put a note on"
    assert _add(client, "aim:aim_2", options[0], "alpha-court officer started") == 302
    page = client.get(reverse("dashboard-aim", args=["aim_2"])).content.decode()
    assert "alpha-court officer started" in page
    assert "Notes on the chart&#x27;s points: N1," in page or "N1," in page
    assert "bravo-only chart note" not in page
