"""A later extract that corrects dates: the corrected record replaces the old one.

Issue 13, finding 1: a recommendation dated 20/01/2024 was imported; the case recording
system then corrected it to 20/09/2024 and the next extract carried the corrected date.
Both records were kept and the earliest won, so Aim 2 still counted the child as met.
These tests load two extracts through the import command (the path the web app's
confirmation takes too) and read the figures from the records, as the dashboards do.

The worked example is the one in docs/data-format.md ("Record identity"): accommodated
on 5 January 2024, recommended on 20 September 2024 (corrected from 20 January):
259 days, exactly 37 weeks, so Aim 2 (26 weeks, due by 5 July 2024) is not met.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from permanence.analysis.aims import AIM_2
from permanence.analysis.aims_outcomes import Outcome, aim_children
from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.records.journeys import journeys_frame
from permanence.web.records.models import CarePeriod, LegalStatus, Meeting, Milestone, Placement

from .conftest import Loader
from .one_child import FIRST_EXTRACT, SECOND_EXTRACT, write_extract


def aim_2_row(authority: LocalAuthority, as_of: date) -> dict[str, Any]:
    with scoped_to(Scope.authority(authority.pk)):
        frame = journeys_frame(as_of)
    rows = aim_children(frame, AIM_2, as_of=as_of).filter(pl.col("child_ref") == "0311")
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def test_a_corrected_recommendation_date_replaces_the_old_one(
    authority_a: LocalAuthority, tmp_path: Path, load_extract: Loader
) -> None:
    load_extract(write_extract(tmp_path / "march"), FIRST_EXTRACT)
    before = aim_2_row(authority_a, FIRST_EXTRACT)
    assert before["outcome"] == Outcome.MET.value

    corrected = (("permanence_recommendation", "2024-09-20", "poa"),)
    result = load_extract(write_extract(tmp_path / "october", milestones=corrected), SECOND_EXTRACT)

    after = aim_2_row(authority_a, SECOND_EXTRACT)
    assert after["start_date"] == date(2024, 1, 5)
    assert after["end_date"] == date(2024, 9, 20)
    assert after["days_waited"] == 259
    assert after["weeks_waited"] == 37
    assert after["outcome"] == Outcome.NOT_MET.value
    with scoped_to(Scope.authority(authority_a.pk)):
        assert list(Milestone.objects.values_list("date", flat=True)) == [date(2024, 9, 20)]
    milestones = result["load"]["milestones"]
    assert milestones["added"] == 0 and milestones["changed"] == 1
    assert milestones["no_longer_in_extract"] == 0


def test_a_corrected_placement_moves_the_date_accommodated(
    authority_a: LocalAuthority, tmp_path: Path, load_extract: Loader
) -> None:
    # At home from 5 January, in foster care from 1 February: accommodated 1 February.
    load_extract(write_extract(tmp_path / "march", moved="2024-02-01"), FIRST_EXTRACT)
    # The system corrects the move to 15 February (the placement and the home placement's end).
    load_extract(write_extract(tmp_path / "october", moved="2024-02-15"), SECOND_EXTRACT)
    with scoped_to(Scope.authority(authority_a.pk)):
        placements = sorted(Placement.objects.values_list("placement_type", "start_date"))
        statuses = list(LegalStatus.objects.values_list("start_date", flat=True))
        frame = journeys_frame(SECOND_EXTRACT)
    assert placements == [("foster_la", date(2024, 2, 15)), ("home", date(2024, 1, 5))]
    assert statuses == [date(2024, 2, 15)]
    assert frame.get_column("accommodated_date").to_list() == [date(2024, 2, 15)]


def test_a_corrected_meeting_date_replaces_the_old_meeting(
    authority_a: LocalAuthority, tmp_path: Path, load_extract: Loader
) -> None:
    load_extract(write_extract(tmp_path / "march"), FIRST_EXTRACT)
    load_extract(
        write_extract(tmp_path / "october", planning="2024-01-09", legal_advice="2024-01-19"),
        SECOND_EXTRACT,
    )
    with scoped_to(Scope.authority(authority_a.pk)):
        held = sorted(Meeting.objects.values_list("meeting_kind", "held_date"))
        frame = journeys_frame(SECOND_EXTRACT)
    assert held == [("legal_advice", date(2024, 1, 19)), ("planning_72h", date(2024, 1, 9))]
    assert frame.get_column("planning_72h_date").to_list() == [date(2024, 1, 9)]


def test_a_corrected_date_looked_after_keeps_one_care_period(
    authority_a: LocalAuthority, tmp_path: Path, load_extract: Loader
) -> None:
    load_extract(write_extract(tmp_path / "march"), FIRST_EXTRACT)
    # Every table of the new extract names the period by its corrected start.
    load_extract(
        write_extract(tmp_path / "october", start="2024-01-04", moved="2024-01-04"),
        SECOND_EXTRACT,
    )
    with scoped_to(Scope.authority(authority_a.pk)):
        periods = list(CarePeriod.objects.values_list("period_start", flat=True))
        placements = list(Placement.objects.values_list("care_period__period_start", "start_date"))
        milestones = Milestone.objects.count()
    assert periods == [date(2024, 1, 4)]
    assert placements == [(date(2024, 1, 4), date(2024, 1, 4))]
    assert milestones == 1
    assert aim_2_row(authority_a, SECOND_EXTRACT)["start_date"] == date(2024, 1, 4)
