"""A planning meeting's agenda checklist and actions, brought by an import: one test per
rule, fires and stays quiet (rows 2 onward of each file; the base extract's A1 has a
72-hour meeting held 13 January 2022, and these tests add its two-week meeting of 24
January 2022)."""

from __future__ import annotations

from datetime import date

ITEMS = "child_ref,period_start,meeting_kind,held_date,item,answer,reason\n"
ACTIONS = "child_ref,period_start,meeting_kind,held_date,action,owner,due_date,done_date\n"
TWO_WEEK = "A1,2022-01-10,planning_2wk,,2022-01-24,2022-01-24,"


def with_rows(extracts, items: tuple[str, ...] = (), actions: tuple[str, ...] = ()):
    tables = extracts.add_rows(extracts.base(), "meetings", TWO_WEEK)
    tables["agenda_items"] = ITEMS + "".join(f"{row}\n" for row in items)
    tables["meeting_actions"] = ACTIONS + "".join(f"{row}\n" for row in actions)
    return tables


CLEAN_ITEMS = (
    "A1,2022-01-10,planning_2wk,2022-01-24,permanence_discussed,done,",
    "A1,2022-01-10,planning_2wk,2022-01-24,review_dates_set,not_done,",
    "A1,2022-01-10,planning_2wk,2022-01-24,leaflet_offered,not_applicable,Parents not present",
    "A1,2022-01-10,planning_72h,2022-01-13,legal_basis,Done,",
)
CLEAN_ACTIONS = (
    "A1,2022-01-10,planning_2wk,2022-01-24,Book the parenting assessment,social worker,"
    "2022-02-07,2022-02-04",
    "A1,2022-01-10,planning_2wk,2022-01-24,Ask for written legal advice,team leader,2022-01-24,",
    "A1,2022-01-10,planning_72h,2022-01-13,Arrange family time,,2022-01-20,2024-03-31",
)


def test_optional_tables_clean_rows_load(check, extracts):
    validation = check(with_rows(extracts, CLEAN_ITEMS, CLEAN_ACTIONS))
    assert validation.issues.filter(
        validation.issues["table"].is_in(["agenda_items", "meeting_actions"])
    ).is_empty()
    assert validation.tables.agenda_items["answer"].to_list() == [
        "done",
        "not_done",
        "not_applicable",
        "done",
    ]
    assert validation.tables.meeting_actions["done_date"].to_list() == [
        date(2022, 2, 4),
        None,
        date(2024, 3, 31),
    ]


def test_extract_without_the_optional_tables_is_no_query(check, extracts):
    validation = check(extracts.base())
    assert validation.issues.filter(
        validation.issues["table"].is_in(["agenda_items", "meeting_actions"])
    ).is_empty()
    assert validation.tables.agenda_items.is_empty()


def test_meet011_fires(check, extracts):
    validation = check(
        with_rows(
            extracts,
            (
                *CLEAN_ITEMS,
                # Row 6: a key of the two-week agenda at a 72-hour meeting.
                "A1,2022-01-10,planning_72h,2022-01-13,permanence_discussed,done,",
                # Row 7: a key of no agenda.
                "A1,2022-01-10,planning_2wk,2022-01-24,kinship_carers_considered,done,",
            ),
        )
    )
    issues = extracts.issues_of(validation, "MEET011")
    assert issues["row"].to_list() == [6, 7]
    assert issues["value"].to_list() == [
        "permanence_discussed at a planning_72h",
        "kinship_carers_considered at a planning_2wk",
    ]
    assert validation.tables.agenda_items.height == 4


def test_meet011_quiet_for_the_authoritys_own_keys(extracts, tmp_path):
    from permanence.ingest import read_extract, validate

    folder = extracts.write(
        tmp_path / "own",
        with_rows(
            extracts, ("A1,2022-01-10,planning_2wk,2022-01-24,kinship_carers_considered,done,",)
        ),
    )
    extract = read_extract(folder, None, extract_date=extracts.EXTRACT_DATE)
    validation = validate(
        extract, agenda_keys={"planning_2wk": frozenset({"kinship_carers_considered"})}
    )
    assert extracts.issues_of(validation, "MEET011").is_empty()
    assert validation.tables.agenda_items.height == 1


def test_meet012_fires(check, extracts):
    validation = check(
        with_rows(
            extracts,
            ("A1,2022-01-10,planning_2wk,2022-01-24,leaflet_offered,not_applicable,  ",),
        )
    )
    assert extracts.rows_of(validation, "MEET012") == [2]
    assert validation.tables.agenda_items.is_empty()


def test_meet012_quiet(check, extracts):
    validation = check(with_rows(extracts, CLEAN_ITEMS))
    assert extracts.issues_of(validation, "MEET012").is_empty()


def test_meet013_fires(check, extracts):
    validation = check(
        with_rows(
            extracts,
            actions=("A1,2022-01-10,planning_2wk,2022-01-24,Book it,social worker,2022-01-23,",),
        )
    )
    issues = extracts.issues_of(validation, "MEET013")
    assert issues["row"].to_list() == [2]
    assert issues["value"].to_list() == ["due 2022-01-23, meeting 2022-01-24"]
    assert validation.tables.meeting_actions.is_empty()


def test_meet013_quiet(check, extracts):
    validation = check(with_rows(extracts, actions=CLEAN_ACTIONS))
    assert extracts.issues_of(validation, "MEET013").is_empty()


def test_meet014_fires(check, extracts):
    validation = check(
        with_rows(
            extracts,
            actions=(
                "A1,2022-01-10,planning_2wk,2022-01-24,Book it,social worker,2022-02-01,2022-01-20",
            ),
        )
    )
    assert extracts.rows_of(validation, "MEET014") == [2]
    assert validation.tables.meeting_actions.is_empty()


def test_meet014_quiet(check, extracts):
    validation = check(with_rows(extracts, actions=CLEAN_ACTIONS))
    assert extracts.issues_of(validation, "MEET014").is_empty()


def test_done_after_the_extract_date_is_date003(check, extracts):
    validation = check(
        with_rows(
            extracts,
            actions=(
                "A1,2022-01-10,planning_2wk,2022-01-24,Book it,social worker,2022-02-01,2024-04-01",
            ),
        )
    )
    assert extracts.rows_of(validation, "DATE003", "meeting_actions") == [2]
    assert validation.tables.meeting_actions.is_empty()


def test_meet015_fires(check, extracts):
    tables = with_rows(
        extracts,
        # Row 2: no two-week meeting was held on 25 January.
        ("A1,2022-01-10,planning_2wk,2022-01-25,permanence_discussed,done,",),
        # Row 2: B2's 72-hour meeting, added below: this action loads.
        ("B2,2020-03-01,planning_72h,2020-03-03,Tell the school,social worker,2020-03-10,",),
    )
    tables = extracts.add_rows(tables, "meetings", "B2,2020-03-01,planning_72h,,,2020-03-03,")
    validation = check(tables)
    issues = extracts.issues_of(validation, "MEET015")
    assert issues["table"].to_list() == ["agenda_items"]
    assert issues["value"].to_list() == ["no such meeting held that day in the meetings table"]
    assert validation.tables.agenda_items.is_empty()
    assert validation.tables.meeting_actions.height == 1


def test_meet015_fires_where_the_meeting_was_refused(check, extracts):
    tables = with_rows(
        extracts,
        actions=(
            "A1,2022-01-10,planning_2wk,2022-01-24,Tell the school,social worker,2022-02-10,",
        ),
    )
    tables["meetings"] = tables["meetings"].replace(
        TWO_WEEK, "A1,2022-01-10,planning_2wk,,,2022-01-24,"
    )
    validation = check(tables)
    assert validation.tables.meeting_actions.height == 1  # sanity: the meeting loads
    # A second version of the two-week meeting that disagrees: both are refused (DUP002).
    tables["meetings"] = tables["meetings"] + "A1,2022-01-10,planning_2wk,,,2022-01-24,Other\n"
    validation = check(tables)
    issues = extracts.issues_of(validation, "MEET015")
    assert issues["value"].to_list() == ["the meeting's row was refused"]
    assert validation.tables.meeting_actions.is_empty()


def test_meet015_quiet(check, extracts):
    validation = check(with_rows(extracts, CLEAN_ITEMS, CLEAN_ACTIONS))
    assert extracts.issues_of(validation, "MEET015").is_empty()
