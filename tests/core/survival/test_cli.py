"""``permanence survival`` on a plain CSV."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from permanence.cli.main import main

# The hand-worked children of test_entry_cohorts.py as an analyst's CSV.
CSV = """child,team,accommodated_date,recommendation_date,period_end,route
c1,North,2023-01-01,2023-03-01,,return_home
c2,North,2023-02-01,,2023-05-01,
c3,South,2023-03-01,2024-01-10,,adoption
c4,South,2023-10-01,,,
c5,North,2023-04-01,2023-03-01,,po
c6,South,2023-05-05,2024-08-01,,po
c7,North,2024-01-15,2024-02-12,,po
c8,South,2024-04-01,,,
c9,North,,,,
"""

AIM_2 = ["--start", "accommodated_date", "--end", "recommendation_date"]


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "children.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def _json(capsys: pytest.CaptureFixture[str], *arguments: str) -> dict[str, Any]:
    assert main(["survival", *arguments, "--json"]) == 0
    payload: dict[str, Any] = json.loads(capsys.readouterr().out)
    return payload


def test_json_gives_the_kaplan_meier_table_and_summary_per_cohort(
    csv_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = _json(
        capsys, str(csv_file), *AIM_2, "--as-of", "2024-06-30", "--censor", "period_end",
        "--cohort", "year", "--target-weeks", "26",
    )  # fmt: skip
    assert payload["as_of"] == "2024-06-30"
    assert payload["not_started"] == 1
    assert payload["method"]["interval"] == "pointwise, log-log transform"
    assert [group["group"] for group in payload["groups"]] == [
        {"cohort": "2023"},
        {"cohort": "2024"},
    ]
    first = payload["groups"][0]
    summary = first["summary"]
    assert (summary["n"], summary["reached"], summary["stopped"], summary["waiting"]) == (
        5,
        2,
        1,
        2,
    )
    assert summary["dates_out_of_order"] == 1
    assert summary["days_to_half"] == 315
    assert summary["percent_by_target"] == pytest.approx(20.0)
    counts = [
        (row["day"], row["at_risk"], row["events"], row["censored"]) for row in first["table"]
    ]
    assert counts == [
        (59, 5, 1, 0), (89, 4, 0, 1), (273, 3, 0, 1), (315, 2, 1, 0), (422, 1, 0, 1),
    ]  # fmt: skip
    assert first["table"][0]["survival"] == pytest.approx(0.8)
    assert first["weeks"][9]["percent_reached"] == pytest.approx(20.0)
    # Unknown values are null, never NaN (which is not JSON).
    assert payload["groups"][1]["summary"]["percent_by_target"] is None


def test_grouping_by_a_column_and_cohort(
    csv_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = _json(
        capsys, str(csv_file), *AIM_2, "--as-of", "2024-06-30", "--by", "team", "--cohort", "year"
    )
    assert [group["group"] for group in payload["groups"]] == [
        {"team": "North", "cohort": "2023"},
        {"team": "North", "cohort": "2024"},
        {"team": "South", "cohort": "2023"},
        {"team": "South", "cohort": "2024"},
    ]


def test_without_grouping_every_child_is_in_one_group(
    csv_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = _json(capsys, str(csv_file), *AIM_2, "--as-of", "2024-06-30")
    assert [group["group"] for group in payload["groups"]] == [{"group": "all"}]
    # Without --censor, c2's leaving care is unknown: still waiting at as_of.
    assert payload["groups"][0]["summary"]["waiting"] == 4


def test_routes_add_up_to_the_share_reached(
    csv_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = _json(
        capsys, str(csv_file), *AIM_2, "--as-of", "2024-06-30", "--censor", "period_end",
        "--route", "route",
    )  # fmt: skip
    group = payload["groups"][0]
    for week in group["weeks"]:
        shares = [row["percent"] for row in group["routes"] if row["week"] == week["week"]]
        assert sum(shares) == pytest.approx(week["percent_reached"])
    assert {row["route"] for row in group["routes"]} == {"return_home", "po", "adoption"}


def test_as_of_defaults_to_today(csv_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = _json(capsys, str(csv_file), *AIM_2)
    assert payload["as_of"] == date.today().isoformat()


def test_the_readable_summary(csv_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    arguments = [
        "survival", str(csv_file), *AIM_2, "--as-of", "2024-06-30", "--censor", "period_end",
        "--cohort", "year", "--target-weeks", "26",
    ]  # fmt: skip
    assert main(arguments) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("Time from accommodated_date to recommendation_date, as of 2024-06-30:")
    # Day 315 is in week 45; the interval's lower limit is day 59 (week 9), its upper
    # limit not yet known (the last event was on day 315). By day 182, S = 0.8 with
    # V = 1 / (5 * 4); the log-log limits 0.8 ** exp(+-1.96 sqrt(V) / |log 0.8|) are
    # 0.204 and 0.969, so between 3% and 80% had reached it.
    assert lines[1] == (
        "Children accommodated in 2023: 5; half had a recommendation by week 45 "
        "(95% CI 9 to not yet known); 20% by the 26-week target (95% CI 3 to 80); "
        "2 still waiting, 1 left care without a recommendation. "
        "1 child left out: dates out of order."
    )
    assert lines[2].startswith(
        "Children accommodated in 2024: 2; half had a recommendation by week 4"
    )
    assert lines[2].endswith("nobody followed to the 26-week target yet; 1 still waiting.")
    assert lines[3] == "1 row left out: no start date (accommodated_date), or one after 2024-06-30."


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--start", "accommodated", "--end", "recommendation_date"], "no column 'accommodated'"),
        ([*AIM_2, "--by", "locality"], "no column 'locality'"),
        (["--start", "team", "--end", "recommendation_date"], "column 'team', line 2: 'North'"),
    ],
)
def test_problems_are_one_line_without_a_traceback(
    csv_file: Path,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    assert main(["survival", str(csv_file), *arguments]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith("permanence survival: ")
    assert message in error
    assert "Traceback" not in error


def test_a_bad_date_names_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("start,end\n2023-01-01,\n2023-02-30,2023-03-01\n", encoding="utf-8")
    assert main(["survival", str(path), "--start", "start", "--end", "end"]) == 2
    assert capsys.readouterr().err == (
        "permanence survival: column 'start', line 3: '2023-02-30' is not a date in the form "
        "YYYY-MM-DD\n"
    )


def test_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["survival", str(tmp_path / "none.csv"), *AIM_2]) == 2
    assert "no such file" in capsys.readouterr().err
