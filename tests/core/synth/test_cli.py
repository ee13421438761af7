"""``permanence synth``: arguments, files written, the summary, refusals without tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from permanence.cli.main import main
from permanence.journey.tables import SCHEMAS, read_canonical_csv
from permanence.synth import generate, writers

from .conftest import END

ARGS = ["synth", "--children", "40", "--seed", "3", "--end", END.isoformat()]


def test_writes_the_canonical_csv_files_and_says_what_it_did(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*ARGS, "--out", str(tmp_path)]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        f"{name}.csv" for name in SCHEMAS
    )
    said = capsys.readouterr().out
    assert "40 children" in said
    assert "care periods" in said
    assert "meetings" in said and "children.csv" in said
    assert "\n" not in said.strip()  # one paragraph


def test_what_it_writes_is_what_generate_gives(tmp_path: Path) -> None:
    main([*ARGS, "--years", "4", "--improvement-start", "2023-01-01", "--out", str(tmp_path)])
    written = read_canonical_csv(tmp_path)
    expected = generate(40, 3, end=END, years=4, improvement_start=END.replace(2023, 1, 1))
    for name, frame in expected.items():
        assert getattr(written, name).equals(frame), name


def test_messy_in_both_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--messy", "--format", "both", "--out", str(tmp_path)]) == 0
    names = {path.name for path in tmp_path.iterdir()}
    assert names == {f"{name}.csv" for name in SCHEMAS} | {writers.WORKBOOK_NAME}
    assert "messy" in capsys.readouterr().out
    header = (tmp_path / "care_periods.csv").read_text("utf-8").splitlines()[0]
    assert header.endswith(",date_of_birth")


def test_a_workbook_too_big_for_excel_is_refused_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(writers, "EXCEL_MAX_DATA_ROWS", 100)
    out = tmp_path / "out"
    assert main([*ARGS, "--format", "both", "--out", str(out)]) == 2
    assert "cannot write a workbook" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--children", "0"], "--children"),
        (["--years", "0.1"], "years"),
    ],
)
def test_impossible_requests_get_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert main([*ARGS, *extra, "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert message in error
    assert "Traceback" not in error


def test_end_defaults_to_today(tmp_path: Path) -> None:
    assert main(["synth", "--children", "30", "--seed", "1", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "children.csv").exists()
