"""``permanence return`` against the database: one authority's return, nobody else's.

The command reads the records in the authority's own scope; its file must hold every
care period of that authority open in the year and nothing of any other authority, and
no child's reference or date of birth.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from permanence.cli.main import main
from permanence.reports.milestone_return import CollectionYear, read_return
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.models import CarePeriod

from .conftest import REF_MARKER, Nation


def _year_with_periods() -> int:
    return CollectionYear(date.today().year).year - 1


@pytest.mark.parametrize("layout", ["permanence", "clas"])
def test_the_command_writes_one_authoritys_return(
    nation: Nation, tmp_path: Path, capsys: pytest.CaptureFixture[str], layout: str
) -> None:
    year = _year_with_periods()
    out = tmp_path / "returns" / f"NORTH-{year}.csv"
    command = ["return", "--authority", "NORTH", "--year", str(year), "--out", str(out)]
    assert main([*command, "--layout", layout]) == 0
    assert "Wrote" in capsys.readouterr().out
    rows, metadata = read_return(out)
    collection = CollectionYear(year)
    north = nation.authorities["NORTH"]
    with scoped_to(Scope.authority(north.pk)):
        expected = CarePeriod.objects.filter(period_start__lte=collection.last_day).exclude(
            period_end__lt=collection.first_day
        )
        assert rows.height == expected.count() > 0
    assert set(rows.get_column("authority")) == {"NORTH"}
    assert not {"child_ref", "date_of_birth", "initials"} & set(rows.columns)
    assert metadata["authority"] == "NORTH" and metadata["complete"] is True
    assert metadata["layout"]["name"] == layout
    first_heading = "RETURN_VERSION," if layout == "clas" else "return_version,"
    assert out.read_text().startswith(first_heading)
    text = out.read_text() + out.with_name(out.name + ".json").read_text()
    assert REF_MARKER not in text
    # No date of birth, except where a milestone falls on the same day (a baby
    # accommodated at birth is accommodated on the day it was born: the return must
    # carry the accommodation date; docs/milestone-return.md says so).
    milestone_dates = {
        written
        for column in rows.columns
        if rows.schema[column] == pl.Date
        for value in rows.get_column(column).drop_nulls().to_list()
        for written in (value.isoformat(), value.strftime("%d/%m/%Y"))
    }
    assert [born for born in nation.births if born in text and born not in milestone_dates] == []
    assert json.loads(out.with_name(out.name + ".json").read_text())["rows"] == rows.height


def test_the_same_children_keep_their_pseudonyms_next_year(nation: Nation, tmp_path: Path) -> None:
    year = _year_with_periods()
    ids = []
    for each in (year - 1, year):
        out = tmp_path / f"SOUTH-{each}.csv"
        assert main(["return", "--authority", "SOUTH", "--year", str(each), "--out", str(out)]) == 0
        ids.append(set(read_return(out)[0].get_column("child_id")))
    assert ids[0] & ids[1]


def test_an_unknown_authority_is_a_usage_error(
    nation: Nation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["return", "--authority", "NOWHERE", "--year", "2025", "--out", str(tmp_path / "x.csv")]
    )
    assert code == 2
    assert "no authority" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_a_return_that_breaks_its_rules_is_not_written(
    nation: Nation,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from permanence.reports import milestone_return

    real = milestone_return.build_return

    def broken(*args: object, **kwargs: object) -> milestone_return.MilestoneReturn:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        rows = result.rows.with_columns(pl.lit("not-a-pseudonym").alias("child_id"))
        return milestone_return.MilestoneReturn(
            authority=result.authority, year=result.year, as_of=result.as_of, rows=rows
        )

    monkeypatch.setattr(milestone_return, "build_return", broken)
    out = tmp_path / "broken.csv"
    assert (
        main(
            [
                "return",
                "--authority",
                "WEST",
                "--year",
                str(_year_with_periods()),
                "--out",
                str(out),
            ]
        )
        == 1
    )
    assert "child_id" in capsys.readouterr().out
    assert not out.exists()
