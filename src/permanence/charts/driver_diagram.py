"""The driver diagram: aim, primary drivers, secondary drivers and change ideas.

A Champions' Group reads its theory of change left to right: the aim, the primary drivers
that must change for the aim to be met, the secondary drivers beneath each, and the change
ideas being tested against them. This module draws that as an accessible SVG and writes
the same structure as a text outline (nested lists in HTML, or Markdown), so the diagram
never carries anything the outline does not.

The SVG is a picture (``role="img"``) labelled by its ``<title>`` and described by its
``<desc>``; everything in it is text in boxes, drawn at ``FONT_SIZE`` pixels (16, the
size of body text) and wrapped to the box, with dark text on white for contrast. Lines
join each secondary driver to its primary driver and to each change idea linked to it. A
change idea linked to several secondary drivers is drawn once, with a line from each; the
outline lists it under each of them. Change ideas linked to no driver are drawn in the
last column with no line, and listed in the outline under "Not yet linked to a driver".

Pure Python: no Django, no polars. The web app builds a ``DriverDiagram`` from its records.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from typing import Final

from permanence.charts.spec import FONT, SG_BLUE, SG_DARK_BLUE, TEXT

FONT_SIZE: Final = 16
LINE_HEIGHT: Final = 21
# Average glyph width of a sans-serif face at 16 px is a little over half the size; 0.56
# errs toward fewer characters a line, so text stays inside its box.
CHARACTER_WIDTH: Final = FONT_SIZE * 0.56
BOX_WIDTH: Final = 240
BOX_PADDING: Final = 10
COLUMN_GAP: Final = 56
ROW_GAP: Final = 14
BLOCK_GAP: Final = 26
HEADING_HEIGHT: Final = 40
MARGIN: Final = 12

TEXT_COLOUR: Final = TEXT  # 17:1 on white
LINE_COLOUR: Final = "#4b4b4b"  # 8.6:1 on white; lines are non-text content (3:1 needed)
FILLS: Final = {
    "aim": "#e8f1f9",
    "primary": "#ffffff",
    "secondary": "#ffffff",
    "idea": "#ffffff",
}
STROKES: Final = {
    "aim": SG_DARK_BLUE,
    "primary": SG_BLUE,
    "secondary": SG_BLUE,
    "idea": "#4b4b4b",
}
COLUMN_HEADINGS: Final = ("Aim", "Primary drivers", "Secondary drivers", "Change ideas")
UNLINKED_HEADING: Final = "Not yet linked to a driver"
AIM_KEY: Final = "aim"


@dataclass(frozen=True, slots=True)
class ChangeIdeaNode:
    """A change idea. ``key`` is unique in the diagram; ``note`` is shown after the text
    in brackets (for example "implemented from 3 March 2025"); ``href`` links the outline."""

    key: str
    text: str
    note: str = ""
    href: str = ""

    @property
    def label(self) -> str:
        return f"{self.text} ({self.note})" if self.note else self.text


@dataclass(frozen=True, slots=True)
class SecondaryDriver:
    key: str
    text: str
    change_ideas: tuple[str, ...] = ()
    """The keys of the change ideas linked to this driver, in the order to list them."""


@dataclass(frozen=True, slots=True)
class PrimaryDriver:
    key: str
    text: str
    secondary: tuple[SecondaryDriver, ...] = ()


@dataclass(frozen=True, slots=True)
class DriverDiagram:
    """The whole diagram. Drivers and ideas are drawn in the order given."""

    aim: str
    primary: tuple[PrimaryDriver, ...] = ()
    change_ideas: tuple[ChangeIdeaNode, ...] = ()
    title: str = "Driver diagram"

    def __post_init__(self) -> None:
        keys = [AIM_KEY, *(node.key for node in self.nodes())]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise ValueError(f"every node needs its own key; repeated: {', '.join(repeated)}")
        known = {idea.key for idea in self.change_ideas}
        for primary in self.primary:
            for secondary in primary.secondary:
                unknown = [key for key in secondary.change_ideas if key not in known]
                if unknown:
                    raise ValueError(
                        f"secondary driver {secondary.key} links to unknown change ideas: "
                        + ", ".join(unknown)
                    )

    def nodes(self) -> Iterator[PrimaryDriver | SecondaryDriver | ChangeIdeaNode]:
        for primary in self.primary:
            yield primary
            yield from primary.secondary
        yield from self.change_ideas

    @property
    def secondary(self) -> tuple[SecondaryDriver, ...]:
        return tuple(s for p in self.primary for s in p.secondary)

    def idea(self, key: str) -> ChangeIdeaNode:
        return next(idea for idea in self.change_ideas if idea.key == key)

    def unlinked_ideas(self) -> tuple[ChangeIdeaNode, ...]:
        linked = {key for s in self.secondary for key in s.change_ideas}
        return tuple(idea for idea in self.change_ideas if idea.key not in linked)

    def summary(self) -> str:
        """One sentence saying what the diagram holds, for its ``<desc>``."""
        primary, secondary, ideas = (
            len(self.primary),
            len(self.secondary),
            len(self.change_ideas),
        )
        return (
            f"Driver diagram. Aim: {self.aim.rstrip('. ')}. "
            f"It has {_count(primary, 'primary driver')}, "
            f"{_count(secondary, 'secondary driver')} and {_count(ideas, 'change idea')}. "
            "The outline beside the diagram lists every driver and change idea."
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


# ---------------------------------------------------------------------------------------
# The text outline


@dataclass(frozen=True, slots=True)
class OutlineItem:
    """One entry of the outline: what it is, its text, and the entries beneath it."""

    kind: str  # aim, primary, secondary, idea, group
    text: str
    children: tuple[OutlineItem, ...] = ()
    href: str = ""


KIND_WORDS: Final = {
    "aim": "Aim",
    "primary": "Primary driver",
    "secondary": "Secondary driver",
    "idea": "Change idea",
    "group": "",
}


def outline(diagram: DriverDiagram) -> OutlineItem:
    """The diagram as a tree: the aim, its primary drivers, their secondary drivers, and
    the change ideas under each secondary driver they are linked to."""

    def idea_item(key: str) -> OutlineItem:
        idea = diagram.idea(key)
        return OutlineItem("idea", idea.label, href=idea.href)

    drivers = [
        OutlineItem(
            "primary",
            primary.text,
            tuple(
                OutlineItem(
                    "secondary",
                    secondary.text,
                    tuple(idea_item(key) for key in secondary.change_ideas),
                )
                for secondary in primary.secondary
            ),
        )
        for primary in diagram.primary
    ]
    unlinked = diagram.unlinked_ideas()
    if unlinked:
        drivers.append(
            OutlineItem(
                "group",
                UNLINKED_HEADING,
                tuple(OutlineItem("idea", i.label, href=i.href) for i in unlinked),
            )
        )
    return OutlineItem("aim", diagram.aim, tuple(drivers))


def _item_words(item: OutlineItem) -> str:
    kind = KIND_WORDS[item.kind]
    return f"{kind}: {item.text}" if kind else item.text


def outline_markdown(diagram: DriverDiagram) -> str:
    """The outline as Markdown nested lists, under a heading with the diagram's title."""
    lines = [f"# {diagram.title}", ""]

    def walk(item: OutlineItem, depth: int) -> None:
        lines.append(f"{'  ' * depth}- {_item_words(item)}")
        for child in item.children:
            walk(child, depth + 1)

    walk(outline(diagram), 0)
    return "\n".join(lines) + "\n"


def outline_html(diagram: DriverDiagram) -> str:
    """The outline as nested ``<ul>`` lists, every text escaped; change ideas with an
    ``href`` become links. The page shows it beside the SVG."""

    def render(item: OutlineItem) -> str:
        kind = KIND_WORDS[item.kind]
        text = escape(item.text)
        if item.href:
            text = f'<a href="{escape(item.href)}">{text}</a>'
        words = f'<span class="outline-kind">{kind}:</span> {text}' if kind else text
        inner = "".join(render(child) for child in item.children)
        nested = f"<ul>{inner}</ul>" if inner else ""
        return f'<li class="outline-{item.kind}">{words}{nested}</li>'

    return f'<ul class="driver-outline">{render(outline(diagram))}</ul>'


# ---------------------------------------------------------------------------------------
# The SVG


@dataclass(frozen=True, slots=True)
class _Box:
    key: str
    kind: str
    lines: tuple[str, ...]
    x: float
    y: float

    @property
    def height(self) -> float:
        return box_height(len(self.lines))

    @property
    def middle(self) -> float:
        return self.y + self.height / 2

    @property
    def right(self) -> float:
        return self.x + BOX_WIDTH


def wrap(text: str) -> tuple[str, ...]:
    """``text`` cut into lines that fit a box; a word longer than a line is broken."""
    width = int((BOX_WIDTH - 2 * BOX_PADDING) / CHARACTER_WIDTH)
    lines = textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False)
    return tuple(lines) or ("",)


def box_height(line_count: int) -> float:
    return 2 * BOX_PADDING + line_count * LINE_HEIGHT


def _column_x(column: int) -> float:
    return MARGIN + column * (BOX_WIDTH + COLUMN_GAP)


@dataclass(frozen=True, slots=True)
class _Layout:
    boxes: tuple[_Box, ...]
    edges: tuple[tuple[str, str], ...]
    width: float
    height: float


def layout(diagram: DriverDiagram) -> _Layout:
    """Where every box goes.

    Each primary driver owns a block of rows as tall as its secondary drivers stacked (or
    as itself, if taller) and sits in the middle of it. Change ideas are stacked in the
    order they are first linked, each as near the middle of its first secondary driver as
    the ideas above it allow, so lines run mostly straight across.
    """
    top: float = MARGIN + HEADING_HEIGHT
    boxes: list[_Box] = []
    edges: list[tuple[str, str]] = []
    y = top
    for primary in diagram.primary:
        primary_lines = wrap(primary.text)
        secondary_lines = [wrap(s.text) for s in primary.secondary]
        stacked = sum(box_height(len(lines)) for lines in secondary_lines) + ROW_GAP * max(
            len(secondary_lines) - 1, 0
        )
        block = max(box_height(len(primary_lines)), stacked)
        boxes.append(
            _Box(
                primary.key,
                "primary",
                primary_lines,
                _column_x(1),
                y + (block - box_height(len(primary_lines))) / 2,
            )
        )
        edges.append((AIM_KEY, primary.key))
        row = y + (block - stacked) / 2
        for secondary, lines in zip(primary.secondary, secondary_lines, strict=True):
            boxes.append(_Box(secondary.key, "secondary", lines, _column_x(2), row))
            edges.append((primary.key, secondary.key))
            edges.extend((secondary.key, idea) for idea in secondary.change_ideas)
            row += box_height(len(lines)) + ROW_GAP
        y += block + BLOCK_GAP
    drivers_bottom = y - BLOCK_GAP if diagram.primary else top

    middles = {box.key: box.middle for box in boxes}
    first_link: dict[str, float] = {}
    for secondary in diagram.secondary:
        for key in secondary.change_ideas:
            first_link.setdefault(key, middles[secondary.key])
    ideas = sorted(
        diagram.change_ideas,
        key=lambda idea: (idea.key not in first_link, first_link.get(idea.key, 0.0)),
    )
    next_free: float = top
    for idea in ideas:
        lines = wrap(idea.label)
        wanted = first_link.get(idea.key, next_free + box_height(len(lines)) / 2)
        idea_y = max(next_free, wanted - box_height(len(lines)) / 2)
        boxes.append(_Box(idea.key, "idea", lines, _column_x(3), idea_y))
        next_free = idea_y + box_height(len(lines)) + ROW_GAP
    ideas_bottom = next_free - ROW_GAP if ideas else top

    bottom = max(drivers_bottom, ideas_bottom, top + box_height(len(wrap(diagram.aim))))
    aim_lines = wrap(diagram.aim)
    boxes.insert(
        0,
        _Box(
            AIM_KEY,
            "aim",
            aim_lines,
            _column_x(0),
            top + (bottom - top - box_height(len(aim_lines))) / 2,
        ),
    )
    return _Layout(
        boxes=tuple(boxes),
        edges=tuple(edges),
        width=_column_x(4) - COLUMN_GAP + MARGIN,
        height=bottom + MARGIN,
    )


def _edge_path(start: _Box, end: _Box) -> str:
    """A smooth S-curve from the right edge of ``start`` to the left edge of ``end``."""
    x1, y1, x2, y2 = start.right, start.middle, end.x, end.middle
    bend = (x2 - x1) / 2
    return (
        f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    )


def driver_diagram_svg(diagram: DriverDiagram, *, id_prefix: str = "driver-diagram") -> str:
    """The diagram as a standalone SVG document (no XML declaration: it is valid both
    inline in a page and as a file).

    ``id_prefix`` keeps the ids of the title and description unique on a page.
    """
    drawn = layout(diagram)
    by_key = {box.key: box for box in drawn.boxes}
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    width, height = round(drawn.width), round(drawn.height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{title_id}" aria-describedby="{desc_id}" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}">',
        f'<title id="{title_id}">{escape(diagram.title)}</title>',
        f'<desc id="{desc_id}">{escape(diagram.summary())}</desc>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    parts.extend(_headings())
    parts.append(f'<g fill="none" stroke="{LINE_COLOUR}" stroke-width="1.5">')
    parts.extend(
        f'<path d="{_edge_path(by_key[a], by_key[b])}"/>'
        for a, b in drawn.edges
        if a in by_key and b in by_key
    )
    parts.append("</g>")
    parts.extend(_box(box) for box in drawn.boxes)
    parts.append("</svg>")
    return "\n".join(parts)


def _headings() -> list[str]:
    return [
        f'<text x="{_column_x(column):.1f}" y="{MARGIN + 22}" font-weight="bold" '
        f'fill="{TEXT_COLOUR}">{escape(heading)}</text>'
        for column, heading in enumerate(COLUMN_HEADINGS)
    ]


def _box(box: _Box) -> str:
    text_x = box.x + BOX_PADDING
    first_baseline = box.y + BOX_PADDING + LINE_HEIGHT - 5
    # A space between the lines keeps the words apart in the text of the picture.
    spans = " ".join(
        f'<tspan x="{text_x:.1f}" y="{first_baseline + i * LINE_HEIGHT:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(box.lines)
    )
    weight = ' font-weight="bold"' if box.kind == "aim" else ""
    return (
        f'<g class="node node-{box.kind}" data-key="{escape(box.key)}">'
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{BOX_WIDTH}" height="{box.height:.1f}" '
        f'rx="6" fill="{FILLS[box.kind]}" stroke="{STROKES[box.kind]}" stroke-width="2"/>'
        f'<text fill="{TEXT_COLOUR}"{weight}>{spans}</text></g>'
    )


def svg_texts(svg: str) -> list[str]:
    """The text of each box of an SVG this module drew, its lines joined by spaces, in
    drawing order (the aim, then the drivers, then the change ideas). For tests and for
    anyone checking the picture says what the outline says."""
    import xml.etree.ElementTree as ElementTree

    namespace = "{http://www.w3.org/2000/svg}"
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output, never user-supplied XML
    texts = []
    for group in root.iter(f"{namespace}g"):
        if "node" not in (group.get("class") or "").split():
            continue
        spans = [span.text or "" for span in group.iter(f"{namespace}tspan")]
        texts.append(" ".join(spans))
    return texts
