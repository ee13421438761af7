"""The driver diagram as SVG and as an outline.

Checked against an independent reading of the output (the standard library's XML and
HTML parsers, not the module's own helpers), a hand-written Markdown outline, and
Hypothesis properties over any text a Champions' Group might type, markup characters
included.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from permanence.charts.driver_diagram import (
    BOX_WIDTH,
    FONT_SIZE,
    UNLINKED_HEADING,
    ChangeIdeaNode,
    DriverDiagram,
    PrimaryDriver,
    SecondaryDriver,
    driver_diagram_svg,
    layout,
    outline_html,
    outline_markdown,
    svg_texts,
)

SVG = "{http://www.w3.org/2000/svg}"


def example() -> DriverDiagram:
    return DriverDiagram(
        aim="80% of children will have a recommendation within 26 weeks.",
        primary=(
            PrimaryDriver(
                "p1",
                "Early planning",
                (
                    SecondaryDriver("s1", "Permanence discussed with parents", ("c1", "c2")),
                    SecondaryDriver("s2", "Review dates set in advance", ("c1",)),
                ),
            ),
            PrimaryDriver("p2", "Timely legal advice & <written> advice"),
        ),
        change_ideas=(
            ChangeIdeaNode("c1", "2-week planning meeting", note="implemented from 3 March 2025"),
            ChangeIdeaNode("c2", "Leaflet for parents", href="/improvement/ideas/2/"),
            ChangeIdeaNode("c3", "Alerts in the case recording system"),
        ),
        title="Driver diagram: Aim 2",
    )


def words(text: str) -> str:
    return " ".join(text.split())


def squash(text: str) -> str:
    return "".join(text.split())


def test_the_svg_is_well_formed_and_labelled_as_a_picture() -> None:
    root = ElementTree.fromstring(driver_diagram_svg(example()))  # noqa: S314
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text == "Driver diagram: Aim 2"
    assert desc is not None and "2 primary drivers, 2 secondary drivers and 3 change ideas" in (
        desc.text or ""
    )
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert int(root.get("font-size") or 0) >= 16


def test_every_node_is_drawn_once_with_its_whole_text() -> None:
    diagram = example()
    drawn = [words(text) for text in svg_texts(driver_diagram_svg(diagram))]
    expected = [
        diagram.aim,
        "Early planning",
        "Permanence discussed with parents",
        "Review dates set in advance",
        "Timely legal advice & <written> advice",
        "2-week planning meeting (implemented from 3 March 2025)",
        "Leaflet for parents",
        "Alerts in the case recording system",
    ]
    assert sorted(drawn) == sorted(expected)


def test_lines_join_drivers_to_what_they_drive() -> None:
    root = ElementTree.fromstring(driver_diagram_svg(example()))  # noqa: S314
    paths = list(root.iter(f"{SVG}path"))
    # aim->p1, aim->p2, p1->s1, p1->s2, s1->c1, s1->c2, s2->c1
    assert len(paths) == 7


def test_the_markdown_outline_matches_a_hand_written_one() -> None:
    assert outline_markdown(example()) == (
        "# Driver diagram: Aim 2\n"
        "\n"
        "- Aim: 80% of children will have a recommendation within 26 weeks.\n"
        "  - Primary driver: Early planning\n"
        "    - Secondary driver: Permanence discussed with parents\n"
        "      - Change idea: 2-week planning meeting (implemented from 3 March 2025)\n"
        "      - Change idea: Leaflet for parents\n"
        "    - Secondary driver: Review dates set in advance\n"
        "      - Change idea: 2-week planning meeting (implemented from 3 March 2025)\n"
        "  - Primary driver: Timely legal advice & <written> advice\n"
        f"  - {UNLINKED_HEADING}\n"
        "    - Change idea: Alerts in the case recording system\n"
    )


class _ListReader(HTMLParser):
    """Reads nested <ul><li> lists into (depth, text) pairs, and the links."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.items: list[list[object]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "ul":
            self.depth += 1
        elif tag == "li":
            self.items.append([self.depth, ""])
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.items and self.depth == self.items[-1][0]:
            self.items[-1][1] = str(self.items[-1][1]) + data


def read_html_outline(html: str) -> list[tuple[int, str]]:
    reader = _ListReader()
    reader.feed(html)
    return [(int(str(depth)), words(str(text))) for depth, text in reader.items]


def test_the_html_outline_is_the_markdown_outline_as_nested_lists() -> None:
    diagram = example()
    from_html = read_html_outline(outline_html(diagram))
    from_markdown = [
        ((len(line) - len(line.lstrip())) // 2 + 1, line.strip()[2:])
        for line in outline_markdown(diagram).splitlines()[2:]
    ]
    assert from_html == from_markdown


def test_the_html_outline_escapes_text_and_links_change_ideas() -> None:
    html = outline_html(example())
    assert "&lt;written&gt;" in html and "<written>" not in html
    reader = _ListReader()
    reader.feed(html)
    assert reader.links == ["/improvement/ideas/2/"]


def test_a_change_idea_linked_twice_is_drawn_once() -> None:
    drawn = svg_texts(driver_diagram_svg(example()))
    assert sum("2-week planning meeting" in text for text in drawn) == 1


def test_keys_must_be_unique_and_links_must_be_known() -> None:
    with pytest.raises(ValueError, match="repeated"):
        DriverDiagram(aim="x", primary=(PrimaryDriver("a", "one"), PrimaryDriver("a", "two")))
    with pytest.raises(ValueError, match="unknown change ideas"):
        DriverDiagram(
            aim="x", primary=(PrimaryDriver("p", "one", (SecondaryDriver("s", "two", ("c",)),)),)
        )


def test_an_empty_diagram_is_just_the_aim() -> None:
    svg = driver_diagram_svg(DriverDiagram(aim="Our aim"))
    assert [words(t) for t in svg_texts(svg)] == ["Our aim"]
    assert outline_markdown(DriverDiagram(aim="Our aim")).endswith("- Aim: Our aim\n")


# ---------------------------------------------------------------------------------------
# Properties over any text

text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"
    ),
    min_size=1,
    max_size=90,
).filter(lambda value: value.strip() != "")


@st.composite
def diagrams(draw: st.DrawFn) -> DriverDiagram:
    idea_count = draw(st.integers(0, 5))
    ideas = tuple(ChangeIdeaNode(f"c{i}", draw(text)) for i in range(idea_count))
    primaries = []
    for p in range(draw(st.integers(0, 3))):
        secondaries = tuple(
            SecondaryDriver(
                f"s{p}-{s}",
                draw(text),
                tuple(
                    draw(st.lists(st.sampled_from([i.key for i in ideas]), unique=True, max_size=3))
                    if ideas
                    else ()
                ),
            )
            for s in range(draw(st.integers(0, 3)))
        )
        primaries.append(PrimaryDriver(f"p{p}", draw(text), secondaries))
    return DriverDiagram(aim=draw(text), primary=tuple(primaries), change_ideas=ideas)


def _boxes_overlap(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float]
) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


@given(diagrams())
def test_any_text_makes_well_formed_svg_holding_every_node(diagram: DriverDiagram) -> None:
    svg = driver_diagram_svg(diagram)
    root = ElementTree.fromstring(svg)  # noqa: S314 - raises on malformed XML
    # A word too long for a box is broken across lines, so compare the characters in
    # order, whitespace aside.
    drawn = sorted(squash(t) for t in svg_texts(svg))
    expected = sorted(squash(t) for t in [diagram.aim, *(node.text for node in diagram.nodes())])
    assert drawn == expected
    width = float(root.get("width") or 0)
    height = float(root.get("height") or 0)
    rects = [
        tuple(float(r.get(k) or 0) for k in ("x", "y", "width", "height"))
        for r in root.iter(f"{SVG}rect")
        if r.get("rx")
    ]
    for x, y, w, h in rects:
        assert x >= 0 and x + w <= width and y >= 0 and y + h <= height
    for i, first in enumerate(rects):
        for second in rects[i + 1 :]:
            assert not _boxes_overlap(first, second)  # type: ignore[arg-type]


@given(diagrams())
def test_the_outline_lists_every_node_under_its_parent(diagram: DriverDiagram) -> None:
    items = read_html_outline(outline_html(diagram))
    assert items[0] == (1, words(f"Aim: {diagram.aim}"))
    listed = [text for _, text in items]
    for primary in diagram.primary:
        assert words(f"Primary driver: {primary.text}") in listed
        for secondary in primary.secondary:
            assert words(f"Secondary driver: {secondary.text}") in listed
    # Every change idea is listed once per secondary driver it is linked to, or once
    # under "not yet linked".
    for idea in diagram.change_ideas:
        links = sum(idea.key in s.change_ideas for s in diagram.secondary)
        assert listed.count(words(f"Change idea: {idea.text}")) >= max(links, 1)


@given(diagrams())
def test_box_text_fits_its_box(diagram: DriverDiagram) -> None:
    drawn = layout(diagram)
    for box in drawn.boxes:
        for line in box.lines:
            # Sans-serif glyphs at 16 px average under 0.56 em; long words are broken.
            assert len(line) * FONT_SIZE * 0.56 <= BOX_WIDTH - 2 * 10 + 0.01
