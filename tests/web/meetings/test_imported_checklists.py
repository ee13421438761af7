"""Agenda checklists and actions brought by an import (the extract's ``agenda_items`` and
``meeting_actions``): checked, loaded into the models the app's forms write, all or
nothing with the records, the same extract twice changing nothing, a corrected answer
replacing the import's earlier one, and met by the precedence rule beside a meeting
entered in the app (docs/meetings.md). The measures that read them are checked against
figures worked by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from django.test import Client

from permanence.analysis.meetings import ItemState
from permanence.web.accounts.models import LocalAuthority
from permanence.web.accounts.roles import Role
from permanence.web.audit.models import RecordView
from permanence.web.kernel import cache
from permanence.web.kernel.cache import authority_data
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.measures import authority_meeting_measures, detail_differences
from permanence.web.meetings.models import (
    AgendaItemRecord,
    AgendaVersion,
    MeetingAction,
    PlanningMeeting,
)
from permanence.web.records import meeting_details
from permanence.web.records.importing import import_extract
from permanence.web.records.models import CarePeriod, Child

from ..conftest import make_user

EXTRACT_DATE = date(2022, 6, 30)
AS_OF = date(2022, 6, 30)

RECORDS = {
    "children.csv": """\
child_ref,initials,date_of_birth,sex
A-1,AA,2020-05-01,female
B-2,BB,2019-03-01,male
C-3,CC,2018-07-01,female
""",
    "care_periods.csv": """\
child_ref,period_start,period_end,destination,team
A-1,2022-01-10,,,East
B-2,2022-01-12,,,East
C-3,2022-02-01,,,West
""",
    "placements.csv": """\
child_ref,period_start,placement_type,start_date,end_date
A-1,2022-01-10,foster_la,2022-01-10,
B-2,2022-01-12,kinship,2022-01-12,
C-3,2022-02-01,foster_la,2022-02-01,
""",
    "legal_statuses.csv": "child_ref,period_start,legal_status,start_date,end_date\n",
    "milestones.csv": "child_ref,period_start,milestone,date,detail,reason\n",
    "meetings.csv": """\
child_ref,period_start,meeting_kind,review_number,due_date,held_date,outcome
A-1,2022-01-10,planning_72h,,2022-01-13,2022-01-13,
A-1,2022-01-10,planning_2wk,,2022-01-24,2022-01-24,
B-2,2022-01-12,planning_2wk,,2022-01-26,2022-01-26,
C-3,2022-02-01,planning_2wk,,2022-02-15,2022-02-14,
""",
}

TWO_WEEK_KEYS = (
    "permanence_discussed",
    "care_plan_agreed",
    "assessment_timescales",
    "parent_support",
    "childs_views",
    "review_dates_set",
    "legal_advice_set",
    "actions_logged",
)
SEVENTY_TWO_KEYS = (
    "child_safe_settled",
    "legal_basis",
    "family_time",
    "parents_told",
    "reporter_referral",
    "health_education",
    "planning_meeting_set",
    "actions_logged",
)


def checklist(b2_permanence: str = "not_done") -> str:
    """A-1's two-week meeting: every item done, the leaflet not applicable (with its
    reason); its 72-hour meeting: every item done. B-2's: permanence not discussed (or
    as given), review dates set, nothing else recorded. C-3's: no checklist."""
    rows = ["child_ref,period_start,meeting_kind,held_date,item,answer,reason"]
    rows += [f"A-1,2022-01-10,planning_2wk,2022-01-24,{key},done," for key in TWO_WEEK_KEYS]
    rows.append("A-1,2022-01-10,planning_2wk,2022-01-24,leaflet_offered,N/A,Parents not present")
    rows += [f"A-1,2022-01-10,planning_72h,2022-01-13,{key},done," for key in SEVENTY_TWO_KEYS]
    rows.append(f"B-2,2022-01-12,planning_2wk,2022-01-26,permanence_discussed,{b2_permanence},")
    rows.append("B-2,2022-01-12,planning_2wk,2022-01-26,review_dates_set,done,")
    return "\n".join(rows).replace(",N/A,", ",not_applicable,") + "\n"


def actions(legal_advice_done: str = "") -> str:
    """Due 7 February (done 4 February), 10 February (open, or done as given), 21
    February (done 25th, late) and 1 March (done that day)."""
    a1, b2, c3 = (
        "A-1,2022-01-10,planning_2wk,2022-01-24",
        "B-2,2022-01-12,planning_2wk,2022-01-26",
        "C-3,2022-02-01,planning_2wk,2022-02-14",
    )
    return f"""\
child_ref,period_start,meeting_kind,held_date,action,owner,due_date,done_date
{a1},Book the parenting assessment,social worker,2022-02-07,2022-02-04
{a1},Ask for written legal advice,team leader,2022-02-10,{legal_advice_done}
{c3},Arrange family time,social worker,2022-02-21,2022-02-25
{b2},Tell the school,education,2022-03-01,2022-03-01
"""


def write(folder: Path, **extra: str) -> Path:
    folder.mkdir(parents=True)
    for name, text in {**RECORDS, **{f"{k}.csv": v for k, v in extra.items()}}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def bring_in(authority: LocalAuthority, folder: Path):
    outcome = import_extract(
        [*sorted(folder.iterdir())], authority=authority, extract_date=EXTRACT_DATE
    )
    cache.STORE.clear()
    return outcome


def figures(authority: LocalAuthority) -> dict[str, list[tuple[date, int, int]]]:
    with scoped_to(Scope.authority(authority.pk)):
        data = authority_data(authority.pk)
        measures = authority_meeting_measures(authority.pk, data.frame, AS_OF)
    return {
        key: [
            (row["month"], row["numerator"], row["denominator"])
            for row in measures[key].table.iter_rows(named=True)
        ]
        for key in (
            "mtg_2wk_agenda_done",
            "mtg_72h_agenda_done",
            "mtg_permanence_talk",
            "mtg_review_dates",
            "mtg_actions_on_time",
        )
    }


JAN, FEB, MAR = date(2022, 1, 1), date(2022, 2, 1), date(2022, 3, 1)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.STORE.clear()
    yield
    cache.STORE.clear()


def test_imported_checklists_and_actions_move_the_measures(authority_a, tmp_path):
    outcome = bring_in(
        authority_a, write(tmp_path / "first", agenda_items=checklist(), meeting_actions=actions())
    )
    assert outcome.validation.issues.filter(pl.col("severity") == "error").is_empty()
    assert figures(authority_a) == {
        # A-1 every item done (the leaflet not applicable); B-2 items not done or not
        # recorded; C-3 has no checklist, so is not counted.
        "mtg_2wk_agenda_done": [(JAN, 1, 2)],
        "mtg_72h_agenda_done": [(JAN, 1, 1)],
        "mtg_permanence_talk": [(JAN, 1, 2)],
        "mtg_review_dates": [(JAN, 2, 2)],
        # February: done 4th for the 7th; open for the 10th; done 25th for the 21st.
        "mtg_actions_on_time": [(FEB, 1, 3), (MAR, 1, 1)],
    }
    with scoped_to(Scope.authority(authority_a.pk)):
        meeting = PlanningMeeting.objects.get(care_period__child__child_ref="B-2")
        assert meeting.from_import and meeting.entered_by is None
        assert meeting.held_date == date(2022, 1, 26)
        # The whole agenda, the items not answered left not recorded.
        states = dict(meeting.items.values_list("key", "state"))
        assert len(states) == 9
        assert states["permanence_discussed"] == "not_done"
        assert states["childs_views"] == ""
        leaflet = AgendaItemRecord.objects.get(
            meeting__care_period__child__child_ref="A-1", key="leaflet_offered"
        )
        assert (leaflet.state, leaflet.reason) == ("not_applicable", "Parents not present")
        # C-3's meeting has its action and no checklist.
        c3 = PlanningMeeting.objects.get(care_period__child__child_ref="C-3")
        assert not c3.items.exists()
        assert c3.actions.get().owner == "social worker"
    load = outcome.load.as_dict()
    assert load["agenda_items"]["added"] == 19 and load["meeting_actions"]["added"] == 4


def test_the_same_extract_twice_changes_nothing_and_a_correction_replaces(authority_a, tmp_path):
    bring_in(
        authority_a, write(tmp_path / "one", agenda_items=checklist(), meeting_actions=actions())
    )
    with scoped_to(Scope.authority(authority_a.pk)):
        history = (
            PlanningMeeting.history.count(),
            AgendaItemRecord.history.count(),
            MeetingAction.history.count(),
        )
    again = bring_in(
        authority_a, write(tmp_path / "two", agenda_items=checklist(), meeting_actions=actions())
    )
    summary = again.load.as_dict()
    assert summary["agenda_items"]["added"] == summary["agenda_items"]["changed"] == 0
    assert summary["agenda_items"]["unchanged"] == 19
    assert summary["meeting_actions"]["unchanged"] == 4
    with scoped_to(Scope.authority(authority_a.pk)):
        assert (
            PlanningMeeting.history.count(),
            AgendaItemRecord.history.count(),
            MeetingAction.history.count(),
        ) == history
    # A later extract corrects B-2's answer and says the legal advice was asked on 9th.
    later = bring_in(
        authority_a,
        write(
            tmp_path / "three",
            agenda_items=checklist(b2_permanence="done"),
            meeting_actions=actions(legal_advice_done="2022-02-09"),
        ),
    ).load.as_dict()
    assert later["agenda_items"]["changed"] == 1 and later["meeting_actions"]["changed"] == 1
    result = figures(authority_a)
    assert result["mtg_permanence_talk"] == [(JAN, 2, 2)]
    assert result["mtg_actions_on_time"] == [(FEB, 2, 3), (MAR, 1, 1)]
    with scoped_to(Scope.authority(authority_a.pk)):
        item = AgendaItemRecord.objects.get(
            meeting__care_period__child__child_ref="B-2", key="permanence_discussed"
        )
        assert item.state == "done"
        # Every change is kept, with the batch that made it.
        reasons = [h.history_change_reason for h in item.history.order_by("history_date")]
        assert len(reasons) == 2 and reasons[-1].startswith("Import batch ")


def test_an_answer_typed_in_meets_the_imports_by_the_precedence_rule(authority_a, tmp_path):
    bring_in(authority_a, write(tmp_path / "records"))
    with scoped_to(Scope.authority(authority_a.pk)):
        meeting = PlanningMeeting(
            authority=authority_a,
            care_period=CarePeriod.objects.get(child__child_ref="B-2"),
            kind="planning_2wk",
            held_date=date(2022, 1, 26),
        )
        meeting.start_agenda()
        meeting.items.filter(key="permanence_discussed").update(state=ItemState.DONE)
        meeting.items.filter(key="review_dates_set").update(state=ItemState.NOT_DONE)
        MeetingAction.objects.create(
            authority=authority_a,
            meeting=meeting,
            what="tell the  school",
            owner="x",
            due_date=date(2022, 3, 1),
            done_on=date(2022, 3, 4),
        )
        MeetingAction.objects.create(
            authority=authority_a,
            meeting=meeting,
            what="Visit the carers",
            owner="x",
            due_date=date(2022, 2, 15),
        )
    # Typed in alone: B-2 discussed permanence, did not set the review dates; its two
    # actions were late and not done.
    alone = figures(authority_a)
    assert alone["mtg_permanence_talk"] == [(JAN, 1, 1)]
    assert alone["mtg_review_dates"] == [(JAN, 0, 1)]
    assert alone["mtg_actions_on_time"] == [(FEB, 0, 1), (MAR, 0, 1)]

    bring_in(
        authority_a, write(tmp_path / "full", agenda_items=checklist(), meeting_actions=actions())
    )
    result = figures(authority_a)
    # The case recording system wins: B-2's permanence not discussed, review dates set;
    # one meeting, not two. Its "Tell the school" is the import's (done on the day); the
    # carers' visit, which the system does not hold, still counts.
    assert result["mtg_permanence_talk"] == [(JAN, 1, 2)]
    assert result["mtg_review_dates"] == [(JAN, 2, 2)]
    assert result["mtg_2wk_agenda_done"] == [(JAN, 1, 2)]
    assert result["mtg_actions_on_time"] == [(FEB, 1, 4), (MAR, 1, 1)]
    with scoped_to(Scope.authority(authority_a.pk)):
        # Nothing typed in is changed, and the data lead is told where the sides differ.
        states = dict(meeting.items.values_list("key", "state"))
        assert states["permanence_discussed"] == "done"
        assert MeetingAction.objects.get(what="tell the  school").done_on == date(2022, 3, 4)
        [difference] = detail_differences()
        assert difference.meeting == meeting
        assert difference.items == ("permanence_discussed", "review_dates_set")
        [(typed, brought)] = difference.actions
        assert (typed.done_on, brought.done_on) == (date(2022, 3, 4), date(2022, 3, 1))
        child = meeting.care_period.child

    # The data lead's page lists it: the child, the meeting, the items and the action.
    lead = Client()
    lead.force_login(make_user(authority_a, Role.DATA_LEAD, "alpha"))
    page = lead.get("/meetings/checklists-that-differ/").content.decode()
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    assert f'href="/children/{child.pk}/">B-2</a>' in row
    assert f'href="/meetings/{meeting.pk}/"' in row
    with scoped_to(Scope.authority(authority_a.pk)):
        for key in ("permanence_discussed", "review_dates_set"):
            assert meeting.items.get(key=key).text in row
        assert RecordView.objects.filter(child=child).exists()  # the view is audited
    assert "due 1 Mar 2022, done 4 Mar 2022 / due 1 Mar 2022, done 1 Mar 2022" in row
    # A practitioner may not see the data lead's list.
    practitioner = Client()
    practitioner.force_login(make_user(authority_a, Role.PRACTITIONER, "alpha"))
    assert practitioner.get("/meetings/checklists-that-differ/").status_code == 403


def test_a_key_of_the_authoritys_own_agenda_is_accepted(authority_a, tmp_path):
    with scoped_to(Scope.authority(authority_a.pk)):
        AgendaVersion.objects.create(
            authority=authority_a,
            kind="planning_2wk",
            name="Our two-week agenda 2",
            effective_from=date(2022, 2, 1),
            items="permanence_discussed: Permanence discussed\n"
            "kinship_carers_considered: Kinship carers considered",
        )
    items = (
        "child_ref,period_start,meeting_kind,held_date,item,answer,reason\n"
        "B-2,2022-01-12,planning_2wk,2022-01-26,kinship_carers_considered,done,\n"
        "B-2,2022-01-12,planning_2wk,2022-01-26,not_a_key,done,\n"
    )
    outcome = bring_in(authority_a, write(tmp_path / "own", agenda_items=items))
    assert outcome.validation.issues.filter(pl.col("rule") == "MEET011")["value"].to_list() == [
        "not_a_key at a planning_2wk"
    ]
    with scoped_to(Scope.authority(authority_a.pk)):
        item = AgendaItemRecord.objects.get(key="kinship_carers_considered")
        # The meeting follows the shipped agenda (held before the version), with the
        # authority's item after it, in its words.
        assert item.text == "Kinship carers considered"
        assert item.meeting.items.count() == 10


def test_a_load_is_all_or_nothing(authority_a, tmp_path, monkeypatch):
    def broken(tables, batch):
        raise RuntimeError("the checklists could not be written")

    monkeypatch.setattr(meeting_details, "_loaders", [broken])
    with pytest.raises(RuntimeError):
        bring_in(authority_a, write(tmp_path / "broken", agenda_items=checklist()))
    with scoped_to(Scope.authority(authority_a.pk)):
        assert not Child.objects.exists()


def test_the_imports_meeting_follows_a_corrected_date(authority_a, tmp_path):
    bring_in(authority_a, write(tmp_path / "first", agenda_items=checklist()))
    # A later extract, without the checklists, says B-2's meeting was held on 27th.
    corrected = tmp_path / "later"
    write(corrected)
    meetings = corrected / "meetings.csv"
    meetings.write_text(
        meetings.read_text().replace("2022-01-26,2022-01-26", "2022-01-26,2022-01-27")
    )
    bring_in(authority_a, corrected)
    with scoped_to(Scope.authority(authority_a.pk)):
        meeting = PlanningMeeting.objects.get(care_period__child__child_ref="B-2")
        assert meeting.held_date == date(2022, 1, 27)
        assert meeting.items.get(key="permanence_discussed").state == "not_done"
    assert figures(authority_a)["mtg_permanence_talk"] == [(JAN, 1, 2)]


def test_a_meeting_the_extract_brought_is_read_only_in_the_app(authority_a, tmp_path):
    # Changed here, it would be put back by the next extract without anyone being told:
    # its checklist and actions are shown, and corrected in the case recording system.
    bring_in(
        authority_a, write(tmp_path / "one", agenda_items=checklist(), meeting_actions=actions())
    )
    practitioner = make_user(authority_a, Role.PRACTITIONER, "alpha")
    client = Client()
    client.force_login(practitioner)
    with scoped_to(Scope.authority(authority_a.pk)):
        meeting = (
            PlanningMeeting.objects.filter(imported_meeting__isnull=False, actions__isnull=False)
            .distinct()
            .first()
        )
        assert meeting is not None
        action = meeting.actions.first()
        assert action is not None
        answers_before = sorted(meeting.items.values_list("key", "state"))
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "came with the extract from the case recording system" in page
    assert "Save the checklist" not in page and "Log an action" not in page
    posted = client.post(f"/meetings/{meeting.pk}/", {})
    assert posted.status_code == 404
    for address in (
        f"/meetings/{meeting.pk}/change/",
        f"/meetings/{meeting.pk}/actions/new/",
        f"/meetings/actions/{action.pk}/",
    ):
        assert client.get(address).status_code == 404
        assert client.post(address, {"what": "changed"}).status_code == 404
    with scoped_to(Scope.authority(authority_a.pk)):
        assert sorted(meeting.items.values_list("key", "state")) == answers_before
