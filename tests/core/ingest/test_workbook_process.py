"""The backstop behind the workbook limits: a workbook is read in a process of its own
with a hard memory limit, so one the limits misjudge cannot kill the process that asked.

Found (issue 12): a 2 MB workbook that unpacked to 1 GB killed the web worker. The limits
now refuse such a file before it is read (``test_workbook_limits.py``); these tests
pretend the limits missed one, and check the reader's own process runs out of memory
instead of this one, with a message saying what to do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from permanence.ingest import readers, workbook_process
from permanence.ingest.errors import ExtractError
from permanence.ingest.readers import read_file, read_workbook_here

from .test_workbook_limits import crafted_workbook


def _workbook(tmp_path: Path) -> Path:
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'] + [
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}" t="s"><v>2</v></c></row>'.encode()
        for n in range(2, 2000)
    ]
    return crafted_workbook(
        tmp_path / "extract.xlsx", rows, ["child_ref", "date_of_birth", "2019-05-04"]
    )


def test_a_workbook_read_in_its_own_process_is_read_as_it_would_be_here(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    (apart,) = read_file(path)
    (here,) = read_workbook_here(path, path.read_bytes())
    assert (apart.path, apart.sheet, apart.header) == (here.path, here.sheet, here.header)
    assert apart.header == ("child_ref", "date_of_birth")
    assert apart.frame.height == 1998
    assert apart.frame.equals(here.frame)


def test_a_workbook_needing_more_memory_than_allowed_is_refused_and_the_caller_lives_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _workbook(tmp_path)
    monkeypatch.setattr(workbook_process, "MAX_READER_MEMORY", 0)
    with pytest.raises(ExtractError) as caught:
        read_file(path)
    message = str(caught.value)
    assert message.startswith("extract.xlsx: the workbook needs more memory to read than allowed")
    assert "CSV" in message and "split" in message
    # This process is untouched and reads the same workbook when memory is allowed.
    monkeypatch.undo()
    (sheet,) = read_file(path)
    assert sheet.frame.height == 1998


def test_a_hostile_workbook_the_limits_miss_stops_the_readers_process_not_this_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two cells far apart: the reader lays out the 20 million cells between them at once
    # (over 600 MB). Pretend the limits misjudged it, and allow the reader 256 MB.
    rows = [
        b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        b'<row r="20000"><c r="ALL20000"><v>1</v></c></row>',
    ]
    path = crafted_workbook(tmp_path / "far.xlsx", rows)
    monkeypatch.setattr(readers, "check_workbook_limits", lambda path, data: None)
    monkeypatch.setattr(workbook_process, "MAX_READER_MEMORY", 256 * 1024 * 1024)
    with pytest.raises(ExtractError) as caught:
        read_file(path)
    message = str(caught.value)
    assert "far.xlsx: the workbook needs more memory to read than allowed (256 MB)" in message
    assert "CSV" in message


def test_a_damaged_workbook_is_refused_from_the_readers_process(tmp_path: Path) -> None:
    # The limits find nothing wrong (a sheet's XML is not checked for being well formed);
    # the reader, in its own process, cannot read it, and says so as it would here.
    path = crafted_workbook(tmp_path / "damaged.xlsx", [b"<row><c><v>1</v></c></row><row"])
    with pytest.raises(ExtractError) as caught:
        read_file(path)
    assert str(caught.value).startswith("damaged.xlsx: cannot be opened as a workbook")


def test_a_workbook_taking_longer_than_allowed_is_refused_and_its_reader_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No workbook is slow on purpose here: allowing no time at all stands for one that is.
    path = _workbook(tmp_path)
    monkeypatch.setattr(workbook_process, "MAX_READING_SECONDS", 0.001)
    with pytest.raises(ExtractError) as caught:
        read_file(path)
    message = str(caught.value)
    assert message.startswith("extract.xlsx: the workbook took longer to read than allowed")
    assert "CSV" in message
