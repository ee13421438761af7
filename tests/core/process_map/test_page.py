"""The process map page model and its chart: the table, the words, the flowchart."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from permanence.analysis.process_map import process_map
from permanence.charts.process_map import process_map_chart
from permanence.charts.render import render_png, render_svg
from permanence.pages.filters import Filters
from permanence.pages.process_map import MAP_HEADINGS, StepNote, process_map_page

AS_OF = date(2025, 6, 30)


def test_the_page_holds_the_map_as_a_table_words_and_a_flowchart(build: Any) -> None:
    notes = {"first_review": StepNote(owner="Reviewing officers", testing="reviews set at day 1")}
    page = process_map_page(build.five_children(), Filters(), as_of=AS_OF, notes=notes)
    assert page.children == 5
    assert [row.step.key for row in page.most_waiting] == ["returned_home", "first_review"]
    first_review = next(row for row in page.rows if row.step.key == "first_review")
    assert first_review.note.owner == "Reviewing officers"
    assert first_review.cells() == (
        "First Looked After Child review held (most waiting)",
        "3",
        "60",
        "60",
        "1",
        "29%",  # 280 of 959 days
        "Reviewing officers",
        "reviews set at day 1",
    )
    assert len(first_review.cells()) == len(MAP_HEADINGS)
    assert "5 children accommodated" in page.text
    # the formal name keeps its capitals inside the sentence
    assert "first Looked After Child review held (29% of all the days, 1 waiting there now)" in (
        page.text
    )
    assert "Permanence order 1" in page.text.replace("permanence order 1", "Permanence order 1")
    # the chart's table is the map's steps, in journey order
    assert page.chart.data.height == 9
    assert page.chart.alt_text == page.text
    boxes = next(layer for layer in page.chart.spec["layer"] if layer["mark"]["type"] == "rect")
    kinds = {box["key"]: box["kind"] for box in boxes["data"]["values"]}
    assert kinds["first_review"] == "most" and kinds["panel"] == "step" and kinds["po"] == "outcome"
    svg = render_svg(page.chart, width=1240)
    assert "<svg" in svg and "Recommendation" in svg
    assert render_png(page.chart, scale=1, width=1240)[:4] == b"\x89PNG"


def test_filters_apply_before_the_map(build: Any) -> None:
    page = process_map_page(build.five_children(), Filters(period="2025"), as_of=AS_OF)
    # only C and E were accommodated in 2025
    assert page.children == 2
    assert page.figures.step("first_review").waiting_now == 1


def test_an_empty_map_says_so(build: Any) -> None:
    page = process_map_page(build.journeys([], AS_OF), Filters(), as_of=AS_OF)
    assert page.children == 0
    assert "no map to draw" in page.text


def test_the_pack_draws_the_map_and_its_table(build: Any) -> None:
    from permanence.analysis.aims import NATIONAL_AIMS
    from permanence.reports.build import build_pack
    from permanence.reports.content import SectionKind

    frame = build.five_children()
    notes = {"first_review": StepNote(owner="Reviewing officers", testing="reviews set at day 1")}
    pack = build_pack(
        frame,
        NATIONAL_AIMS,
        authority_name="T",
        authority_code="T",
        as_of=AS_OF,
        step_notes=notes,
    )
    assert pack.process_map is not None
    screen = process_map_page(frame, Filters(), as_of=AS_OF)
    # the same figures as the page, the chart drawn for the pack's narrower column
    assert pack.process_map.table() != screen.table()  # the screen's was given no notes
    noted = process_map_page(frame, Filters(), as_of=AS_OF, notes=notes)
    assert pack.process_map.table() == noted.table()
    # the step notes are in the pack's table, beside the step: owner and what is tested
    first_review = next(row for row in pack.process_map.table() if row[0].startswith("First"))
    assert first_review[-2:] == ("Reviewing officers", "reviews set at day 1")
    assert pack.process_map.chart.spec["width"] == 900
    assert pack.process_map.chart in pack.charts()
    assert SectionKind.PROCESS_MAP in [section.kind for section in pack.sections()]


def test_the_routes_back_are_arrows_not_boxes(build: Any) -> None:
    start = date(2024, 1, 1)
    # F went home on day 50 and came back on day 80; G's plan (day 60) was reversed on
    # day 120 and G waits for a new one; H went home and stays there.
    f = build.accommodated("F", start)
    f.placements += [("home", start + timedelta(50)), ("foster_la", start + timedelta(80))]
    g = build.journey("G", start, planning_72h=2, recommendation=60)
    g.milestones.append(("decision_reversed", start + timedelta(120), "new assessment"))
    h = build.journey("H", start, recommendation=30, route="return_home", returned_home=40)
    figures = process_map(build.journeys([f, g, h], AS_OF))
    chart = process_map_chart(figures)
    layers = chart.spec["layer"]
    boxes = next(layer for layer in layers if layer["mark"]["type"] == "rect")
    assert "plan_reversed" not in {box["key"] for box in boxes["data"]["values"]}
    dashed = [layer for layer in layers if layer["mark"].get("strokeDash")]
    (lines,) = dashed
    routes = {segment["route"] for segment in lines["data"]["values"]}
    assert routes == {
        "Plans for permanence away from home reversed",
        "Returns home that broke down",
    }
    # three segments each: up (or down), across, and into the box it returns to
    assert len(lines["data"]["values"]) == 6
    words = [
        value["text"]
        for layer in layers
        if layer["mark"]["type"] == "text"
        for value in layer["data"]["values"]
        if str(value["text"]).startswith("Route back")
    ]
    assert words == [
        "Route back: 1 plan reversed (1 child); 1 waiting for a new plan",
        "Route back: 1 return home broke down (1 child looked after again)",
    ]
    # no arrow into or out of the route back is drawn as if it were a step
    plain = next(
        layer
        for layer in layers
        if layer["mark"]["type"] == "rule" and not layer["mark"].get("strokeDash")
    )
    assert all("reversed" not in arrow["route"] for arrow in plain["data"]["values"])
    assert "<svg" in render_svg(chart, width=1240)


def test_the_page_counts_flows_per_quarter_and_draws_them(build: Any) -> None:
    page = process_map_page(build.five_children(), Filters(), as_of=AS_OF)
    flows = page.flows.select("quarter", "entries", "exits", "in_care").rows()
    # A and B came in January 2024 and D in March; D left in April (day 50); A's order and
    # B's return home end no care period here (no period end given); C and E came in 2025
    assert flows[0] == (date(2024, 1, 1), 3, 0, 3)
    assert flows[1] == (date(2024, 4, 1), 0, 1, 2)
    assert flows[-1] == (date(2025, 4, 1), 1, 0, sum(1 for _ in "ABCE"))
    assert page.charts["flows"] is page.flows_chart
    assert page.flows_chart.data.columns[:3] == ["Quarter", "Came into care", "Left care"]
    assert page.flows_chart.data.row(0)[0] == "January to March 2024"
    assert "6 quarters, from January to March 2024 to April to June 2025" in page.flows_text
    assert "<svg" in render_svg(page.flows_chart, width=900)
