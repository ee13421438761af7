"""Control charts (Shewhart charts) as The Health Care Data Guide builds them.

Provost LP, Murray SK. The Health Care Data Guide: Learning from Data for Improvement.
Jossey-Bass, 2011. The formulas, constants and sources are set out in
``docs/control-charts.md``; in short, per phase:

* ``i`` (individuals): centre = mean; limits mean +- 2.66 MRbar (3 / d2 with d2 = 1.128,
  as the Guide prints it), so sigma is taken as 2.66 MRbar / 3. Optionally the moving
  ranges are screened first: those above 3.267 MRbar are set aside and MRbar recomputed
  once (the Guide, after Nelson 1982).
  ``transform="log"`` or ``"power"`` charts ln(x) or x^(1/3.6) instead, for skewed data
  such as waiting times, and returns centre and limits back on the original scale.
* ``mr`` (moving range): centre = MRbar, upper limit = 3.267 MRbar (D4 for n = 2), no
  lower limit.
* ``p`` (proportion): centre = sum of numerators / sum of denominators; limits per point
  pbar +- 3 sqrt(pbar (1 - pbar) / n_i), held within 0 and 1.
* ``c`` (count of events in equal areas of opportunity, a month say): centre = c-bar, the
  mean count; limits c-bar +- 3 sqrt(c-bar), a lower limit of zero or below meaning none
  (Montgomery, Introduction to Statistical Quality Control, section 7.3.1).
* ``u`` (events per unit of opportunity, the areas unequal): u_i = c_i / n_i; centre =
  u-bar = sum of counts / sum of units; limits per point u-bar +- 3 sqrt(u-bar / n_i), a
  lower limit of zero or below meaning none (Montgomery, section 7.3.1). Give the units
  in the size the rate is read in: children in thousands for a rate per 1,000.
* ``t`` (time between events): an I chart of x^(1/3.6) (Nelson 1994), back-transformed;
  a lower limit below zero on the transformed scale means no lower limit.
* ``g`` (count of opportunities between events, Benneyan 2001): limits gbar +- 3
  sqrt(gbar (gbar + 1)), a negative lower limit meaning none; the centre line drawn is the
  theoretical median 0.693 gbar (the Guide, p. 228), and the shift rule reads against it.

Rules (``control_rules``): a point outside the limits; 8 in a row on one side of the
centre; 6 in a row going up or down; 2 of 3 beyond 2 sigma on one side; 15 in a row
within 1 sigma. The zone rules are read for ``i``, ``t`` and ``p`` charts, whose limits are
symmetric on the scale they are computed on, and for ``c`` and ``u`` charts whose centre
is above zero; ``g`` and ``mr`` charts are read for points
outside the limits and (``g``) shifts and trends. A phase whose limits rest on fewer than
20 points carries a warning: such limits are trial limits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt

from permanence.analysis import control_rules as rules
from permanence.analysis.runchart import (
    BoolArray,
    FloatArray,
    Int64Array,
    PhaseBreak,
    Signal,
    baseline_positions,
    plural,
    validated_breaks,
    validated_exclusions,
)

ChartKind = Literal["i", "mr", "p", "c", "u", "t", "g"]
CHART_KINDS: tuple[str, ...] = get_args(ChartKind)
Transform = Literal["none", "log", "power"]
TRANSFORMS: tuple[str, ...] = get_args(Transform)

#: d2 for moving ranges of two points: sigma = MRbar / d2.
D2 = 1.128
#: 3 / d2: an I chart's limits are the mean +- 2.66 MRbar.
I_CHART_CONSTANT = 2.66
#: D4 for n = 2: the moving range chart's upper limit, and the screening threshold.
MR_UPPER_CONSTANT = 3.267
#: The T chart transform (Nelson 1994): x ** (1 / 3.6) is close to normal for
#: exponential (and Weibull) times between events.
POWER = 1 / 3.6
#: The G chart's centre line: the median of a geometric distribution is about ln 2 = 0.693
#: of its mean (Provost and Murray 2011, p. 228).
G_MEDIAN_FACTOR = 0.693
#: Fewer points than this make trial limits (Provost and Murray 2011).
MIN_POINTS_FOR_LIMITS = 20


@dataclass(frozen=True)
class ControlPhase:
    """One phase's figures.

    ``centre`` is the centre line on the original scale (for ``p`` the overall
    proportion; for ``g`` the median 0.693 gbar). ``mean`` and ``sigma`` are on the scale
    the limits were computed on (the transformed scale for ``t`` and transformed ``i``);
    ``sigma`` is NaN for ``p`` (it varies point by point) and ``g``. ``limits_n`` is how
    many points the centre and limits rest on.
    """

    index: int
    start: int
    stop: int
    n: int
    limits_n: int
    centre: float
    mean: float
    sigma: float
    mr_bar: float | None
    moving_ranges_set_aside: int

    def to_json(self) -> dict[str, Any]:
        return {
            "phase": self.index,
            "start": self.start,
            "stop": self.stop,
            "n": self.n,
            "limits_n": self.limits_n,
            "centre": _json_float(self.centre),
            "mean": _json_float(self.mean),
            "sigma": _json_float(self.sigma),
            "mr_bar": _json_float(self.mr_bar) if self.mr_bar is not None else None,
            "moving_ranges_set_aside": self.moving_ranges_set_aside,
        }


@dataclass(frozen=True, eq=False)
class ControlChartResult:
    """A control chart: per point the plotted value, centre line and limits, and signals.

    ``values`` are what is plotted: the measure itself, the moving ranges (``mr``) or the
    proportions (``p``). ``centre``, ``lower`` and ``upper`` are per point on the original
    scale; NaN means no such line there (no lower limit, say, or too few points).
    """

    chart: str
    transform: str
    values: FloatArray
    centre: FloatArray
    lower: FloatArray
    upper: FloatArray
    phase: Int64Array
    excluded: Mapping[int, str]
    phases: tuple[ControlPhase, ...]
    signals: tuple[Signal, ...]
    warnings: tuple[str, ...]

    @property
    def n(self) -> int:
        return int(self.values.size)

    def to_json(self) -> dict[str, Any]:
        """The object ``permanence spc --json`` prints."""
        return {
            "chart": self.chart,
            "transform": self.transform,
            "n": self.n,
            "values": _json_list(self.values),
            "centre": _json_list(self.centre),
            "lower": _json_list(self.lower),
            "upper": _json_list(self.upper),
            "phase": self.phase.tolist(),
            "signals": [signal.to_json() for signal in self.signals],
            "phases": [phase.to_json() for phase in self.phases],
            "warnings": list(self.warnings),
            "excluded": [
                {"point": point, "reason": reason}
                for point, reason in sorted(self.excluded.items())
            ],
        }


def _json_float(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _json_list(values: FloatArray) -> list[float | None]:
    return [None if v != v else v for v in values.tolist()]  # v != v only for NaN


# --------------------------------------------------------------------------------------
# The analysis
# --------------------------------------------------------------------------------------


def analyse_control_chart(
    chart: ChartKind,
    values: npt.ArrayLike | None = None,
    *,
    numerators: npt.ArrayLike | None = None,
    denominators: npt.ArrayLike | None = None,
    transform: Transform = "none",
    baseline_n: int | None = None,
    baseline_end: int | None = None,
    phase_breaks: Iterable[PhaseBreak | int] = (),
    exclude: Mapping[int, str] | None = None,
    screen_moving_ranges: bool = False,
) -> ControlChartResult:
    """Build a control chart of ``values`` (or ``numerators / denominators`` for ``p`` and
    ``u``: for ``u`` the denominators are the units of opportunity).

    Points must already be in time order. ``baseline_n``, ``baseline_end``,
    ``phase_breaks`` and ``exclude`` mean what they mean for ``analyse_run_chart``: the
    first phase's centre and limits can rest on a baseline and be extended; each later
    phase has its own; excluded points stay visible but take no part.
    """
    if chart not in CHART_KINDS:
        raise ValueError(f"unknown chart {chart!r}; use one of {', '.join(CHART_KINDS)}")
    if transform not in TRANSFORMS:
        raise ValueError(f"unknown transform {transform!r}; use one of {', '.join(TRANSFORMS)}")
    if chart == "t":
        if transform not in ("none", "power"):
            raise ValueError("a T chart always uses the x^(1/3.6) transform")
        transform = "power"
    elif chart != "i" and transform != "none":
        raise ValueError(f"a transform applies to I and T charts, not to {chart.upper()} charts")
    if baseline_n is not None and baseline_end is not None:
        raise ValueError("give a baseline as a number of points or an end, not both")

    measure, weights = _inputs(chart, values, numerators, denominators)
    excluded = validated_exclusions(exclude or {}, measure.size)
    taking_part = np.ones(measure.size, dtype=np.bool_)
    taking_part[list(excluded)] = False
    _check_values(chart, transform, measure, weights, taking_part)

    breaks = validated_breaks(phase_breaks, measure.size)
    starts = [0, *(b.start for b in breaks)]
    stops = [*(b.start for b in breaks), measure.size]
    phase_baselines = [baseline_n, *(b.baseline_n for b in breaks)]

    plotted = np.full(measure.size, np.nan)
    centre = np.full(measure.size, np.nan)
    lower = np.full(measure.size, np.nan)
    upper = np.full(measure.size, np.nan)
    phase_of_point = np.zeros(measure.size, dtype=np.int64)
    phases: list[ControlPhase] = []
    signals: list[Signal] = []
    warnings: list[str] = []
    builder = _BUILDERS[chart]
    for index, (start, stop) in enumerate(zip(starts, stops, strict=True)):
        positions = start + np.flatnonzero(taking_part[start:stop])
        base = baseline_positions(
            positions, phase_baselines[index], baseline_end if index == 0 else None
        )
        if index == 0 and positions.size and base.size == 0:
            raise ValueError("the baseline holds no points that take part")
        phase_of_point[start:stop] = index
        built = builder(
            _PhaseInput(
                measure=measure,
                weights=weights,
                start=start,
                stop=stop,
                positions=positions,
                base=base,
                transform=transform,
                screen=screen_moving_ranges,
                index=index,
            )
        )
        plotted[start:stop] = built.plotted
        centre[start:stop] = built.centre
        lower[start:stop] = built.lower
        upper[start:stop] = built.upper
        phases.append(built.phase)
        signals.extend(built.signals)
        warnings.extend(_phase_warnings(built.phase))

    return ControlChartResult(
        chart=chart,
        transform=transform,
        values=plotted,
        centre=centre,
        lower=lower,
        upper=upper,
        phase=phase_of_point,
        excluded=excluded,
        phases=tuple(phases),
        signals=tuple(signals),
        warnings=tuple(warnings),
    )


def _inputs(
    chart: str,
    values: npt.ArrayLike | None,
    numerators: npt.ArrayLike | None,
    denominators: npt.ArrayLike | None,
) -> tuple[FloatArray, FloatArray | None]:
    if chart in ("p", "u"):
        if numerators is None or denominators is None:
            raise ValueError(f"a {chart.upper()} chart needs numerators and denominators")
        num = np.asarray(numerators, dtype=np.float64)
        den = np.asarray(denominators, dtype=np.float64)
        if num.shape != den.shape or num.ndim != 1 or num.size == 0:
            raise ValueError("numerators and denominators must be two series of the same length")
        return num, den
    if values is None:
        raise ValueError(f"a {chart.upper()} chart needs values")
    measure = np.asarray(values, dtype=np.float64)
    if measure.ndim != 1 or measure.size == 0:
        raise ValueError("a control chart needs a non-empty series of values")
    return measure, None


def _check_values(
    chart: str,
    transform: str,
    measure: FloatArray,
    weights: FloatArray | None,
    taking_part: BoolArray,
) -> None:
    """Refuse values the chart cannot take, naming the first offending point."""
    checks: list[tuple[BoolArray, str]] = [(~np.isfinite(measure), "has no numeric value")]
    if weights is not None:
        checks += [
            (~np.isfinite(weights), "has no numeric denominator"),
            (np.isfinite(weights) & (weights <= 0), "has a denominator of zero or less"),
            (measure < 0, "has a negative numerator"),
        ]
        if chart == "p":
            checks.append((measure > weights, "has a numerator larger than its denominator"))
    if chart == "c":
        checks.append((measure < 0, "is negative, which a count cannot be"))
    if chart in ("t", "g") or transform == "power":
        checks.append((measure < 0, "is negative, which a time or count between events cannot be"))
    if transform == "log":
        checks.append((measure <= 0, "is zero or negative, which has no logarithm"))
    for bad, words in checks:
        found = np.flatnonzero(bad & taking_part)
        if found.size:
            raise ValueError(f"point {int(found[0])} {words}")


def _phase_warnings(phase: ControlPhase) -> list[str]:
    name = f"Phase {phase.index + 1}"
    if phase.limits_n == 0:
        return [f"{name}: no points take part, so it has no centre line or limits."]
    if phase.limits_n < MIN_POINTS_FOR_LIMITS:
        return [
            f"{name}: the limits rest on {plural(phase.limits_n, 'point')}; with fewer than "
            f"{MIN_POINTS_FOR_LIMITS} they are trial limits, to be recalculated as points are "
            "added."
        ]
    return []


# --------------------------------------------------------------------------------------
# One phase of each kind of chart
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PhaseInput:
    measure: FloatArray
    weights: FloatArray | None
    start: int
    stop: int
    positions: Int64Array
    base: Int64Array
    transform: str
    screen: bool
    index: int


@dataclass(frozen=True)
class _PhaseOutput:
    plotted: FloatArray
    centre: FloatArray | float
    lower: FloatArray | float
    upper: FloatArray | float
    phase: ControlPhase
    signals: list[Signal]


_FORWARD: dict[str, Callable[[FloatArray], FloatArray]] = {
    "none": lambda x: x,
    "log": np.log,
    "power": lambda x: np.power(x, POWER),
}


def _back(transform: str, y: float) -> float:
    """A centre or limit back on the original scale; NaN where it has no meaning there."""
    if np.isnan(y):
        return float("nan")
    if transform == "log":
        return float(np.exp(y))
    if transform == "power":
        return float(y**3.6) if y >= 0 else float("nan")
    return y


def moving_range_average(ranges: FloatArray, screen: bool) -> tuple[float, int]:
    """MRbar, and how many moving ranges screening set aside.

    Screening (the Guide, after Nelson 1982): moving ranges above 3.267 MRbar are set
    aside and MRbar is recomputed, once.
    """
    if ranges.size == 0:
        return float("nan"), 0
    average = float(ranges.mean())
    if not screen:
        return average, 0
    kept = ranges[ranges <= MR_UPPER_CONSTANT * average]
    return float(kept.mean()), int(ranges.size - kept.size)


def _individuals(phase: _PhaseInput) -> _PhaseOutput:
    forward = _FORWARD[phase.transform]
    y_all = np.full(phase.measure.size, np.nan)
    taking = phase.positions
    y_all[taking] = forward(phase.measure[taking])
    y_base = y_all[phase.base]
    mean = float(y_base.mean()) if y_base.size else float("nan")
    mr_bar, set_aside = moving_range_average(np.abs(np.diff(y_base)), phase.screen)
    # The Guide prints the limits as mean +- 2.66 MRbar (3 / d2, d2 = 1.128, rounded); sigma
    # is a third of that distance so the zones sit at exactly one and two thirds of it.
    sigma = I_CHART_CONSTANT * mr_bar / 3
    low_y, high_y = mean - 3 * sigma, mean + 3 * sigma
    centre = _back(phase.transform, mean)
    lower = _back(phase.transform, low_y)
    upper = _back(phase.transform, high_y)
    y = y_all[taking]
    signals = _symmetric_rules(y, mean, sigma, low_y, high_y, taking, phase.index, zones=sigma > 0)
    return _PhaseOutput(
        plotted=phase.measure[phase.start : phase.stop],
        centre=centre,
        lower=lower,
        upper=upper,
        phase=ControlPhase(
            index=phase.index,
            start=phase.start,
            stop=phase.stop,
            n=int(taking.size),
            limits_n=int(phase.base.size),
            centre=centre,
            mean=mean,
            sigma=sigma,
            mr_bar=mr_bar,
            moving_ranges_set_aside=set_aside,
        ),
        signals=signals,
    )


def _moving_ranges(phase: _PhaseInput) -> _PhaseOutput:
    ranges_all = np.full(phase.measure.size, np.nan)
    taking = phase.positions
    # Each moving range sits at the second of its two points; the first point of a phase
    # has none.
    ranges_all[taking[1:]] = np.abs(np.diff(phase.measure[taking]))
    base_ranges = np.abs(np.diff(phase.measure[phase.base]))
    mr_bar, set_aside = moving_range_average(base_ranges, phase.screen)
    upper = MR_UPPER_CONSTANT * mr_bar
    plotted = ranges_all[phase.start : phase.stop]
    ranges = ranges_all[taking[1:]]
    signals = rules.outside_limits(
        ranges, np.full(ranges.size, np.nan), np.full(ranges.size, upper), taking[1:], phase.index
    )
    return _PhaseOutput(
        plotted=plotted,
        centre=mr_bar,
        lower=float("nan"),
        upper=upper,
        phase=ControlPhase(
            index=phase.index,
            start=phase.start,
            stop=phase.stop,
            n=int(taking.size),
            limits_n=int(phase.base.size),
            centre=mr_bar,
            mean=mr_bar,
            sigma=float("nan"),
            mr_bar=mr_bar,
            moving_ranges_set_aside=set_aside,
        ),
        signals=signals,
    )


def _proportions(phase: _PhaseInput) -> _PhaseOutput:
    assert phase.weights is not None  # _inputs guarantees denominators for a P chart
    span = slice(phase.start, phase.stop)
    numerators, denominators = phase.measure[span], phase.weights[span]
    plotted = np.divide(
        numerators,
        denominators,
        out=np.full(numerators.size, np.nan),
        where=np.isfinite(denominators) & (denominators > 0),
    )
    base_den = float(phase.weights[phase.base].sum())
    p_bar = float(phase.measure[phase.base].sum()) / base_den if base_den > 0 else float("nan")
    usable = np.isfinite(denominators) & (denominators > 0)
    sigma = np.full(numerators.size, np.nan)
    sigma[usable] = np.sqrt(p_bar * (1 - p_bar) / denominators[usable])
    lower = np.where(usable, np.maximum(p_bar - 3 * sigma, 0.0), np.nan)
    upper = np.where(usable, np.minimum(p_bar + 3 * sigma, 1.0), np.nan)
    # A limit pinned at 0 or 1 is no limit: no proportion can pass it.
    lower[lower <= 0] = np.nan
    upper[upper >= 1] = np.nan
    local = phase.positions - phase.start
    signals = _symmetric_rules(
        plotted[local],
        p_bar,
        sigma[local],
        lower[local],
        upper[local],
        phase.positions,
        phase.index,
        zones=0 < p_bar < 1,
    )
    return _PhaseOutput(
        plotted=plotted,
        centre=p_bar,
        lower=lower,
        upper=upper,
        phase=ControlPhase(
            index=phase.index,
            start=phase.start,
            stop=phase.stop,
            n=int(phase.positions.size),
            limits_n=int(phase.base.size),
            centre=p_bar,
            mean=p_bar,
            sigma=float("nan"),
            mr_bar=None,
            moving_ranges_set_aside=0,
        ),
        signals=signals,
    )


def _counts(phase: _PhaseInput) -> _PhaseOutput:
    """A C chart (``weights`` None) or a U chart: Poisson limits, the centre +- 3 sigma
    with sigma = sqrt(centre / n_i) (n_i = 1 for a C chart)."""
    span = slice(phase.start, phase.stop)
    counts = phase.measure[span]
    units = np.ones(counts.size) if phase.weights is None else phase.weights[span]
    usable = np.isfinite(units) & (units > 0)
    plotted = np.divide(counts, units, out=np.full(counts.size, np.nan), where=usable)
    all_units = np.ones(phase.measure.size) if phase.weights is None else phase.weights
    base_units = float(all_units[phase.base].sum())
    bar = float(phase.measure[phase.base].sum()) / base_units if base_units > 0 else float("nan")
    sigma = np.full(counts.size, np.nan)
    sigma[usable] = np.sqrt(bar / units[usable])
    lower = np.where(usable, bar - 3 * sigma, np.nan)
    upper = np.where(usable, bar + 3 * sigma, np.nan)
    lower[lower <= 0] = np.nan  # no count or rate can fall below a limit of zero
    local = phase.positions - phase.start
    signals = _symmetric_rules(
        plotted[local],
        bar,
        sigma[local],
        lower[local],
        upper[local],
        phase.positions,
        phase.index,
        zones=bar > 0,
    )
    return _PhaseOutput(
        plotted=plotted,
        centre=bar,
        lower=lower,
        upper=upper,
        phase=ControlPhase(
            index=phase.index,
            start=phase.start,
            stop=phase.stop,
            n=int(phase.positions.size),
            limits_n=int(phase.base.size),
            centre=bar,
            mean=bar,
            sigma=float(np.sqrt(bar)) if phase.weights is None else float("nan"),
            mr_bar=None,
            moving_ranges_set_aside=0,
        ),
        signals=signals,
    )


def _between_events(phase: _PhaseInput) -> _PhaseOutput:
    taking = phase.positions
    g = phase.measure[taking]
    g_base = phase.measure[phase.base]
    g_bar = float(g_base.mean()) if g_base.size else float("nan")
    spread = 3 * float(np.sqrt(g_bar * (g_bar + 1))) if g_base.size else float("nan")
    upper = g_bar + spread
    lower = g_bar - spread if g_bar - spread > 0 else float("nan")
    median = G_MEDIAN_FACTOR * g_bar
    signals = rules.outside_limits(
        g, np.full(g.size, lower), np.full(g.size, upper), taking, phase.index
    )
    if g_base.size:
        signals += rules.shift_about(g, np.full(g.size, median), taking, phase.index)
        signals += rules.trend(g, taking, phase.index)
    return _PhaseOutput(
        plotted=phase.measure[phase.start : phase.stop],
        centre=median,
        lower=lower,
        upper=upper,
        phase=ControlPhase(
            index=phase.index,
            start=phase.start,
            stop=phase.stop,
            n=int(taking.size),
            limits_n=int(phase.base.size),
            centre=median,
            mean=g_bar,
            sigma=float("nan"),
            mr_bar=None,
            moving_ranges_set_aside=0,
        ),
        signals=_in_order(signals),
    )


def _symmetric_rules(
    y: FloatArray,
    centre: float,
    sigma: FloatArray | float,
    lower: FloatArray | float,
    upper: FloatArray | float,
    positions: Int64Array,
    phase: int,
    *,
    zones: bool,
) -> list[Signal]:
    """All five rules on a chart whose limits are centre +- 3 sigma on this scale."""
    if np.isnan(centre) or y.size == 0:
        return []
    size = y.size
    signals = rules.outside_limits(
        y, np.broadcast_to(lower, size), np.broadcast_to(upper, size), positions, phase
    )
    signals += rules.shift_about(y, np.full(size, centre), positions, phase)
    signals += rules.trend(y, positions, phase)
    sigma_array = np.broadcast_to(np.asarray(sigma, dtype=np.float64), (size,))
    if zones and np.all(np.isfinite(sigma_array)) and np.all(sigma_array > 0):
        z = (y - centre) / sigma_array
        signals += rules.outer_third(z, positions, phase)
        signals += rules.inner_third(z, positions, phase)
    return _in_order(signals)


def _in_order(signals: list[Signal]) -> list[Signal]:
    """Signals by where they begin, so a reader meets them in time order."""
    return sorted(signals, key=lambda s: (int(s.points[0]), s.rule))


_BUILDERS: dict[str, Callable[[_PhaseInput], _PhaseOutput]] = {
    "i": _individuals,
    "t": _individuals,
    "mr": _moving_ranges,
    "p": _proportions,
    "c": _counts,
    "u": _counts,
    "g": _between_events,
}


# --------------------------------------------------------------------------------------
# In plain words
# --------------------------------------------------------------------------------------

_CHART_NAMES = {
    "i": "I chart (individual values)",
    "mr": "moving range chart",
    "p": "P chart (proportions)",
    "c": "C chart (counts)",
    "u": "U chart (rates)",
    "t": "T chart (time between events)",
    "g": "G chart (count between events)",
}


def describe_control_chart(
    result: ControlChartResult, labels: Sequence[str] | None = None
) -> list[str]:
    """The chart in sentences a Champions' Group can read. Points are counted from 1."""
    name = _CHART_NAMES[result.chart]
    if result.chart == "i" and result.transform != "none":
        how = "logarithms" if result.transform == "log" else "the power 1/3.6"
        name += f" of values transformed by {how}, shown back on the original scale"
    lines = [f"{name}: {plural(result.n, 'point')} in time order, numbered from 1."]
    for phase in result.phases:
        lines.append(_describe_phase(result, phase))
    lines.extend(f"Warning: {w}" for w in result.warnings)
    if result.excluded:
        lines.append(
            f"{plural(len(result.excluded), 'point')} set aside and not counted: "
            + "; ".join(f"point {p + 1} ({r})" for p, r in sorted(result.excluded.items()))
            + "."
        )
    if result.signals:
        lines.append("Signals:")
        lines.extend(f"- {_describe_signal(s, labels)}" for s in result.signals)
    else:
        lines.append("No signals: the points show only the variation expected by chance.")
    return lines


def _describe_phase(result: ControlChartResult, phase: ControlPhase) -> str:
    name = f"Phase {phase.index + 1} (points {phase.start + 1} to {phase.stop})"
    if np.isnan(phase.centre):
        return f"{name}: no centre line could be drawn."
    centre_name = "median" if result.chart == "g" else "centre line"
    text = f"{name}: {centre_name} {phase.centre:.4g}, resting on {plural(phase.limits_n, 'point')}"
    if result.chart in ("p", "u"):
        return text + "; the limits vary with each point's denominator."
    first = phase.start
    low, high = result.lower[first], result.upper[first]
    limits = []
    if not np.isnan(low):
        limits.append(f"lower limit {low:.4g}")
    if not np.isnan(high):
        limits.append(f"upper limit {high:.4g}")
    return text + (f"; {' and '.join(limits)}." if limits else "; no limits.")


def _describe_signal(signal: Signal, labels: Sequence[str] | None) -> str:
    count = signal.length
    first, last = int(signal.points[0]), int(signal.points[-1])
    where = (f"point {first + 1}" if first == last else f"points {first + 1} to {last + 1}") + (
        f", {labels[first]}" + (f" to {labels[last]}" if last != first else "") if labels else ""
    )
    if signal.rule == "outside_limits":
        side = "above the upper" if signal.direction == "high" else "below the lower"
        return f"A point {side} limit ({where})."
    if signal.rule == "shift":
        return f"{count} points in a row {signal.direction} the centre line: a shift ({where})."
    if signal.rule == "trend":
        way = "going up" if signal.direction == "up" else "going down"
        return f"{count} points in a row all {way}: a trend ({where})."
    if signal.rule == "outer_third":
        side = "upper" if signal.direction == "high" else "lower"
        return (
            f"2 out of 3 points in a row near the {side} limit, in the outer third of the "
            f"chart: {count} such points in all ({where})."
        )
    if signal.rule == "inner_third":
        return (
            f"{count} points in a row close to the centre line (in the inner third): less "
            f"variation than the limits allow ({where})."
        )
    return f"{signal.rule} ({where})."  # pragma: no cover - every rule is described above
