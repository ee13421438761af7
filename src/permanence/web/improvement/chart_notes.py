"""Notes typed on a chart's points: which charts take them, the marks they make, and the
section under each chart that lists them and (for those who keep the improvement record)
adds, changes and removes them.

A chart is known by a stable key: ``aim:<aim id>`` for an aim's charts (the run chart
and the P chart on the aim's page, and the same charts in the report pack) and
``measure:<pk>`` for a measure of the improvement record. A note is drawn as a numbered
marker (N1, N2...) at its point's date, beside the tests of change the same charts mark
(``permanence.charts.annotations``), and said in the chart's text alternative and data
table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

import polars as pl
from django import forms
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from permanence.analysis.aims import AimDefinition
from permanence.charts.annotations import Annotation, AnnotationKind
from permanence.charts.words import day_text
from permanence.pages.measure_series import MeasureSeries, aim_weeks_series
from permanence.web.accounts.models import User
from permanence.web.accounts.roles import Capability
from permanence.web.improvement.models import ChartNote

__all__ = [
    "ChartNoteForm",
    "ChartPoint",
    "NoteTextForm",
    "aim_key",
    "aim_points",
    "chart_address",
    "measure_key",
    "note_annotations",
    "notes_by_chart",
    "notes_section",
    "series_points",
    "written_by",
]

AIM_PREFIX = "aim:"
MEASURE_PREFIX = "measure:"


def aim_key(aim_id: str) -> str:
    return f"{AIM_PREFIX}{aim_id}"


def measure_key(pk: int) -> str:
    return f"{MEASURE_PREFIX}{pk}"


def chart_address(key: str) -> str:
    """The page that shows the chart ``key`` names (where a note's form sends people back)."""
    if key.startswith(MEASURE_PREFIX):
        return reverse("improvement-measure", args=[int(key.removeprefix(MEASURE_PREFIX))])
    return reverse("dashboard-aim", args=[key.removeprefix(AIM_PREFIX)])


@dataclass(frozen=True, slots=True)
class ChartPoint:
    """A point a note can be typed on: its date and how the chart names it."""

    on: date
    label: str

    @property
    def value(self) -> str:
        return self.on.isoformat()


def series_points(series: MeasureSeries) -> list[ChartPoint]:
    """The chart's points a note can go on: one per period, or one per date of a dot
    (several children on one day are one point), in time order."""
    seen: dict[date, ChartPoint] = {}
    for point in series.points:
        label = day_text(point.first) if series.per_day else point.label
        seen.setdefault(point.first, ChartPoint(point.first, label))
    return sorted(seen.values(), key=lambda point: point.on)


def aim_points(frame: pl.DataFrame, aim: AimDefinition) -> list[ChartPoint]:
    """The dates of the aim's run chart's dots (the children whose clock stopped)."""
    return series_points(aim_weeks_series(frame, aim))


def note_annotations(notes: Iterable[ChartNote]) -> list[Annotation]:
    """The notes as the charts draw them: a marker at each note's point."""
    return [
        Annotation(
            note.on,
            note.text,
            AnnotationKind.NOTE,
            said_by=f"{written_by(note)}, {day_text(note.written_at.date())}",
        )
        for note in notes
    ]


def notes_by_chart() -> dict[str, tuple[Annotation, ...]]:
    """Every note in scope as its chart's marks, by chart key (one query)."""
    by_chart: dict[str, list[Annotation]] = defaultdict(list)
    for note in ChartNote.objects.order_by("on", "pk").select_related("written_by"):
        by_chart[note.chart].extend(note_annotations([note]))
    return {key: tuple(marks) for key, marks in by_chart.items()}


def written_by(note: ChartNote) -> str:
    who = note.written_by
    if who is None:
        return "someone no longer here"
    return str(who.get_full_name() or who.get_username())


class ChartNoteForm(forms.Form):
    """A note on one of the chart's points: the points are the form's choices, so a person
    picks one from a list (with the keyboard as well as the mouse) rather than typing a
    date the chart does not have."""

    on = forms.ChoiceField(label="The point")
    text = forms.CharField(label="Note", max_length=300, strip=True)

    def __init__(self, *args: object, points: Sequence[ChartPoint], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        on = cast(forms.ChoiceField, self.fields["on"])
        on.choices = [(point.value, point.label) for point in points]

    def clean_on(self) -> date:
        return date.fromisoformat(self.cleaned_data["on"])


class NoteTextForm(forms.ModelForm[ChartNote]):
    """Changing a note's words (its point stays: remove it and add another to move it)."""

    class Meta:
        model = ChartNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "maxlength": 300})}


@dataclass(frozen=True)
class ShownNote:
    number: str
    note: ChartNote
    written_by: str
    point: str


def notes_section(
    request: HttpRequest, key: str, points: Sequence[ChartPoint], *, heading_level: int = 2
) -> str:
    """The notes under a chart: each with its marker's number, who wrote it and when, and
    (for the roles that keep the improvement record) the form to add one on a chosen point
    and the links to change or remove each."""
    user = cast(User, request.user)
    notes = sorted(
        ChartNote.objects.filter(chart=key).select_related("written_by"),
        key=lambda note: (note.on, note.text),
    )
    names = {point.on: point.label for point in points}
    shown = [
        ShownNote(f"N{index}", note, written_by(note), names.get(note.on, day_text(note.on)))
        for index, note in enumerate(notes, start=1)
    ]
    can_write = user.can(Capability.EDIT_IMPROVEMENT)
    return render_to_string(
        "improvement/_chart_notes.html",
        {
            "chart_key": key,
            "notes": shown,
            "can_write": can_write and bool(points),
            "form": ChartNoteForm(points=points),
            "heading": f"h{heading_level}",
        },
        request=request,
    )
