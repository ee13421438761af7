"""The process map page: its figures are the core's on the authority's own frame, it
names no child and nothing of authority B's, its downloads work, and a step's note is
kept (with its history) by those who keep the improvement record, and only them."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from permanence.analysis.balancing import balancing_table
from permanence.analysis.direction import Better
from permanence.analysis.process_map import process_map
from permanence.pages.filters import Filters, filter_rows
from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.dashboards.models import ProcessStepNote
from permanence.web.improvement.models import (
    ImprovementProject,
    Measure,
    MeasureKind,
    MeasureSource,
)
from permanence.web.kernel.cache import authority_data
from permanence.web.kernel.scope import Scope, scoped_to

from ..conftest import B_MARKERS
from .conftest import INITIALS, REF_PREFIX, TODAY

PAGE = "/process-map/"


def test_the_page_shows_the_maps_figures_and_no_child(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    authority_a, _ = synthetic
    with scoped_to(Scope.authority(authority_a.pk)):
        data = authority_data(authority_a.pk, TODAY)
    figures = process_map(filter_rows(data.frame, Filters()), as_of=data.as_of)
    assert figures.children > 0
    response = as_role(Role.VIEWER).get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"<dt>Accommodated children counted</dt><dd>{figures.children}</dd>" in body
    for step in figures.steps:
        row = body.split(f'id="step-{step.key}"', 1)[1].split("</tr>", 1)[0]
        assert f'<td class="numeric">{step.entered}</td>' in row
        assert f'<td class="numeric">{step.waiting_now}</td>' in row
        assert ("Most waiting" in row) == step.most_waiting
    assert "Stability and balancing measures" in body
    assert REF_PREFIX not in body and INITIALS not in body
    assert not [marker for marker in B_MARKERS if marker in body]
    # a viewer may not note a step
    assert "Add a note" not in body


def test_the_map_downloads_as_svg_png_csv_and_a_table(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    client = as_role(Role.VIEWER)
    svg = client.get("/process-map/charts/map.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<desc" in svg.content  # it carries its text alternative
    png = client.get("/process-map/charts/map.png")
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
    table = client.get("/process-map/charts/map.csv")
    rows = list(csv.reader(io.StringIO(table.content.decode())))
    assert rows[0][0] == "Step" and len(rows) == 10
    assert client.get("/process-map/charts/map.html").status_code == 200
    assert client.get("/process-map/charts/nothing.svg").status_code == 404
    assert client.get("/process-map/charts/map.gif").status_code == 404


def test_a_data_lead_notes_a_step_and_its_history_is_kept(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    authority_a, _ = synthetic
    client = as_role(Role.DATA_LEAD)
    page = client.get(PAGE).content.decode()
    assert "/process-map/steps/first_review/note/" in page
    form = client.get("/process-map/steps/first_review/note/")
    assert form.status_code == 200
    assert "Who owns this step" in form.content.decode()
    saved = client.post(
        "/process-map/steps/first_review/note/",
        {"owner": "Reviewing officers", "testing": "Setting every review date at accommodation"},
    )
    assert saved.status_code == 302
    with scoped_to(Scope.authority(authority_a.pk)):
        note = ProcessStepNote.objects.get()
        assert (note.authority_id, note.step, note.owner) == (
            authority_a.pk,
            "first_review",
            "Reviewing officers",
        )
        history = list(note.history.all())
    assert len(history) == 1 and history[0].history_user is not None
    shown = client.get(PAGE).content.decode()
    assert "Reviewing officers" in shown and "Change the note" in shown
    assert client.get("/process-map/steps/no_such_step/note/").status_code == 404


def test_a_viewer_cannot_note_a_step(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    client = as_role(Role.VIEWER)
    assert client.get("/process-map/steps/first_review/note/").status_code == 403
    refused = client.post("/process-map/steps/first_review/note/", {"owner": "Someone"})
    assert refused.status_code == 403
    with scoped_to(Scope.everything()):
        assert not ProcessStepNote.objects.exists()


def test_a_balancing_measure_is_kept_in_the_improvement_record_and_beside_an_aim(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    authority_a, _ = synthetic
    with scoped_to(Scope.authority(authority_a.pk)):
        data = authority_data(authority_a.pk, TODAY)
        project = ImprovementProject.objects.get()
    expected = balancing_table("moves_before_permanence", data.frame, as_of=data.as_of)
    assert expected.height > 0
    client = as_role(Role.DATA_LEAD)
    response = client.post(
        reverse("improvement-measure-new", args=[project.pk]),
        {
            "kind": MeasureKind.BALANCING,
            "title": "Moves before permanence",
            "source": MeasureSource.BALANCING,
            "balancing_measure": "moves_before_permanence",
            "period": "month",
            "chart": "control",
            "rules": "ihi",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with scoped_to(Scope.authority(authority_a.pk)):
        measure = Measure.objects.get(title="Moves before permanence")
    assert measure.direction() is Better.LOWER
    assert client.get(reverse("improvement-measure", args=[measure.pk])).status_code == 200
    lines = client.get(reverse("improvement-measure-csv", args=[measure.pk])).content.decode()
    rows = list(csv.reader(io.StringIO(lines)))[1:]
    assert len(rows) == expected.height
    for row, month in zip(rows, expected.get_column("month"), strict=True):
        assert month.isoformat() in row
    # and beside every aim, over the children the filters keep
    aim_page = client.get("/aims/aim_2/").content.decode()
    assert "Stability and balancing measures" in aim_page
    assert "Children who moved placement 3 or more times before permanence" in aim_page


def test_the_pack_shows_the_authoritys_step_notes_and_no_one_elses(
    synthetic: tuple[LocalAuthority, LocalAuthority],
) -> None:
    from permanence.web.reports.assemble import pack_content

    authority_a, authority_b = synthetic
    with scoped_to(Scope.everything()):
        ProcessStepNote.objects.create(
            authority=authority_a, step="panel", owner="Panel adviser", testing="two panels a month"
        )
        ProcessStepNote.objects.create(
            authority=authority_b, step="panel", owner="bravo-only owner", testing="bravo test"
        )
    with scoped_to(Scope.authority(authority_a.pk)):
        pack = pack_content(authority_a, as_of=TODAY, since=None)
    assert pack.process_map is not None
    rows = {row[0].removesuffix(" (most waiting)"): row for row in pack.process_map.table()}
    assert rows["Permanence panel held"][-2:] == ("Panel adviser", "two panels a month")
    assert "bravo" not in repr(pack.process_map.table())


def test_the_flows_per_quarter_are_on_the_page_and_download(
    synthetic: tuple[LocalAuthority, LocalAuthority], as_role: Callable[[Role], Client]
) -> None:
    from permanence.analysis.flows import quarterly_flows

    authority_a, _ = synthetic
    with scoped_to(Scope.authority(authority_a.pk)):
        data = authority_data(authority_a.pk, TODAY)
    flows = quarterly_flows(filter_rows(data.frame, Filters()), as_of=data.as_of)
    assert flows.height > 0
    client = as_role(Role.VIEWER)
    body = client.get(PAGE).content.decode()
    assert "Flows: coming into care, leaving it, and in care" in body
    assert 'id="chart-flows"' in body
    table = client.get("/process-map/charts/flows.csv")
    assert table.status_code == 200
    rows = list(csv.reader(io.StringIO(table.content.decode())))
    assert rows[0][:3] == ["Quarter", "Came into care", "Left care"]
    assert len(rows) == flows.height + 1
    last = flows.row(-1, named=True)
    assert rows[-1][1:3] == [str(last["entries"]), str(last["exits"])]
    assert rows[-1][-1] == str(last["in_care"])
    assert client.get("/process-map/charts/flows.svg").status_code == 200
