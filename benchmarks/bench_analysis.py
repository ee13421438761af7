"""How long the measurement engine takes over the journeys frame.

Issue 3 asks that all four aims, the Aim 2 run chart with both rule sets, Kaplan-Meier by
year and the stage table run over 1,000,000 care periods in under 5 seconds on a 2-core
machine, and over one authority of 5,000 care periods in under 100 ms. The frame is built
first (that is bench_frame's measure) and the analyses are timed on it, best of five.

Run with ``python -m benchmarks.bench_analysis``. Measured, never asserted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl

from benchmarks.data import END, synthetic_extract
from permanence.analysis.aims import AIM_2
from permanence.analysis.aims_outcomes import evaluate_aims
from permanence.analysis.competing_events import competing_events
from permanence.analysis.stages import stage_table
from permanence.analysis.survival import entry_cohort_survival
from permanence.charts.runchart import aim_run_points, analyse_points
from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import read_canonical_csv
from permanence.synth import default_improvement_start

AS_OF = date.fromisoformat(END)
REPEATS = 5


def analyses(frame: pl.DataFrame) -> dict[str, Callable[[], Any]]:
    improvement = default_improvement_start(AS_OF)

    def four_aims() -> Any:
        return evaluate_aims(frame, as_of=AS_OF)

    def aim_2_run_chart() -> Any:
        aim_2 = next(r for r in evaluate_aims(frame, [AIM_2], as_of=AS_OF))
        points = aim_run_points(aim_2.children)
        return [
            analyse_points(points, rules=rules, improvement_start=improvement)
            for rules in ("ihi", "anhoej")
        ]

    def kaplan_meier_by_year() -> Any:
        return entry_cohort_survival(
            frame,
            start="accommodated_date",
            end="recommendation_date",
            cohort="year",
            target_weeks=26,
        )

    def stages() -> Any:
        return stage_table(frame, as_of=AS_OF)

    def aim_2_competing_events() -> Any:
        return competing_events(frame, AIM_2, as_of=AS_OF)

    return {
        "four aims": four_aims,
        "Aim 2 run chart, ihi and anhoej": aim_2_run_chart,
        "Kaplan-Meier by year": kaplan_meier_by_year,
        "stage table": stages,
        "Aim 2 competing events (issue 13)": aim_2_competing_events,
    }


def best_of(function: Callable[[], Any]) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    print(f"The measurement engine over the journeys frame (best of {REPEATS})")
    for children in (5_000, 1_000_000):
        tables = read_canonical_csv(synthetic_extract(children))
        frame = build_journeys_frame(tables, AS_OF, authority="BENCH")
        print(f"\n{children:,} children, {frame.height:,} care periods")
        total = 0.0
        for name, function in analyses(frame).items():
            seconds = best_of(function)
            total += seconds
            print(f"  {name:<34} {seconds * 1000:>9.1f} ms", flush=True)
        print(f"  {'all of them':<34} {total * 1000:>9.1f} ms")
    print("\ntargets (issue 3): 1,000,000 care periods under 5 s; 5,000 under 100 ms")


if __name__ == "__main__":
    main()
