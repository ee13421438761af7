"""Run charts, PACE style: any measure in time order, and an aim's dot-per-child chart.

``run_chart`` draws any series the run chart analysis has read (a monthly percentage, a
count entered by hand): the points, the median per phase (frozen on its baseline and
extended, drawn as a stepped line), a target, the start of the improvement work, every
test of change, and the points that form each signal picked out by shape and colour with
the rule named.

``aim_run_chart`` is the chart a Champions' Group reads every week (DOMAIN.md): one dot
per child at the date the aim's clock stopped, the weeks they waited up the side, the
baseline median (orange), the aim (green), the improvement start (red).

The words (``findings`` and ``headline``) are worked out from the same analysis, so the
text alternative says exactly what the chart shows: "Before the improvement work began in
March 2023 the median wait was 52 weeks. Since then, the last 9 children in a row waited
less than the baseline median: a shift."
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final, Literal

import numpy as np
import polars as pl

from permanence.analysis.aims import AimDefinition
from permanence.analysis.aims import end_words as aim_end_words
from permanence.analysis.aims_outcomes import CHILD_TIE_BREAK, AimResult
from permanence.analysis.direction import Better, Reading, meets_target, reading
from permanence.analysis.runchart import (
    RULE_SET_NAMES,
    PhaseBreak,
    RephaseSuggestion,
    RuleSet,
    RunChartResult,
    Signal,
    analyse_run_chart,
    baseline_end_for,
    order_frame,
)
from permanence.charts.annotations import (
    Annotation,
    ImprovementMarks,
    TopBand,
    annotation_key,
    annotation_markers,
    annotation_rules,
    annotation_sentence,
    improvement_label,
    improvement_rule,
    improvement_text,
    notes_column,
    with_halo,
)
from permanence.charts.layers import Axes, axis_date_format, side_label, target_layers
from permanence.charts.signals import (
    SET_ASIDE,
    PointSignals,
    point_rules,
    point_signals,
    series_signals,
    shape_and_colour,
    signal_name,
)
from permanence.charts.spec import (
    ANNOTATION_SIZE,
    GREY,
    MEDIAN_ORANGE,
    MEDIAN_ORANGE_TEXT,
    SG_BLUE,
    ChartSpec,
    base_spec,
    empty_chart,
    records,
)
from permanence.charts.spec import (
    TEXT as RING_COLOUR,
)
from permanence.charts.words import (
    DAY_FORMAT,
    capitalise,
    end_words,
    heading,
    month_year,
    number,
    percent,
    since,
    the,
    weeks,
    weeks_expr,
)

ValueKind = Literal["weeks", "percent", "number"]
#: The column and heading of a child's recorded decision on an aim's run chart.
DECISION: Final = "decision"
DECISION_TITLE: Final = "Recorded decision"
RING_KEY: Final = "A ringed dot is a purposeful delay: a decision recorded in the child's interest."
#: At most this many signals are described one by one in the text alternative.
SIGNALS_DESCRIBED: Final = 5


@dataclass(frozen=True, slots=True)
class RunChartWords:
    """How a run chart speaks of its points, for the text alternative and the headline.

    ``above`` and ``below`` complete "9 children in a row ... the median"; ``rising`` and
    ``falling`` complete "5 children in a row, ...". ``opening`` is the first sentence
    of the text alternative: what each dot is.
    """

    one: str = "point"
    many: str = "points"
    above: str = "were above"
    below: str = "were below"
    rising: str = "each higher than the one before"
    falling: str = "each lower than the one before"
    median_noun: str = "median"
    opening: str = "Each dot is one point of the measure, in time order."
    kind: ValueKind = "number"

    def value(self, value: float) -> str:
        if self.kind == "weeks":
            return weeks(value)
        if self.kind == "percent":
            return percent(value)
        return number(value)


@dataclass(frozen=True, slots=True)
class PhaseStart:
    """A new phase, as a person accepts one: from the first point on or after ``on``.

    Its median rests on its first ``baseline_n`` points and is extended across the rest
    of the phase (as PACE charts drew it after a sustained shift), or on all its points
    when ``baseline_n`` is None. Dates, not positions, so a phase kept by the web app
    still begins in the right place when later children are added.
    """

    on: date
    baseline_n: int | None = None

    @classmethod
    def from_suggestion(cls, suggestion: RephaseSuggestion, dates: Sequence[date]) -> PhaseStart:
        """The phase a sustained shift suggests, by the date of its first point."""
        return cls(dates[suggestion.start], suggestion.baseline_n)


AIM_WORDS: Final = RunChartWords(
    one="child",
    many="children",
    above="waited longer than",
    below="waited less than",
    rising="each waiting longer than the one before",
    falling="each waiting less than the one before",
    median_noun="median wait",
    kind="weeks",
)


# --------------------------------------------------------------------------------------
# The general run chart
# --------------------------------------------------------------------------------------


def run_chart(
    points: pl.DataFrame,
    result: RunChartResult,
    *,
    name: str,
    title: str,
    y_title: str,
    x_title: str = "Date",
    words: RunChartWords = RunChartWords(),
    target: float | None = None,
    target_label: str | None = None,
    improvement_start: date | None = None,
    improvement_name: str = "the improvement work",
    annotations: Sequence[Annotation] = (),
    connect: bool = False,
    label_title: str = "Label",
    tooltip: Sequence[tuple[str, str]] = (),
    y_domain: tuple[float, float] | None = None,
    note: str = "",
    date_format: str = DAY_FORMAT,
    ringed: str | None = None,
    ring_key: str = "",
    better: Better | None = None,
    target_text: str | None = None,
) -> ChartSpec:
    """A run chart of ``points`` as ``result`` (the analysis of the same points) reads it.

    ``points`` is in the time order the analysis used, one row per point: ``date`` (a
    date), ``value``, and optionally ``label`` (shown in the tooltip and the table, under
    ``label_title``: the caller decides what it holds, and nothing else identifies a
    point), ``href`` (where clicking the point goes; null for no link) and the columns
    named in ``tooltip`` as (column, heading) pairs. ``connect`` joins the points with a
    line (a monthly series), as a dot-per-child chart does not. ``note`` is a sentence
    added to the end of the text alternative. ``date_format`` shows each point's date
    in the tooltip (a day by default; "%B %Y" for a monthly series). ``ringed`` names a
    column of ``points``: each point where it is not blank is drawn with a ring around it,
    and ``ring_key`` is the line under the title that says what a ring means.

    ``better`` is the measure's direction (lower is better for a wait): with it, each
    signal reads as an improvement or a concern, in its colour and in the words, and the
    aim line as met or not; ``target_text`` is the aim in words where its number alone
    would mislead ("2 years" for an aim of 104.4 weeks). Only the points that form a
    signal are marked; a signal about
    the whole series (the number of runs, crossings) is said in the title line and the
    text alternative.
    """
    _check_points(points, result)
    if points.height == 0:
        return empty_chart(name=name, title=title, columns=[x_title, y_title])
    dates = points.get_column("date").to_list()
    marked = point_signals(points.height, result.signals, result.excluded, better)
    table, values = _point_tables(
        points, result, marked, words, x_title, y_title, label_title, tooltip, date_format
    )
    band = TopBand.plan(
        annotations,
        first=min(dates),
        last=max(dates),
        improvement=improvement_start is not None,
        phases=len(result.phases) > 1,
    )
    axes = Axes(
        x_title=x_title,
        y_title=y_title,
        y_top=_highest(result, target, y_domain),
        y_bottom=y_domain[0] if y_domain else min(0.0, float(np.nanmin(result.values))),
        band_pixels=band.pixels,
        percent=words.kind == "percent",
        date_format=axis_date_format(min(dates), max(dates)),
    )
    layers = _layers(
        points,
        result,
        marked,
        values,
        axes,
        band,
        words=words,
        target=target,
        target_label=target_label,
        improvement_start=improvement_start,
        improvement_name=improvement_name,
        annotations=annotations,
        connect=connect,
        label_title=label_title,
        tooltip=tooltip,
        ringed=ringed,
    )
    wording: dict[str, Any] = {
        "words": words,
        "improvement_start": improvement_start,
        "improvement_name": improvement_name,
        "better": better,
    }
    finding_lines = findings(result, dates, **wording)
    top = headline(result, dates, **wording)
    aim_words = target_text or (words.value(target) if target is not None else "")
    text = _alt_text(points, result, words, target, finding_lines, annotations, better, aim_words)
    if note:
        text = f"{text} {note}"
    key = [*title_line(result, words, target, better, aim_words), *annotation_key(annotations)]
    if ringed is not None and ring_key and points.get_column(ringed).is_not_null().any():
        key = [*key, ring_key]
    spec = base_spec(title=title, description=text, subtitle=key)
    spec["layer"] = layers
    table = notes_column(table, dates, annotations)
    return ChartSpec(name=name, title=title, spec=spec, alt_text=text, data=table, caption=top)


def _layers(
    points: pl.DataFrame,
    result: RunChartResult,
    marked: PointSignals,
    values: list[dict[str, Any]],
    axes: Axes,
    band: TopBand,
    *,
    words: RunChartWords,
    target: float | None,
    target_label: str | None,
    improvement_start: date | None,
    improvement_name: str,
    annotations: Sequence[Annotation],
    connect: bool,
    label_title: str,
    tooltip: Sequence[tuple[str, str]],
    ringed: str | None = None,
) -> list[Any]:
    """The layers, bottom to top: rules, median and aim, the points (and their rings),
    then the words and markers, which must never be hidden under a point."""
    x = axes.x()
    dates = points.get_column("date").to_list()
    improvement = improvement_text(improvement_name)
    # Labels of close lines in the margin: the higher one above its line, the lower below.
    median_above = target is None or not float(result.phases[-1].median) < target
    layers: list[Any] = [
        *annotation_rules(annotations, x, band),
        *improvement_rule(improvement_start, improvement, x),
        *_phase_layers(dates, result, x),
        *_median_layers(_median_rows(points, result), words, axes, above=median_above),
        *target_layers(target, target_label, y=axes.y("target"), above=not median_above),
    ]
    if connect:
        layers.append(_connecting_line(values, axes))
    layers.append(
        _points_layer(
            values, points, marked, result, axes, axes.x_title, axes.y_title, label_title, tooltip
        )
    )
    if ringed is not None:
        layers += _ring_layer(values, points, ringed, tooltip, axes)
    # Words over the points: a dot never hides a phase's label.
    layers += _phase_labels(dates, result, x, band)
    layers += improvement_label(improvement_start, improvement, x, band)
    layers += annotation_markers(annotations, x, band)
    return layers


def _highest(
    result: RunChartResult, target: float | None, domain: tuple[float, float] | None
) -> float:
    if domain is not None:
        return domain[1]
    candidates = [float(np.nanmax(result.values)) if result.values.size else 0.0]
    candidates += [float(np.nanmax(result.median))] if np.isfinite(result.median).any() else []
    if target is not None:
        candidates.append(target)
    return max(max(candidates), 1.0)


def _check_points(points: pl.DataFrame, result: RunChartResult) -> None:
    missing = {"date", "value"} - set(points.columns)
    if missing:
        raise ValueError(f"run chart points need the columns {sorted(missing)}")
    if points.height != result.values.size:
        raise ValueError(
            f"{points.height} points but the analysis read {result.values.size}: pass the "
            "points in the order the analysis used"
        )


def _value_text(kind: ValueKind) -> pl.Expr:
    value = pl.col("value")
    if kind == "weeks":
        return weeks_expr(value)
    if kind == "percent":
        return value.round(0).cast(pl.Int64).cast(pl.String) + pl.lit("%")
    return value.round(2).cast(pl.String)


def _point_tables(
    points: pl.DataFrame,
    result: RunChartResult,
    marked: PointSignals,
    words: RunChartWords,
    x_title: str,
    y_title: str,
    label_title: str,
    tooltip: Sequence[tuple[str, str]],
    date_format: str,
) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """The data table (plain headings) and the spec's point records, from one frame."""
    size = points.height
    reasons = np.full(size, None, dtype=object)
    if result.excluded:
        reasons[np.fromiter(result.excluded.keys(), dtype=np.int64)] = list(
            result.excluded.values()
        )
    analysed = points.with_columns(
        pl.Series("median", result.median).fill_nan(None),
        pl.Series("phase", result.phase + 1, dtype=pl.Int64),
        pl.Series("signal", marked.shown, dtype=pl.String),
        pl.Series("signals", marked.all, dtype=pl.String),
        pl.Series("reason", reasons.tolist(), dtype=pl.String),
    )
    has_label = "label" in points.columns
    extra = [(column, title, f"extra_{index}") for index, (column, title) in enumerate(tooltip)]

    table_columns: list[pl.Expr] = []
    if has_label:
        table_columns.append(pl.col("label").alias(label_title))
    table_columns += [pl.col(column).alias(title) for column, title, _ in extra]
    table_columns += [
        pl.col("date").alias(x_title),
        pl.col("value").alias(y_title),
        pl.col("median").alias("Median"),
        pl.col("phase").alias("Phase"),
        pl.col("signals").alias("Signal"),
    ]
    if result.excluded:
        table_columns.append(pl.col("reason").alias("Reason set aside"))
    table = analysed.select(table_columns)

    value_text = _value_text(words.kind)
    spec_columns: list[pl.Expr] = [
        pl.col("date"),
        pl.col("date").dt.strftime(date_format).alias("date_text"),
        pl.col("value"),
        value_text.alias("value_text"),
        pl.col("phase"),
        pl.col("signal"),
        pl.col("signals"),
    ]
    if result.excluded:
        spec_columns.append(pl.col("reason"))
    if has_label:
        spec_columns.append(pl.col("label").cast(pl.String))
    if "href" in points.columns:
        spec_columns.append(pl.col("href").cast(pl.String))
    for column, _, field in extra:
        spec_columns.append(_as_text(analysed, column).alias(field))
    return table, records(analysed.select(spec_columns))


def _as_text(frame: pl.DataFrame, column: str) -> pl.Expr:
    dtype = frame.schema[column]
    if dtype == pl.Date:
        return pl.col(column).dt.strftime(DAY_FORMAT)
    if dtype.is_float():
        return pl.col(column).round(1).cast(pl.String)
    return pl.col(column).cast(pl.String)


def _points_layer(
    values: list[dict[str, Any]],
    points: pl.DataFrame,
    marked: PointSignals,
    result: RunChartResult,
    axes: Axes,
    x_title: str,
    y_title: str,
    label_title: str,
    tooltip: Sequence[tuple[str, str]],
) -> dict[str, Any]:
    domain = marked.scale_domain()
    tips: list[dict[str, Any]] = []
    if "label" in points.columns:
        tips.append({"field": "label", "title": label_title})
    tips += [
        {"field": f"extra_{index}", "title": title} for index, (_, title) in enumerate(tooltip)
    ]
    tips += [
        {"field": "date_text", "title": x_title},
        {"field": "value_text", "title": y_title},
        {"field": "signals", "title": "Signal"},
    ]
    if result.excluded:
        tips.append({"field": "reason", "title": "Set aside because"})
    mark: dict[str, Any] = {"type": "point", "filled": True, "size": 110, "opacity": 0.95}
    encoding: dict[str, Any] = {
        "x": axes.x(),
        "y": axes.y("value"),
        **shape_and_colour(domain, better=marked.better),
        "tooltip": tips,
        "description": {"field": "aria", "type": "nominal"},
    }
    if "href" in points.columns:
        encoding["href"] = {"field": "href", "type": "nominal"}
        mark["cursor"] = "pointer"
    # The spoken label of each point is put together in the browser, not sent with it.
    aria = {
        "calculate": "datum.date_text + ': ' + datum.value_text + ', ' + lower(datum.signals)",
        "as": "aria",
    }
    return {
        "data": {"values": values},
        "transform": [aria],
        "mark": mark,
        "encoding": encoding,
    }


def _ring_layer(
    values: list[dict[str, Any]],
    points: pl.DataFrame,
    ringed: str,
    tooltip: Sequence[tuple[str, str]],
    axes: Axes,
) -> list[dict[str, Any]]:
    """A ring around each point with a ``ringed`` value (a recorded decision, say), drawn
    under the words and markers but over the points, so the point's own shape and colour
    (its signal) still show inside it. Its words are in the tooltip and the data table."""
    if ringed not in points.columns or not points.get_column(ringed).is_not_null().any():
        return []
    field = next(
        (f"extra_{index}" for index, (column, _) in enumerate(tooltip) if column == ringed), None
    )
    if field is None:
        raise ValueError(f"the ringed column {ringed!r} must also be in the tooltip")
    return [
        {
            "data": {"values": values},
            "transform": [{"filter": f"isValid(datum.{field}) && datum.{field} !== ''"}],
            "mark": {
                "type": "point",
                "filled": False,
                "shape": "circle",
                "size": 420,
                "strokeWidth": 2.5,
                "color": RING_COLOUR,
            },
            "encoding": {"x": axes.x(), "y": axes.y("value")},
        }
    ]


def _connecting_line(values: list[dict[str, Any]], axes: Axes) -> dict[str, Any]:
    return {
        "data": {"values": values},
        "mark": {"type": "line", "color": SG_BLUE, "strokeWidth": 1.5, "opacity": 0.6},
        "encoding": {
            "x": axes.x(),
            "y": axes.y("value"),
            "detail": {"field": "phase", "type": "nominal"},
        },
        "transform": [{"filter": f"datum.signal !== '{SET_ASIDE}'"}],
    }


# ---- medians ---------------------------------------------------------------------------


def baseline_stop(result: RunChartResult, phase: int) -> int:
    """The position just after the last point a phase's median rests on."""
    figures = result.phases[phase]
    taking = np.ones(result.values.size, dtype=np.bool_)
    taking[list(result.excluded)] = False
    positions = figures.start + np.flatnonzero(taking[figures.start : figures.stop])
    if 0 < figures.baseline_n < positions.size:
        return int(positions[figures.baseline_n - 1]) + 1
    return figures.stop


def _median_rows(points: pl.DataFrame, result: RunChartResult) -> list[dict[str, Any]]:
    """The stepped median line: per phase, a solid baseline part and a dashed extension.

    A step line needs only the ends of each flat part, so each part is two rows (the
    extension starts where the baseline ends, so they join): a handful of rows however
    many points the chart has.
    """
    dates = points.get_column("date")
    rows: list[dict[str, Any]] = []
    for phase in result.phases:  # a few phases, never the points
        if np.isnan(phase.median):
            continue
        stop = baseline_stop(result, phase.index)
        frozen = stop < phase.stop
        name = _median_label(phase.index, frozen)
        parts = [("baseline", phase.start, stop - 1)]
        if frozen:
            parts.append(("extended", stop - 1, phase.stop - 1))
        for part, first, last in parts:
            for position in (first, last):
                rows.append(
                    {
                        "date": dates[position].isoformat(),
                        "median": round(phase.median, 3),
                        "line": f"{phase.index}-{part}",
                        "part": part,
                        "phase": phase.index + 1,
                        "name": name,
                    }
                )
    return rows


def _median_label(phase: int, frozen: bool) -> str:
    if phase == 0:
        return "Baseline median" if frozen else "Median"
    return f"Phase {phase + 1} median"


def _median_layers(
    rows: list[dict[str, Any]], words: RunChartWords, axes: Axes, *, above: bool
) -> list[Any]:
    """The stepped median line; the last phase's median labelled in the right margin,
    any earlier phase's at its start."""
    if not rows:
        return []
    firsts: dict[int, dict[str, Any]] = {}
    for row in rows:  # one row per point: only the first of each phase is kept
        firsts.setdefault(row["phase"], row)
    last = max(firsts)
    labels = [
        {**row, "text": f"{row['name']} {words.value(row['median'])}"}
        for phase, row in firsts.items()
        if phase != last
    ]
    margin = side_label(
        firsts[last]["median"],
        [firsts[last]["name"], words.value(firsts[last]["median"])],
        MEDIAN_ORANGE_TEXT,
        axes.y("median"),
        above=above,
    )
    return [
        {
            "data": {"values": rows},
            "mark": {
                "type": "line",
                "interpolate": "step-after",
                "color": MEDIAN_ORANGE,
                "strokeWidth": 3,
            },
            "encoding": {
                "x": axes.x(),
                "y": axes.y("median"),
                "detail": {"field": "line", "type": "nominal"},
                "strokeDash": {
                    "field": "part",
                    "type": "nominal",
                    "scale": {"domain": ["baseline", "extended"], "range": [[1, 0], [8, 5]]},
                    "legend": None,
                },
                "description": {"field": "name", "type": "nominal"},
            },
        },
        {
            "data": {"values": labels},
            "mark": {
                "type": "text",
                "align": "left",
                "baseline": "bottom",
                "dy": -6,
                "fontSize": ANNOTATION_SIZE,
                "fontWeight": "bold",
                "color": MEDIAN_ORANGE_TEXT,
                "aria": False,
            },
            "encoding": {
                "x": axes.x(),
                "y": axes.y("median"),
                "text": {"field": "text"},
            },
        },
        margin,
    ]


def _phase_values(dates: Sequence[date], result: RunChartResult) -> list[dict[str, str]]:
    return [
        {"date": dates[phase.start].isoformat(), "text": f"Phase {phase.index + 1} begins"}
        for phase in result.phases[1:]
    ]


def _phase_layers(dates: Sequence[date], result: RunChartResult, x: dict[str, Any]) -> list[Any]:
    """The rule where each new phase begins, under the points (its label is drawn over
    them, by ``_phase_labels``)."""
    if len(result.phases) < 2:
        return []
    return [
        {
            "data": {"values": _phase_values(dates, result)},
            "mark": {"type": "rule", "color": GREY, "strokeDash": [2, 3], "strokeWidth": 1.5},
            "encoding": {"x": x, "description": {"field": "text", "type": "nominal"}},
        },
    ]


def _phase_labels(
    dates: Sequence[date], result: RunChartResult, x: dict[str, Any], band: TopBand
) -> list[Any]:
    """ "Phase 2 begins" beside its rule in the band at the top of the plot (kept clear
    of points), under the improvement label, over everything else and on a white outline,
    so no dot hides it and no rule strikes through its words."""
    if len(result.phases) < 2:
        return []
    return with_halo(
        {
            "data": {"values": _phase_values(dates, result)},
            "mark": {
                "type": "text",
                "align": "left",
                "baseline": "top",
                "dx": 4,
                "color": GREY,
                "aria": False,
            },
            "encoding": {"x": x, "y": {"value": band.phase_y}, "text": {"field": "text"}},
        }
    )


# --------------------------------------------------------------------------------------
# The words
# --------------------------------------------------------------------------------------


def findings(
    result: RunChartResult,
    dates: Sequence[date],
    *,
    words: RunChartWords = RunChartWords(),
    improvement_start: date | None = None,
    improvement_name: str = "the improvement work",
    better: Better | None = None,
) -> list[str]:
    """What the chart says, in sentences: the baseline, then each signal in time order.

    Signals made of points come first, each read as an improvement or a concern where
    ``better`` is known; then, once, any signal about the whole series. Says "No signal"
    when there is none. At most ``SIGNALS_DESCRIBED`` point signals are described one by
    one (the latest); the rest are counted.
    """
    lines = _median_sentences(result, dates, words, improvement_start, improvement_name)
    signals = sorted(
        point_rules(result.signals), key=lambda s: (int(s.points[-1]), int(s.points[0]))
    )
    whole = series_signals(result.signals)
    if not signals and not whole:
        lines.append(_no_signal(result, words))
    elif not signals:
        lines.append(f"No {words.one} is part of a shift, a trend or an astronomical point.")
    else:
        shown = signals[-SIGNALS_DESCRIBED:]
        hidden = len(signals) - len(shown)
        if hidden:
            lines.append(
                f"There are {len(signals)} signals; the latest {len(shown)} are described "
                "here and every point's signal is in the data table."
            )
        # "Since the improvement work began ..." opens the first signal after it only.
        said_since = False
        for signal in shown:
            sentence = _signal_sentence(
                result,
                signal,
                dates,
                words,
                None if said_since else improvement_start,
                improvement_name,
                better,
            )
            said_since = said_since or sentence.startswith("Since ")
            lines.append(sentence)
    lines += [_series_sentence(result, signal, words) for signal in whole]
    lines += [
        _suggestion_sentence(suggestion, dates, words, improvement_start, improvement_name)
        for suggestion in result.rephase_suggestions
    ]
    return lines


def _suggestion_sentence(
    suggestion: RephaseSuggestion,
    dates: Sequence[date],
    words: RunChartWords,
    improvement_start: date | None,
    improvement_name: str,
) -> str:
    """A sustained shift, offered as a new phase; never credited to work it came before."""
    begins = dates[suggestion.start]
    sentence = (
        f"{suggestion.points.size} {words.many} in a row from {month_year(begins)} is a "
        "sustained shift: the median could be recalculated from there as a new phase, if "
        "the group agrees the change has become the way things are done."
    )
    if improvement_start is not None and begins < improvement_start:
        sentence += (
            f" It began before {improvement_name} did ({month_year(improvement_start)}), "
            "so it is not a result of that work."
        )
    return sentence


def headline(
    result: RunChartResult,
    dates: Sequence[date],
    *,
    words: RunChartWords = RunChartWords(),
    improvement_start: date | None = None,
    improvement_name: str = "the improvement work",
    better: Better | None = None,
) -> str:
    """One sentence for an overview: the latest shift, run or trend, or else what there is.

    "Since the improvement work began in March 2023, the last 9 children in a row waited
    less than the baseline median: a shift, an improvement."
    """
    drawn = point_rules(result.signals)
    if not drawn:
        whole = series_signals(result.signals)
        if whole:
            return _series_sentence(result, whole[-1], words)
        return _no_signal(result, words)
    runs_of_points = [s for s in drawn if s.rule in ("shift", "long_run", "trend")]
    chosen = max(
        runs_of_points or drawn,
        key=lambda s: (int(s.points[-1]), int(s.points.size)),
    )
    return _signal_sentence(
        result, chosen, dates, words, improvement_start, improvement_name, better
    )


def title_line(
    result: RunChartResult,
    words: RunChartWords,
    target: float | None,
    better: Better | None,
    aim_words: str = "",
) -> list[str]:
    """The lines under the title: which way is better, whether the aim is met, and any
    signal about the whole series (said here once, never painted on the points)."""
    lines: list[str] = []
    if better is not None:
        direction = f"{better.words}."
        if target is not None and better is Better.HIGHER:
            direction = f"{better.words}: the aim is a floor, and a dot on or above it meets it."
        lines.append(f"{direction}{_aim_status(result, words, target, better, aim_words)}")
    lines += [_series_line(result, signal) for signal in series_signals(result.signals)]
    return lines


def _series_line(result: RunChartResult, signal: Signal) -> str:
    """A whole-series signal, short enough for the title line: "Too few runs over the whole
    series: 315 where 337 to 390 are expected by chance."
    """
    phase = result.phases[signal.phase]
    where = f"in phase {phase.index + 1}" if len(result.phases) > 1 else "over the whole series"
    if signal.rule == "runs":
        low, high = phase.runs_range or (0, 0)
        figures = f"{phase.runs} where {low} to {high} are expected by chance"
    else:
        figures = f"{phase.crossings} where at least {phase.crossings_min} are expected"
    return f"{signal_name(signal)} {where}: {figures}."


def _aim_status(
    result: RunChartResult,
    words: RunChartWords,
    target: float | None,
    better: Better,
    aim_words: str = "",
) -> str:
    """ " The median, 50.1 weeks, does not yet meet the aim of 26 weeks." or ""."""
    median = result.phases[-1].median if result.phases else float("nan")
    if target is None or np.isnan(median):
        return ""
    met = meets_target(float(median), target, better)
    verb = "meets" if met else "does not yet meet"
    aim = aim_words or words.value(target)
    return f" The {words.median_noun}, {words.value(median)}, {verb} the aim of {aim}."


def _series_sentence(result: RunChartResult, signal: Signal, words: RunChartWords) -> str:
    """A signal about the whole series (a phase), said once: it belongs to no one point."""
    phase = result.phases[signal.phase]
    where = f"In phase {phase.index + 1}, the" if len(result.phases) > 1 else "The"
    if signal.rule == "runs":
        low, high = phase.runs_range or (0, 0)
        few = "fewer" if signal.direction == "too_few" else "more"
        return (
            f"{where} {words.many} cross the median {few} times than chance allows "
            f"({phase.runs} runs where {low} to {high} were expected): "
            f"{signal_name(signal).lower()}, a signal about the whole series, not any one "
            f"{words.one}."
        )
    return (
        f"{where} {words.many} cross the median only {phase.crossings} times where at "
        f"least {phase.crossings_min} were expected: too few crossings, a signal about the "
        f"whole series, not any one {words.one}."
    )


def _no_signal(result: RunChartResult, words: RunChartWords) -> str:
    text = f"No signal: the {words.many} vary around the median as chance alone would allow."
    if result.rules == "ihi" and result.runs_range is None:
        text += f" With fewer than 10 {words.many} off the median, runs cannot yet be judged."
    return text


def _median_sentences(
    result: RunChartResult,
    dates: Sequence[date],
    words: RunChartWords,
    improvement_start: date | None,
    improvement_name: str,
) -> list[str]:
    lines: list[str] = []
    for phase in result.phases:
        if np.isnan(phase.median):
            continue
        value = words.value(phase.median)
        if phase.index == 0:
            frozen = phase.baseline_n < phase.n
            last_in_baseline = dates[baseline_stop(result, 0) - 1]
            before_start = (
                improvement_start is not None and frozen and last_in_baseline < improvement_start
            )
            if before_start and improvement_start is not None:
                lines.append(
                    f"Before {improvement_name} began in {month_year(improvement_start)} the "
                    f"{words.median_noun} was {value}, over {phase.baseline_n} {words.many}."
                )
            elif frozen:
                lines.append(
                    f"The {words.median_noun} of the first {phase.baseline_n} {words.many}, "
                    f"{value}, is the baseline, extended across the chart."
                )
            else:
                lines.append(f"The {words.median_noun} is {value}.")
        else:
            frozen = phase.baseline_n < phase.n
            rests_on = (
                f", taken from its first {phase.baseline_n} {words.many} and extended"
                if frozen
                else ""
            )
            lines.append(
                f"From {month_year(dates[phase.start])} a new phase begins, with a "
                f"{words.median_noun} of {value}{rests_on}."
            )
    return lines


_MEANING: Final[dict[Reading, str]] = {
    Reading.IMPROVEMENT: ", an improvement",
    Reading.CONCERN: ", a concern",
    Reading.NEITHER: "",
}


def _signal_sentence(
    result: RunChartResult,
    signal: Signal,
    dates: Sequence[date],
    words: RunChartWords,
    improvement_start: date | None,
    improvement_name: str,
    better: Better | None = None,
) -> str:
    """One signal made of points, in words, read as an improvement or a concern."""
    first, last = int(signal.points[0]), int(signal.points[-1])
    count = signal.length
    median = _median_reference(result, signal.phase)
    at_end = last == result.values.size - 1
    since_start = improvement_start is not None and dates[first] >= improvement_start
    span = f"from {month_year(dates[first])} to {month_year(dates[last])}"
    if dates[first] == dates[last] or month_year(dates[first]) == month_year(dates[last]):
        span = f"in {month_year(dates[first])}"
    many = f"{count} {words.many} in a row"
    who = f"the last {many}" if at_end else f"{many}, {span},"
    meaning = _MEANING[reading(signal, better)]
    rule = signal.rule
    if rule in ("shift", "long_run"):
        side = words.below if signal.direction == "below" else words.above
        name = "a shift" if rule == "shift" else "an unusually long run"
        sentence = f"{who} {side} {median}: {name}{meaning}."
    elif rule == "trend":
        way = words.rising if signal.direction == "up" else words.falling
        sentence = f"{who} {way}: a trend{meaning}."
    elif rule == "astronomical":
        sentence = (
            f"one {words.one} in {month_year(dates[first])} "
            f"({words.value(float(result.values[first]))}) is far from all the rest: "
            f"an astronomical point{meaning}."
        )
    else:  # pragma: no cover - every run chart rule is named above
        sentence = f"{signal_name(signal)} ({span})."
    if since_start and improvement_start is not None and rule in ("shift", "long_run", "trend"):
        return f"Since {improvement_name} began in {month_year(improvement_start)}, {sentence}"
    return capitalise(sentence)


def _median_reference(result: RunChartResult, phase: int) -> str:
    first = result.phases[0]
    if phase == 0 and first.baseline_n < first.n:
        return "the baseline median"
    if phase == 0:
        return "the median"
    return f"the phase {phase + 1} median"


def _alt_text(
    points: pl.DataFrame,
    result: RunChartResult,
    words: RunChartWords,
    target: float | None,
    finding_lines: list[str],
    annotations: Sequence[Annotation],
    better: Better | None = None,
    aim_words: str = "",
) -> str:
    dates = points.get_column("date")
    first, last = dates.min(), dates.max()
    assert isinstance(first, date)  # a non-empty date column
    assert isinstance(last, date)
    n = points.height
    parts = [words.opening]
    if first == last:
        parts.append(f"{n} {words.one if n == 1 else words.many}, in {month_year(first)}.")
    else:
        noun = words.one if n == 1 else words.many
        parts.append(f"{n} {noun}, from {month_year(first)} to {month_year(last)}.")
    if better is not None:
        parts.append(f"{better.words}.")
    if target is not None:
        parts.append(_target_sentence(points, words, target, better, aim_words))
    if better is not None and target is not None:
        parts.append(_aim_status(result, words, target, better, aim_words).strip())
    parts += finding_lines
    parts.append(_rules_sentence(result))
    if annotations:
        parts.append(annotation_sentence(annotations))
    return " ".join(part for part in parts if part)


def _target_sentence(
    points: pl.DataFrame,
    words: RunChartWords,
    target: float,
    better: Better | None,
    aim_words: str = "",
) -> str:
    """How many points met the aim: at or under it, or (a floor) at or over it."""
    values = points.get_column("value")
    n = points.height
    if better is not None:
        met = int((values <= target if better is Better.LOWER else values >= target).sum())
        bound = "or less" if better is Better.LOWER else "or more"
        return (
            f"The aim is {aim_words or words.value(target)} {bound}; {met} of the {n} "
            f"{words.one if n == 1 else words.many} ({round(100 * met / n)}%) met it."
        )
    if words.kind == "percent":
        met = int((values >= target).sum())
        return f"The aim is {words.value(target)}; {met} of the {n} reached it."
    over = int((values > target).sum())
    return f"The aim is {words.value(target)}; {over} of the {n} {words.many} {words.above} that."


def _rules_sentence(result: RunChartResult) -> str:
    return f"Read with {RULE_SET_NAMES[result.rules]}."


# --------------------------------------------------------------------------------------
# An aim's run chart: one dot per child
# --------------------------------------------------------------------------------------


def aim_run_points(
    children: pl.DataFrame,
    *,
    label: str | None = None,
    href: str | None = None,
    decision: str | None = None,
) -> pl.DataFrame:
    """The points of an aim's run chart, in time order: every child whose clock stopped.

    ``children`` is ``AimResult.children`` (``aim_children``), with any columns the caller
    has joined on (a pseudonymous reference, a link). A child whose end milestone is dated
    before the clock started cannot be placed (a negative wait); such records are left off
    and counted in the text alternative, to be put right.
    Ties on the same date are broken by the start date and then the frame's own key, so
    the order never depends on the sort.
    """
    reached = children.filter(
        pl.col("end_date").is_not_null() & ~pl.col("end_before_start").fill_null(value=False)
    )
    tie_break = [column for column in CHILD_TIE_BREAK if column in reached.columns]
    ordered = order_frame(reached, "end_date", tie_break)
    columns: list[pl.Expr] = [
        pl.col("end_date").alias("date"),
        pl.col("weeks_waited").cast(pl.Float64).alias("value"),
        pl.col("start_date").alias("start"),
    ]
    if label is not None:
        columns.append(pl.col(label).cast(pl.String).alias("label"))
    if href is not None:
        columns.append(pl.col(href).cast(pl.String).alias("href"))
    if decision is not None:
        columns.append(pl.col(decision).cast(pl.String).alias(DECISION))
    return ordered.select(columns)


def analyse_points(
    points: pl.DataFrame,
    *,
    rules: RuleSet = "ihi",
    improvement_start: date | None = None,
    baseline_until: date | None = None,
    phase_starts: Sequence[date | PhaseStart | PhaseBreak] = (),
) -> RunChartResult | None:
    """Read run chart points (``aim_run_points``, or any ``date``/``value`` frame in time
    order) as PACE did.

    The baseline is every point dated before ``improvement_start`` (or on or before
    ``baseline_until``): its median is frozen and extended. Without either, or
    when no child finished before it, the median is of all the points. ``phase_starts``
    begin a new phase at the first point on or after each date (a ``PhaseStart`` also
    says how many of its first points its median rests on), or at a ``PhaseBreak``
    (positions, such as a confirmed ``RephaseSuggestion.as_phase_break()``). None when
    there are no points.
    """
    if points.height == 0:
        return None
    dates = points.get_column("date").to_numpy()
    until = baseline_until
    if until is None and improvement_start is not None:
        until = improvement_start - timedelta(days=1)
    baseline_end = baseline_end_for(dates, np.datetime64(until)) if until is not None else 0
    breaks: list[PhaseBreak] = []
    for start in phase_starts:
        if isinstance(start, PhaseBreak):
            breaks.append(start)
            continue
        on, baseline_n = (
            (start.on, start.baseline_n)
            if isinstance(start, PhaseStart)
            else (
                start,
                None,
            )
        )
        position = int(np.searchsorted(dates, np.datetime64(on), side="left"))
        if 0 < position < points.height and position not in {b.start for b in breaks}:
            breaks.append(PhaseBreak(position, baseline_n))
    if breaks and baseline_end > min(b.start for b in breaks):
        baseline_end = min(b.start for b in breaks)
    return analyse_run_chart(
        points.get_column("value").to_numpy(),
        rules=rules,
        baseline_end=baseline_end if baseline_end > 0 else None,
        phase_breaks=breaks,
    )


def aim_run_sentences(
    result: AimResult,
    marks: ImprovementMarks,
    *,
    headline_only: bool = False,
    phase_starts: Sequence[date | PhaseStart | PhaseBreak] = (),
) -> list[str]:
    """What the run chart rules say about an aim's run chart (read as ``aim_run_chart``
    reads it, with the same ``phase_starts``: by default the phases accepted in
    ``marks``), in sentences: every finding, or with
    ``headline_only`` the one sentence an overview shows. The dashboards and the report
    pack both say it from here."""
    points = aim_run_points(result.children)
    analysis = analyse_points(
        points, improvement_start=marks.start, phase_starts=phase_starts or marks.phases
    )
    if analysis is None:
        waiting_for = aim_end_words(result.aim)
        return [f"No child has had {waiting_for} yet, so there is no run chart to read."]
    dates = points.get_column("date").to_list()
    wording: dict[str, Any] = {
        "words": AIM_WORDS,
        "improvement_start": marks.start,
        "improvement_name": marks.name,
        "better": result.aim.better,
    }
    if headline_only:
        return [headline(analysis, dates, **wording)]
    return findings(analysis, dates, **wording)


def aim_run_chart(
    result: AimResult,
    *,
    children: pl.DataFrame | None = None,
    label: str | None = None,
    label_title: str = "Child",
    href: str | None = None,
    decision: str | None = None,
    improvement_start: date | None = None,
    improvement_name: str = "the improvement work",
    annotations: Sequence[Annotation] = (),
    rules: RuleSet = "ihi",
    baseline_until: date | None = None,
    phase_starts: Sequence[date | PhaseStart | PhaseBreak] = (),
) -> ChartSpec:
    """The PACE run chart of an aim: a dot per child at the date the clock stopped.

    ``children`` defaults to ``result.children``; pass it with extra columns joined on to
    name ``label`` (a pseudonymous reference, for the tooltip and the table) and ``href``
    (the address of the child's journey, or null where the viewer may not open it).
    Without ``label`` no point carries any reference at all. ``decision`` names a column
    holding, for a child whose wait was a recorded decision (a purposeful delay in the
    child's interest), its words: that child's point is ringed, and the words are in its
    tooltip and the data table. The analysis follows ``analyse_points``: a purposeful
    delay is still a wait, and is read like every other.
    """
    aim = result.aim
    rows = result.children if children is None else children
    points = aim_run_points(rows, label=label, href=href, decision=decision)
    name = f"{aim.id}-run-chart"
    title = f"{aim.title}: weeks waited for {the(end_words(aim.end_column))}"
    x_title = f"Date of {the(end_words(aim.end_column))}"
    y_title = f"Weeks waited {since(aim.start_column)}"
    analysis = analyse_points(
        points,
        rules=rules,
        improvement_start=improvement_start,
        baseline_until=baseline_until,
        phase_starts=phase_starts,
    )
    if analysis is None:
        return empty_chart(
            name=name,
            title=title,
            columns=[x_title, y_title],
            alt_text=(
                f"{title}: no child has had {end_words(aim.end_column)} yet, so there is "
                "nothing to draw."
            ),
        )
    words = _aim_words(aim)
    left_off = rows.filter(
        pl.col("end_date").is_not_null() & pl.col("end_before_start").fill_null(value=False)
    ).height
    note = ""
    if left_off:
        note = (
            f"{left_off} {'child is' if left_off == 1 else 'children are'} left off the chart "
            f"because {end_words(aim.end_column)} is dated before the clock started: the "
            "records need checking."
        )
    tooltip = [("start", heading(aim.start_column))]
    if decision is not None:
        tooltip.append((DECISION, DECISION_TITLE))
        note = " ".join(part for part in (_decisions_sentence(points), note) if part)
    return run_chart(
        points,
        analysis,
        name=name,
        title=title,
        y_title=y_title,
        x_title=x_title,
        words=words,
        target=aim.target_in_weeks,
        target_label=aim_label(aim),
        improvement_start=improvement_start,
        improvement_name=improvement_name,
        annotations=annotations,
        label_title=label_title,
        tooltip=tooltip,
        note=note,
        ringed=DECISION if decision is not None else None,
        ring_key=RING_KEY,
        better=aim.better,
        target_text=aim.target_text,
    )


def aim_label(aim: AimDefinition) -> str:
    """The aim line's label, saying which side meets it: "Aim: within 26 weeks", or for a
    floor (Aim 1) "Aim: at least 2 years"."""
    bound = "at least" if aim.better is Better.HIGHER else "within"
    return f"Aim: {bound} {aim.target_text}"


def _decisions_sentence(points: pl.DataFrame) -> str:
    """How many of the children on the chart waited by a recorded decision."""
    count = points.get_column(DECISION).is_not_null().sum() if DECISION in points.columns else 0
    if not count:
        return ""
    who = "1 child's wait was" if count == 1 else f"{count} children's waits were"
    return (
        f"{who} a recorded decision (a purposeful delay in the child's interest), ringed on "
        "the chart; the data table gives each reason. They count like every other child."
    )


def _aim_words(aim: AimDefinition) -> RunChartWords:
    end = end_words(aim.end_column)
    opening = (
        f"Each dot is a child who had {end}, placed at the date of {the(end)} and the "
        f"weeks they had waited {since(aim.start_column)}."
    )
    return RunChartWords(
        one=AIM_WORDS.one,
        many=AIM_WORDS.many,
        above=AIM_WORDS.above,
        below=AIM_WORDS.below,
        rising=AIM_WORDS.rising,
        falling=AIM_WORDS.falling,
        median_noun=AIM_WORDS.median_noun,
        opening=opening,
        kind="weeks",
    )
