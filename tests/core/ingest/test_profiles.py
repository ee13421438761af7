"""Column profiles: the shipped ones, a system's extract mapped onto the canonical format,
a profile's own mistakes, and ``permanence profile check``."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from permanence.cli.main import main
from permanence.ingest import ProfileError, load_profile, read_extract, validate
from permanence.ingest.format import TABLES

# The conftest's BASE extract as the imaginary CaseTrack system of the shipped template
# writes it: its own file names, headings, codes and date forms, written out by hand.
CASETRACK = {
    "CT_PERSONS_2024-03.csv": """\
Person ID,Initials,DOB,Gender,Ethnicity,Worker
A1,AA,15/01/2018,F,,Jo
B2,BB,01/06/2015,m,,Sam
""",
    "CT_EPISODES_2024-03.csv": """\
Person ID,Episode Start,Episode End,End Reason,Team Name,DOB,Episode ID
A1,10/01/2022,,,East,15/01/2018,E-101
B2,01/03/2020,31/01/2021,RH,West,01/06/2015,E-102
""",
    "CT_PLACEMENTS_2024-03.csv": """\
Person ID,Episode Start,Placement Type,Placement Start,Placement End,Placement ID
A1,10-Jan-2022,FC-LA,10-Jan-2022,30-Sep-2022,P-1
A1,10-Jan-2022,KIN,01-Oct-2022,,P-2
B2,01-Mar-2020,HOME,01-Mar-2020,31-Jan-2021,P-3
""",
    "CT_LEGAL_2024-03.csv": """\
Person ID;Episode Start;Legal Status;Status Start;Status End;Legal Status ID
A1;10/01/2022;S25;10/01/2022;20/02/2022;L-1
A1;10/01/2022;CSO-R;21/02/2022;;L-2
B2;01/03/2020;CSO-H;01/03/2020;31/01/2021;L-3
""",
    "CT_MEETINGS_2024-03.csv": """\
Person ID,Episode Start,Meeting Type,Review No,Due,Held,Outcome,Meeting ID
A1,10/01/2022,72HR,,13/01/2022,13/01/2022,,M-1
A1,10/01/2022,REV,1,21/02/2022,21/02/2022,,M-2
A1,10/01/2022,REV,2,21/05/2022,20/05/2022,Kinship care order recommended,M-3
B2,01/03/2020,REV,1,10/04/2020,12/04/2020,,M-4
""",
    "CT_DECISIONS_2024-03.csv": """\
Person ID,Episode Start,Event,Event Date,Event Detail,Notes,Event ID
A1,10/01/2022,PREC,20/05/2022,KCO,,V-1
A1,10/01/2022,ADM,15/06/2022,AGREED,,V-2
A1,10/01/2022,LODGE,01/08/2022,KCO,,V-3
A1,10/01/2022,ORDER,01/02/2023,KCO,,V-4
B2,01/03/2020,PREC,01/10/2020,HOME,,V-5
B2,01/03/2020,ORDER,31/01/2021,cso end,,V-6
""",
}


def write_files(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_shipped_profiles_load():
    canonical, template = load_profile(), load_profile("template")
    assert canonical.name == "canonical"
    assert template.name == "casetrack"
    assert set(canonical.tables) == set(TABLES) == set(template.tables)


def test_a_system_extract_maps_onto_exactly_the_canonical_records(tmp_path, extracts, check):
    folder = write_files(tmp_path / "casetrack", CASETRACK)
    mapped = validate(read_extract(folder, "template", extract_date=extracts.EXTRACT_DATE))
    canonical = check(extracts.base())
    assert mapped.issues.is_empty(), mapped.issues
    for table in TABLES:
        ours, theirs = getattr(mapped.tables, table), getattr(canonical.tables, table)
        if "record_id" in ours.columns:
            # The system gives its own record ids; the canonical extract gives none.
            assert ours["record_id"].is_not_null().all(), table
            ours = ours.drop("record_id")
            theirs = theirs.drop("record_id")
        assert ours.sort(ours.columns, nulls_last=True).equals(
            theirs.sort(theirs.columns, nulls_last=True)
        ), table


def test_a_profile_may_list_only_what_differs(tmp_path, extracts):
    profile = tmp_path / "small.toml"
    profile.write_text(
        '[tables.children]\nfiles = ["kids.csv"]\n'
        '[tables.children.columns]\nchild_ref = "Ref"\n'
        '[tables.children.codes.sex]\n"F" = "female"\n"M" = "male"\n'
    )
    tables = extracts.base()
    children = tables.pop("children").replace("child_ref", "Ref").replace("female", "F")
    folder = extracts.write(tmp_path / "extract", tables)
    (folder / "kids.csv").write_text(children.replace(",male,", ",M,"))
    validation = validate(read_extract(folder, profile, extract_date=extracts.EXTRACT_DATE))
    assert validation.issues.is_empty()
    assert validation.tables.children["sex"].to_list() == ["female", "male"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[profile\nname=", "not valid TOML"),
        ("[tables.kids]\n", "[tables.kids]: no such table"),
        ("[tables.children.columns]\nnickname = 'x'\n", "nickname: no such column in children"),
        (
            "[tables.placements.codes.placement_type]\nFC = 'foster'\n",
            "'foster' is not a placement_type code",
        ),
        ("[tables.children.codes.team]\nX = 'y'\n", "team is not a coded column of children"),
        ("[profile]\ndate_formats = ['us']\n", "'us' is neither a named format"),
        ("[profile]\ndate_formats = ['%Q']\n", "'%Q' does not read back a date it writes"),
        ("[profile]\ntrim = 'yes'\n", "[profile] trim: should be true or false"),
        ("[profile]\ncolour = 'blue'\n", "[profile]: unknown key(s) colour"),
        ("[tables.children]\nfiles = 3\n", "files: should be a list of text values"),
    ],
)
def test_a_profile_that_cannot_be_used_says_why(tmp_path, text, problem):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert any(problem in line and str(path) in line for line in caught.value.problems), (
        caught.value.problems
    )


def test_every_problem_of_a_profile_is_listed_at_once(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[tables.kids]\n[tables.children.columns]\nnickname = 'x'\n")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert len(caught.value.problems) == 2


def test_a_missing_profile(tmp_path):
    with pytest.raises(ProfileError, match="no such profile file"):
        load_profile(tmp_path / "nowhere.toml")


def test_profile_check_lists_what_maps(tmp_path, capsys):
    folder = write_files(tmp_path / "casetrack", CASETRACK)
    assert main(["profile", "check", "template", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "children <- CT_PERSONS_2024-03.csv (2 rows; UTF-8, comma-separated)" in out
    assert "child_ref <- 'Person ID'" in out
    assert "not in this system: disability" in out
    assert "columns not read: 'Worker'" in out
    assert "legal_statuses <- CT_LEGAL_2024-03.csv (3 rows; UTF-8, semicolon-separated)" in out
    assert "Everything required maps." in out


def test_profile_check_fails_on_what_would_refuse_rows(tmp_path, capsys):
    files = dict(CASETRACK)
    files["CT_PLACEMENTS_2024-03.csv"] = (
        files["CT_PLACEMENTS_2024-03.csv"].replace("KIN,", "FOSTER,").replace("FC-LA", "FOSTER")
    )
    files["CT_EPISODES_2024-03.csv"] = files["CT_EPISODES_2024-03.csv"].replace(
        "Episode Start", "Start"
    )
    folder = write_files(tmp_path / "casetrack", files)
    assert main(["profile", "check", "template", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "codes not mapped in placement_type (rows refused): 'FOSTER' (2 rows)" in out
    assert "MISSING (every row needs it): period_start (looked for 'Episode Start')" in out
    assert "2 thing(s) required do not map" in out


def test_profile_check_as_json(tmp_path, capsys):
    files = dict(CASETRACK)
    files["CT_PERSONS_2024-03.csv"] = files["CT_PERSONS_2024-03.csv"].replace("15/01/2018", "2018")
    folder = write_files(tmp_path / "casetrack", files)
    assert main(["profile", "check", "template", str(folder), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    children = next(table for table in report["tables"] if table["table"] == "children")
    assert children["unread_dates"] == {"date_of_birth": {"values": 1, "examples": ["2018"]}}
    assert children["sources"][0]["unused_columns"] == ["Worker"]


def test_profile_check_of_an_unusable_profile_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text("[tables.kids]\n")
    assert main(["profile", "check", str(path), str(tmp_path)]) == 2
    assert "no such table" in capsys.readouterr().err


def test_a_table_spread_over_several_files_is_read_together(tmp_path, extracts):
    tables = extracts.base()
    rows = tables.pop("meetings").splitlines(keepends=True)
    folder = extracts.write(tmp_path / "extract", tables)
    profile = tmp_path / "years.toml"
    profile.write_text('[tables.meetings]\nfiles = ["meetings_*.csv"]\n')
    (folder / "meetings_2022.csv").write_text("".join(rows[:4]))
    (folder / "meetings_2020.csv").write_text(rows[0] + rows[4])
    validation = validate(read_extract(folder, profile, extract_date=extracts.EXTRACT_DATE))
    assert validation.issues.is_empty()
    assert sorted(validation.source_rows["meetings"]["source"].unique().to_list()) == [
        "meetings_2020.csv",
        "meetings_2022.csv",
    ]
    assert validation.tables.meetings.height == 4
    assert date(2020, 4, 12) in validation.tables.meetings["held_date"].to_list()
    assert pl.Series(validation.source_rows["meetings"]["row"]).min() == 2
