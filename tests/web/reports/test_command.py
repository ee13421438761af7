"""``permanence report`` against the database: the authority's own pack, nobody else's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from permanence.cli.main import main
from permanence.reports.files import PackFormat

from ..conftest import B_MARKERS
from .conftest import MARKS, REF_PREFIX, Alpha
from .test_views import text_of


def test_the_command_writes_all_three_files_into_a_folder(
    alpha: Alpha, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "packs"
    assert main(["report", "--authority", "ALPHA", "--out", f"{folder}/"]) == 0
    day = alpha.today.isoformat()
    expected = {f"champions-group-pack-ALPHA-{day}.{fmt.value}" for fmt in PackFormat}
    assert {path.name for path in folder.iterdir()} == expected
    output = capsys.readouterr().out
    assert "Alpha Council" in output and re.search(r"\(\d+ seconds\)", output)
    for fmt in PackFormat:
        text = text_of(fmt, (folder / f"champions-group-pack-ALPHA-{day}.{fmt.value}").read_bytes())
        assert REF_PREFIX not in text, fmt
        assert not [marker for marker in B_MARKERS if marker in text], fmt
        if fmt is PackFormat.PDF:
            assert all(mark in text for mark in MARKS)


def test_the_format_comes_from_the_files_ending_or_is_given(alpha: Alpha, tmp_path: Path) -> None:
    one = tmp_path / "one" / "meeting.xlsx"
    assert main(["report", "--authority", "ALPHA", "--out", str(one)]) == 0
    assert [path.name for path in one.parent.iterdir()] == ["meeting.xlsx"]
    three = tmp_path / "all" / "meeting.pdf"
    since = alpha.today.replace(day=1).isoformat()
    arguments = ["report", "--authority", "ALPHA", "--out", str(three), "--format", "all"]
    assert main([*arguments, "--since", since]) == 0
    assert sorted(path.name for path in three.parent.iterdir()) == [
        "meeting.pdf",
        "meeting.pptx",
        "meeting.xlsx",
    ]


def test_the_commands_mistakes_are_said_in_one_line(
    alpha: Alpha, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    out = str(folder / "pack.pdf")
    assert main(["report", "--authority", "NOWHERE", "--out", out]) == 2
    assert "no authority has the code 'NOWHERE'" in capsys.readouterr().err
    assert main(["report", "--authority", "ALPHA", "--out", str(folder / "pack.doc")]) == 2
    assert ".pdf, .pptx or .xlsx" in capsys.readouterr().err
    mismatched = ["--out", str(folder / "pack.xlsx"), "--format", "pdf"]
    assert main(["report", "--authority", "ALPHA", *mismatched]) == 2
    assert "ends in .xlsx but --format is pdf" in capsys.readouterr().err
    tomorrow = alpha.today.replace(year=alpha.today.year + 1).isoformat()
    assert main(["report", "--authority", "ALPHA", "--out", out, "--since", tomorrow]) == 2
    assert "--since cannot be after today" in capsys.readouterr().err
    assert not folder.exists()
