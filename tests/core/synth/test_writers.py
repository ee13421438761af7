"""CSV files and workbooks in the canonical import format, read back independently."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from permanence.journey.tables import SCHEMAS, read_canonical_csv
from permanence.synth import writers
from permanence.synth.messy import make_messy
from permanence.synth.writers import TooManyRowsForExcel, write_csv, write_xlsx

from .conftest import authority


def test_clean_csv_reads_back_exactly(tmp_path: Path) -> None:
    tables = authority(600, 1)
    written = write_csv(tables, tmp_path)
    assert [path.name for path in written] == [f"{name}.csv" for name in SCHEMAS]
    again = read_canonical_csv(tmp_path)
    for name, frame in tables.items():
        assert getattr(again, name).equals(frame), name
    header = (tmp_path / "children.csv").read_text("utf-8").splitlines()[0]
    assert header == "child_ref,initials,date_of_birth,sex,ethnicity,disability,sibling_group"


def test_clean_csv_keeps_leading_zeros_and_iso_dates(tmp_path: Path) -> None:
    write_csv(authority(600, 1), tmp_path)
    raw = pl.read_csv(tmp_path / "placements.csv", infer_schema=False)
    assert raw.get_column("child_ref").str.starts_with("0").any()
    assert raw.get_column("start_date").str.contains(r"^\d{4}-\d{2}-\d{2}$").all()


def test_messy_csv_keeps_every_character(tmp_path: Path) -> None:
    messy = make_messy(authority(600, 1), 3)
    write_csv(messy, tmp_path)
    for name, frame in messy.items():
        again = pl.read_csv(tmp_path / f"{name}.csv", infer_schema=False)
        # Blank text and a missing value are the same thing in a CSV file.
        assert again.equals(frame.with_columns(pl.all().replace("", None))), name


def _sheet(path: Path, name: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def test_a_workbook_has_a_sheet_per_table_with_text_identifiers(tmp_path: Path) -> None:
    tables = authority(200, 2)
    path = write_xlsx(tables, tmp_path / "authority.xlsx")
    assert CalamineWorkbook.from_path(str(path)).sheet_names == list(SCHEMAS)
    for name, frame in tables.items():
        rows = _sheet(path, name)
        assert rows[0] == frame.columns, name
        assert len(rows) == frame.height + 1, name
        refs = [row[0] for row in rows[1:]]
        assert refs == frame.get_column("child_ref").to_list(), name
    placements = _sheet(path, "placements")
    assert placements[1][3] == tables.placements.item(0, "start_date")
    assert isinstance(placements[1][3], date)


def test_a_messy_workbook_keeps_text_and_writes_serial_dates_as_numbers(tmp_path: Path) -> None:
    messy = make_messy(authority(600, 1), 3)
    path = write_xlsx(messy, tmp_path / "messy.xlsx")
    rows = _sheet(path, "meetings")
    held = [row[5] for row in rows[1:]]
    assert any(isinstance(value, float) and 20_000 < value < 60_000 for value in held)
    assert any(isinstance(value, str) and "/" in value for value in held)
    refs = [row[0] for row in rows[1:]]
    assert refs == messy["meetings"].get_column("child_ref").to_list()


def test_a_value_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    tables = authority(30, 2)
    children = tables.children.with_columns(pl.lit("=1+1").alias("ethnicity"))
    path = write_xlsx({**dict(tables.items()), "children": children}, tmp_path / "f.xlsx")
    assert _sheet(path, "children")[1][4] == "=1+1"


def test_a_table_too_big_for_excel_is_refused_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writers, "EXCEL_MAX_DATA_ROWS", 1_000)
    path = tmp_path / "too-big.xlsx"
    with pytest.raises(TooManyRowsForExcel, match="the meetings table has"):
        write_xlsx(authority(200, 2), path)
    assert not path.exists()
