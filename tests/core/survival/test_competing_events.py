"""Competing events (finding 7 of issue 13): leaving care, going home and a reversed plan
are not censoring. Worked by hand, and against statsmodels' ``CumIncidenceRight`` (an
independent Aalen-Johansen implementation) on a synthetic authority."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from statsmodels.duration.survfunc import CumIncidenceRight

from permanence.analysis.aims import AIM_2, AIM_3
from permanence.analysis.aims_outcomes import aim_children
from permanence.analysis.competing_events import (
    OUTCOMES,
    STILL_WAITING,
    competing_events,
    competing_events_of,
)
from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import SCHEMAS, JourneyTables
from permanence.synth import generate

JAN_1 = date(2024, 1, 1)


def _frame(as_of: date) -> pl.DataFrame:
    """Four children accommodated on 1 January 2024: A recommended on day 14, B left care
    on day 7, C went home to their parents on day 21 (still looked after), D waiting."""

    def key(ref: str) -> dict[str, object]:
        return {"child_ref": ref, "period_start": JAN_1}

    def day(number: int) -> date:
        return JAN_1 + timedelta(days=number)

    def table(name: str, rows: list[dict[str, object]]) -> pl.DataFrame:
        return pl.DataFrame(rows, schema=dict(SCHEMAS[name]))

    refs = ["A", "B", "C", "D"]
    tables = JourneyTables(
        children=table(
            "children", [{"child_ref": r, "date_of_birth": date(2020, 1, 1)} for r in refs]
        ),
        care_periods=table(
            "care_periods",
            [
                {
                    **key(r),
                    "period_end": day(7) if r == "B" else None,
                    "destination": "other" if r == "B" else None,
                }
                for r in refs
            ],
        ),
        placements=table(
            "placements",
            [{**key(r), "placement_type": "foster_la", "start_date": JAN_1} for r in refs]
            + [{**key("C"), "placement_type": "home", "start_date": day(21)}],
        ),
        legal_statuses=table("legal_statuses", []),
        meetings=table("meetings", []),
        milestones=table(
            "milestones",
            [
                {
                    **key("A"),
                    "milestone": "permanence_recommendation",
                    "date": day(14),
                    "detail": "po",
                }
            ],
        ),
    )
    return build_journeys_frame(tables, as_of, authority="T")


def test_the_cumulative_incidence_worked_by_hand() -> None:
    result = competing_events(_frame(JAN_1 + timedelta(days=28)), AIM_2)
    week_4 = result.curves.filter((pl.col("cohort") == "all") & (pl.col("week") == 4))
    shares = dict(zip(week_4["outcome"], week_4["percent"], strict=True))
    # Day 7: 4 at risk, B leaves: left care 1/4, waiting 3/4. Day 14: 3 at risk, A reached:
    # 3/4 x 1/3 = 1/4. Day 21: 2 at risk, C home: 1/2 x 1/2 = 1/4. D still waiting: 1/4.
    assert shares == pytest.approx(
        {
            "reached": 25.0,
            "left_care": 25.0,
            "returned_home": 25.0,
            "reversed": 0.0,
            STILL_WAITING: 25.0,
        }
    )
    # Kaplan-Meier censors B and C as if they might still be recommended: 1 - 2/3.
    km = result.km_curves.filter((pl.col("cohort") == "all") & (pl.col("week") == 4))
    assert km["km_percent_reached"].item() == pytest.approx(100 / 3)
    summary = result.summary.filter(pl.col("cohort") == "2024").row(0, named=True)
    assert (summary["counted"], summary["reached"], summary["left_care"]) == (4, 1, 1)
    assert (summary["returned_home"], summary[STILL_WAITING]) == (1, 1)


def test_every_week_adds_up_to_everyone() -> None:
    result = competing_events(_frame(JAN_1 + timedelta(days=28)), AIM_2)
    totals = (
        result.curves.filter(pl.col("percent").is_not_null())
        .group_by("cohort", "week")
        .agg(pl.col("percent").sum())
    )
    assert totals["percent"].to_list() == pytest.approx([100.0] * totals.height)


@pytest.mark.parametrize(("seed", "aim"), [(4, AIM_2), (9, AIM_2), (4, AIM_3)])
def test_the_curves_match_statsmodels_on_a_synthetic_authority(seed: int, aim: object) -> None:
    as_of = date(2025, 3, 31)
    frame = build_journeys_frame(generate(400, seed, end=as_of), as_of, authority="S")
    children = aim_children(frame, aim)  # type: ignore[arg-type]
    result = competing_events_of(children, aim)  # type: ignore[arg-type]
    # The same children coded independently of the module: 1 reached, then the
    # competing events in order, 0 still waiting.
    usable = children.filter(pl.col("days_waited") >= 0)
    stop_code = {outcome.value: index for index, outcome in enumerate(OUTCOMES, start=1)}
    status = [
        1 if end is not None else stop_code.get(stopped or "", 0)
        for end, stopped in zip(usable["end_date"], usable["stopped_by"], strict=True)
    ]
    days = usable["days_waited"].to_numpy().astype(float)
    with np.errstate(all="ignore"):
        theirs = CumIncidenceRight(days, np.array(status, dtype=float))
    curve = result.curves.filter(pl.col("cohort") == "all")
    for index, outcome in enumerate(OUTCOMES):
        if index >= len(theirs.cinc):
            continue  # statsmodels numbers only the outcomes that occur
        rows = curve.filter((pl.col("outcome") == outcome.value) & pl.col("percent").is_not_null())
        at = rows["week"].to_numpy() * 7
        position = np.searchsorted(theirs.times, at, side="right") - 1
        expected = np.where(position < 0, 0.0, theirs.cinc[index][np.clip(position, 0, None)])
        np.testing.assert_allclose(rows["percent"].to_numpy(), expected * 100, atol=1e-9)
