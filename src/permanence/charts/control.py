"""Control charts (I, MR, P, T, G) as the analysis builds them, and an aim's P chart.

The chart draws what ``permanence.analysis.control`` returns, never recomputing it: the
centre line and the limits per point (stepped, so a P chart's limits widen for a quarter
with fewer children), a break at each phase, the points, and the points that form each
signal picked out by shape and colour with the rule named. Limits resting on fewer than
20 points are trial limits; the text alternative and the caption say so.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import date
from typing import Any, Final

import numpy as np
import polars as pl

from permanence.analysis.aims_outcomes import AimResult
from permanence.analysis.control import ControlChartResult, analyse_control_chart
from permanence.analysis.direction import Better
from permanence.analysis.runchart import PhaseBreak, Signal
from permanence.charts.annotations import (
    Annotation,
    TopBand,
    annotation_key,
    annotation_markers,
    annotation_rules,
    annotation_sentence,
    improvement_label,
    improvement_rule,
    improvement_text,
    notes_column,
)
from permanence.charts.layers import Axes, axis_date_format, target_layers
from permanence.charts.signals import (
    SET_ASIDE,
    PointSignals,
    point_signals,
    shape_and_colour,
    signal_name,
)
from permanence.charts.spec import (
    ANNOTATION_SIZE,
    GREY,
    SG_BLUE,
    SG_DARK_BLUE,
    ChartSpec,
    base_spec,
    empty_chart,
    records,
)
from permanence.charts.words import (
    DAY_FORMAT,
    capitalise,
    cohort_title,
    day_text,
    end_words,
    month_year,
    number,
    plural,
)

CHART_NAMES: Final[dict[str, str]] = {
    "i": "I chart (individual values)",
    "mr": "Moving range chart",
    "p": "P chart (percentages)",
    "c": "C chart (counts)",
    "u": "U chart (rates)",
    "t": "T chart (time between events)",
    "g": "G chart (count between events)",
}
_INVALID: Final = "break-paths-filter-domains"  # a missing limit breaks the line there


def control_chart(
    result: ControlChartResult,
    dates: Sequence[date],
    *,
    name: str,
    title: str,
    y_title: str,
    x_title: str = "Period",
    labels: Sequence[str] | None = None,
    numerators: Sequence[float] | None = None,
    denominators: Sequence[float] | None = None,
    percent: bool | None = None,
    target: float | None = None,
    target_label: str | None = None,
    improvement_start: date | None = None,
    improvement_name: str = "the improvement work",
    annotations: Sequence[Annotation] = (),
    opening: str | None = None,
    note: str = "",
    better: Better | None = None,
    per: float | None = None,
) -> ChartSpec:
    """A control chart of ``result``, one point per date in ``dates`` (in the same order).

    ``labels`` name each point for people ("April to June 2024"); ``numerators`` and
    ``denominators`` (a P chart's) go in the tooltip and the table. ``percent`` shows a
    P chart's proportions as percentages (the default for P charts). ``opening`` is the
    first sentence of the text alternative (what each point is); ``note`` is added at
    its end. ``better`` (the measure's direction) colours each signal as an improvement
    or a concern and is said in the title line. ``per`` shows a U chart's rates per that
    many units of exposure (100 for "per 100 care days"); its ``numerators`` are the
    counts and its ``denominators`` the exposures.
    """
    size = result.values.size
    if len(dates) != size:
        raise ValueError(f"{len(dates)} dates for {size} points: give one date per point")
    if size == 0:
        return empty_chart(name=name, title=title, columns=[x_title, y_title])
    as_percent = result.chart == "p" if percent is None else percent
    scale = 100.0 if as_percent else (per or 1.0)
    marked = point_signals(size, result.signals, result.excluded, better)
    frame = _points(result, marked, dates, labels, numerators, denominators, scale, as_percent)
    band = TopBand.plan(
        annotations,
        first=min(dates),
        last=max(dates),
        improvement=improvement_start is not None,
    )
    top = np.nanmax(np.concatenate([frame["value"].to_numpy(), frame["upper"].to_numpy()]))
    top = max(float(np.nan_to_num(top)), target or 0.0, 1.0)
    lowest = np.concatenate([frame["value"].to_numpy(), frame["lower"].to_numpy()])
    bottom = 0.0 if as_percent else min(0.0, float(np.nan_to_num(np.nanmin(lowest))))
    axes = Axes(
        x_title=x_title,
        y_title=y_title,
        y_top=100.0 if as_percent else top,
        y_bottom=bottom,
        band_pixels=band.pixels,
        percent=as_percent,
        date_format=axis_date_format(min(dates), max(dates)),
    )
    x = axes.x()
    values = records(frame)
    improvement = improvement_text(improvement_name)
    layers: list[Any] = [
        *annotation_rules(annotations, x, band),
        *improvement_rule(improvement_start, improvement, x),
        *_limit_layers(values, axes),
        *target_layers(target, target_label, y=axes.y("target")),
        _line(values, axes),
        _points_layer(values, marked, axes, x_title, y_title, frame),
        *improvement_label(improvement_start, improvement, x, band),
        *annotation_markers(annotations, x, band),
    ]
    text = _alt_text(result, dates, labels, scale, opening, annotations, as_percent=as_percent)
    if note:
        text = f"{text} {note}"
    if better is not None:
        text = f"{text} {better.words}."
    key = annotation_key(annotations)
    if better is not None:
        key = [f"{better.words}.", *key]
    spec = base_spec(title=title, description=text, subtitle=key)
    spec["layer"] = layers
    table = notes_column(_table(frame, x_title, y_title, labels is not None), dates, annotations)
    caption = " ".join(result.warnings)
    return ChartSpec(name=name, title=title, spec=spec, alt_text=text, data=table, caption=caption)


def _points(
    result: ControlChartResult,
    marked: PointSignals,
    dates: Sequence[date],
    labels: Sequence[str] | None,
    numerators: Sequence[float] | None,
    denominators: Sequence[float] | None,
    scale: float,
    as_percent: bool,
) -> pl.DataFrame:
    size = result.values.size
    reasons = np.full(size, None, dtype=object)
    if result.excluded:
        reasons[np.fromiter(result.excluded.keys(), dtype=np.int64)] = list(
            result.excluded.values()
        )
    frame = pl.DataFrame(
        {
            "date": pl.Series(list(dates), dtype=pl.Date),
            "value": result.values * scale,
            "centre": result.centre * scale,
            "lower": result.lower * scale,
            "upper": result.upper * scale,
            "phase": result.phase + 1,
            "signal": pl.Series(marked.shown, dtype=pl.String),
            "signals": pl.Series(marked.all, dtype=pl.String),
            "reason": pl.Series(reasons.tolist(), dtype=pl.String),
        },
        nan_to_null=True,
    )
    frame = frame.with_columns(
        (
            pl.Series("label", list(labels), dtype=pl.String)
            if labels is not None
            else pl.col("date").dt.strftime(DAY_FORMAT).alias("label")
        ),
    )
    if numerators is not None and denominators is not None:
        frame = frame.with_columns(
            pl.Series("numerator", list(numerators), dtype=pl.Float64),
            pl.Series("denominator", list(denominators), dtype=pl.Float64),
        )
    value_text = (
        pl.col("value").round(0).cast(pl.Int64).cast(pl.String) + "%"
        if as_percent
        else pl.col("value").round(2).cast(pl.String)
    )
    return frame.with_columns(
        value_text.alias("value_text"),
        pl.concat_str(
            [pl.col("label"), pl.lit(": "), value_text, pl.lit(", "), pl.col("signals")]
        ).alias("aria"),
    )


def _limit_layers(values: list[dict[str, Any]], axes: Axes) -> list[Any]:
    x = axes.x()

    def stepped(field: str, colour: str, dash: list[int], width: float) -> dict[str, Any]:
        return {
            "data": {"values": values},
            "mark": {
                "type": "line",
                "interpolate": "step",
                "color": colour,
                "strokeDash": dash,
                "strokeWidth": width,
                "invalid": _INVALID,
            },
            "encoding": {
                "x": x,
                "y": axes.y(field),
                "detail": {"field": "phase", "type": "nominal"},
            },
        }

    firsts = "datum.phase !== datum.previous_phase"
    labelled = [
        {"window": [{"op": "lag", "field": "phase", "as": "previous_phase"}]},
        {"filter": firsts},
    ]

    def label(field: str, text: str, colour: str) -> dict[str, Any]:
        """Words just above a line at the start of each phase."""
        return {
            "data": {"values": values},
            "transform": [*labelled, {"filter": f"isValid(datum.{field})"}],
            "mark": {
                "type": "text",
                "align": "left",
                "baseline": "bottom",
                "dy": -4,
                "fontSize": ANNOTATION_SIZE,
                "color": colour,
                "aria": False,
            },
            "encoding": {"x": x, "y": axes.y(field), "text": {"value": text}},
        }

    return [
        stepped("upper", GREY, [6, 4], 2),
        stepped("lower", GREY, [6, 4], 2),
        stepped("centre", SG_DARK_BLUE, [1, 0], 2.5),
        label("upper", "Upper limit", GREY),
        label("lower", "Lower limit", GREY),
        label("centre", "Centre line", SG_DARK_BLUE),
    ]


def _line(values: list[dict[str, Any]], axes: Axes) -> dict[str, Any]:
    return {
        "data": {"values": values},
        "transform": [{"filter": f"datum.signal !== '{SET_ASIDE}'"}],
        "mark": {"type": "line", "color": SG_BLUE, "strokeWidth": 1.5, "opacity": 0.6},
        "encoding": {
            "x": axes.x(),
            "y": axes.y("value"),
            "detail": {"field": "phase", "type": "nominal"},
        },
    }


def _points_layer(
    values: list[dict[str, Any]],
    marked: PointSignals,
    axes: Axes,
    x_title: str,
    y_title: str,
    frame: pl.DataFrame,
) -> dict[str, Any]:
    domain = marked.scale_domain()
    tips: list[dict[str, Any]] = [
        {"field": "label", "title": x_title},
        {"field": "value_text", "title": y_title},
    ]
    if "numerator" in frame.columns:
        tips += [
            {"field": "numerator", "title": "Met", "format": ",.0f"},
            {"field": "denominator", "title": "Children counted", "format": ",.0f"},
        ]
    tips += [
        {"field": "centre", "title": "Centre line", "format": ".1f"},
        {"field": "lower", "title": "Lower limit", "format": ".1f"},
        {"field": "upper", "title": "Upper limit", "format": ".1f"},
        {"field": "signals", "title": "Signal"},
    ]
    return {
        "data": {"values": values},
        "mark": {"type": "point", "filled": True, "opacity": 0.95},
        "encoding": {
            "x": axes.x(),
            "y": axes.y("value"),
            **shape_and_colour(domain, better=marked.better),
            "tooltip": tips,
            "description": {"field": "aria", "type": "nominal"},
        },
    }


def _table(frame: pl.DataFrame, x_title: str, y_title: str, labelled: bool) -> pl.DataFrame:
    columns: list[pl.Expr] = [pl.col("label" if labelled else "date").alias(x_title)]
    if labelled:
        columns.append(pl.col("date").alias("First day"))
    columns.append(pl.col("value").round(2).alias(y_title))
    if "numerator" in frame.columns:
        columns += [pl.col("numerator").alias("Met"), pl.col("denominator").alias("Counted")]
    columns += [
        pl.col("centre").round(2).alias("Centre line"),
        pl.col("lower").round(2).alias("Lower limit"),
        pl.col("upper").round(2).alias("Upper limit"),
        pl.col("phase").alias("Phase"),
        pl.col("signals").alias("Signal"),
    ]
    if frame.get_column("reason").is_not_null().any():
        columns.append(pl.col("reason").alias("Reason set aside"))
    return frame.select(columns)


# ---- words ---------------------------------------------------------------------------


def _alt_text(
    result: ControlChartResult,
    dates: Sequence[date],
    labels: Sequence[str] | None,
    scale: float,
    opening: str | None,
    annotations: Sequence[Annotation],
    *,
    as_percent: bool,
) -> str:
    names = list(labels) if labels is not None else _point_names(dates)

    def value(v: float) -> str:
        return f"{number(v * scale, digits=0)}%" if as_percent else number(v * scale, digits=2)

    parts = [
        opening
        or f"{CHART_NAMES[result.chart]}: each point is one period, in time order, with the "
        "centre line and the control limits.",
        f"{plural(result.n, 'point')}, between {names[0]} and {names[-1]}.",
    ]
    for phase in result.phases:
        if np.isnan(phase.centre):
            continue
        centre = value(phase.centre)
        if result.chart == "p":
            limits = "; the limits widen for periods with fewer children"
        elif result.chart == "u":
            limits = "; the limits widen for periods with less exposure"
        else:
            low, high = result.lower[phase.start], result.upper[phase.start]
            bounds = [
                f"lower limit {value(low)}" if np.isfinite(low) else "",
                f"upper limit {value(high)}" if np.isfinite(high) else "",
            ]
            limits = "; " + " and ".join(b for b in bounds if b) if any(bounds) else ""
        lead = "The centre line is"
        if phase.index:
            lead = f"From {names[phase.start]} (phase {phase.index + 1}) the centre line is"
        parts.append(f"{lead} {centre}{limits}.")
    if result.signals:
        parts += _signal_sentences(result.signals, names)
    else:
        parts.append("No signal: the points vary within the limits as chance alone would allow.")
    parts += [f"Warning: {warning}" for warning in result.warnings]
    if annotations:
        parts.append(annotation_sentence(annotations))
    return " ".join(parts)


def _point_names(dates: Sequence[date]) -> list[str]:
    """Each point's date as the alt text names it: by month, or by day if two share one."""
    months = {(d.year, d.month) for d in dates}
    if len(months) == len(dates):
        return [month_year(d) for d in dates]
    return [day_text(d) for d in dates]


#: Points outside the limits named one by one, at most; the rest are counted.
OUTSIDE_NAMED: Final = 6


def _signal_sentences(signals: Sequence[Signal], names: Sequence[str]) -> list[str]:
    """One sentence per signal, except points outside the limits: one per side."""
    lines: list[str] = []
    for side, words in (("high", "above the upper"), ("low", "below the lower")):
        outside = [
            int(s.points[0]) for s in signals if s.rule == "outside_limits" and s.direction == side
        ]
        if not outside:
            continue
        named = [names[i] for i in outside[:OUTSIDE_NAMED]]
        more = len(outside) - len(named)
        listed = "; ".join(named) + (f"; and {more} more" if more else "")
        count = "A point" if len(outside) == 1 else f"{len(outside)} points"
        lines.append(f"{count} {words} limit: {listed}.")
    lines += [_signal_sentence(s, names) for s in signals if s.rule != "outside_limits"]
    return lines


def _signal_sentence(signal: Signal, names: Sequence[str]) -> str:
    first, last = int(signal.points[0]), int(signal.points[-1])
    span = f"in {names[first]}" if first == last else f"between {names[first]} and {names[last]}"
    count = signal.length
    rule = signal.rule
    if rule == "shift":
        return f"{count} points in a row {signal.direction} the centre line, {span}: a shift."
    if rule == "trend":
        way = "going up" if signal.direction == "up" else "going down"
        return f"{count} points in a row all {way}, {span}: a trend."
    if rule == "outer_third":
        return f"2 of 3 points in a row near a limit, {span}."
    if rule == "inner_third":
        return f"{count} points in a row close to the centre line, {span}: less variation."
    return f"{capitalise(signal_name(signal))}, {span}."


# ---- an aim's P chart -------------------------------------------------------------------


def aim_p_chart(
    result: AimResult,
    *,
    improvement_start: date | None = None,
    improvement_name: str = "the improvement work",
    annotations: Sequence[Annotation] = (),
    phase_starts: Sequence[date] = (),
) -> ChartSpec:
    """The percentage meeting an aim per entry period, as a P chart.

    Each point is the children whose clock started in a period (``result`` is measured
    with ``granularity=QUARTER`` for the chart issue 5 asks for), counting those whose
    outcome is known: met among met and not met. Periods where no outcome is known yet
    are left out. With ``improvement_start`` the centre line and limits rest on the
    periods before it and are extended; ``phase_starts`` begin new phases.
    """
    aim = result.aim
    name = f"{aim.id}-p-chart"
    title = f"{aim.title}: percentage who had {end_words(aim.end_column)} within {aim.target_text}"
    y_title = "Percentage who met the aim"
    x_title = cohort_title(aim.start_column)
    periods = [period for period in result.periods if period.figures.known > 0]
    if not periods:
        return empty_chart(name=name, title=title, columns=[x_title, y_title])
    dates = [period.first_day for period in periods]
    met = [float(period.figures.met) for period in periods]
    known = [float(period.figures.known) for period in periods]
    baseline_end = None
    if improvement_start is not None:
        before = _first_on_or_after(dates, improvement_start)
        baseline_end = before if 0 < before < len(dates) else None
    positions = {_first_on_or_after(dates, start) for start in phase_starts}
    breaks = sorted(p for p in positions if 0 < p < len(dates))
    if breaks and baseline_end is not None:
        baseline_end = min(baseline_end, breaks[0])
    analysis = analyse_control_chart(
        "p",
        numerators=met,
        denominators=known,
        baseline_end=baseline_end,
        phase_breaks=[PhaseBreak(b) for b in breaks],
    )
    pending = sum(1 for period in periods if period.figures.pending)
    note = ""
    if pending:
        note = (
            f"In the latest {plural(pending, 'period')} some children are still waiting within "
            f"the target, so {'its' if pending == 1 else 'their'} percentages count only the "
            "children whose outcome is already known and may change."
        )
    opening = (
        f"Each point is the children whose clock started in one {result.granularity.value}: "
        f"the percentage of those whose outcome is known who had {end_words(aim.end_column)} "
        f"within {aim.target_text}, with the centre line and control limits."
    )
    target = float(aim.target_percent) if aim.target_percent is not None else None
    return control_chart(
        analysis,
        dates,
        name=name,
        title=title,
        y_title=y_title,
        x_title=x_title,
        labels=[period.label for period in periods],
        numerators=met,
        denominators=known,
        target=target,
        target_label=f"Aim: {aim.target_percent}%" if target is not None else None,
        improvement_start=improvement_start,
        improvement_name=improvement_name,
        annotations=annotations,
        opening=opening,
        note=note,
        better=Better.HIGHER,
    )


def _first_on_or_after(dates: Sequence[date], day: date) -> int:
    """The position of the first of ``dates`` (in order) on or after ``day``."""
    return bisect.bisect_left(list(dates), day)
