"""The workbook's sheets that are not a chart's data: the group's open actions, the
projects' progress scores with their history, and the local aims on the measures.

Each is a ``Sheet``: a name, a title, a description and a frame of its rows, which
``xlsx.render_xlsx`` writes as a spreadsheet table after the chart sheets (and lists on
the "About" sheet), the same way as the aims at a glance and the stage table. Dates are
dates and figures are numbers, so the group can sort and check them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import polars as pl

from permanence.reports.content import PackContent, ProgressAssessment, ProgressItem, long_date

ACTIONS_SHEET: Final = "Open actions"
PROGRESS_SHEET: Final = "Progress scores"
MEASURE_AIMS_SHEET: Final = "Local aims on measures"
NAMES: Final = (ACTIONS_SHEET, PROGRESS_SHEET, MEASURE_AIMS_SHEET)


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    title: str
    description: str
    frame: pl.DataFrame


def extra_sheets(content: PackContent) -> tuple[Sheet, ...]:
    """The sheets after the chart sheets, in order (the actions always, as the pack opens
    with them; the progress and the measure aims when the pack has them)."""
    on = long_date(content.measuring_date)
    sheets = [
        Sheet(
            ACTIONS_SHEET,
            f"Actions still open from the group's meetings, on {long_date(content.meeting_date)}",
            content.actions_sentence() + " Days overdue are counted to the meeting's date.",
            actions_frame(content),
        )
    ]
    if content.progress:
        sheets.append(
            Sheet(
                PROGRESS_SHEET,
                "Projects' progress on the IHI progress scale (0.5 to 5.0), with its history",
                content.progress_sentence() + " A row per assessment, the earliest first: the "
                "date is the day the phase and score changed to these.",
                progress_frame(content),
            )
        )
    if content.measure_aims:
        sheets.append(
            Sheet(
                MEASURE_AIMS_SHEET,
                f"Local aims on the measures, on {on}",
                content.measure_aims_sentence(),
                measure_aims_frame(content),
            )
        )
    return tuple(sheets)


def actions_frame(content: PackContent) -> pl.DataFrame:
    """Each open action: what, who, when due, the meeting that agreed it and how many days
    past its date it is on the meeting's day (0 when not yet due, blank with no date)."""
    meeting = content.meeting_date
    rows = [
        {
            "Action": action.what,
            "Owner": action.owner,
            "Due": action.due_on,
            "Agreed at the meeting of": action.agreed_on,
            "Days overdue": None
            if action.due_on is None
            else max((meeting - action.due_on).days, 0),
        }
        for action in content.group_actions  # the group's actions: tens at most
    ]
    schema: dict[str, Any] = {
        "Action": pl.String,
        "Owner": pl.String,
        "Due": pl.Date,
        "Agreed at the meeting of": pl.Date,
        "Days overdue": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _assessments(item: ProgressItem) -> tuple[ProgressAssessment, ...]:
    """A project's assessments, the earliest first: its history, or its current standing
    alone when no history was given."""
    if item.history:
        return tuple(sorted(item.history, key=lambda one: one.assessed_on))
    if item.score and item.assessed_on is not None:
        return (ProgressAssessment(item.assessed_on, item.phase, item.score),)
    return ()


def progress_frame(content: PackContent) -> pl.DataFrame:
    """A row per assessment of each project (the phase and score from that date, the score
    before it, and whether it is the standing now); a project never assessed has one row
    saying so."""
    rows: list[dict[str, object]] = []
    for item in content.progress:  # the authority's projects: a handful
        history = _assessments(item)
        if not history:
            rows.append(
                {"Project": item.project, "Aim": item.aim, "Phase": "Not assessed yet", "Now": True}
            )
        for index, one in enumerate(history):
            rows.append(
                {
                    "Project": item.project,
                    "Aim": item.aim,
                    "Changed on": one.assessed_on,
                    "Phase": one.phase,
                    "Score": float(one.score),
                    "Score before": float(history[index - 1].score) if index else None,
                    "Now": index == len(history) - 1,
                }
            )
    schema: dict[str, Any] = {
        "Project": pl.String,
        "Aim": pl.String,
        "Changed on": pl.Date,
        "Phase": pl.String,
        "Score": pl.Float64,
        "Score before": pl.Float64,
        "Now": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema)


def measure_aims_frame(content: PackContent) -> pl.DataFrame:
    """Each local aim on a measure: its target and dates, the latest month's figures, how
    many months reached the target, and whether it is met."""
    rows = []
    for item in content.measure_aims:  # the authority's local aims: a handful
        progress, latest = item.progress, item.progress.latest
        rows.append(
            {
                "Local aim": item.title,
                "Measure": item.measure,
                "Target (%)": progress.target_percent,
                "Counting from": progress.counting_from,
                "To be met by": progress.by_date,
                "Latest month": latest.month if latest else None,
                "Counted in it": latest.denominator if latest else None,
                "Of them, meeting the measure": latest.numerator if latest else None,
                "Latest (%)": round(latest.percentage, 1) if latest else None,
                "Months counted": len(progress.months),
                "Months at the target": progress.at_target,
                "Met?": item.met_text,
            }
        )
    schema: dict[str, Any] = {
        "Local aim": pl.String,
        "Measure": pl.String,
        "Target (%)": pl.Int64,
        "Counting from": pl.Date,
        "To be met by": pl.Date,
        "Latest month": pl.Date,
        "Counted in it": pl.Int64,
        "Of them, meeting the measure": pl.Int64,
        "Latest (%)": pl.Float64,
        "Months counted": pl.Int64,
        "Months at the target": pl.Int64,
        "Met?": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)
