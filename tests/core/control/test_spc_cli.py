"""``permanence spc`` end to end, through the same entry point a person uses."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from permanence.cli.main import main


@pytest.fixture
def monthly(tmp_path: Path) -> Path:
    path = tmp_path / "monthly.csv"
    rows = [
        ("2020-01", 6, 10), ("2020-02", 8, 20), ("2020-03", 10, 25), ("2020-04", 4, 5),
        ("2020-05", 7, 14), ("2020-06", 9, 18),
    ]  # fmt: skip
    path.write_text(
        "month,met,counted\n" + "".join(f"{m}-01,{a},{b}\n" for m, a, b in reversed(rows))
    )
    return path


@pytest.fixture
def waits(tmp_path: Path) -> Path:
    path = tmp_path / "waits.csv"
    weeks = [10, 12, 11, 13, 12, 10, 30]
    path.write_text("ref,weeks\n" + "".join(f"C{i},{w}\n" for i, w in enumerate(weeks)))
    return path


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(list(argv)) == 0
    payload: dict[str, Any] = json.loads(capsys.readouterr().out)
    return payload


def test_p_chart_json_in_time_order(monthly: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = _json(
        capsys, "spc", str(monthly), "--chart", "p", "--numerator", "met",
        "--denominator", "counted", "--order", "month", "--json",
    )  # fmt: skip
    p_bar = 44 / 92
    assert payload["chart"] == "p"
    assert payload["order"][0] == "2020-01-01"
    assert payload["values"][:2] == pytest.approx([0.6, 0.4])
    assert payload["centre"] == pytest.approx([p_bar] * 6)
    upper = p_bar + 3 * math.sqrt(p_bar * (1 - p_bar) / 20)
    assert payload["upper"][1] == pytest.approx(upper)
    assert payload["warnings"] and payload["signals"] == []


def test_u_chart_json(monthly: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the same counts read as events per unit: u-bar = 44 / 92, limits u-bar +- 3 sqrt(u-bar/n)
    payload = _json(
        capsys, "spc", str(monthly), "--chart", "u", "--numerator", "met",
        "--denominator", "counted", "--order", "month", "--json",
    )  # fmt: skip
    u_bar = 44 / 92
    assert payload["chart"] == "u"
    assert payload["centre"] == pytest.approx([u_bar] * 6)
    assert payload["upper"][3] == pytest.approx(u_bar + 3 * math.sqrt(u_bar / 5))


def test_i_chart_summary(waits: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spc", str(waits), "--chart", "i", "--value", "weeks", "--baseline", "6"]) == 0
    text = capsys.readouterr().out
    # baseline 10 12 11 13 12 10: mean 11.33, MRbar 1.6, upper limit 15.59: 30 is above it
    assert "A point above the upper limit (point 7)." in text
    assert "trial limits" in text


def test_t_chart_json_limits_on_the_original_scale(
    waits: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = _json(capsys, "spc", str(waits), "--chart", "t", "--value", "weeks", "--json")
    assert payload["transform"] == "power"
    assert payload["centre"][0] > 10 and payload["upper"][0] > payload["centre"][0]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--chart", "p", "--value", "weeks"], "a p chart needs --numerator and --denominator"),
        (["--chart", "i"], "a i chart needs --value"),
        (
            ["--chart", "g", "--value", "weeks", "--transform", "log"],
            "--transform applies to i charts",
        ),
        (["--chart", "i", "--value", "ref"], "'C0' in column 'ref' is not a number"),
        (["--chart", "i", "--value", "weeks", "--exclude", "nope"], "no column 'nope'"),
    ],
)  # fmt: skip
def test_mistakes_are_one_line_errors(
    waits: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["spc", str(waits), *argv]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def test_an_analysis_refusal_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "zero.csv"
    path.write_text("weeks\n4\n0\n6\n")
    assert main(["spc", str(path), "--chart", "i", "--value", "weeks", "--transform", "log"]) == 2
    assert "point 1 (line 3 of zero.csv) is zero or negative" in capsys.readouterr().err
