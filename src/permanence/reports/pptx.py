"""The pack as a PowerPoint deck (python-pptx): a title slide, then one slide per section.

The slides are the same sections as the PDF (``PackContent.sections``), made for a
meeting-room screen (16:9):

- every slide's heading is in the slide's title placeholder, so the deck's outline and
  a screen reader's list of slides name each one;
- each chart is a PNG of the chart's own spec (``charts.render_png``, 1920 pixels wide)
  with its text alternative as the picture's description (``descr``, the "alt text"
  PowerPoint shows and reads out), and its findings in words as text beside it;
- the stage table, the aims, the tests of change, the risks and the data-quality figures
  are real tables (a table's description is its caption);
- the speaker notes hold each chart's full text alternative and the sentences the slide
  had no room for, for the person presenting;
- every run of text is marked as UK English.

A slide holds what a screen can show: the tests of change and the risks are cut to the
first few rows, their long texts shortened, with a line saying the PDF holds them all.
"""

from __future__ import annotations

import io
import math
import struct
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Emu, Inches, Pt

from permanence.charts import ChartSpec
from permanence.pages.stages import STAGE_HEADINGS
from permanence.reports.content import (
    PACK_TITLE,
    CycleItem,
    PackContent,
    Section,
    SectionKind,
    long_date,
    short_date,
)
from permanence.reports.figures import pngs
from permanence.reports.measure_aims import MEASURE_AIM_HEADINGS

#: Lengths are whole EMUs (914,400 to the inch), as PowerPoint stores them.
SLIDE_WIDTH: Final = int(Inches(13.333))
SLIDE_HEIGHT: Final = int(Inches(7.5))
MARGIN: Final = int(Inches(0.45))
TITLE_TOP: Final = int(Inches(0.3))
TITLE_HEIGHT: Final = int(Inches(0.85))
BODY_TOP: Final = int(Inches(1.25))
BODY_BOTTOM: Final = SLIDE_HEIGHT - int(Inches(0.3))
#: A chart takes the left of the slide; its findings in words the right.
PICTURE_WIDTH: Final = int(Inches(8.5))
GAP: Final = int(Inches(0.3))
DARK_BLUE: Final = "002D54"
TEXT: Final = "1B1B1B"
WHITE: Final = "FFFFFF"
LANGUAGE: Final = MSO_LANGUAGE_ID.ENGLISH_UK
#: The tests of change and the risks are long texts: a smaller size, each cell cut to
#: ``CELL_TEXT_LIMIT`` characters, and as many rows as the slide has room for.
CYCLE_TEXT_SIZE: Final = 11
RISK_TEXT_SIZE: Final = 12
CELL_TEXT_LIMIT: Final = 150
_TITLE_ONLY_LAYOUT: Final = 5
_TITLE_LAYOUT: Final = 0


def render_pptx(content: PackContent, images: Mapping[str, bytes] | None = None) -> bytes:
    """The pack as a .pptx file's bytes. ``images`` (chart name -> PNG, ``figures.pngs``)
    saves drawing the charts again when the caller already has them."""
    pictures = dict(images) if images is not None else pngs(content.charts())
    deck = Presentation()
    deck.slide_width = Emu(SLIDE_WIDTH)
    deck.slide_height = Emu(SLIDE_HEIGHT)
    _properties(deck, content)
    _title_slide(deck, content)
    writers: dict[SectionKind, Callable[[Slide, PackContent, Section, Mapping[str, bytes]], None]]
    writers = {
        SectionKind.ACTIONS: _actions,
        SectionKind.AIMS: _aims,
        SectionKind.RUN_CHART: _run_chart,
        SectionKind.STILL_WAITING: _still_waiting,
        SectionKind.SURVIVAL: _survival,
        SectionKind.COMPETING: _competing,
        SectionKind.STAGES: _stages,
        SectionKind.PROCESS_MAP: _process_map,
        SectionKind.FLOWS: _flows,
        SectionKind.MEASURE_AIMS: _measure_aims,
        SectionKind.PROGRESS: _progress,
        SectionKind.CYCLES: _cycles,
        SectionKind.RISKS: _risks,
        SectionKind.QUALITY: _quality,
    }
    for section in content.sections():
        slide = _slide(deck, section.heading)
        writers[section.kind](slide, content, section, pictures)
    output = io.BytesIO()
    deck.save(output)
    return output.getvalue()


# ---------------------------------------------------------------------------------------
# The deck and its slides


def _properties(deck: Deck, content: PackContent) -> None:
    properties = deck.core_properties
    properties.title = content.title
    properties.author = content.authority_name
    properties.subject = (
        f"The data and the improvement work for the Champions' Group meeting on "
        f"{long_date(content.meeting_date)}"
    )
    properties.keywords = "permanence; PACE; Champions' Group; run charts"
    properties.language = "en-GB"
    properties.comments = content.privacy_note()


def _title_slide(deck: Deck, content: PackContent) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[_TITLE_LAYOUT])
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    _place(title, MARGIN, _in(1.6), SLIDE_WIDTH - 2 * MARGIN, _in(1.4))
    _place(subtitle, MARGIN, _in(3.2), SLIDE_WIDTH - 2 * MARGIN, _in(3.6))
    _write(title.text_frame, [PACK_TITLE], size=40, bold=True, colour=DARK_BLUE)
    _write(
        subtitle.text_frame,
        [
            content.authority_name,
            f"For the meeting on {long_date(content.meeting_date)}; "
            + (
                ""
                if content.measured_on is None
                else f"the figures as of {long_date(content.measured_on)}; "
            )
            + f"the improvement work {content.since_text}",
            content.privacy_note(),
        ],
        size=20,
        sizes=(28, 20, 14),
    )
    _notes(slide, [content.dates_sentence(), content.opening()])


def _slide(deck: Deck, heading: str) -> Slide:
    slide: Slide = deck.slides.add_slide(deck.slide_layouts[_TITLE_ONLY_LAYOUT])
    title = slide.shapes.title
    assert title is not None  # the Title Only layout has one
    _place(title, MARGIN, TITLE_TOP, SLIDE_WIDTH - 2 * MARGIN, TITLE_HEIGHT)
    _write(title.text_frame, [heading], size=30, bold=True, colour=DARK_BLUE, align=PP_ALIGN.LEFT)
    return slide


def _in(inches: float) -> int:
    """``inches`` as whole EMUs."""
    return int(Inches(inches))


def _place(shape: object, left: int, top: int, width: int, height: int) -> None:
    for name, value in (("left", left), ("top", top), ("width", width), ("height", height)):
        setattr(shape, name, Emu(value))


# ---------------------------------------------------------------------------------------
# Sections


def _aims(
    slide: Slide, content: PackContent, section: Section, pictures: Mapping[str, bytes]
) -> None:
    _text(slide, [content.opening()], top=BODY_TOP, height=_in(0.6), size=16)
    rows = [
        [
            f"{summary.aim.title}{'' if summary.aim.national else ' (local)'}",
            summary.met_text,
            str(summary.still_waiting),
            str(summary.past_target),
            str(summary.left_without_end),
        ]
        for summary in content.aims
    ]
    top = BODY_TOP + _in(0.75)
    height = _table(
        slide,
        [
            "Aim",
            "Met the aim (of those known)",
            "Still waiting",
            "Past the target",
            "Left care without it",
        ],
        rows,
        top=top,
        widths=(3.2, 3.0, 1.9, 1.9, 2.4),
        size=14,
        description=f"Each aim on {long_date(content.measuring_date)}",
    )
    headlines = [f"{summary.aim.title}: {summary.headline}" for summary in content.aims]
    below = top + height + _in(0.25)
    if BODY_BOTTOM - below >= _in(0.8):
        room = Emu(BODY_BOTTOM - below)
        size = _fit(headlines, 16, width=SLIDE_WIDTH - 2 * MARGIN, height=room)
        _text(slide, headlines, top=below, height=room, size=size)
    _notes(
        slide,
        [
            f"{s.aim.title}: {s.aim.statement} {s.headline} {s.progress}".strip()
            for s in content.aims
        ],
    )


def _run_chart(
    slide: Slide, content: PackContent, section: Section, pictures: Mapping[str, bytes]
) -> None:
    aim = section.aim
    assert aim is not None
    _chart_with_words(slide, aim.run_chart, pictures, [*aim.findings, *_notes_words(aim.notes)])


def _notes_words(notes: Sequence[str]) -> list[str]:
    """The notes typed on the chart's points, after its findings, under their own heading."""
    return ["Notes on the chart's points:", *notes] if notes else []


def _still_waiting(
    slide: Slide, content: PackContent, section: Section, pictures: Mapping[str, bytes]
) -> None:
    aim = section.aim
    assert aim is not None
    _chart_with_words(slide, aim.still_waiting, pictures, list(aim.waiting_words))


def _survival(
    slide: Slide, content: PackContent, section: Section, pictures: Mapping[str, bytes]
) -> None:
    chart = content.survival
    assert chart is not None
    words = [
        "Each line follows the children whose clock started in one year: how many in every "
        "hundred had reached the milestone by each week, counting those still waiting.",
        content.survival_words,
    ]
    _chart_with_words(slide, chart, pictures, words)


def _competing(
    slide: Slide, content: PackContent, section: Section, pictures: Mapping[str, bytes]
) -> None:
    chart = content.competing
    assert chart is not None
    words = [
        "The same children, each followed to whichever came first: the milestone, leaving "
        "care, going home or a plan reversed. With those still waiting, the lines add up to "
        "every child.",
        chart.caption,
    ]
    _chart_with_words(slide, chart, pictures, words)


def _stages(
    slide: Slide, content: PackContent, section: Section, pictures: Mapping[str, bytes]
) -> None:
    _text(slide, [content.stage_sentence], top=BODY_TOP, height=_in(0.8), size=16, bold=True)
    rows = [list(row.cells()) for row in content.stages]
    _table(
        slide,
        # A narrow slide column: the PDF's "Children who completed it" shortened.
        ["Completed it" if h.startswith("Children who") else h for h in STAGE_HEADINGS],
        rows,
        top=BODY_TOP + _in(0.9),
        widths=(3.9, 1.35, 1.35, 1.25, 1.6, 1.55, 1.4),
        size=13,
        description=f"Days in each stage of the journey, on {long_date(content.measuring_date)}",
    )
    _notes(
        slide,
        [
            f"{content.stage_children} accommodated children are counted. Each stage runs from "
            "the milestone before it to the milestone that ends it; a child still on the way "
            "counts the days so far in the stage they are in now."
        ],
    )


def _process_map(
    slide: Slide, content: PackContent, section: Section, pictures: Mapping[str, bytes]
) -> None:
    the_map = content.process_map
    assert the_map is not None
    most = [
        f"{row.step.label}: {round(100 * row.step.share)}% of the waiting, "
        f"{row.step.waiting_now:,} waiting now"
        + (f" (owner: {row.note.owner})" if row.note.owner else "")
        + (f"; testing {row.note.testing}" if row.note.testing else "")
        for row in the_map.most_waiting
    ]
    _chart_with_words(slide, the_map.chart, pictures, ["Where most waiting happens:", *most])


#: The flows slide lists this many of the latest quarters in words beside the chart.
FLOWS_QUARTERS_SAID: Final = 4


def _flows(
    slide: Slide, content: PackContent, section: Section, pictures: Mapping[str, bytes]
) -> None:
    the_map = content.process_map
    assert the_map is not None
    chart = the_map.flows_chart
    latest = [
        f"{quarter}: {came:,} came into care, {left:,} left, {in_care:,} in care at its end"
        for quarter, came, left, *_, in_care in chart.data.tail(FLOWS_QUARTERS_SAID).iter_rows()
    ]
    words = [the_map.flows_text, *(["The latest quarters:", *latest] if latest else [])]
    _chart_with_words(slide, chart, pictures, words)


def _measure_aims(
    slide: Slide, content: PackContent, section: Section, pictures: Mapping[str, bytes]
) -> None:
    _sentence_and_table(
        slide,
        content.measure_aims_sentence(),
        list(MEASURE_AIM_HEADINGS),
        (2.4, 2.8, 1.9, 2.1, 1.2, 2.0),
        [[_clip(cell) for cell in item.cells()] for item in content.measure_aims],
        description="Each local aim on a process measure: its target, the latest month and "
        "whether it is met",
        more="The first {shown} of {total} local aims on the measures are shown; the PDF "
        "holds them all.",
    )
    _notes(slide, [" ".join(item.progress.sentences()) for item in content.measure_aims])


def _cycles(
    slide: Slide, content: PackContent, section: Section, pictures: Mapping[str, bytes]
) -> None:
    cycles = [*content.cycles_closed, *content.cycles_opened]
    headers = ["Cycle", "When", "Hoped to achieve", "What was learned", "Next steps"]
    widths = (2.5, 1.9, 2.8, 2.8, 2.4)
    rows = [_cycle_row(cycle) for cycle in cycles]
    top = BODY_TOP + _in(0.9)
    shown = _rows_that_fit(headers, rows, widths, CYCLE_TEXT_SIZE, BODY_BOTTOM - top)
    lines = [content.cycles_sentence()]
    if shown < len(rows):
        lines.append(
            f"The first {shown} of {len(rows)} are shown; the PDF holds every cycle's full record."
        )
    _text(slide, lines, top=BODY_TOP, height=_in(0.8), size=16)
    if cycles:
        _table(
            slide,
            headers,
            rows[:shown],
            top=top,
            widths=widths,
            size=CYCLE_TEXT_SIZE,
            description=f"PDSA cycles closed and begun {content.since_text}",
        )
    _notes(slide, [f"{cycle.name}. {cycle.dates}." for cycle in cycles])


def _cycle_row(cycle: CycleItem) -> list[str]:
    if cycle.closed_on is not None:
        when = f"Closed {short_date(cycle.closed_on)}"
        if cycle.decision:
            when += f": {cycle.decision.split(':')[0].lower()}"
        learned, next_steps = cycle.learned, cycle.next_steps
    else:
        when = f"Began {short_date(cycle.started_on)}"
        learned, next_steps = "Still under test", ""
    return [
        f"{cycle.name} ({cycle.project})",
        when,
        _clip(cycle.hoped_to_achieve),
        _clip(learned),
        _clip(next_steps),
    ]


def _progress(
    slide: Slide, content: PackContent, section: Section, pictures: Mapping[str, bytes]
) -> None:
    headers = ["Project", "Aim", "Phase now", "Score now", "Since before"]
    widths = (3.6, 2.6, 2.6, 1.2, 2.4)
    rows = [
        [
            _clip(item.project),
            _clip(item.aim),
            item.phase or "Not assessed yet",
            item.score,
            item.change,
        ]
        for item in content.progress
    ]
    _sentence_and_table(
        slide,
        content.progress_sentence(),
        headers,
        widths,
        rows,
        description="Each project's phase and progress score now",
        more="The first {shown} of {total} projects are shown; the PDF holds them all.",
    )


def _actions(
    slide: Slide, content: PackContent, section: Section, pictures: Mapping[str, bytes]
) -> None:
    headers = ["Action", "Owner", "Due", "Agreed"]
    widths = (5.6, 2.6, 2.2, 2.0)
    rows = [
        [
            _clip(action.what),
            action.owner,
            action.due_text(content.meeting_date),
            f"Agreed {short_date(action.agreed_on)}",
        ]
        for action in content.group_actions
    ]
    _sentence_and_table(
        slide,
        content.actions_sentence(),
        headers,
        widths,
        rows,
        description="The group's actions not done yet, the soonest due first",
        more="The {shown} soonest due of {total} are shown; the PDF holds them all.",
    )


def _risks(
    slide: Slide, content: PackContent, section: Section, pictures: Mapping[str, bytes]
) -> None:
    headers = ["Risk or issue", "Owner", "Rating", "Actions", "Status"]
    widths = (3.9, 1.7, 2.2, 3.1, 1.5)
    rows = [
        [
            _clip(f"{risk.kind}: {risk.description}"),
            risk.owner,
            risk.rating_text,
            _clip(risk.actions or "None recorded"),
            risk.status,
        ]
        for risk in content.risks
    ]
    _sentence_and_table(
        slide,
        content.risks_sentence(),
        headers,
        widths,
        rows,
        description="The open risks and issues, the highest rating first",
        more="The {shown} highest rated of {total} are shown; the PDF holds them all.",
    )


def _sentence_and_table(
    slide: Slide,
    sentence: str,
    headers: list[str],
    widths: tuple[float, ...],
    rows: list[list[str]],
    *,
    description: str,
    more: str,
) -> None:
    """A slide's sentence over a table of as many rows as fit; ``more`` (with ``{shown}``
    and ``{total}``) says how many were left to the PDF."""
    top = BODY_TOP + _in(0.9)
    shown = _rows_that_fit(headers, rows, widths, RISK_TEXT_SIZE, BODY_BOTTOM - top)
    lines = [sentence]
    if shown < len(rows):
        lines.append(more.format(shown=shown, total=len(rows)))
    _text(slide, lines, top=BODY_TOP, height=_in(0.8), size=16)
    if rows:
        _table(
            slide,
            headers,
            rows[:shown],
            top=top,
            widths=widths,
            size=RISK_TEXT_SIZE,
            description=description,
        )


def _quality(
    slide: Slide, content: PackContent, section: Section, pictures: Mapping[str, bytes]
) -> None:
    quality = content.quality
    if quality is None:
        _text(
            slide,
            ["No import has been loaded yet, so there is no data-quality summary."],
            top=BODY_TOP,
            height=_in(1.0),
            size=18,
        )
        return
    _text(slide, [quality.sentence()], top=BODY_TOP, height=_in(1.1), size=16)
    if not quality.has_figures:
        return
    top = BODY_TOP + _in(1.2)
    height = _table(
        slide,
        ["Table", "Rows read", "Loaded", "Refused", "Loaded with a query", "Repeats"],
        [
            [
                table.table,
                f"{table.read:,}",
                f"{table.loaded:,}",
                f"{table.refused:,}",
                f"{table.queried:,}",
                f"{table.repeats:,}",
            ]
            for table in quality.tables
        ],
        top=top,
        widths=(3.6, 1.7, 1.7, 1.7, 2.3, 1.4),
        size=13,
        description="What became of each table's rows",
    )
    rules = [
        f"{rule.rule} ({rule.severity}, {rule.count:,}): {rule.message}"
        for rule in quality.rules_shown[:3]
    ]
    below = top + height + _in(0.2)
    room = Emu(BODY_BOTTOM - below)
    if rules and room >= _in(0.8):
        lines = ["The most frequent issues:", *rules]
        size = _fit(lines, 14, width=SLIDE_WIDTH - 2 * MARGIN, height=room)
        _text(slide, lines, top=below, height=room, size=size)
    _notes(slide, [f"{rule.rule}: {rule.count} ({rule.message})" for rule in quality.rules])


# ---------------------------------------------------------------------------------------
# Building blocks


def _chart_with_words(
    slide: Slide, chart: ChartSpec, pictures: Mapping[str, bytes], words: Sequence[str]
) -> None:
    """The chart on the left (its text alternative as the picture's description) and its
    findings in words on the right; the notes hold the text alternative in full."""
    png = pictures[chart.name]
    pixel_width, pixel_height = png_size(png)
    height_room = BODY_BOTTOM - BODY_TOP
    width = PICTURE_WIDTH
    height = int(width * pixel_height / pixel_width)
    if height > height_room:
        height = height_room
        width = int(height * pixel_width / pixel_height)
    picture = slide.shapes.add_picture(
        io.BytesIO(png), Emu(MARGIN), Emu(BODY_TOP), Emu(width), Emu(height)
    )
    picture.name = chart.title[:250]
    _describe(picture, chart.alt_text)
    left = MARGIN + PICTURE_WIDTH + GAP
    room = SLIDE_WIDTH - left - MARGIN
    _text(
        slide,
        list(words),
        left=left,
        top=BODY_TOP,
        width=room,
        height=height_room,
        size=_fit(words, 18, width=room, height=height_room),
    )
    _notes(slide, [f"The chart: {chart.alt_text}", *words])


def _describe(shape: object, text: str) -> None:
    """Set a shape's description: the alt text PowerPoint shows and screen readers read.

    python-pptx has no property for it, so it is set on the shape's non-visual
    properties (``p:cNvPr/@descr``) directly.
    """
    element: Any = getattr(shape, "_element")  # noqa: B009 - a private attribute, on purpose
    properties = element.xpath("./*[1]/p:cNvPr")
    if not properties:  # pragma: no cover - every picture and graphic frame has one
        raise ValueError("the shape has no non-visual properties")
    properties[0].set("descr", text)


def _colour(hex_code: str) -> RGBColor:
    untyped: Any = RGBColor
    colour: RGBColor = untyped.from_string(hex_code)
    return colour


def png_size(png: bytes) -> tuple[int, int]:
    """A PNG's width and height in pixels, read from its header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def _text(
    slide: Slide,
    paragraphs: Sequence[str],
    *,
    top: int,
    height: int,
    left: int = MARGIN,
    width: int | None = None,
    size: int = 16,
    bold: bool = False,
) -> None:
    wide = width if width is not None else SLIDE_WIDTH - left - MARGIN
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(wide), Emu(height))
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    _write(frame, paragraphs, size=size, bold=bold, space_after=6)


def _write(
    frame: TextFrame,
    paragraphs: Sequence[str],
    *,
    size: int,
    bold: bool = False,
    colour: str = TEXT,
    align: PP_ALIGN | None = None,
    sizes: Sequence[int] = (),
    space_after: int = 0,
) -> None:
    """Write ``paragraphs`` into ``frame``, each a run in UK English."""
    untyped: Any = frame  # python-pptx leaves these two methods unannotated
    untyped.clear()
    for index, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else untyped.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if space_after:
            paragraph.space_after = Pt(space_after)
        run = paragraph.add_run()
        run.text = text
        font = run.font
        font.size = Pt(sizes[index] if index < len(sizes) else size)
        font.bold = bold
        font.color.rgb = _colour(colour)
        font.language_id = LANGUAGE


def _table(
    slide: Slide,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    top: int,
    widths: Sequence[float],
    size: int,
    description: str,
) -> int:
    """A real table (the first row its header row); returns its height as laid out."""
    heights = _row_heights([headers, *rows], widths, size)
    frame = slide.shapes.add_table(
        len(rows) + 1,
        len(headers),
        Emu(MARGIN),
        Emu(top),
        Emu(_in(sum(widths))),
        Emu(sum(heights)),
    )
    frame.name = description[:250]
    _describe(frame, description)
    table = frame.table
    table.first_row = True
    for index, width in enumerate(widths):
        table.columns[index].width = Emu(_in(width))
    for index, height in enumerate(heights):
        table.rows[index].height = Emu(height)
    for column, text in enumerate(headers):
        _write(table.cell(0, column).text_frame, [text], size=size, bold=True, colour=WHITE)
    for row_index, row in enumerate(rows, start=1):
        for column, text in enumerate(row):
            cell = table.cell(row_index, column)
            cell.text_frame.word_wrap = True
            _write(cell.text_frame, [text], size=size, bold=column == 0)
    return sum(heights)


def _row_heights(rows: Sequence[Sequence[str]], widths: Sequence[float], size: int) -> list[int]:
    """Each row's height for its longest cell wrapped in its column (a rough measure: a
    character about half the size wide, a line 1.2 times the size high, and the cell's
    margins), so a table is placed, and cut, before PowerPoint lays it out."""
    inch = size / 72
    per_line = [max(int((width - 0.2) / (0.5 * inch)), 1) for width in widths]
    heights = []
    for row in rows:
        # Wrapping at spaces leaves each line a little short: allow a tenth more.
        lines = max(max(math.ceil(len(text) * 1.1 / per_line[i]), 1) for i, text in enumerate(row))
        heights.append(_in(lines * 1.2 * inch + 0.14))
    return heights


def _rows_that_fit(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    size: int,
    room: int,
) -> int:
    """How many of ``rows`` fit under the header row in ``room``."""
    used, shown = 0, 0
    for height in _row_heights([headers, *rows], widths, size):
        if used + height > room:
            break
        used += height
        shown += 1
    return max(shown - 1, 0)


def _notes(slide: Slide, lines: Sequence[str]) -> None:
    frame = slide.notes_slide.notes_text_frame
    if frame is None:  # pragma: no cover - the default notes master has a body
        return
    _write(frame, [line for line in lines if line], size=12)


def _fit(paragraphs: Sequence[str], largest: int, *, width: int, height: int) -> int:
    """The largest font size, from ``largest`` down to 11 points, at which ``paragraphs``
    fit a box ``width`` × ``height``: a rough measure (a character about half the size
    wide, a line 1.2 times the size high, a paragraph's spacing after), so a slide's
    words are as large as the room allows without running off it."""
    for size in range(largest, 11, -1):
        inch = size / 72
        per_line = max(int(Emu(width).inches / (0.5 * inch)), 1)
        lines = sum(-(-max(len(text), 1) // per_line) for text in paragraphs)
        needed = lines * 1.2 * inch + len(paragraphs) * (6 / 72)
        if needed <= Emu(height).inches * 0.92:
            return size
    return 11


def _clip(text: str, limit: int = CELL_TEXT_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
