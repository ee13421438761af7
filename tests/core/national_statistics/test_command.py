"""``permanence national-statistics`` checks a table before it is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from permanence.analysis.national_statistics import COLUMNS
from permanence.cli.main import main


def test_the_command_lists_the_shipped_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["national-statistics"]) == 0
    out = capsys.readouterr().out
    assert "2023-07-31  Scotland  looked_after  all  12206" in out
    assert "every line in format" in out


def test_the_command_refuses_a_table_out_of_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.csv"
    line = "2024-07-31,North Council,looked_after,all,321,Table 1.3,https://www.gov.scot/x"
    good.write_text(",".join(COLUMNS) + "\n" + line + "\n")
    assert main(["national-statistics", str(good)]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        ",".join(COLUMNS) + "\n2024-07-31,North Council,looked_after,all,many,T,https://x\n"
    )
    assert main(["national-statistics", str(bad)]) == 2
    assert "line 2" in capsys.readouterr().err
