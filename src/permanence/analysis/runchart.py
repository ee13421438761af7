"""Run chart analysis, read the way improvement teams read run charts.

A run chart is a series of points in time order with the median drawn through them. This
module finds the signals in it under one of two named rule sets and says exactly which
points form each signal, so a chart can mark them and a person can check them.

The full definitions, with sources, are in ``docs/run-charts.md``; in short:

* Points are in time order. ``time_order`` (numpy) and ``order_frame`` (polars) sort by a
  date, then a tie-break key, then the order the points were given in.
* The first phase's median can be frozen on a baseline (the first N points that take
  part, or every point before a position) and extended over the rest of the phase. Each
  later phase, begun at a break a person chose, has its own median: of its own first N
  points if the break says so, of all its points otherwise.
* Excluded points stay in the result (and on the chart) with their reason, but take no
  part in any median or rule: they are taken out of the sequence before it is read.
* ``ihi`` (Perla, Provost and Murray 2011; Healthcare Improvement Scotland): a shift is
  6 or more consecutive points on one side of the median, points on the median neither
  counting nor breaking it; a trend is 5 or more consecutive points all going up or all
  going down (4 increases or 4 decreases), a repeated value neither counting nor
  breaking it; too few or too many runs against the published table
  (``runs_table.runs_range``); and a sustained shift of 9 points is returned as a
  suggestion to start a new phase, which a person confirms. Nothing is re-phased here.
* ``anhoej`` (Anhøj and Olesen 2014, as qicharts2 computes it): a run longer than
  ``round(log2(n_useful)) + 3`` points, or fewer crossings of the median than the 5th
  percentile of Binomial(n_useful - 1, 0.5).

Rules are read within each phase. Everything is vectorised (numpy run-length encoding),
so a million points take a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, get_args

import numpy as np
import numpy.typing as npt
import polars as pl

from permanence.analysis.runs_table import crossings_min, longest_run_max, runs_range
from permanence.journey.vocabulary import plural as vocabulary_plural

RuleSet = Literal["ihi", "anhoej"]
RULE_SETS: tuple[str, ...] = get_args(RuleSet)
# Each rule set's name wherever a person reads it: results, charts, forms, the CLI.
RULE_SET_NAMES: dict[str, str] = {
    "ihi": "the IHI rules of Perla, Provost and Murray (shift, trend, number of runs)",
    "anhoej": "the Anhøj rules (longest run, crossings of the median)",
}

#: ihi: this many consecutive useful points on one side of the median make a shift.
SHIFT_POINTS = 6
#: ihi: this many consecutive points all going up (or all down) make a trend: 4 steps.
TREND_POINTS = 5
#: ihi: a shift this long is "sustained"; the NHS Scotland convention re-phases after it.
SUSTAINED_SHIFT_POINTS = 9
#: I chart constant (3 / d2, d2 = 1.128) used by the optional astronomical-point rule.
I_CHART_CONSTANT = 2.66

Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_EMPTY = np.empty(0, dtype=np.int64)


# --------------------------------------------------------------------------------------
# Time order
# --------------------------------------------------------------------------------------


def time_order(order: npt.ArrayLike, tie_break: npt.ArrayLike | None = None) -> Int64Array:
    """Positions that put points in time order.

    Sorted by ``order`` (dates, numbers), then by ``tie_break`` (a child reference, say),
    then by the position the point was given in, so the result never depends on the sort
    algorithm. ``values[time_order(dates, refs)]`` is the series to analyse.
    """
    order_array = np.asarray(order)
    keys: list[npt.NDArray[Any]] = [np.arange(order_array.shape[0])]
    if tie_break is not None:
        keys.append(np.asarray(tie_break))
    keys.append(order_array)
    return np.lexsort(keys).astype(np.int64)


def order_frame(frame: pl.DataFrame, by: str, tie_break: Sequence[str] = ()) -> pl.DataFrame:
    """``frame`` in time order: by ``by``, then the ``tie_break`` columns, then row order.

    Nulls sort last. The same order as ``time_order``.
    """
    row = "__permanence_row__"
    return (
        frame.with_row_index(row)
        .sort([by, *tie_break, row], nulls_last=True, maintain_order=True)
        .drop(row)
    )


def baseline_end_for(order_in_time: npt.ArrayLike, until: Any) -> int:
    """How many points come on or before ``until`` in an already time-ordered series.

    Turns "the baseline is everything up to 31 March 2019" into a position for
    ``analyse_run_chart(baseline_end=...)``.
    """
    return int(np.searchsorted(np.asarray(order_in_time), until, side="right"))


# --------------------------------------------------------------------------------------
# What a result holds
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseBreak:
    """A new phase begins at point ``start`` (0-based, in time order).

    Its median is of its first ``baseline_n`` points that take part, or of all of them.
    """

    start: int
    baseline_n: int | None = None


class Signal(NamedTuple):
    """One signal: the rule that fired and exactly the points that form it.

    ``points`` are 0-based positions in time order. ``direction`` says which way:
    ``above``/``below`` (shift, long run), ``up``/``down`` (trend), ``too_few``/
    ``too_many`` (runs, crossings), ``high``/``low`` (a point outside limits).
    ``length`` is how many points the rule counted: all of ``points`` except, for a
    trend, any repeated value inside it. (A named tuple rather than a dataclass because a
    million-point chart can carry tens of thousands of signals.)
    """

    rule: str
    points: Int64Array
    phase: int
    direction: str
    counted: int = -1  # -1: every listed point was counted

    @property
    def length(self) -> int:
        return self.counted if self.counted >= 0 else int(self.points.size)

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "points": self.points.tolist()}


@dataclass(frozen=True, eq=False)
class RephaseSuggestion:
    """A sustained shift: a person may start a new phase at ``start``.

    The new phase's median would rest on the ``baseline_n`` points from ``start`` through
    the ninth point of the shift. Only a suggestion: nothing is re-phased until a person
    passes ``as_phase_break()`` back in.
    """

    start: int
    baseline_n: int
    side: str
    points: Int64Array
    phase: int

    def as_phase_break(self) -> PhaseBreak:
        return PhaseBreak(self.start, self.baseline_n)

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "baseline_n": self.baseline_n,
            "side": self.side,
            "points": self.points.tolist(),
        }


@dataclass(frozen=True)
class RunChartPhase:
    """The figures of one phase. Limits a rule set does not use are None."""

    index: int
    start: int
    stop: int
    median: float
    baseline_n: int
    n: int
    n_useful: int
    longest_run: int
    longest_run_max: int | None
    crossings: int
    crossings_min: int | None
    runs: int
    runs_range: tuple[int, int] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "phase": self.index,
            "start": self.start,
            "stop": self.stop,
            "median": _json_float(self.median),
            "baseline_n": self.baseline_n,
            "n": self.n,
            "n_useful": self.n_useful,
            "longest_run": self.longest_run,
            "longest_run_max": self.longest_run_max,
            "crossings": self.crossings,
            "crossings_min": self.crossings_min,
            "runs": self.runs,
            "runs_range": list(self.runs_range) if self.runs_range else None,
        }


@dataclass(frozen=True, eq=False)
class RunChartResult:
    """Everything a run chart shows, ready for a chart, a page or JSON.

    Per point: ``values``, ``median`` (the centre line), ``phase`` and ``excluded``. The
    headline figures (``n``, ``runs`` and so on) are those of the last phase, the process
    as it runs now; ``phases`` holds every phase's. ``baseline_n`` is the number of points
    the first phase's median rests on.
    """

    rules: str
    values: FloatArray
    median: FloatArray
    phase: Int64Array
    excluded: Mapping[int, str]
    phases: tuple[RunChartPhase, ...]
    signals: tuple[Signal, ...]
    rephase_suggestions: tuple[RephaseSuggestion, ...]
    astronomical: bool = False

    @property
    def _last(self) -> RunChartPhase:
        return self.phases[-1]

    @property
    def baseline_n(self) -> int:
        return self.phases[0].baseline_n

    @property
    def n(self) -> int:
        return self._last.n

    @property
    def n_useful(self) -> int:
        return self._last.n_useful

    @property
    def longest_run(self) -> int:
        return self._last.longest_run

    @property
    def longest_run_max(self) -> int | None:
        return self._last.longest_run_max

    @property
    def crossings(self) -> int:
        return self._last.crossings

    @property
    def crossings_min(self) -> int | None:
        return self._last.crossings_min

    @property
    def runs(self) -> int:
        return self._last.runs

    @property
    def runs_range(self) -> tuple[int, int] | None:
        return self._last.runs_range

    def to_json(self) -> dict[str, Any]:
        """The object ``permanence runchart --json`` prints (issue 3, item 6)."""
        return {
            "rules": self.rules,
            "median": [_json_float(m) for m in self.median.tolist()],
            "baseline_n": self.baseline_n,
            "n": self.n,
            "n_useful": self.n_useful,
            "longest_run": self.longest_run,
            "longest_run_max": self.longest_run_max,
            "crossings": self.crossings,
            "crossings_min": self.crossings_min,
            "runs": self.runs,
            "runs_range": list(self.runs_range) if self.runs_range else None,
            "signals": [signal.to_json() for signal in self.signals],
            "rephase_suggestions": [s.to_json() for s in self.rephase_suggestions],
            "phases": [phase.to_json() for phase in self.phases],
            "values": [_json_float(v) for v in self.values.tolist()],
            "phase": self.phase.tolist(),
            "excluded": [
                {"point": point, "reason": reason}
                for point, reason in sorted(self.excluded.items())
            ],
        }


def _json_float(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


# --------------------------------------------------------------------------------------
# The analysis
# --------------------------------------------------------------------------------------


def analyse_run_chart(
    values: npt.ArrayLike,
    *,
    rules: RuleSet = "ihi",
    baseline_n: int | None = None,
    baseline_end: int | None = None,
    phase_breaks: Iterable[PhaseBreak | int] = (),
    exclude: Mapping[int, str] | None = None,
    astronomical: bool = False,
) -> RunChartResult:
    """Read a run chart of ``values`` (already in time order) under ``rules``.

    ``baseline_n``: the first phase's median is frozen on its first N points that take
    part and extended over the rest of the phase. ``baseline_end``: frozen on the points
    before this position instead (see ``baseline_end_for``). Neither: the median of the
    whole phase. ``phase_breaks``: positions (or ``PhaseBreak``) where a new phase, with
    its own median, begins. ``exclude``: position -> reason; those points stay in the
    result but take no part. ``astronomical``: also flag points outside the phase's I
    chart limits (mean +- 2.66 x average moving range), a reproducible stand-in for
    "obviously different from the rest".
    """
    if rules not in RULE_SETS:
        raise ValueError(f"unknown rule set {rules!r}; use one of {', '.join(RULE_SETS)}")
    if baseline_n is not None and baseline_end is not None:
        raise ValueError("give a baseline as a number of points or an end, not both")
    series = np.asarray(values, dtype=np.float64)
    if series.ndim != 1 or series.size == 0:
        raise ValueError("a run chart needs a non-empty series of values")
    excluded = validated_exclusions(exclude or {}, series.size)
    taking_part = np.ones(series.size, dtype=np.bool_)
    taking_part[list(excluded)] = False
    if not np.all(np.isfinite(series[taking_part])):
        bad = int(np.flatnonzero(taking_part & ~np.isfinite(series))[0])
        raise ValueError(f"point {bad} has no numeric value; exclude it or give one")

    breaks = validated_breaks(phase_breaks, series.size)
    starts = [0, *(b.start for b in breaks)]
    stops = [*(b.start for b in breaks), series.size]
    phase_baselines: list[int | None] = [baseline_n, *(b.baseline_n for b in breaks)]

    centre = np.full(series.size, np.nan)
    phase_of_point = np.zeros(series.size, dtype=np.int64)
    phases: list[RunChartPhase] = []
    signals: list[Signal] = []
    suggestions: list[RephaseSuggestion] = []
    for index, (start, stop) in enumerate(zip(starts, stops, strict=True)):
        positions = start + np.flatnonzero(taking_part[start:stop])
        baseline = baseline_positions(
            positions, phase_baselines[index], baseline_end if index == 0 else None
        )
        if index == 0 and positions.size and baseline.size == 0:
            raise ValueError("the baseline holds no points that take part")
        median = float(np.median(series[baseline])) if baseline.size else float("nan")
        centre[start:stop] = median
        phase_of_point[start:stop] = index
        reading = _read_phase(series[positions], positions, median, rules, index)
        phases.append(
            RunChartPhase(
                index=index,
                start=start,
                stop=stop,
                median=median,
                baseline_n=int(baseline.size),
                **reading.figures,
            )
        )
        signals.extend(reading.signals)
        if astronomical:
            signals.extend(_astronomical(series[positions], positions, index))
        if rules == "ihi" and reading.suggestion is not None:
            suggestions.append(reading.suggestion)

    return RunChartResult(
        rules=rules,
        values=series,
        median=centre,
        phase=phase_of_point,
        excluded=excluded,
        phases=tuple(phases),
        signals=tuple(signals),
        rephase_suggestions=tuple(suggestions),
        astronomical=astronomical,
    )


def validated_exclusions(exclude: Mapping[int, str], size: int) -> dict[int, str]:
    """Exclusions checked: every position on the chart, every one with a reason."""
    checked: dict[int, str] = {}
    for point, reason in exclude.items():
        position = int(point)
        if not 0 <= position < size:
            raise ValueError(f"cannot exclude point {position}: there are {size} points")
        if not str(reason).strip():
            raise ValueError(f"point {position} is excluded without a reason")
        checked[position] = str(reason)
    return checked


def validated_breaks(phase_breaks: Iterable[PhaseBreak | int], size: int) -> list[PhaseBreak]:
    """Phase breaks in order, each inside the chart, no two at the same point."""
    breaks = [b if isinstance(b, PhaseBreak) else PhaseBreak(int(b)) for b in phase_breaks]
    breaks.sort(key=lambda b: b.start)
    previous = 0
    for b in breaks:
        if not 0 < b.start < size:
            raise ValueError(f"a phase cannot begin at point {b.start}: there are {size} points")
        if b.start == previous:
            raise ValueError(f"two phases begin at point {b.start}")
        if b.baseline_n is not None and b.baseline_n < 1:
            raise ValueError("a phase baseline needs at least one point")
        previous = b.start
    return breaks


def baseline_positions(positions: Int64Array, count: int | None, end: int | None) -> Int64Array:
    """The points a phase's median rests on, among the points taking part in it."""
    if count is not None:
        if count < 1:
            raise ValueError("a baseline needs at least one point")
        return positions[:count]
    if end is not None:
        return positions[positions < end]
    return positions


# --------------------------------------------------------------------------------------
# Reading one phase
# --------------------------------------------------------------------------------------


def run_lengths(codes: npt.NDArray[Any]) -> tuple[Int64Array, Int64Array]:
    """Run-length encoding: where each run of equal codes starts, and how long it is."""
    if codes.size == 0:
        return _EMPTY, _EMPTY
    change = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    starts = np.concatenate(([0], change)).astype(np.int64)
    lengths = np.diff(np.concatenate((starts, [codes.size]))).astype(np.int64)
    return starts, lengths


@dataclass
class _PhaseReading:
    figures: dict[str, Any]
    signals: list[Signal]
    suggestion: RephaseSuggestion | None


def _read_phase(
    values: FloatArray, positions: Int64Array, median: float, rules: str, phase: int
) -> _PhaseReading:
    side = np.sign(values - median).astype(np.int64) if values.size else _EMPTY
    useful = side != 0
    useful_side = side[useful]
    useful_positions = positions[useful]
    starts, lengths = run_lengths(useful_side)
    n_useful = int(useful_side.size)
    runs = int(starts.size)
    figures: dict[str, Any] = {
        "n": int(values.size),
        "n_useful": n_useful,
        "longest_run": int(lengths.max()) if runs else 0,
        "crossings": max(runs - 1, 0),
        "runs": runs,
        "longest_run_max": None,
        "crossings_min": None,
        "runs_range": None,
    }
    signals: list[Signal] = []
    suggestion = None
    if rules == "ihi":
        figures["runs_range"] = runs_range(n_useful)
        signals += runs_of_at_least(
            "shift", SHIFT_POINTS, starts, lengths, useful_side, useful_positions, phase
        )
        signals += trends(values, positions, TREND_POINTS, phase)
        signals += _too_few_or_many_runs(runs, figures["runs_range"], useful_positions, phase)
        suggestion = _sustained_shift(
            starts, lengths, useful_side, useful_positions, positions, phase
        )
    elif n_useful:
        figures["longest_run_max"] = longest_run_max(n_useful)
        figures["crossings_min"] = crossings_min(n_useful)
        signals += runs_of_at_least(
            "long_run",
            figures["longest_run_max"] + 1,
            starts,
            lengths,
            useful_side,
            useful_positions,
            phase,
        )
        if figures["crossings"] < figures["crossings_min"]:
            signals.append(Signal("few_crossings", useful_positions, phase, "too_few"))
    return _PhaseReading(figures, signals, suggestion)


def runs_of_at_least(
    rule: str,
    minimum: int,
    starts: Int64Array,
    lengths: Int64Array,
    useful_side: Int64Array,
    useful_positions: Int64Array,
    phase: int,
) -> list[Signal]:
    """Every run of ``minimum`` or more useful points on one side of the median."""
    chosen = np.flatnonzero(lengths >= minimum)
    firsts = starts[chosen]
    # Plain integers slice far faster than numpy scalars when there are thousands of runs.
    bounds = zip(firsts.tolist(), (firsts + lengths[chosen]).tolist(), strict=True)
    sides = useful_side[firsts].tolist()
    return [
        Signal(rule, useful_positions[a:b], phase, "above" if side > 0 else "below")
        for (a, b), side in zip(bounds, sides, strict=True)
    ]


def trends(values: FloatArray, positions: Int64Array, minimum: int, phase: int) -> list[Signal]:
    """Every run of ``minimum`` or more points all going up, or all going down.

    A value equal to the one before neither counts nor breaks a trend (Perla et al.
    2011): ties are first collapsed to one point each, and the trend is counted on what
    is left. The points listed run from where the trend leaves its first value (the last
    of any tie there) to where it reaches its last value (the first of any tie there),
    with repeated values inside it listed but not counted. Read backwards, the same points
    form the same trend the other way.
    """
    if values.size < minimum:
        return []
    new_value = np.concatenate(([True], values[1:] != values[:-1]))
    tie_starts = np.flatnonzero(new_value)  # where each run of equal values begins
    tie_ends = np.concatenate((tie_starts[1:], [values.size])) - 1  # ... and ends
    steps = np.sign(np.diff(values[tie_starts])).astype(np.int64)
    starts, lengths = run_lengths(steps)
    chosen = np.flatnonzero(lengths >= minimum - 1)
    first_tie = starts[chosen]
    last_tie = first_tie + lengths[chosen]
    # Plain integers slice far faster than numpy scalars when there are thousands of runs.
    bounds = zip(tie_ends[first_tie].tolist(), (tie_starts[last_tie] + 1).tolist(), strict=True)
    counts = (lengths[chosen] + 1).tolist()
    ways = steps[first_tie].tolist()
    return [
        Signal("trend", positions[a:b], phase, "up" if way > 0 else "down", counted)
        for (a, b), counted, way in zip(bounds, counts, ways, strict=True)
    ]


def _too_few_or_many_runs(
    runs: int, limits: tuple[int, int] | None, useful_positions: Int64Array, phase: int
) -> list[Signal]:
    if limits is None:
        return []
    lower, upper = limits
    if runs < lower:
        return [Signal("runs", useful_positions, phase, "too_few")]
    if runs > upper:
        return [Signal("runs", useful_positions, phase, "too_many")]
    return []


def _sustained_shift(
    starts: Int64Array,
    lengths: Int64Array,
    useful_side: Int64Array,
    useful_positions: Int64Array,
    positions: Int64Array,
    phase: int,
) -> RephaseSuggestion | None:
    """The first run of 9 or more that does not already begin the phase."""
    for i in np.flatnonzero(lengths >= SUSTAINED_SHIFT_POINTS):
        first = int(useful_positions[starts[i]])
        if first == int(positions[0]):
            continue
        ninth = int(useful_positions[starts[i] + SUSTAINED_SHIFT_POINTS - 1])
        baseline_n = int(np.count_nonzero((positions >= first) & (positions <= ninth)))
        return RephaseSuggestion(
            start=first,
            baseline_n=baseline_n,
            side="above" if useful_side[starts[i]] > 0 else "below",
            points=useful_positions[starts[i] : starts[i] + lengths[i]],
            phase=phase,
        )
    return None


def _astronomical(values: FloatArray, positions: Int64Array, phase: int) -> list[Signal]:
    """Points outside the phase's I chart limits: mean +- 2.66 x average moving range."""
    if values.size < 2:
        return []
    mean = float(values.mean())
    spread = I_CHART_CONSTANT * float(np.abs(np.diff(values)).mean())
    high = np.flatnonzero(values > mean + spread)
    low = np.flatnonzero(values < mean - spread)
    return [Signal("astronomical", positions[[i]], phase, "high") for i in high] + [
        Signal("astronomical", positions[[i]], phase, "low") for i in low
    ]


# --------------------------------------------------------------------------------------
# In plain words
# --------------------------------------------------------------------------------------


def describe_run_chart(result: RunChartResult, labels: Sequence[str] | None = None) -> list[str]:
    """The result in sentences a Champions' Group can read. Points are counted from 1.

    ``labels`` (one per point, a date say) are added after the point numbers.
    """
    lines = [_describe_headline(result)]
    for phase in result.phases:
        lines.append(_describe_phase(result, phase))
    if result.excluded:
        lines.append(
            f"{plural(len(result.excluded), 'point')} set aside and not counted: "
            + "; ".join(
                f"point {p + 1}{_label(labels, p)} ({reason})"
                for p, reason in sorted(result.excluded.items())
            )
            + "."
        )
    if result.signals:
        lines.append("Signals:")
        lines.extend(f"- {_describe_signal(result, s, labels)}" for s in result.signals)
    else:
        lines.append("No signals: the chart shows only the variation expected by chance.")
    for suggestion in result.rephase_suggestions:
        lines.append(
            f"Suggestion: {suggestion.points.size} points in a row {suggestion.side} the median "
            f"from point {suggestion.start + 1}{_label(labels, suggestion.start)}, a sustained "
            f"shift. Consider starting a new phase there, with its median taken from its first "
            f"{suggestion.baseline_n} points. Nothing has been changed: a person decides."
        )
    return lines


def _describe_headline(result: RunChartResult) -> str:
    total = int(result.values.size)
    return (
        f"Run chart of {plural(total, 'point')} in time order, numbered from 1, read with "
        f"{RULE_SET_NAMES[result.rules]}."
    )


def _describe_phase(result: RunChartResult, phase: RunChartPhase) -> str:
    name = f"Phase {phase.index + 1} (points {phase.start + 1} to {phase.stop})"
    if np.isnan(phase.median):
        return f"{name}: no points take part, so there is no median."
    first_n = phase.baseline_n < phase.n
    median_words = (
        f"median {_number(phase.median)}, taken from its first "
        f"{plural(phase.baseline_n, 'point')} and extended"
        if first_n
        else f"median {_number(phase.median)}"
    )
    on_median = phase.n - phase.n_useful
    text = (
        f"{name}: {median_words}; {plural(phase.n, 'point')}, {phase.n_useful} not on the "
        f"median{f' ({on_median} on it)' if on_median else ''}; {plural(phase.runs, 'run')}, "
        f"longest {plural(phase.longest_run, 'point')}, "
        f"{plural(phase.crossings, 'crossing')} of the median."
    )
    if result.rules == "ihi":
        if phase.runs_range is None:
            text += " Too few points off the median (under 10) to judge the number of runs."
        else:
            text += (
                f" Between {phase.runs_range[0]} and {phase.runs_range[1]} runs would be "
                "expected by chance."
            )
    elif phase.longest_run_max is not None and phase.crossings_min is not None:
        text += (
            f" By chance the longest run would be at most {phase.longest_run_max} points and "
            f"there would be at least {phase.crossings_min} crossings."
        )
    return text


def _describe_signal(result: RunChartResult, signal: Signal, labels: Sequence[str] | None) -> str:
    span = _span(signal.points, labels)
    count = signal.length
    phase = result.phases[signal.phase]
    if signal.rule == "shift":
        return f"{count} points in a row {signal.direction} the median: a shift ({span})."
    if signal.rule == "long_run":
        return (
            f"{count} points in a row {signal.direction} the median, more than the "
            f"{phase.longest_run_max} expected by chance: an unusually long run ({span})."
        )
    if signal.rule == "trend":
        way = "going up" if signal.direction == "up" else "going down"
        repeats = signal.points.size - count
        aside = f", not counting {repeats} repeated value(s)" if repeats else ""
        return f"{count} points in a row all {way}{aside}: a trend ({span})."
    if signal.rule == "runs":
        low, high = phase.runs_range or (0, 0)
        expected = (
            f"between {low} and {high} would be expected with "
            f"{plural(phase.n_useful, 'point')} off the median"
        )
        if signal.direction == "too_few":
            return (
                f"Only {phase.runs} runs where {expected}: too few runs (phase {phase.index + 1})."
            )
        return f"{phase.runs} runs where {expected}: too many runs (phase {phase.index + 1})."
    if signal.rule == "few_crossings":
        return (
            f"The points cross the median only {plural(phase.crossings, 'time')} where at least "
            f"{phase.crossings_min} would be expected: too few crossings "
            f"(phase {phase.index + 1})."
        )
    if signal.rule == "astronomical":
        return f"A point far {signal.direction}er than the rest: an astronomical point ({span})."
    return f"{signal.rule} ({span})."  # pragma: no cover - every rule is described above


def _span(points: Int64Array, labels: Sequence[str] | None) -> str:
    first, last = int(points[0]), int(points[-1])
    if first == last:
        return f"point {first + 1}{_label(labels, first)}"
    if labels is not None:
        return f"points {first + 1} to {last + 1}, {labels[first]} to {labels[last]}"
    return f"points {first + 1} to {last + 1}"


def _label(labels: Sequence[str] | None, point: int) -> str:
    return f", {labels[point]}" if labels is not None else ""


def plural(count: int, word: str) -> str:
    """``1 point``, ``2 points``: the one rule (``journey.vocabulary.plural``)."""
    return vocabulary_plural(count, word)


def _number(value: float) -> str:
    return f"{value:.6g}"
