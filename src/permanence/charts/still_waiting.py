"""The still-waiting chart: a bar per child the run chart cannot show yet.

A run chart by decision date shows only children who got a decision. Beneath it PACE drew
every child still waiting: one bar each, the weeks waited so far, coloured by where the
child lives now, with the aim's target as a line. When those children get their decision
they move up into the run chart, which may make it look worse: that is honest, and it is
the point (DOMAIN.md).

Where the child lives is told by colour *and* in words at the end of each bar, so the
chart never relies on colour alone.
"""

from __future__ import annotations

from typing import Any, Final

import polars as pl

from permanence.analysis.aims_outcomes import CHILD_TIE_BREAK, AimResult
from permanence.charts.layers import target_layers
from permanence.charts.spec import (
    ANNOTATION_SIZE,
    NOT_RECORDED_COLOUR,
    SETTING_COLOURS,
    TEXT,
    ChartSpec,
    base_spec,
    empty_chart,
    records,
)
from permanence.charts.words import (
    DAY_FORMAT,
    SETTING_NOT_RECORDED,
    SETTING_NOT_RECORDED_PHRASE,
    SETTING_PHRASES,
    SHORT_SETTINGS,
    children,
    day_text,
    end_words,
    heading,
    join_words,
    since,
    weeks,
    weeks_expr,
)
from permanence.journey.vocabulary import CareSetting

BAR_STEP: Final = 26  # pixels per bar: room for 14 px labels with a gap between bars


def still_waiting_chart(
    result: AimResult,
    *,
    children_table: pl.DataFrame | None = None,
    label: str | None = None,
    label_title: str = "Child",
    href: str | None = None,
    longest: int | None = None,
    numbered: bool = False,
) -> ChartSpec:
    """A bar per child still waiting for the aim's end milestone (in care, clock running).

    ``children_table`` defaults to ``result.children``; pass it with columns joined on to
    name ``label`` (a pseudonymous reference shown on the axis, in the tooltip and the
    table) and ``href`` (the child's journey; null where the viewer may not open it).
    Without ``label`` the bars carry no reference at all. ``longest`` keeps only that many
    of the longest waits (the text alternative says how many are left out).

    ``numbered`` labels each bar by its place instead, longest wait first ("Child 1
    (longest wait)", "Child 2", ...): for a report that leaves the room, where no
    reference may go but people still need to say which bar they mean.
    """
    if numbered and label is not None:
        raise ValueError("a still-waiting chart is labelled by reference or numbered, not both")
    aim = result.aim
    rows = result.children if children_table is None else children_table
    name = f"{aim.id}-still-waiting"
    title = f"{aim.title}: children still waiting for {end_words(aim.end_column)}"
    weeks_title = f"Weeks waited so far {since(aim.start_column)}"
    waiting = _waiting(rows, label, href, numbered=numbered)
    target = result.aim.target_in_weeks
    columns = [heading(aim.start_column), weeks_title, "Where the child lives now"]
    if rows.height == 0:
        return empty_chart(name=name, title=title, columns=columns)
    if waiting.height == 0:
        return empty_chart(
            name=name,
            title=title,
            columns=columns,
            message="No child is still waiting",
            alt_text=f"{title}: no child is still waiting on {day_text(result.as_of)}.",
        )
    shown = waiting.head(longest) if longest is not None else waiting
    has_label = label is not None or numbered
    table = _table(shown, aim.start_column, weeks_title, label_title if has_label else None)
    values = _values(shown, target)
    text = _alt_text(result, waiting, shown, target, weeks_title)

    y: dict[str, Any] = {
        "field": "bar",
        "type": "nominal",
        "sort": None,
        "title": label_title if has_label else "Children still waiting, longest wait first",
        "axis": {"labels": has_label, "ticks": has_label, "labelLimit": 200},
    }
    top = max(float(shown.get_column("value").fill_null(0.0).to_numpy().max()), target or 0.0)
    x: dict[str, Any] = {
        "field": "value",
        "type": "quantitative",
        "title": weeks_title,
        "scale": {"domain": [0, top * 1.3 + 1], "nice": False},
        "axis": {"tickMinStep": 1},
    }
    tooltip = [
        *([{"field": "label", "title": label_title}] if has_label else []),
        {"field": "start_text", "title": heading(aim.start_column)},
        {"field": "value", "title": weeks_title, "format": ".1f"},
        {"field": "setting", "title": "Where the child lives now"},
        {"field": "over", "title": f"Past {aim.target_text}"},
    ]
    bar_encoding: dict[str, Any] = {
        "y": y,
        "x": x,
        "color": {
            "field": "setting",
            "type": "nominal",
            "title": "Where the child lives now",
            "scale": _setting_scale(shown),
        },
        "tooltip": tooltip,
        "description": {"field": "aria", "type": "nominal"},
    }
    bar_mark: dict[str, Any] = {"type": "bar", "height": {"band": 0.72}}
    if href is not None:
        bar_encoding["href"] = {"field": "href", "type": "nominal"}
        bar_mark["cursor"] = "pointer"
    layers: list[Any] = [
        *target_layers(
            target,
            f"Aim: {aim.target_text}",
            x={"field": "target", "type": "quantitative", "title": weeks_title},
        ),
        {"data": {"values": values}, "mark": bar_mark, "encoding": bar_encoding},
        {
            "data": {"values": values},
            "mark": {
                "type": "text",
                "align": "left",
                "baseline": "middle",
                "dx": 5,
                "fontSize": ANNOTATION_SIZE,
                "color": TEXT,
                "aria": False,
            },
            "encoding": {"y": y, "x": x, "text": {"field": "bar_text"}},
        },
    ]
    spec = base_spec(title=title, description=text, height={"step": BAR_STEP})
    spec["layer"] = layers
    return ChartSpec(name=name, title=title, spec=spec, alt_text=text, data=table)


def _waiting(
    rows: pl.DataFrame, label: str | None, href: str | None, *, numbered: bool
) -> pl.DataFrame:
    """Children still waiting, longest first (ties by ``CHILD_TIE_BREAK``)."""
    tie_break = [column for column in CHILD_TIE_BREAK if column in rows.columns]
    setting_labels = {member.value: member.label for member in CareSetting}
    columns: list[pl.Expr] = [
        pl.col("start_date").alias("start"),
        pl.col("weeks_waited").cast(pl.Float64).alias("value"),
        pl.col("over_target").fill_null(value=False).alias("over_target"),
        pl.col("current_care_setting")
        .replace_strict(setting_labels, default=SETTING_NOT_RECORDED, return_dtype=pl.String)
        .alias("setting"),
        pl.col("current_care_setting")
        .replace_strict(SHORT_SETTINGS, default="not recorded", return_dtype=pl.String)
        .alias("setting_short"),
        pl.col("current_care_setting")
        .replace_strict(
            SETTING_PHRASES, default=SETTING_NOT_RECORDED_PHRASE, return_dtype=pl.String
        )
        .alias("setting_phrase"),
    ]
    if label is not None:
        columns.append(pl.col(label).cast(pl.String).alias("label"))
    if href is not None:
        columns.append(pl.col(href).cast(pl.String).alias("href"))
    waiting = (
        rows.filter(pl.col("still_waiting").fill_null(value=False))
        .sort(["weeks_waited", *tie_break], descending=[True] + [False] * len(tie_break))
        .select(columns)
    )
    if not numbered:
        return waiting
    place = pl.int_range(1, pl.len() + 1)
    return waiting.with_columns(
        pl.when(place == 1)
        .then(pl.lit("Child 1 (longest wait)"))
        .otherwise(pl.lit("Child ") + place.cast(pl.String))
        .alias("label")
    )


def _table(
    shown: pl.DataFrame, start_column: str, weeks_title: str, label_title: str | None
) -> pl.DataFrame:
    columns: list[pl.Expr] = []
    if label_title is not None:
        columns.append(pl.col("label").alias(label_title))
    columns += [
        pl.col("start").alias(heading(start_column)),
        pl.col("value").round(1).alias(weeks_title),
        pl.col("setting").alias("Where the child lives now"),
        pl.when(pl.col("over_target"))
        .then(pl.lit("Yes"))
        .otherwise(pl.lit("No"))
        .alias("Past the target"),
    ]
    return shown.select(columns)


def _values(shown: pl.DataFrame, target: float | None) -> list[dict[str, Any]]:
    weeks_text = weeks_expr(pl.col("value"), digits=0)
    bar = (
        pl.col("label")
        if "label" in shown.columns
        else (pl.int_range(1, pl.len() + 1).cast(pl.String))
    )
    columns: list[pl.Expr] = [
        bar.alias("bar"),
        pl.col("value"),
        pl.col("setting"),
        pl.col("start").dt.strftime(DAY_FORMAT).alias("start_text"),
        pl.when(pl.col("over_target")).then(pl.lit("Yes")).otherwise(pl.lit("No")).alias("over"),
        (weeks_text + pl.lit(" · ") + pl.col("setting_short")).alias("bar_text"),
        (
            pl.lit("Waited ")
            + weeks_text
            + pl.lit(" so far, living in ")
            + pl.col("setting").str.to_lowercase()
        ).alias("aria"),
    ]
    if "label" in shown.columns:
        columns.append(pl.col("label"))
    if "href" in shown.columns:
        columns.append(pl.col("href"))
    return records(shown.select(columns))


def _setting_scale(shown: pl.DataFrame) -> dict[str, Any]:
    """Each setting present in its own fixed colour, in the vocabulary's order."""
    present = set(shown.get_column("setting").to_list())
    domain = [member.label for member in CareSetting if member.label in present]
    colours = [SETTING_COLOURS[member.value] for member in CareSetting if member.label in present]
    if SETTING_NOT_RECORDED in present:
        domain.append(SETTING_NOT_RECORDED)
        colours.append(NOT_RECORDED_COLOUR)
    return {"domain": domain, "range": colours}


def _alt_text(
    result: AimResult,
    waiting: pl.DataFrame,
    shown: pl.DataFrame,
    target: float | None,
    weeks_title: str,
) -> str:
    aim = result.aim
    total = waiting.height
    parts = [
        f"Each bar is a child still waiting for {end_words(aim.end_column)} on "
        f"{day_text(result.as_of)}, with the weeks waited so far {since(aim.start_column)}, "
        "longest first, coloured and labelled by where the child lives now."
    ]
    verb = "is" if total == 1 else "are"
    sentence = f"{children(total)} {verb} still waiting"
    if target is not None:
        over = int(waiting.get_column("over_target").sum())
        sentence += f"; {over} of them {'has' if over == 1 else 'have'} waited longer than "
        sentence += f"the aim of {aim.target_text}"
    parts.append(sentence + ".")
    if shown.height < total:
        parts.append(f"The chart shows the {shown.height} longest waits.")
    longest = shown.row(0, named=True)
    parts.append(
        f"The longest wait is {weeks(round(longest['value']))} ({longest['setting'].lower()})."
    )
    counts = waiting.group_by("setting_phrase").len()
    counts = counts.sort(["len", "setting_phrase"], descending=[True, False])
    where = [f"{count} {phrase}" for phrase, count in counts.iter_rows()]
    parts.append(f"Where they live now: {join_words(where)}.")
    return " ".join(parts)
