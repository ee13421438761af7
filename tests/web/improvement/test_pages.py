"""Keeping the record through the pages: projects, the driver diagram, cycles, measures,
feedback and risks, with what each page says checked against hand-worked figures."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from datetime import date
from typing import Any

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from permanence.analysis.aims import local_aim
from permanence.analysis.direction import Better
from permanence.charts.driver_diagram import svg_texts
from permanence.pages.measure_series import MeasurePoint, MeasureSeries
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Role
from permanence.web.dashboards import assembly
from permanence.web.improvement.models import (
    ChangeIdea,
    Decision,
    Driver,
    Feedback,
    ImprovementProject,
    LocalAim,
    Measure,
    MeasureKind,
    MeasureSource,
    MeasureValue,
    PdsaCycle,
)
from permanence.web.improvement.views import measures
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.journeys import journeys_frame

from .conftest import Record


@pytest.fixture
def lead(client: Client, users_a: dict[Role, User]) -> Client:
    client.force_login(users_a[Role.DATA_LEAD])
    return client


@pytest.fixture
def in_a(record_a: Record) -> Any:
    with scoped_to(Scope.authority(record_a.project.authority_id)):
        yield


def text(response: Any) -> str:
    return response.content.decode()


def spec_of(body: str) -> dict[str, Any]:
    found = re.search(r'<script id="[^"]*-spec" type="application/json">(.*?)</script>', body, re.S)
    assert found, "the page has no chart spec"
    return dict(json.loads(found.group(1)))


def values_in(spec: Any) -> list[dict[str, Any]]:
    """Every data row anywhere in a Vega-Lite spec (layers carry their own data)."""
    rows: list[dict[str, Any]] = []
    if isinstance(spec, dict):
        data = spec.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            rows += [row for row in data["values"] if isinstance(row, dict)]
        for value in spec.values():
            rows += values_in(value)
    elif isinstance(spec, list):
        for value in spec:
            rows += values_in(value)
    return rows


# ---------------------------------------------------------------------------------------
# Projects and aims


def test_a_new_project_starts_with_its_aims_run_chart(lead: Client, record_a: Record) -> None:
    response = lead.post(
        reverse("improvement-project-new"),
        {
            "title": "Faster legal advice",
            "aim": "national:aim_2",
            "improvement_start": "2022-03-01",
        },
    )
    assert response.status_code == 302
    with scoped_to(Scope.authority(record_a.project.authority_id)):
        project = ImprovementProject.objects.get(title="Faster legal advice")
        measure = Measure.objects.get(project=project)
    assert measure.kind == MeasureKind.OUTCOME
    assert measure.source == MeasureSource.AIM_WEEKS
    assert measure.national_aim == "aim_2"
    assert response["Location"] == reverse("improvement-project", args=[project.pk])


def test_a_project_without_an_aim_is_refused_with_the_field_linked(lead: Client) -> None:
    response = lead.post(reverse("improvement-project-new"), {"title": "No aim"})
    body = text(response)
    assert response.status_code == 200
    assert "There is a problem" in body
    assert '<a href="#id_aim">Link the project to one aim' in body
    # The same sentence from the form and from the model is shown once in the summary
    # and once beside the field.
    assert body.count("Link the project to one aim") == 2


def test_a_local_aim_from_a_template_has_the_templates_statement(
    lead: Client, record_a: Record
) -> None:
    response = lead.post(
        reverse("improvement-aim-new"),
        {
            "title": "Our stretch aim",
            "template": "recommendation_stretch",
            "target_percent": "75",
            "start_on_or_after": "2024-04-01",
            "by_date": "2027-03-31",
        },
    )
    assert response.status_code == 302, text(response)
    expected = local_aim(
        "recommendation_stretch",
        id="x",
        title="Our stretch aim",
        by_date=date(2027, 3, 31),
        start_on_or_after=date(2024, 4, 1),
        target_percent=75,
    )
    with scoped_to(Scope.authority(record_a.project.authority_id)):
        aim = LocalAim.objects.get(title="Our stretch aim")
    assert aim.statement == expected.statement
    assert "within 40 weeks" in aim.statement
    assert aim.to_definition().as_dict() | {"id": "x"} == expected.as_dict()


def test_the_aim_form_offers_every_pace_template(lead: Client) -> None:
    body = text(lead.get(reverse("improvement-aim-new")))
    assert "will have a recommendation for permanence within {target}" in body
    assert "at the Legal Advice Meeting" in body
    assert "Write our own" in body


def test_an_aim_of_100_percent_is_refused(lead: Client) -> None:
    response = lead.post(
        reverse("improvement-aim-new"),
        {
            "title": "Everyone",
            "template": "recommendation",
            "target_percent": "100",
            "start_on_or_after": "2024-04-01",
            "by_date": "2027-03-31",
        },
    )
    assert "There is a problem" in text(response)


# ---------------------------------------------------------------------------------------
# The driver diagram


def test_drivers_are_added_renamed_reordered_and_removed(
    lead: Client, record_a: Record, in_a: None
) -> None:
    project = record_a.project
    lead.post(reverse("improvement-primary-driver-new", args=[project.pk]), {"text": "Second"})
    second = Driver.objects.get(text="Second")
    assert second.position == 2
    lead.post(reverse("improvement-driver-move", args=[second.pk]), {"direction": "up"})
    order = list(Driver.objects.filter(project=project, parent=None).values_list("text", flat=True))
    assert order == ["Second", "alpha-primary"]
    lead.post(reverse("improvement-driver-edit", args=[second.pk]), {"text": "Renamed"})
    lead.post(
        reverse("improvement-secondary-driver-new", args=[project.pk]),
        {"parent": second.pk, "text": "Beneath"},
    )
    assert Driver.objects.get(text="Beneath").parent_id == second.pk
    lead.post(reverse("improvement-driver-remove", args=[second.pk]))
    assert not Driver.objects.filter(text__in=["Renamed", "Beneath"]).exists()


def test_the_diagram_page_draws_and_outlines_every_node(lead: Client, record_a: Record) -> None:
    body = text(lead.get(reverse("improvement-diagram", args=[record_a.project.pk])))
    assert 'role="img"' in body
    for words in ("alpha-primary", "alpha-secondary", "alpha-idea"):
        assert body.count(words) >= 2  # in the picture and in the outline


def test_the_svg_download_is_a_well_formed_standalone_file(lead: Client, record_a: Record) -> None:
    response = lead.get(reverse("improvement-diagram-svg", args=[record_a.project.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert "attachment" in response["Content-Disposition"]
    svg = text(response)
    assert svg.startswith("<?xml")
    ElementTree.fromstring(svg.encode())  # noqa: S314 - our own output
    texts = svg_texts(svg.split("\n", 1)[1])
    assert "alpha-idea (implemented from 4 April 2022)" in texts


def test_the_outline_download_is_markdown(lead: Client, record_a: Record) -> None:
    response = lead.get(reverse("improvement-diagram-markdown", args=[record_a.project.pk]))
    assert response["Content-Type"].startswith("text/markdown")
    assert text(response).splitlines()[2:] == [
        "- Aim: alpha-By 31 March 2027, 80% of children ...",
        "  - Primary driver: alpha-primary",
        "    - Secondary driver: alpha-secondary",
        "      - Change idea: alpha-idea (implemented from 4 April 2022)",
    ]


# ---------------------------------------------------------------------------------------
# PDSA cycles


def test_a_cycle_starts_with_only_what_it_hopes_to_achieve(
    lead: Client, record_a: Record, in_a: None
) -> None:
    form = text(lead.get(reverse("improvement-cycle-new", args=[record_a.idea.pk])))
    # The minimum record is the first thing the form asks.
    fields = re.findall(r'<(?:textarea|input|select)(?![^>]*type="hidden")[^>]*name="(\w+)"', form)
    assert fields[0] == "hoped_to_achieve"
    assert "(optional)" in form
    response = lead.post(
        reverse("improvement-cycle-new", args=[record_a.idea.pk]),
        {"hoped_to_achieve": "Reviews set at accommodation", "started_on": "2023-05-01"},
    )
    assert response.status_code == 302
    cycle = PdsaCycle.objects.get(hoped_to_achieve="Reviews set at accommodation")
    assert cycle.number == 3 and cycle.is_open


def test_a_cycle_without_what_it_hopes_to_achieve_is_refused(
    lead: Client, record_a: Record
) -> None:
    response = lead.post(
        reverse("improvement-cycle-new", args=[record_a.idea.pk]), {"started_on": "2023-05-01"}
    )
    assert '<a href="#id_hoped_to_achieve">' in text(response)


def test_closing_without_the_minimum_record_is_refused_saying_what_is_missing(
    lead: Client, record_a: Record, in_a: None
) -> None:
    url = reverse("improvement-cycle-close", args=[record_a.second_cycle.pk])
    response = lead.post(url, {"closed_on": "2022-06-01", "decision": "adopt"})
    body = text(response)
    assert response.status_code == 200
    message = "This cycle cannot be closed yet: write what was learned and the next steps."
    assert body.count(message) == 1
    assert '<a href="#id_learned">Write what was learned before closing the cycle.</a>' in body
    assert '<a href="#id_next_steps">Write the next steps before closing the cycle.</a>' in body
    record_a.second_cycle.refresh_from_db()
    assert record_a.second_cycle.closed_on is None


def test_closing_with_the_minimum_record(lead: Client, record_a: Record, in_a: None) -> None:
    url = reverse("improvement-cycle-close", args=[record_a.second_cycle.pk])
    response = lead.post(
        url,
        {
            "hoped_to_achieve": "alpha-hoped again",
            "learned": "It needs a named chair.",
            "next_steps": "Test in a second team.",
            "closed_on": "2022-06-01",
            "decision": "adapt",
        },
    )
    assert response.status_code == 302
    cycle = PdsaCycle.objects.get(pk=record_a.second_cycle.pk)
    assert cycle.closed_on == date(2022, 6, 1)
    assert cycle.decision == Decision.ADAPT


def test_editing_a_closed_cycle_cannot_blank_its_record(
    lead: Client, record_a: Record, in_a: None
) -> None:
    cycle = record_a.first_cycle
    response = lead.post(
        reverse("improvement-cycle-edit", args=[cycle.pk]),
        {"hoped_to_achieve": "alpha-hoped", "started_on": "2022-03-07", "learned": ""},
    )
    assert "cannot be closed yet" in text(response) or "Write what was learned" in text(response)
    cycle.refresh_from_db()
    assert cycle.learned == "alpha-learned"


def test_the_idea_page_shows_the_ramp_and_the_spread(lead: Client, record_a: Record) -> None:
    body = text(lead.get(reverse("improvement-idea", args=[record_a.idea.pk])))
    assert "Ramps of tests" in body
    assert "Cycles by team and age group" in body
    assert "alpha-north" in body


# ---------------------------------------------------------------------------------------
# Measures


def test_a_measures_note_is_said_once_with_the_chart(lead: Client, record_a: Record) -> None:
    body = text(lead.get(reverse("improvement-measure", args=[record_a.outcome.pk])))
    caption = body.split("<figcaption")[1].split("</figcaption>")[0]
    assert "That is honest." in caption
    # Once in words on the page (the chart's spec carries it too, for the drawn chart).
    words = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    assert words.count("That is honest.") == 1


def test_a_measures_page_says_its_kind_in_one_clean_sentence(
    lead: Client, record_a: Record
) -> None:
    outcome = text(lead.get(reverse("improvement-measure", args=[record_a.outcome.pk])))
    assert "Outcome measure: the aim. Defined against:" in outcome
    balancing = text(lead.get(reverse("improvement-measure", args=[record_a.entered.pk])))
    assert "are other children or services harmed? Defined against:" in balancing


def test_cycles_and_implemented_changes_appear_on_every_measures_chart(
    lead: Client, record_a: Record
) -> None:
    body = text(lead.get(reverse("improvement-measure", args=[record_a.outcome.pk])))
    rows = values_in(spec_of(body))
    labels = {row.get("label") for row in rows}
    assert "Cycle 1 of alpha-idea" in labels
    assert "Cycle 2 of alpha-idea" in labels
    assert "alpha-idea" in labels  # implemented
    assert any(
        row.get("date") == "2022-05-02" and row.get("label") == "Cycle 2 of alpha-idea"
        for row in rows
    )
    table = body.split('id="tests-of-change-table"')[1].split("</table>")[0]
    assert "Cycle 2 of alpha-idea" in table and "2 May 2022" in table


def test_the_outcome_chart_holds_one_point_per_child_and_no_reference(
    lead: Client, record_a: Record
) -> None:
    body = text(lead.get(reverse("improvement-measure", args=[record_a.outcome.pk])))
    assert "A-0001" not in body
    points = [row for row in values_in(spec_of(body)) if "value" in row]
    # Child A-0001: accommodated 10 January 2022, recommendation 1 June 2022: 142 days.
    assert [(row["date"], round(row["value"], 2)) for row in points] == [
        ("2022-06-01", round(142 / 7, 2))
    ]


def entered_measure(record: Record, counts: list[int], first: date) -> Measure:
    measure = Measure.objects.create(
        authority=record.project.authority,
        project=record.project,
        kind=MeasureKind.PROCESS,
        title="Counted",
        source=MeasureSource.ENTERED_COUNT,
    )
    month = first
    for count in counts:
        MeasureValue.objects.create(
            authority=record.project.authority, measure=measure, month=month, count=count
        )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return measure


def test_a_signal_links_to_the_change_ideas_under_test_when_it_began(
    lead: Client, record_a: Record, in_a: None
) -> None:
    # Ten baseline months (January to October 2021) around 10, then six months at 2 from
    # November 2021: a shift of 6 below the baseline median (10), beginning November 2021.
    project = record_a.project
    project.improvement_start = date(2021, 11, 1)
    project.save()
    measure = entered_measure(
        record_a, [9, 11, 10, 9, 11, 10, 9, 11, 10, 12, 2, 2, 2, 2, 2, 2], date(2021, 1, 1)
    )
    authority = project.authority
    open_then = ChangeIdea.objects.create(authority=authority, project=project, title="Open then")
    PdsaCycle.objects.create(
        authority=authority,
        change_idea=open_then,
        hoped_to_achieve="x",
        started_on=date(2021, 11, 20),
    )
    earlier = ChangeIdea.objects.create(authority=authority, project=project, title="Over by then")
    done = PdsaCycle.objects.create(
        authority=authority,
        change_idea=earlier,
        hoped_to_achieve="x",
        learned="y",
        next_steps="z",
        started_on=date(2021, 9, 1),
    )
    done.close(date(2021, 10, 15))
    body = text(lead.get(reverse("improvement-measure", args=[measure.pk])))
    signals = body.split('id="signals"')[1].split("<h2")[0]
    assert "6 points in a row below the median" in signals
    assert "Open then" in signals
    assert "Over by then" not in signals
    assert "1 November 2021" in signals


def test_values_are_entered_once_a_month(lead: Client, record_a: Record, in_a: None) -> None:
    url = reverse("improvement-measure-value-add", args=[record_a.entered.pk])
    assert lead.post(url, {"month": "2022-02", "count": "3"}).status_code == 302
    again = lead.post(url, {"month": "2022-02", "count": "5"})
    assert "already has a value" in text(again)
    assert MeasureValue.objects.get(measure=record_a.entered, month=date(2022, 2, 1)).count == 3


def test_a_numerator_larger_than_its_denominator_is_refused(
    lead: Client, record_a: Record, in_a: None
) -> None:
    measure = Measure.objects.create(
        authority=record_a.project.authority,
        project=record_a.project,
        kind=MeasureKind.BALANCING,
        title="Re-entry",
        source=MeasureSource.ENTERED_RATIO,
    )
    url = reverse("improvement-measure-value-add", args=[measure.pk])
    response = lead.post(url, {"month": "2022-02", "numerator": "5", "denominator": "3"})
    assert "cannot be larger than the denominator" in text(response)
    assert (
        lead.post(url, {"month": "2022-02", "numerator": "1", "denominator": "3"}).status_code
        == 302
    )


def test_the_measure_csv_holds_the_charts_data(lead: Client, record_a: Record) -> None:
    response = lead.get(reverse("improvement-measure-csv", args=[record_a.entered.pk]))
    lines = text(response).strip().splitlines()
    assert len(lines) == 2  # the heading and January 2022
    assert "2022-01-01" in lines[1] and ",4.0," in lines[1] + ","


def test_the_measure_csv_escapes_formulas_and_is_kept_by_no_cache(
    lead: Client, record_a: Record, in_a: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What an entered measure counts is typed by a person and becomes the value's heading.
    measure = entered_measure(record_a, [3], date(2022, 1, 1))
    measure.unit = "=1+1"
    measure.save()
    url = reverse("improvement-measure-csv", args=[measure.pk])
    response = lead.get(url)
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == 'attachment; filename="counted.csv"'
    heading = text(response).splitlines()[0].split(",")
    assert "'=1+1" in heading and "=1+1" not in heading
    # No text a person types reaches a cell today; a cell that could run is escaped all
    # the same (``permanence.pages.tables.to_csv``), here a point labelled like a formula.
    formula = MeasureSeries(
        y_title="Count",
        unit="count",
        points=(MeasurePoint(date(2022, 1, 1), date(2022, 1, 31), 3.0, "=SUM(A1:A9)"),),
    )
    monkeypatch.setattr(measures, "measure_series", lambda measure, authority_id: formula)
    cells = text(lead.get(url)).splitlines()[1].split(",")
    assert "'=SUM(A1:A9)" in cells and "=SUM(A1:A9)" not in cells


def test_values_are_entered_only_for_a_measure_entered_by_hand(
    lead: Client, record_a: Record
) -> None:
    values = "improvement-measure-values"
    assert lead.get(reverse(values, args=[record_a.entered.pk])).status_code == 200
    assert lead.get(reverse(values, args=[record_a.outcome.pk])).status_code == 404


def test_the_journeys_frame_is_built_once_per_data_version(
    lead: Client, record_a: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[date] = []

    def counted(as_of: date) -> pl.DataFrame:
        built.append(as_of)
        return journeys_frame(as_of)

    # The dashboards' cache is the only place that should build the frame.
    monkeypatch.setattr(assembly, "journeys_frame", counted)
    pages = [
        reverse("improvement-measure", args=[record_a.outcome.pk]),
        reverse("improvement-measure-csv", args=[record_a.outcome.pk]),
        reverse("improvement-aim", args=[record_a.aim.pk]),
    ]
    for page in pages * 2:
        assert lead.get(page).status_code == 200
    assert len(built) == 1
    # A change to the improvement record moves the data version on: built afresh once.
    with scoped_to(Scope.authority(record_a.project.authority_id)):
        record_a.idea.title = "alpha-renamed idea"
        record_a.idea.save()
    for page in pages:
        assert lead.get(page).status_code == 200
    assert len(built) == 2


def test_an_aim_that_cannot_be_measured_is_explained_not_a_failure(
    lead: Client, record_a: Record, in_a: None
) -> None:
    # Stored past the form's check (as an aim saved before a rule was added would be).
    LocalAim.objects.filter(pk=record_a.aim.pk).update(by_date=date(2020, 1, 1))
    aim = lead.get(reverse("improvement-aim", args=[record_a.aim.pk]))
    assert aim.status_code == 200
    assert "This aim cannot be measured" in text(aim)
    assert "date is before the" in text(aim)
    measure = lead.get(reverse("improvement-measure", args=[record_a.outcome.pk]))
    assert measure.status_code == 200
    assert "This measure cannot be drawn" in text(measure)
    assert "date is before the" in text(measure)
    csv = lead.get(reverse("improvement-measure-csv", args=[record_a.outcome.pk]))
    assert csv.status_code == 404
    project = lead.get(reverse("improvement-project", args=[record_a.project.pk]))
    assert project.status_code == 200
    assert record_a.aim.statement in text(project)


# ---------------------------------------------------------------------------------------
# Feedback and risks


def test_feedback_holding_a_childs_reference_is_refused(
    lead: Client, record_a: Record, in_a: None
) -> None:
    url = reverse("improvement-feedback-new", args=[record_a.project.pk])
    form = text(lead.get(url))
    assert "Nothing that identifies a child" in form
    assert "reference" not in [m.lower() for m in re.findall(r'name="(\w+)"', form)]
    refused = lead.post(
        url,
        {
            "giver": "parent",
            "point": "review",
            "how_given": "own_words",
            "month": "2022-07",
            "words": "About a-0001: fine",
        },
    )
    assert "These words contain a child" in text(refused)
    accepted = lead.post(
        url,
        {
            "giver": "parent",
            "point": "review",
            "how_given": "own_words",
            "month": "2022-06",
            "understood": "2",
            "words": "I knew what was happening.",
        },
    )
    assert accepted.status_code == 302
    assert Feedback.objects.filter(project=record_a.project).count() == 2


def test_feedback_by_month_averages_each_rating_among_those_who_answered(
    lead: Client, record_a: Record, in_a: None
) -> None:
    # June 2022 already holds a parent: understood 4, listened 5.
    Feedback.objects.create(
        authority=record_a.project.authority,
        project=record_a.project,
        month=date(2022, 6, 1),
        giver="carer",
        point="review",
        understood=1,
    )
    body = text(lead.get(reverse("improvement-feedback", args=[record_a.project.pk])))
    row = body.split("June 2022")[1].split("</tr>")[0]
    cells = re.findall(r'<td class="numeric">([^<]*)</td>', row)
    # records, then child/parent/carer/other counts, then the four ratings
    assert cells == ["2", "0", "1", "1", "0", "2.5", "5.0", "not asked", "not asked"]
    assert "alpha-words" in body


def test_the_register_shows_each_rating(lead: Client, record_a: Record) -> None:
    body = text(lead.get(reverse("improvement-risks", args=[record_a.project.pk])))
    assert "12 (high)" in body  # likelihood 3 x impact 4


def test_a_control_chart_measure_draws_its_tests_of_change(
    lead: Client, record_a: Record, in_a: None
) -> None:
    measure = Measure.objects.create(
        authority=record_a.project.authority,
        project=record_a.project,
        kind=MeasureKind.PROCESS,
        title="Meetings in time",
        source=MeasureSource.ENTERED_RATIO,
        chart="control",
    )
    for month, numerator in ((1, 3), (2, 5), (3, 8), (4, 6), (5, 9)):
        MeasureValue.objects.create(
            authority=record_a.project.authority,
            measure=measure,
            month=date(2022, month, 1),
            numerator=numerator,
            denominator=10,
        )
    body = text(lead.get(reverse("improvement-measure", args=[measure.pk])))
    assert "P chart" in body
    labels = {row.get("label") for row in values_in(spec_of(body))}
    assert "Cycle 1 of alpha-idea" in labels


def test_a_new_cycle_starts_today_unless_told_otherwise(
    lead: Client, record_a: Record, in_a: None
) -> None:
    body = text(lead.get(reverse("improvement-cycle-new", args=[record_a.idea.pk])))
    started_on = re.search(r'<input type="date" name="started_on"[^>]*>', body)
    assert started_on is not None
    assert f'value="{timezone.localdate().isoformat()}"' in started_on.group(0)
    # A cycle already started keeps its own date.
    cycle = record_a.second_cycle
    edit = text(lead.get(reverse("improvement-cycle-edit", args=[cycle.pk])))
    kept = re.search(r'<input type="date" name="started_on"[^>]*>', edit)
    assert kept is not None and f'value="{cycle.started_on.isoformat()}"' in kept.group(0)


def test_the_close_form_calls_none_of_the_minimum_record_optional_and_closes_today(
    lead: Client, record_a: Record, in_a: None
) -> None:
    url = reverse("improvement-cycle-close", args=[record_a.second_cycle.pk])
    body = text(lead.get(url))
    for field in ("hoped_to_achieve", "learned", "next_steps"):
        label = re.search(rf'<label class="ds_label" for="id_{field}">([^<]*)</label>', body)
        assert label is not None and "(optional)" not in label.group(1)
    closed_on = re.search(r'<input type="date" name="closed_on"[^>]*>', body)
    assert closed_on is not None
    assert f'value="{timezone.localdate().isoformat()}"' in closed_on.group(0)
    # The parts a group may leave for later still say so.
    assert "How did the result compare with the prediction? (optional)" in body


@pytest.mark.parametrize(
    ("better", "said", "drawn"),
    [
        ("lower", "an improvement", "Shift (improvement)"),
        ("higher", "a concern", "Shift (concern)"),
    ],
)
def test_an_entered_measures_page_reads_a_shift_down_by_the_direction_its_lead_set(
    lead: Client, record_a: Record, in_a: None, better: str, said: str, drawn: str
) -> None:
    # Hand-worked: the median of the 14 months is (9 + 10) / 2 = 9.5, and the last six
    # are all below it: a shift downward.
    measure = entered_measure(
        record_a, [10, 12, 11, 9, 10, 13, 12, 11, 5, 4, 6, 5, 4, 6], date(2024, 1, 1)
    )
    measure.better = better
    measure.save()
    body = text(lead.get(reverse("improvement-measure", args=[measure.pk])))
    assert f"{better.capitalize()} is better." in body
    assert f": {said}." in body
    assert drawn in json.dumps(spec_of(body))


def test_the_data_lead_sets_which_way_is_better_on_the_measures_form(
    lead: Client, record_a: Record, in_a: None
) -> None:
    address = reverse("improvement-measure-new", args=[record_a.project.pk])
    form = text(lead.get(address))
    assert 'name="better"' in form and "Lower is better" in form and "Higher is better" in form
    response = lead.post(
        address,
        {
            "kind": MeasureKind.PROCESS,
            "title": "Placement moves",
            "source": MeasureSource.ENTERED_COUNT,
            "period": "month",
            "unit": "placement moves",
            "better": "lower",
            "chart": "run",
            "rules": "ihi",
        },
    )
    assert response.status_code == 302, text(response)
    measure = Measure.objects.get(title="Placement moves")
    assert measure.better == "lower" and measure.direction() is Better.LOWER
