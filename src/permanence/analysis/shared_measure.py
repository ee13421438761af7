"""A measure's monthly values as they may leave the authority: the chart of a change idea
shared in the library across authorities (docs/sharing.md).

A month's value is a count of children, or a percentage of children (numerator over
denominator). Either can identify a child when small, so before it is shared each month
follows the rules of ``disclosure``: a count from 1 to 4 is hidden; a percentage is
withheld when its numerator, its denominator or the children it leaves out (denominator
minus numerator) is from 1 to 4, since any of the three would give the others away. A
hidden month shows as ``c``; the number of months shown and hidden is said beside the
chart. Percentages are rounded to whole numbers, halves up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from permanence.analysis.disclosure import SUPPRESSED_MARK, THRESHOLD, whole_number


@dataclass(frozen=True, slots=True)
class MonthValue:
    """One month of a measure, as the authority holds it."""

    month: date
    numerator: int | None = None
    denominator: int | None = None
    count: int | None = None


@dataclass(frozen=True, slots=True)
class SharedPoint:
    month: date
    value: int | None  # None: hidden (shown as "c") or not recorded
    hidden: bool

    @property
    def shown(self) -> str:
        if self.hidden:
            return SUPPRESSED_MARK
        return "" if self.value is None else str(self.value)

    def as_dict(self) -> dict[str, Any]:
        return {"month": self.month.isoformat(), "value": self.value, "hidden": self.hidden}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SharedPoint:
        return cls(date.fromisoformat(data["month"]), data["value"], bool(data["hidden"]))


def _small(value: int | None, threshold: int) -> bool:
    return value is not None and 1 <= value < threshold


def shared_point(value: MonthValue, *, threshold: int = THRESHOLD) -> SharedPoint:
    if value.denominator is not None and value.numerator is not None:
        left_out = value.denominator - value.numerator
        if any(_small(part, threshold) for part in (value.numerator, value.denominator, left_out)):
            return SharedPoint(value.month, None, hidden=True)
        if value.denominator == 0:
            return SharedPoint(value.month, None, hidden=False)
        return SharedPoint(
            value.month, whole_number(100.0 * value.numerator / value.denominator), hidden=False
        )
    if value.count is not None:
        if _small(value.count, threshold):
            return SharedPoint(value.month, None, hidden=True)
        return SharedPoint(value.month, value.count, hidden=False)
    return SharedPoint(value.month, None, hidden=False)


def shared_points(values: Iterable[MonthValue], *, threshold: int = THRESHOLD) -> list[SharedPoint]:
    """Every month, in order, under disclosure control."""
    return [shared_point(v, threshold=threshold) for v in sorted(values, key=lambda v: v.month)]
