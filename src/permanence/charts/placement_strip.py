"""The placement strip on a child's journey: where the child lived, as a share of the period.

A thin bar, one coloured part per placement, drawn beside the timeline. A strip of
colours means nothing without a key, and nothing at all to a screen reader: so the strip
comes with its key (each care setting it shows, in its colour, the same colour it has on
every chart) and a text alternative that says the same in words, placement by placement.
The page draws the parts; this module works out what they are and what they say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from permanence.charts.spec import SETTING_COLOURS
from permanence.charts.words import day_text, number, plural
from permanence.journey.vocabulary import CareSetting, PlacementType


@dataclass(frozen=True, slots=True)
class StripPart:
    """One placement: where along the strip it starts and how much of it it takes (both
    percentages of the period so far), its care setting and colour, and its words."""

    offset: float
    percent: float
    setting: str
    colour: str
    label: str
    days: int


@dataclass(frozen=True, slots=True)
class KeyEntry:
    setting: str
    label: str
    colour: str


@dataclass(frozen=True, slots=True)
class PlacementStrip:
    parts: tuple[StripPart, ...]
    key: tuple[KeyEntry, ...]
    alt_text: str


def placement_strip(
    period_start: date,
    period_end: date | None,
    as_of: date,
    placements: Sequence[tuple[str, date, date | None]],
) -> PlacementStrip:
    """The strip of one care period from its placements (``placement_type`` code, start,
    end or None while it continues), in date order. An unknown code is "other"."""
    end = period_end or as_of
    total = max((end - period_start).days, 1)
    parts: list[StripPart] = []
    offset = 0.0
    for code, start, finish in placements:
        days = max((min(finish or end, end) - start).days, 0)
        kind = PlacementType(code) if code in PlacementType.codes() else None
        setting = kind.setting if kind is not None else CareSetting.OTHER
        percent = round(100 * days / total, 2)
        parts.append(
            StripPart(
                offset=round(offset, 2),
                percent=percent,
                setting=setting.value,
                colour=SETTING_COLOURS[setting.value],
                label=kind.label if kind is not None else code,
                days=days,
            )
        )
        offset += percent
    key = tuple(
        KeyEntry(setting.value, setting.label, SETTING_COLOURS[setting.value])
        for setting in CareSetting
        if setting.value in {part.setting for part in parts}
    )
    return PlacementStrip(tuple(parts), key, _alt_text(parts, period_start, end, total))


def _alt_text(parts: list[StripPart], start: date, end: date, total: int) -> str:
    span = f"from {day_text(start)} to {day_text(end)} ({plural(total, 'day')})"
    if not parts:
        return f"No placement is recorded in this care period, {span}."
    said = [
        f"{part.label.lower()} for {plural(part.days, 'day')} ({number(part.percent, digits=0)}%)"
        for part in parts
    ]
    return f"Where the child lived in this care period, {span}: " + ", then ".join(said) + "."
