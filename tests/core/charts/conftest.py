"""Data for the chart tests: hand-built children whose every figure can be worked out by
hand, and a synthetic authority for realistic charts.

Child references here are deliberately distinctive ("SECRET-...") so a test can search a
spec, its JSON and its CSV for any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np
import polars as pl
import pytest

from permanence.analysis.aims import AIM_2, local_aim
from permanence.analysis.aims_outcomes import evaluate_aim
from permanence.analysis.control import analyse_control_chart
from permanence.analysis.periods import Granularity
from permanence.analysis.process_measures import planning_72h_in_time
from permanence.analysis.stages import GroupBy, stage_table
from permanence.analysis.survival import entry_cohort_survival
from permanence.charts import (
    Annotation,
    ChartSpec,
    aim_p_chart,
    aim_run_chart,
    aim_trend_chart,
    control_chart,
    process_measure_chart,
    stages_chart,
    still_waiting_chart,
    survival_chart,
)
from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import SCHEMAS, JourneyTables
from permanence.synth import generate

AS_OF = date(2025, 3, 31)
IMPROVEMENT_START = date(2023, 3, 1)


@dataclass(frozen=True)
class Kid:
    """One accommodated care period: a few dates are all a chart needs."""

    ref: str
    accommodated: date
    recommended: date | None = None
    left: date | None = None
    placement: str = "foster_la"


def tables_of(kids: list[Kid]) -> JourneyTables:
    def frame(name: str, rows: list[dict[str, object]]) -> pl.DataFrame:
        return pl.DataFrame(rows, schema=dict(SCHEMAS[name]))

    key = [{"child_ref": k.ref, "period_start": k.accommodated} for k in kids]
    return JourneyTables(
        children=frame(
            "children",
            [{"child_ref": k.ref, "date_of_birth": date(2018, 5, 1), "sex": "male"} for k in kids],
        ),
        care_periods=frame(
            "care_periods",
            [
                {
                    **row,
                    "period_end": k.left,
                    "destination": "home" if k.left else None,
                    "team": "North",
                }
                for row, k in zip(key, kids, strict=True)
            ],
        ),
        placements=frame(
            "placements",
            [
                {**row, "placement_type": k.placement, "start_date": k.accommodated}
                for row, k in zip(key, kids, strict=True)
            ],
        ),
        legal_statuses=frame("legal_statuses", []),
        meetings=frame("meetings", []),
        milestones=frame(
            "milestones",
            [
                {
                    **row,
                    "milestone": "permanence_recommendation",
                    "date": k.recommended,
                    "detail": "return_home",
                }
                for row, k in zip(key, kids, strict=True)
                if k.recommended is not None
            ],
        ),
    )


def frame_of(kids: list[Kid], as_of: date = AS_OF) -> pl.DataFrame:
    return build_journeys_frame(tables_of(kids), as_of, authority="T")


def kids_waiting(weeks: list[float], *, start: date, gap_days: int = 14) -> list[Kid]:
    """Children recommended every ``gap_days`` from ``start``, each after ``weeks[i]``."""
    kids = []
    for index, wait in enumerate(weeks):
        recommended = start + timedelta(days=gap_days * index)
        accommodated = recommended - timedelta(days=round(wait * 7))
        kids.append(Kid(f"SECRET-{index:03d}", accommodated, recommended))
    return kids


#: A PACE-style history: 12 children before the improvement work, median 52 weeks;
#: then 9 in a row who waited less (a shift, ending at the last child).
BASELINE_WEEKS = [40, 60, 52, 45, 70, 52, 48, 66, 38, 58, 52, 55]
AFTER_WEEKS = [30, 28, 35, 20, 26, 33, 24, 29, 22]


def shift_kids() -> list[Kid]:
    before = kids_waiting(BASELINE_WEEKS, start=date(2022, 8, 1))
    after = kids_waiting(AFTER_WEEKS, start=date(2023, 3, 6))
    return before + [
        Kid(f"SECRET-{index + 100:03d}", k.accommodated, k.recommended)
        for index, k in enumerate(after)
    ]


@cache
def synthetic_frame() -> pl.DataFrame:
    """A synthetic authority of 250 children, six years to 31 March 2025."""
    return build_journeys_frame(generate(250, 20250331, end=AS_OF), AS_OF, authority="SYN")


@pytest.fixture
def synthetic() -> pl.DataFrame:
    return synthetic_frame()


@pytest.fixture
def with_pseudonyms() -> pl.DataFrame:
    """A pseudonym per child, to join onto an aim's children: ``pseudonym`` and ``link``."""
    return pl.DataFrame(
        {"child_ref": [f"SECRET-{i:03d}" for i in range(200)]},
    ).with_columns(
        ("P" + pl.int_range(1000, 1200).cast(pl.String)).alias("pseudonym"),
        ("/journeys/" + pl.int_range(1000, 1200).cast(pl.String)).alias("link"),
    )


# ---- one of every chart ------------------------------------------------------------------

START = date(2022, 9, 30)
ANNOTATIONS = [
    Annotation(START, "2-week planning meeting"),
    Annotation(date(2023, 1, 10), "Review dates set at accommodation", "change"),
]
LOCAL = local_aim(
    "recommendation",
    id="local",
    title="Local aim",
    by_date=date(2026, 3, 31),
    start_on_or_after=date(2022, 10, 1),
    target_percent=80,
    target_weeks=36,
)


def _charts(frame: pl.DataFrame) -> dict[str, Callable[[], ChartSpec]]:
    as_of = None if frame.height else AS_OF
    aim2 = evaluate_aim(frame, AIM_2, as_of=as_of)
    quarterly = evaluate_aim(frame, AIM_2, granularity=Granularity.QUARTER, as_of=as_of)
    return {
        "aim run chart": lambda: aim_run_chart(
            aim2, improvement_start=START, annotations=ANNOTATIONS
        ),
        "still waiting": lambda: still_waiting_chart(aim2),
        "survival": lambda: survival_chart(
            entry_cohort_survival(
                frame, start="accommodated_date", end="recommendation_date", target_weeks=26
            )
        ),
        "p chart": lambda: aim_p_chart(quarterly, improvement_start=START, annotations=ANNOTATIONS),
        "trend": lambda: aim_trend_chart(evaluate_aim(frame, LOCAL, as_of=as_of)),
        "stages": lambda: stages_chart(stage_table(frame, as_of=as_of)),
        "stages by period": lambda: stages_chart(
            stage_table(frame, by=GroupBy.PERIOD, as_of=as_of), by_group=True
        ),
        "process measure": lambda: process_measure_chart(
            planning_72h_in_time(frame),
            name="planning-72h",
            title="72-hour planning meetings held in time",
            what="children accommodated that month whose 72-hour meeting was held in time",
            target_percent=90,
            improvement_start=START,
            annotations=ANNOTATIONS,
        ),
    }


def _i_chart() -> ChartSpec:
    values = np.array([12.0, 15, 11, 14, 13, 40, 12, 14, 9, 10, 8, 9, 7, 8, 9, 7, 8, 6])
    result = analyse_control_chart("i", values, phase_breaks=[9])
    days = [date(2023, 1, 1 + i) for i in range(values.size)]
    return control_chart(result, days, name="i", title="An I chart", y_title="Days")


@cache
def charted_frame() -> pl.DataFrame:
    """The synthetic authority every chart type is drawn for."""
    return build_journeys_frame(generate(250, 7, end=AS_OF), AS_OF, authority="SYN")


@cache
def all_charts() -> dict[str, ChartSpec]:
    """One of every chart type on a synthetic authority, and each again with no children."""
    frame = charted_frame()
    empty = frame.clear()
    charts = {name: make() for name, make in _charts(frame).items()}
    charts.update({f"{name} (empty)": make() for name, make in _charts(empty).items()})
    charts["i chart with phases"] = _i_chart()
    return charts


@pytest.fixture(scope="session")
def every_chart() -> dict[str, ChartSpec]:
    return all_charts()


@pytest.fixture(scope="session")
def every_chart_frame() -> pl.DataFrame:
    return charted_frame()


class Build:
    """The builders and the worked examples, handed to tests as the ``build`` fixture."""

    AS_OF = AS_OF
    IMPROVEMENT_START = IMPROVEMENT_START
    BASELINE_WEEKS = BASELINE_WEEKS
    AFTER_WEEKS = AFTER_WEEKS
    Kid = Kid
    frame_of = staticmethod(frame_of)
    kids_waiting = staticmethod(kids_waiting)
    shift_kids = staticmethod(shift_kids)
    synthetic_frame = staticmethod(synthetic_frame)


@pytest.fixture(scope="session")
def build() -> type[Build]:
    return Build
