"""The shipped CLAS profile: a synthetic authority's Children Looked After Statistics
return, written by the project's own generator, read with the profile, gives the same
aims as the canonical extract of the same authority (docs/clas.md)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl
import pytest

from permanence.analysis.aims import AIM_1, AIM_2, AIM_3, AIM_4, NATIONAL_AIMS
from permanence.analysis.aims_outcomes import evaluate_aim
from permanence.cli.main import main
from permanence.ingest import read_extract, validate
from permanence.ingest.format import required_columns
from permanence.journey.frame import build_journeys_frame
from permanence.journey.tables import JourneyTables, write_canonical_csv
from permanence.synth import generate
from permanence.synth.clas import RETURN_FILES, SUPPLEMENT_FILES, clas_return, write_clas

END = date(2025, 7, 31)
AS_OF = END


@cache
def authority() -> JourneyTables:
    return generate(400, 19, end=END)


def frame_of(paths: list[Path], profile: str | None) -> pl.DataFrame:
    validation = validate(read_extract(paths, profile, extract_date=END))
    assert not validation.has_errors, validation.issues.head(5)
    return build_journeys_frame(validation.tables, AS_OF, authority="SYN")


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("clas")
    canonical, full, alone = root / "canonical", root / "clas", root / "clas-alone"
    write_canonical_csv(authority(), canonical)
    write_clas(authority(), full)
    write_clas(authority(), alone, supplement=False)
    return {"canonical": canonical, "clas": full, "alone": alone}


def test_the_return_has_the_return_s_files_and_headings(folders):
    names = sorted(path.name for path in folders["alone"].iterdir())
    assert names == sorted(RETURN_FILES.values())
    episode = pl.read_csv(folders["alone"] / "CLAS_EPISODE.csv", infer_schema=False)
    assert episode.columns == [
        "CHILD_ID",
        "EPISODE_START_DATE",
        "EPISODE_END_DATE",
        "DESTINATION",
    ]
    # UK dates and the return's codes, not the canonical ones.
    first = episode.row(0, named=True)
    assert first["EPISODE_START_DATE"][2] == "/"
    placements = pl.read_csv(folders["alone"] / "CLAS_PLACEMENT.csv", infer_schema=False)
    assert "foster_la" not in set(placements["PLACEMENT_TYPE"])
    assert set(placements["PLACEMENT_TYPE"]) <= {
        "11",
        "12",
        "21",
        "22",
        "23",
        "24",
        "31",
        "33",
        "34",
    }


@pytest.mark.parametrize("which", ["clas", "alone"])
def test_profile_check_finds_no_missing_required_column(folders, which, capsys):
    assert main(["profile", "check", "clas", str(folders[which]), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] and result["problems"] == []
    for table in result["tables"]:
        for source in table["sources"]:
            required = set(required_columns(table["table"]))
            assert not required & set(source["missing"]), (table["table"], source["missing"])
            assert source["unused_columns"] == []
        assert table["unmapped_codes"] == {}
        assert table["unread_dates"] == {}


def test_profile_check_says_what_the_return_alone_cannot_measure(folders, capsys):
    assert main(["profile", "check", "clas", str(folders["alone"]), "--json"]) == 0
    cannot = json.loads(capsys.readouterr().out)["cannot_measure"]
    assert len(cannot) == 2
    assert "Aim 1" in cannot[0] and "Aims 2, 3 and 4" in cannot[1]
    assert main(["profile", "check", "clas", str(folders["clas"]), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cannot_measure"] == []


def per_child(frame: pl.DataFrame, aim) -> pl.DataFrame:
    children = evaluate_aim(frame, aim, as_of=AS_OF).children
    keep = [c for c in ("child_ref", "start_date", "end_date", "outcome") if c in children.columns]
    return children.select(keep).sort(keep, nulls_last=True)


@pytest.mark.parametrize("aim", NATIONAL_AIMS, ids=["aim1", "aim2", "aim3", "aim4"])
def test_the_return_with_its_supplement_gives_the_canonical_aims(folders, aim):
    canonical = frame_of([folders["canonical"]], None)
    clas = frame_of([folders["clas"]], "clas")
    expected = evaluate_aim(canonical, aim, as_of=AS_OF)
    found = evaluate_aim(clas, aim, as_of=AS_OF)
    assert expected.children.height > 0  # the comparison compares something
    assert found.as_dict() == expected.as_dict()
    assert per_child(clas, aim).equals(per_child(canonical, aim))


def test_the_return_alone_counts_the_same_children_for_aim_2_but_stops_no_clock(folders):
    canonical = frame_of([folders["canonical"]], None)
    alone = frame_of([folders["alone"]], "clas")
    # Who is counted (the date accommodated comes from the placements) is the same...
    expected = per_child(canonical, AIM_2).select("child_ref", "start_date")
    found = per_child(alone, AIM_2).select("child_ref", "start_date")
    assert found.equals(expected)
    # ...but no recommendation is in the return, so no child has one.
    assert alone["recommendation_date"].null_count() == alone.height
    # Aims 3 and 4 start at milestones the return does not hold: nobody is counted.
    assert evaluate_aim(alone, AIM_3, as_of=AS_OF).children.height == 0
    assert evaluate_aim(alone, AIM_4, as_of=AS_OF).children.height == 0
    # Aim 1's children are there (orders at home are legal reasons) but no Hearing is.
    assert alone["hearings"].list.len().sum() == 0 if "hearings" in alone.columns else True
    assert AIM_1 in NATIONAL_AIMS


def test_every_canonical_code_the_generator_writes_goes_there_and_back(folders):
    files = clas_return(authority())
    assert set(files) == set(RETURN_FILES.values()) | set(SUPPLEMENT_FILES.values())
    read = validate(read_extract([folders["clas"]], "clas", extract_date=END)).tables
    for column, table in (
        ("placement_type", "placements"),
        ("legal_status", "legal_statuses"),
        ("destination", "care_periods"),
        ("sex", "children"),
    ):
        original = getattr(authority(), table)[column].value_counts().sort(column)
        again = getattr(read, table)[column].value_counts().sort(column)
        assert again.equals(original), column


def test_synth_writes_the_return_from_the_command_line(tmp_path, capsys):
    out = tmp_path / "return"
    code = main(
        [
            "synth",
            "--children",
            "40",
            "--seed",
            "3",
            "--end",
            "2025-07-31",
            "--format",
            "clas",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*RETURN_FILES.values(), *SUPPLEMENT_FILES.values()]
    )
    shutil.rmtree(out)
