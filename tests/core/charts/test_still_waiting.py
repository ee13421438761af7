"""The still-waiting chart: one bar per child with no recommendation yet, still in care."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from permanence.analysis.aims import AIM_2
from permanence.analysis.aims_outcomes import evaluate_aim
from permanence.charts import still_waiting_chart
from permanence.charts.spec import SETTING_COLOURS


def bars(chart):
    (layer,) = [layer for layer in chart.spec["layer"] if layer["mark"].get("type") == "bar"]
    return layer


def test_a_bar_per_child_still_waiting_longest_first(build):
    as_of = date(2025, 3, 31)
    kids = [
        build.Kid("SECRET-1", date(2021, 1, 5), placement="residential_house"),
        build.Kid("SECRET-2", date(2024, 12, 1), placement="kinship"),
        build.Kid("SECRET-3", date(2024, 6, 1), date(2024, 9, 1)),  # recommended: no bar
        build.Kid("SECRET-4", date(2023, 1, 1), left=date(2024, 1, 1)),  # left care: no bar
        build.Kid("SECRET-5", date(2024, 4, 1)),
    ]
    chart = still_waiting_chart(evaluate_aim(build.frame_of(kids, as_of), AIM_2))
    values = bars(chart)["data"]["values"]
    # Worked by hand: days from accommodation to 31 March 2025, in weeks, longest first.
    expected = sorted(
        [
            ((as_of - date(2021, 1, 5)).days / 7, "Residential care"),
            ((as_of - date(2024, 12, 1)).days / 7, "Kinship care"),
            ((as_of - date(2024, 4, 1)).days / 7, "Foster care"),
        ],
        reverse=True,
    )
    assert [(round(v["value"], 3), v["setting"]) for v in values] == [
        (round(w, 3), s) for w, s in expected
    ]
    assert chart.data.height == 3
    assert chart.data.get_column("Past the target").to_list() == ["Yes", "Yes", "No"]
    # Where the child lives is in words at the end of the bar, not colour alone.
    assert values[0]["bar_text"] == f"{round(expected[0][0])} weeks · residential"
    # Each setting keeps its own colour on every chart.
    scale = bars(chart)["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        "Kinship care": SETTING_COLOURS["kinship"],
        "Foster care": SETTING_COLOURS["foster"],
        "Residential care": SETTING_COLOURS["residential"],
    }
    assert "3 children are still waiting; 2 of them have waited longer than" in chart.alt_text
    assert "The longest wait is 221 weeks (residential care)." in chart.alt_text
    assert "1 in residential care" in chart.alt_text


def test_the_target_line_is_at_the_aim(build):
    kids = [build.Kid("SECRET-1", date(2024, 1, 5))]
    chart = still_waiting_chart(evaluate_aim(build.frame_of(kids), AIM_2))
    rule = next(
        layer
        for layer in chart.spec["layer"]
        if layer["mark"].get("type") == "rule" and layer["mark"]["color"] == "#428542"
    )
    assert rule["data"]["values"][0]["target"] == 26


def test_agrees_with_the_frame_for_a_synthetic_authority(synthetic):
    chart = still_waiting_chart(evaluate_aim(synthetic, AIM_2))
    # Independently: accommodated, no recommendation by as_of, care period still open,
    # and not back home with their parents (docs/aims.md, rule 2).
    waiting = synthetic.filter(
        pl.col("accommodated_date").is_not_null()
        & pl.col("recommendation_date").is_null()
        & pl.col("period_end").is_null()
        & pl.col("returned_home_date").is_null()
    )
    assert chart.data.height == waiting.height
    weeks = chart.data.get_column(chart.data.columns[1]).to_list()
    assert weeks == sorted(weeks, reverse=True)


def test_labels_and_links_come_only_from_the_caller(build, with_pseudonyms):
    kids = [build.Kid("SECRET-001", date(2024, 1, 5)), build.Kid("SECRET-002", date(2024, 6, 5))]
    result = evaluate_aim(build.frame_of(kids), AIM_2)
    plain = still_waiting_chart(result)
    assert "SECRET" not in plain.to_json() + plain.to_csv() + plain.alt_text
    assert bars(plain)["encoding"]["y"]["axis"]["labels"] is False
    joined = result.children.join(with_pseudonyms, on="child_ref")
    named = still_waiting_chart(result, children_table=joined, label="pseudonym", href="link")
    assert "SECRET" not in named.to_json() + named.to_csv()
    assert named.data.get_column("Child").to_list() == ["P1001", "P1002"]
    assert {v["href"] for v in bars(named)["data"]["values"]} == {
        "/journeys/1001",
        "/journeys/1002",
    }


def test_longest_keeps_the_longest_waits_and_says_so(build):
    kids = [build.Kid(f"SECRET-{i}", date(2024, 1, 1 + i)) for i in range(5)]
    chart = still_waiting_chart(evaluate_aim(build.frame_of(kids), AIM_2), longest=2)
    assert chart.data.height == 2
    assert "The chart shows the 2 longest waits." in chart.alt_text
    assert "5 children are still waiting" in chart.alt_text


def test_nobody_waiting_and_nobody_at_all(build):
    done = [build.Kid("SECRET-1", date(2024, 1, 5), date(2024, 3, 1))]
    chart = still_waiting_chart(evaluate_aim(build.frame_of(done), AIM_2))
    assert "No child is still waiting" in chart.to_json()
    empty = build.frame_of([])
    chart = still_waiting_chart(evaluate_aim(empty, AIM_2, as_of=build.AS_OF))
    assert "No children yet" in chart.to_json()


waiting_rows = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=300),  # weeks waited, in tenths
        st.one_of(st.none(), st.booleans()),  # still waiting
        st.integers(min_value=0, max_value=5),  # start date, in days after a fixed day
        st.sampled_from(["A", "B"]),  # authority
    ),
    max_size=40,
)


@given(rows=waiting_rows)
def test_numbered_bars_run_longest_wait_first_with_ties_in_a_fixed_order(
    build, rows: list[tuple[int, bool | None, int, str]]
) -> None:
    start = date(2024, 1, 1)
    children = pl.DataFrame(
        {
            "authority": [row[3] for row in rows],
            "child_ref": [f"C{index:03d}" for index in range(len(rows))],
            "period_number": [1] * len(rows),
            "start_date": [start + timedelta(days=row[2]) for row in rows],
            "weeks_waited": [row[0] / 10 for row in rows],
            "still_waiting": [row[1] for row in rows],
            "over_target": [False] * len(rows),
            "current_care_setting": ["foster"] * len(rows),
        },
        schema={
            "authority": pl.String,
            "child_ref": pl.String,
            "period_number": pl.Int64,
            "start_date": pl.Date,
            "weeks_waited": pl.Float64,
            "still_waiting": pl.Boolean,
            "over_target": pl.Boolean,
            "current_care_setting": pl.String,
        },
    )
    nobody = evaluate_aim(build.frame_of([]), AIM_2, as_of=build.AS_OF)
    result = dataclasses.replace(nobody, children=children)
    # ``href`` carries each child's reference through, so the test can tell who is where.
    chart = still_waiting_chart(result, numbered=True, href="child_ref")
    # The order worked out independently: longest wait, then earliest start, authority, ref.
    waiting = sorted(
        (-row[0], row[2], row[3], f"C{index:03d}")
        for index, row in enumerate(rows)
        if row[1] is True
    )
    expected = [
        ("Child 1 (longest wait)" if place == 1 else f"Child {place}", ref)
        for place, (_, _, _, ref) in enumerate(waiting, start=1)
    ]
    values = bars(chart)["data"]["values"] if expected else []
    assert [(value["label"], value["href"]) for value in values] == expected


def test_a_chart_is_numbered_or_labelled_by_reference_not_both(build, with_pseudonyms):
    result = evaluate_aim(build.frame_of([build.Kid("SECRET-001", date(2024, 1, 5))]), AIM_2)
    joined = result.children.join(with_pseudonyms, on="child_ref")
    with pytest.raises(ValueError, match="numbered, not both"):
        still_waiting_chart(result, children_table=joined, label="pseudonym", numbered=True)
    numbered = still_waiting_chart(result, numbered=True, label_title="Child, longest first")
    assert "SECRET" not in numbered.to_json() + numbered.to_csv() + numbered.alt_text
    assert numbered.data.get_column("Child, longest first").to_list() == ["Child 1 (longest wait)"]
    assert bars(numbered)["encoding"]["y"]["axis"]["labels"] is True
