"""How the points that form a signal are picked out: a shape AND a colour, and a name.

Never colour alone (WCAG 1.4.1): every rule has its own shape as well as its own colour,
the legend names the rule, and the tooltip and the data table say which rule(s) each
point belongs to. Where a point takes part in several signals (a shift that is also a
trend), the chart shows the rule first in ``STYLES`` order and the table lists them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import polars as pl

from permanence.analysis.runchart import Signal
from permanence.charts.spec import GREY, SG_BLUE, TEXT

NO_SIGNAL: Final = "No signal"
SET_ASIDE: Final = "Set aside, not counted"


@dataclass(frozen=True, slots=True)
class SignalStyle:
    name: str
    shape: str
    colour: str
    meaning: str


# In order of precedence: the first that applies to a point is the one drawn.
STYLES: Final[dict[str, SignalStyle]] = {
    style.name: style
    for style in (
        SignalStyle(
            "Outside the limits", "triangle-down", "#d55e00", "a point outside a control limit"
        ),
        SignalStyle(
            "Astronomical point", "triangle-down", "#d55e00", "a point far from all the rest"
        ),
        SignalStyle("Shift", "diamond", "#aa4499", "6 or more in a row on one side of the median"),
        SignalStyle("Long run", "diamond", "#aa4499", "a run longer than chance allows"),
        SignalStyle("Trend", "triangle-up", TEXT, "5 or more in a row all going up or all down"),
        SignalStyle("2 of 3 near a limit", "cross", "#332288", "2 of 3 beyond 2 sigma"),
        SignalStyle("15 close to the centre", "triangle-right", GREY, "15 in a row within 1 sigma"),
        SignalStyle("Too few runs", "square", "#882255", "fewer runs than chance allows"),
        SignalStyle("Too many runs", "square", "#882255", "more runs than chance allows"),
        SignalStyle("Too few crossings", "square", "#882255", "fewer crossings than chance"),
    )
}
#: Point sizes (square pixels): signal points a little larger, since a diamond or a
#: triangle of the same area looks smaller than a circle.
PLAIN_SIZE: Final = 100
SIGNAL_SIZE: Final = 170

_PLAIN = SignalStyle(NO_SIGNAL, "circle", SG_BLUE, "")
_ASIDE = SignalStyle(SET_ASIDE, "cross", GREY, "excluded from the analysis, with a reason")
_ORDER: Final[dict[str, int]] = {name: rank for rank, name in enumerate(STYLES)}


def signal_name(signal: Signal) -> str:
    """The rule's name as the legend and tooltip show it."""
    rule, direction = signal.rule, signal.direction
    if rule == "runs":
        return "Too few runs" if direction == "too_few" else "Too many runs"
    names = {
        "shift": "Shift",
        "long_run": "Long run",
        "trend": "Trend",
        "few_crossings": "Too few crossings",
        "astronomical": "Astronomical point",
        "outside_limits": "Outside the limits",
        "outer_third": "2 of 3 near a limit",
        "inner_third": "15 close to the centre",
    }
    return names.get(rule, rule.replace("_", " ").capitalize())


@dataclass(frozen=True)
class PointSignals:
    """Per point: the signal drawn (``shown``) and every signal it belongs to (``all``)."""

    shown: list[str]
    all: list[str]
    present: list[str]  # the names drawn, in legend order

    def scale_domain(self) -> list[str]:
        return [NO_SIGNAL, *self.present]


def point_signals(
    size: int, signals: Sequence[Signal], excluded: Mapping[int, str] | None = None
) -> PointSignals:
    """Which signal each of ``size`` points is drawn as, from the analysis's signals.

    A loop over the signals (a handful), never over the points.
    """
    rank = np.full(size, len(_ORDER), dtype=np.int64)
    shown = np.full(size, NO_SIGNAL, dtype=object)
    names = sorted({signal_name(s) for s in signals}, key=lambda n: _ORDER.get(n, len(_ORDER)))
    member = np.zeros((len(names), size), dtype=np.bool_)
    for signal in signals:
        name = signal_name(signal)
        points: npt.NDArray[np.int64] = signal.points
        member[names.index(name), points] = True
        order = _ORDER.get(name, len(_ORDER))
        better = points[rank[points] > order]
        rank[better] = order
        shown[better] = name
    if excluded:
        aside = np.fromiter(excluded.keys(), dtype=np.int64)
        shown[aside] = SET_ASIDE
    every = _joined_names(names, member)
    drawn = set(shown.tolist())
    present = [name for name in names if name in drawn]
    if excluded:
        present.append(SET_ASIDE)
    return PointSignals(shown=shown.tolist(), all=every, present=present)


def _joined_names(names: list[str], member: npt.NDArray[np.bool_]) -> list[str]:
    """Per point, the names of every signal it belongs to, joined: "Shift; Trend"."""
    size = member.shape[1]
    if not names:
        return [NO_SIGNAL] * size
    flags = pl.DataFrame({str(i): member[i] for i in range(len(names))})
    joined = flags.select(
        pl.concat_str(
            [pl.when(pl.col(str(i))).then(pl.lit(name)) for i, name in enumerate(names)],
            separator="; ",
            ignore_nulls=True,
        )
        .replace("", NO_SIGNAL)
        .alias("names")
    )
    return joined.get_column("names").to_list()


def _style(name: str) -> SignalStyle:
    if name == NO_SIGNAL:
        return _PLAIN
    if name == SET_ASIDE:
        return _ASIDE
    return STYLES.get(name, SignalStyle(name, "square", GREY, ""))


def shape_and_colour(domain: Sequence[str], title: str = "Signal") -> dict[str, Any]:
    """Shape and colour encodings on the ``signal`` field, sharing one legend."""
    styles = [_style(name) for name in domain]
    legend = {"title": title, "symbolStrokeWidth": 0}
    sizes = [PLAIN_SIZE if name in (NO_SIGNAL, SET_ASIDE) else SIGNAL_SIZE for name in domain]
    return {
        "size": {
            "field": "signal",
            "type": "nominal",
            # An ordinal scale maps each name to its size; Vega-Lite's default for size
            # would spread the sizes over a range, which fails for a single name.
            "scale": {"type": "ordinal", "domain": list(domain), "range": sizes},
            "legend": legend,
        },
        "shape": {
            "field": "signal",
            "type": "nominal",
            "scale": {"domain": list(domain), "range": [s.shape for s in styles]},
            "legend": legend,
        },
        "color": {
            "field": "signal",
            "type": "nominal",
            "scale": {"domain": list(domain), "range": [s.colour for s in styles]},
            "legend": legend,
        },
    }
