"""Tests of change on a chart: PDSA cycles, implemented changes and the improvement start.

Improvement teams read a run chart against what they changed and when. The improvement
record (issue 7) passes its PDSA cycles and implemented changes in as ``Annotation``
values and they appear on every measure's chart without anyone drawing them.

On the chart each annotation is a numbered marker at the top of the plot on a thin
vertical rule at its date, and the key under the title says what each number is: labels
written on the chart itself overlap as soon as two tests begin in the same month, numbers
do not. The start of the improvement work is a red rule labelled in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import polars as pl

from permanence.charts.spec import (
    ANNOTATION_SIZE,
    GREY,
    IMPROVEMENT_RED,
    SG_DARK_BLUE,
)
from permanence.charts.words import capitalise, day_text, month_year, short_month_year, wrap
from permanence.journey.vocabulary import Coded

if TYPE_CHECKING:  # the run chart imports this module: only the type is needed here
    from permanence.charts.runchart import PhaseStart


class AnnotationKind(Coded):
    PDSA = "pdsa", "PDSA cycle"
    CHANGE = "change", "Change implemented"
    NOTE = "note", "Note"


@dataclass(frozen=True, slots=True)
class Annotation:
    """Something that happened on ``date`` that the chart should show."""

    date: date
    label: str
    kind: AnnotationKind = AnnotationKind.PDSA
    #: for a note typed on the chart: who wrote it and when ("Jo Bloggs, 3 March 2025"),
    #: for the list of notes under the chart; never drawn on the chart itself
    said_by: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", AnnotationKind(self.kind))


@dataclass(frozen=True, slots=True)
class ImprovementMarks:
    """What an aim's charts mark from the improvement record: when the improvement work
    began (the baseline is before it), what to call it, and each test of change."""

    start: date | None = None
    annotations: tuple[Annotation, ...] = ()
    name: str = "the improvement work"
    #: the new phases a person accepted on the aim's run chart, in date order: its
    #: chart, its sentences and the overview's headline all read the points with them
    phases: tuple[PhaseStart, ...] = ()


# How each kind of annotation looks: a PDSA cycle is a test (dashed rule, hollow marker);
# an implemented change is part of the system (solid rule, filled marker).
_STYLE: Final[dict[AnnotationKind, dict[str, Any]]] = {
    AnnotationKind.PDSA: {"dash": [4, 3], "filled": False},
    AnnotationKind.CHANGE: {"dash": [1, 0], "filled": True},
    AnnotationKind.NOTE: {"dash": [1, 4], "filled": False},
}

KEY_WIDTH: Final = 95  # characters per subtitle line; see words.wrap
MARKER_Y: Final = 14  # pixels from the top of the plot to the first row of markers
MARKER_ROW: Final = 28  # pixels between rows of markers
LABEL_ROW: Final = 22  # pixels the improvement label takes
CLEARANCE: Final = 14  # pixels kept clear between the band and the highest point
#: Two markers closer than this share of the time axis would overlap on a chart about
#: 800 px wide; the later one moves down a row.
CROWDED: Final = 0.035
MARKER_ROWS: Final = 3


def ordered(annotations: Sequence[Annotation]) -> list[Annotation]:
    """Annotations in date order (then label), numbered from 1 in that order."""
    return sorted(annotations, key=lambda a: (a.date, a.label))


def is_note(annotation: Annotation) -> bool:
    """A note typed on a point of the chart, rather than a test of change."""
    return annotation.kind == AnnotationKind.NOTE


def marker_numbers(annotations: Sequence[Annotation]) -> list[tuple[str, Annotation]]:
    """Each annotation in date order with the number its marker shows: tests of change
    1, 2, 3... (the improvement record's own numbering, whatever notes there are) and notes
    typed on the chart's points N1, N2... so the two never renumber each other."""
    counts = {True: 0, False: 0}
    numbered = []
    for item in ordered(annotations):
        note = is_note(item)
        counts[note] += 1
        numbered.append((f"N{counts[note]}" if note else str(counts[note]), item))
    return numbered


def note_lines(annotations: Sequence[Annotation]) -> list[str]:
    """The notes typed on the chart's points, one line each as the list under the chart
    (and the report pack) gives them: "N1, 3 March 2025: the new court officer started
    (Jo Bloggs, 10 March 2025)"."""
    return [
        f"{number}, {day_text(item.date)}: {item.label}"
        + (f" ({item.said_by})" if item.said_by else "")
        for number, item in marker_numbers(annotations)
        if is_note(item)
    ]


def notes_column(
    table: pl.DataFrame, dates: Sequence[date], annotations: Sequence[Annotation]
) -> pl.DataFrame:
    """The data table with a "Notes" column: each note typed on the chart ("N1 text") on
    the row of its point, the row with the note's date or else the last row before it.
    The table is unchanged when the chart has no notes."""
    notes = [(number, item) for number, item in marker_numbers(annotations) if is_note(item)]
    if not notes or not dates:
        return table
    cells: list[list[str]] = [[] for _ in dates]
    for number, item in notes:
        row = _row_of(dates, item.date)
        if row is not None:
            cells[row].append(f"{number} {item.label}")
    column = pl.Series("Notes", ["; ".join(cell) or None for cell in cells], dtype=pl.String)
    return table.with_columns(column)


def _row_of(dates: Sequence[date], on: date) -> int | None:
    exact = [index for index, day in enumerate(dates) if day == on]
    if exact:
        return exact[0]
    before = [index for index, day in enumerate(dates) if day <= on]
    return max(before, key=lambda index: dates[index]) if before else None


@dataclass(frozen=True, slots=True)
class TopBand:
    """Where the markers and the improvement label sit in the band at the top of a plot.

    Markers for tests of change close together in time are stacked in rows so their
    numbers never overlap; the improvement label sits under the lowest row, and the new
    phases' labels ("Phase 2 begins") under that, so no point ever sits on them.
    ``pixels`` is the height of the band, which the chart keeps clear of data by raising
    its y scale.
    """

    rows: tuple[int, ...]
    label_y: int
    pixels: int
    phase_y: int = 0

    @classmethod
    def plan(
        cls,
        annotations: Sequence[Annotation],
        *,
        first: date,
        last: date,
        improvement: bool,
        phases: bool = False,
    ) -> TopBand:
        items = ordered(annotations)
        every_date = [first, last, *(item.date for item in items)]
        span = max((max(every_date) - min(every_date)).days, 1)
        rows: list[int] = []
        latest_in_row: list[date | None] = [None] * MARKER_ROWS
        for item in items:
            row = next(
                (
                    r
                    for r, previous in enumerate(latest_in_row)
                    if previous is None or (item.date - previous).days / span >= CROWDED
                ),
                len(rows) % MARKER_ROWS,
            )
            latest_in_row[row] = item.date
            rows.append(row)
        used = max(rows) + 1 if rows else 0
        markers_bottom = MARKER_Y + (used - 1) * MARKER_ROW + 14 if used else 0
        label_y = markers_bottom + 4
        pixels = (label_y + LABEL_ROW if improvement else markers_bottom) + CLEARANCE
        phase_y = label_y + LABEL_ROW if improvement else (markers_bottom + 4 if used else 4)
        if phases:
            pixels = phase_y + LABEL_ROW + CLEARANCE
        elif not used and not improvement:
            pixels = 0
        return cls(rows=tuple(rows), label_y=label_y, pixels=pixels, phase_y=phase_y)

    def marker_y(self, row: int) -> int:
        return MARKER_Y + row * MARKER_ROW


def annotation_rows(
    annotations: Sequence[Annotation], band: TopBand | None = None
) -> list[dict[str, Any]]:
    """One record per annotation, numbered in date order, with its marker's position."""
    return [
        {
            "number": number,
            "date": item.date.isoformat(),
            "date_text": day_text(item.date),
            "label": item.label,
            "kind": item.kind.label,
            "dash": _STYLE[item.kind]["dash"],
            "marker_y": band.marker_y(band.rows[index]) if band else MARKER_Y,
            "description": (
                f"Note {number}: {item.label}, on {day_text(item.date)}"
                if is_note(item)
                else f"Test of change {number}: {item.label}, {item.kind.label}, "
                f"{day_text(item.date)}"
            ),
        }
        for index, (number, item) in enumerate(marker_numbers(annotations))
    ]


def annotation_key(annotations: Sequence[Annotation]) -> list[str]:
    """Subtitle lines saying what each numbered marker is."""
    numbered = marker_numbers(annotations)
    tests = [
        f"{number} {item.label} ({item.kind.label}, {short_month_year(item.date)})"
        for number, item in numbered
        if not is_note(item)
    ]
    notes = [
        f"{number} {item.label} ({short_month_year(item.date)})"
        for number, item in numbered
        if is_note(item)
    ]
    lines = wrap("Tests of change: " + "; ".join(tests), KEY_WIDTH) if tests else []
    return lines + (wrap("Notes: " + "; ".join(notes), KEY_WIDTH) if notes else [])


def _lower_first(text: str) -> str:
    """ "Change implemented" -> "change implemented", but "PDSA cycle" stays as it is."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def annotation_sentence(annotations: Sequence[Annotation]) -> str:
    numbered = marker_numbers(annotations)
    tests = [
        f"{item.label} ({_lower_first(item.kind.label)}, {month_year(item.date)})"
        for _, item in numbered
        if not is_note(item)
    ]
    notes = [
        f"{number}, {day_text(item.date)}: {item.label}"
        for number, item in numbered
        if is_note(item)
    ]
    sentences = []
    if tests:
        sentences.append("Tests of change marked on the chart: " + "; ".join(tests) + ".")
    if notes:
        sentences.append("Notes on the chart's points: " + "; ".join(notes) + ".")
    return " ".join(sentences)


def annotation_rules(
    annotations: Sequence[Annotation], x: dict[str, Any], band: TopBand
) -> list[Any]:
    """A thin rule at each annotation's date, drawn beneath the data."""
    if not annotations:
        return []
    values = annotation_rows(annotations, band)
    return [
        {
            "data": {"values": values},
            "mark": {"type": "rule", "color": GREY, "strokeWidth": 1.5, "aria": False},
            "encoding": {"x": x, "strokeDash": {"field": "dash", "type": "nominal", "scale": None}},
        }
    ]


def annotation_markers(
    annotations: Sequence[Annotation], x: dict[str, Any], band: TopBand
) -> list[Any]:
    """Numbered markers for each annotation on a temporal x axis (``x`` is the chart's x
    encoding, on a field called ``date``), drawn above everything else."""
    if not annotations:
        return []
    values = annotation_rows(annotations, band)
    tooltip = [
        {"field": "number", "title": "Marker"},
        {"field": "label", "title": "Test of change or note"},
        {"field": "kind", "title": "Kind"},
        {"field": "date_text", "title": "Date"},
    ]
    marker_y = {"field": "marker_y", "type": "quantitative", "scale": None}
    return [
        {
            "data": {"values": values},
            "mark": {
                "type": "point",
                "shape": "circle",
                "size": 480,
                "filled": True,
                "fill": "white",
                "stroke": SG_DARK_BLUE,
                "strokeWidth": 2,
                "opacity": 1,
            },
            "encoding": {
                "x": x,
                "y": marker_y,
                "tooltip": tooltip,
                "description": {"field": "description", "type": "nominal"},
            },
        },
        {
            "data": {"values": values},
            "mark": {
                "type": "text",
                "fontSize": ANNOTATION_SIZE,
                "fontWeight": "bold",
                "color": SG_DARK_BLUE,
                "baseline": "middle",
                "aria": False,
            },
            "encoding": {
                "x": x,
                "y": marker_y,
                "text": {"field": "number", "type": "nominal"},
                "tooltip": tooltip,
            },
        },
    ]


def _improvement_values(start: date, label: str) -> list[dict[str, Any]]:
    return [{"date": start.isoformat(), "text": f"{label} ({short_month_year(start)})"}]


def improvement_rule(start: date | None, label: str, x: dict[str, Any]) -> list[Any]:
    """A red rule at the start of the improvement work."""
    if start is None:
        return []
    return [
        {
            "data": {"values": _improvement_values(start, label)},
            "mark": {"type": "rule", "color": IMPROVEMENT_RED, "strokeWidth": 2.5},
            "encoding": {"x": x, "description": {"field": "text", "type": "nominal"}},
        }
    ]


#: The white outline drawn under a label so that rules and dots behind it do not cross
#: its letters (the label is drawn twice: the outline, then the words).
HALO_WIDTH = 4


def with_halo(layer: dict[str, Any]) -> list[dict[str, Any]]:
    """A text layer drawn over a white outline of itself: a rule or a dot behind the
    words stays behind them and never strikes them through."""
    outline = {
        **layer,
        "mark": {
            **layer["mark"],
            "color": "white",
            "stroke": "white",
            "strokeWidth": HALO_WIDTH,
            "strokeJoin": "round",
            "aria": False,
        },
    }
    return [outline, layer]


def improvement_label(
    start: date | None, label: str, x: dict[str, Any], band: TopBand
) -> list[Any]:
    """The red rule's label in words, beside it, under the markers, on a white outline
    so the tests of change's dashed rules do not cross its words."""
    if start is None:
        return []
    values = _improvement_values(start, label)
    return with_halo(
        {
            "data": {"values": values},
            "mark": {
                "type": "text",
                "align": "left",
                "dx": 6,
                "baseline": "top",
                "fontSize": ANNOTATION_SIZE,
                "fontWeight": "bold",
                "color": IMPROVEMENT_RED,
                "aria": False,
            },
            "encoding": {"x": x, "y": {"value": band.label_y}, "text": {"field": "text"}},
        }
    )


def improvement_text(name: str) -> str:
    """The rule's label: "The improvement work began"."""
    return f"{capitalise(name)} began"


__all__ = [
    "Annotation",
    "AnnotationKind",
    "TopBand",
    "annotation_key",
    "annotation_markers",
    "annotation_rows",
    "annotation_rules",
    "annotation_sentence",
    "improvement_label",
    "improvement_rule",
    "improvement_text",
    "is_note",
    "marker_numbers",
    "note_lines",
    "notes_column",
    "with_halo",
]
