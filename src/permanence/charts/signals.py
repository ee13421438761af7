"""How the points that form a signal are picked out: a shape AND a colour, and a name.

Only signals made of particular points are drawn on points: a shift, a long run, a
trend, an astronomical point, a point outside the limits (and the control chart's
zone rules). A signal about the whole series (too few or too many runs, too few
crossings) belongs to no point in particular; painting it on every point would hide the
points that matter, so it is said once, in the chart's title line and its text
alternative (``series_signals``), never drawn on a point.

Never colour alone (WCAG 1.4.1): every rule has its own shape, the legend names the rule,
and the tooltip and the data table say which signal(s) each point belongs to. Where a
point takes part in several signals (a shift that is also a trend), the chart shows the
rule first in ``STYLES`` order and the table lists them all.

When the measure's better direction is known (``Better``), the colour says what the
signal means, as Making Data Count does: blue for an improvement, orange for a concern,
and plain points grey (the variation chance gives). Otherwise each rule has its own
colour-blind-safe colour and plain points are blue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import polars as pl

from permanence.analysis.direction import Better, Reading, is_series_signal, reading
from permanence.analysis.runchart import Signal
from permanence.charts.spec import GREY, SG_BLUE, TEXT

NO_SIGNAL: Final = "No signal"
SET_ASIDE: Final = "Set aside, not counted"
#: Making Data Count's colours, from the documented palette: blue for an improvement,
#: orange (vermillion) for a concern, grey for common cause variation.
IMPROVEMENT_BLUE: Final = SG_BLUE
CONCERN_ORANGE: Final = "#d55e00"
COMMON_CAUSE_GREY: Final = GREY
READING_COLOURS: Final[dict[Reading, str]] = {
    Reading.IMPROVEMENT: IMPROVEMENT_BLUE,
    Reading.CONCERN: CONCERN_ORANGE,
}


@dataclass(frozen=True, slots=True)
class SignalStyle:
    name: str
    shape: str
    colour: str
    meaning: str


# In order of precedence: the first that applies to a point is the one drawn. Each rule a
# shape of its own; the two rules that are the same idea read two ways (a shift, a long
# run) share one.
STYLES: Final[dict[str, SignalStyle]] = {
    style.name: style
    for style in (
        SignalStyle(
            "Above the upper limit", "triangle-up", "#d55e00", "a point above the upper limit"
        ),
        SignalStyle(
            "Below the lower limit", "triangle-down", "#d55e00", "a point below the lower limit"
        ),
        SignalStyle("Astronomical point", "square", "#d55e00", "a point far from all the rest"),
        SignalStyle("Shift", "diamond", "#aa4499", "6 or more in a row on one side of the median"),
        SignalStyle("Long run", "diamond", "#aa4499", "a run longer than chance allows"),
        SignalStyle("Trend", "triangle-right", TEXT, "5 or more in a row all going up or all down"),
        SignalStyle("2 of 3 near a limit", "cross", "#332288", "2 of 3 beyond 2 sigma"),
        SignalStyle("15 close to the centre", "triangle-left", GREY, "15 in a row within 1 sigma"),
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
    if rule == "outside_limits":
        return "Above the upper limit" if direction == "high" else "Below the lower limit"
    names = {
        "shift": "Shift",
        "long_run": "Long run",
        "trend": "Trend",
        "few_crossings": "Too few crossings",
        "astronomical": "Astronomical point",
        "outer_third": "2 of 3 near a limit",
        "inner_third": "15 close to the centre",
    }
    return names.get(rule, rule.replace("_", " ").capitalize())


def drawn_name(signal: Signal, better: Better | None) -> str:
    """The name a point is drawn under: the rule, and what it means when that is known.

    "Shift (improvement)", "Trend (concern)"; "Shift" when the direction is not known.
    """
    name = signal_name(signal)
    meaning = reading(signal, better)
    return name if meaning is Reading.NEITHER else f"{name} ({meaning.value})"


def point_rules(signals: Sequence[Signal]) -> list[Signal]:
    """The signals made of particular points: what a chart marks."""
    return [signal for signal in signals if not is_series_signal(signal)]


def series_signals(signals: Sequence[Signal]) -> list[Signal]:
    """The signals about a whole series (a phase): said in words, never painted."""
    return [signal for signal in signals if is_series_signal(signal)]


@dataclass(frozen=True)
class PointSignals:
    """Per point: the signal drawn (``shown``) and every signal it belongs to (``all``).

    ``present`` are the names drawn, in legend order; ``better`` the measure's direction
    (None when unknown), which sets the colours.
    """

    shown: list[str]
    all: list[str]
    present: list[str]
    better: Better | None = None

    def scale_domain(self) -> list[str]:
        return [NO_SIGNAL, *self.present]

    def marked(self) -> npt.NDArray[np.bool_]:
        """Which points are drawn as part of a signal."""
        return np.array([name not in (NO_SIGNAL, SET_ASIDE) for name in self.shown])


def point_signals(
    size: int,
    signals: Sequence[Signal],
    excluded: Mapping[int, str] | None = None,
    better: Better | None = None,
) -> PointSignals:
    """Which signal each of ``size`` points is drawn as, from the analysis's signals.

    Only the signals made of particular points (``point_rules``) mark points. A loop over
    the signals (a handful), never over the points.
    """
    drawn = point_rules(signals)
    rank = np.full(size, len(_ORDER), dtype=np.int64)
    shown = np.full(size, NO_SIGNAL, dtype=object)
    names = sorted(
        {drawn_name(s, better) for s in drawn},
        key=lambda n: (_ORDER.get(_base(n), len(_ORDER)), n),
    )
    member = np.zeros((len(names), size), dtype=np.bool_)
    for signal in drawn:
        name = drawn_name(signal, better)
        points: npt.NDArray[np.int64] = signal.points
        member[names.index(name), points] = True
        order = _ORDER.get(_base(name), len(_ORDER))
        better_rank = points[rank[points] > order]
        rank[better_rank] = order
        shown[better_rank] = name
    if excluded:
        aside = np.fromiter(excluded.keys(), dtype=np.int64)
        shown[aside] = SET_ASIDE
    every = _joined_names(names, member)
    on_chart = set(shown.tolist())
    present = [name for name in names if name in on_chart]
    if excluded:
        present.append(SET_ASIDE)
    return PointSignals(shown=shown.tolist(), all=every, present=present, better=better)


def _base(name: str) -> str:
    """The rule's name without its reading: "Shift (improvement)" is a "Shift"."""
    return name.split(" (", 1)[0]


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


def style_of(name: str, better: Better | None = None) -> SignalStyle:
    """How a point drawn under ``name`` looks: the rule's shape; its colour from what the
    signal means where the direction is known, else the rule's own."""
    if name == NO_SIGNAL:
        return _PLAIN if better is None else replace(_PLAIN, colour=COMMON_CAUSE_GREY)
    if name == SET_ASIDE:
        return _ASIDE
    base = STYLES.get(_base(name), SignalStyle(name, "square", GREY, ""))
    meaning = name[len(base.name) + 2 : -1] if name != base.name else ""
    colour = READING_COLOURS.get(Reading(meaning), base.colour) if meaning else base.colour
    return replace(base, name=name, colour=colour)


def shape_and_colour(
    domain: Sequence[str], title: str = "Signal", better: Better | None = None
) -> dict[str, Any]:
    """Shape, colour and size encodings on the ``signal`` field, sharing one legend."""
    styles = [style_of(name, better) for name in domain]
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
