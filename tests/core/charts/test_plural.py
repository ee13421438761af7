"""One rule for counting words: "1 week", never "1 weeks", in every layer."""

from __future__ import annotations

import json
import re
from datetime import date

import polars as pl

from permanence.analysis.aims import AIM_2, AimDefinition
from permanence.analysis.aims_outcomes import evaluate_aim
from permanence.charts import aim_run_chart, still_waiting_chart
from permanence.charts.words import weeks, weeks_expr
from permanence.journey.vocabulary import plural, plural_expr


def test_plural_says_one_in_the_singular_and_every_other_count_in_the_plural():
    assert plural(1, "week") == "1 week"
    assert plural(0, "week") == "0 weeks"
    assert plural(2, "week") == "2 weeks"
    assert plural(1.5, "week") == "1.5 weeks"
    assert plural(1.0, "week") == "1 week"
    assert plural(1200, "child", "children") == "1,200 children"
    assert weeks(1.0) == "1 week" and weeks(1.04) == "1 week" and weeks(30.5) == "30.5 weeks"


def test_the_column_rule_is_the_same_rule():
    frame = pl.DataFrame({"n": [1.0, 1.04, 2.0, 30.46, 0.0]})
    shown = frame.select(weeks_expr(pl.col("n")).alias("t")).get_column("t").to_list()
    assert shown == ["1 week", "1 week", "2 weeks", "30.5 weeks", "0 weeks"]
    counts = pl.DataFrame({"n": [1, 3]})
    said = counts.select(plural_expr(pl.col("n"), "child", "children").alias("t"))
    assert said.get_column("t").to_list() == ["1 child", "3 children"]


def test_a_child_who_waited_one_week_reads_1_week_on_the_charts(build):
    # Recommended 7 days after being accommodated: 1 week; another still waiting 1 week.
    kids = [
        build.Kid("SECRET-A", date(2025, 3, 1), date(2025, 3, 8)),
        build.Kid("SECRET-B", date(2025, 3, 24)),
    ]
    result = evaluate_aim(build.frame_of(kids), AIM_2)
    run = aim_run_chart(result)
    waiting = still_waiting_chart(result)
    text = json.dumps(run.spec) + json.dumps(waiting.spec) + run.alt_text + waiting.alt_text
    assert '"value_text": "1 week"' in json.dumps(run.spec)
    assert "1 week" in json.dumps(waiting.spec)
    assert not re.search(r"\b1(\.0)? weeks\b", text)


def test_an_aim_of_one_week_is_said_in_the_singular():
    aim = AimDefinition(
        id="x",
        title="X",
        statement="",
        start_column="accommodated_date",
        end_column="recommendation_date",
        target_weeks=1,
    )
    assert aim.target_text == "1 week"
