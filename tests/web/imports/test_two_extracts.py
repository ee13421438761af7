"""Two extracts of one synthetic authority, loaded one after the other as a data lead would.

The earlier extract (``synth.corrections.earlier_extract``) has dates entered wrongly and
records entered in error; the later one, the generator's own tables, corrects them. Both
go through ``permanence import``, the path the web app's confirmation takes too. After
the later load the records must be the later extract exactly, apart from the records
entered in error, which are still counted and waiting for a decision; once a data lead
removes those (or the later extract replaces its children's records), Aim 2 from the
records must equal Aim 2 worked out by hand from the later extract's files with the
definitions in docs/aims.md, child by child.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from permanence.analysis.aims import AIM_2
from permanence.analysis.aims_outcomes import aim_children
from permanence.journey.tables import MEETING_DETAIL_TABLES, SCHEMAS, JourneyTables
from permanence.synth import generate
from permanence.synth.corrections import EarlierExtract, earlier_extract, with_record_ids
from permanence.synth.writers import write_csv
from permanence.web.accounts.models import LocalAuthority, User
from permanence.web.accounts.roles import Role
from permanence.web.kernel.scope import Scope, scoped_to
from permanence.web.meetings.models import AgendaItemRecord, MeetingAction
from permanence.web.records.data_queries import remove_absent
from permanence.web.records.journeys import journey_tables, journeys_frame
from permanence.web.records.models import AbsentRecord

from .conftest import Loader

EXTRACT_DATE = date(2025, 3, 31)
CHILDREN = 120


def scope(authority: LocalAuthority) -> scoped_to:
    return scoped_to(Scope.authority(authority.pk))


def rows_of(tables: JourneyTables, *, ids: bool) -> dict[str, Counter[tuple[Any, ...]]]:
    """Each table as a multiset of rows (record ids left out unless ``ids``)."""
    result = {}
    for name, frame in tables.items():
        columns = [c for c in SCHEMAS[name] if ids or c != "record_id"]
        result[name] = Counter(frame.select(columns).iter_rows())
    return result


def extracts(
    seed: int, tmp: Path, *, ids: bool
) -> tuple[JourneyTables, EarlierExtract, Path, Path]:
    later = generate(CHILDREN, seed, end=EXTRACT_DATE)
    if ids:
        later = with_record_ids(later)
    earlier = earlier_extract(later, seed, extract_date=EXTRACT_DATE)
    write_csv(earlier.tables, tmp / "earlier")
    write_csv(later, tmp / "later")
    write_csv(earlier.in_error, tmp / "in-error")
    return later, earlier, tmp / "earlier", tmp / "later"


def held(authority: LocalAuthority, *, ids: bool) -> dict[str, Counter[tuple[Any, ...]]]:
    """The records held, and the agenda checklists and actions the meetings app holds
    from the imports (their answered items), as the extracts' rows."""
    with scope(authority):
        return rows_of(journey_tables(), ids=ids) | details_held()


def details_held() -> dict[str, Counter[tuple[Any, ...]]]:
    meeting = (
        "meeting__care_period__child__child_ref",
        "meeting__care_period__period_start",
        "meeting__kind",
        "meeting__held_date",
    )
    items = AgendaItemRecord.objects.filter(meeting__imported_meeting__isnull=False).exclude(
        state=""
    )
    actions = MeetingAction.objects.filter(meeting__imported_meeting__isnull=False)
    return {
        "agenda_items": Counter(
            (*row[:-1], row[-1] or None)
            for row in items.values_list(*meeting, "key", "state", "reason")
        ),
        "meeting_actions": Counter(
            (*row[:5], row[5] or None, *row[6:])
            for row in actions.values_list(*meeting, "what", "owner", "due_date", "done_on")
        ),
    }


# ---------------------------------------------------------------------------------------
# Aim 2 by hand, from the files, with the definitions in docs/aims.md


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def aim_2_by_hand(folders: Iterable[Path], as_of: date) -> set[tuple[str, date, date, str, int]]:
    """(child, accommodated, deadline, outcome, days waited) for every care period Aim 2
    counts: accommodated (its first placement away from home) on or before ``as_of``; a
    return home stops the clock (docs/aims.md, "Routes through the journey", rule 2).
    The rows of every folder are taken together (a later folder adds records)."""
    periods: dict[tuple[str, str], dict[str, Any]] = {}
    for folder in folders:
        for row in read(folder, "care_periods"):
            period = periods.setdefault((row["child_ref"], row["period_start"]), {})
            period["end"] = day(row["period_end"])
        for row in read(folder, "placements"):
            start = day(row["start_date"])
            period = periods[(row["child_ref"], row["period_start"])]
            if start is not None and start <= as_of:
                period.setdefault("placements", []).append((start, row["placement_type"]))
                if row["placement_type"] != "home":
                    period["away"] = min(period.get("away", start), start)
        for row in read(folder, "milestones"):
            when = day(row["date"])
            period = periods[(row["child_ref"], row["period_start"])]
            if row["milestone"] == "permanence_recommendation" and when and when <= as_of:
                period["recommended"] = min(period.get("recommended", when), when)
    counted = set()
    for (child, _), period in periods.items():
        start = period.get("away")
        if start is None:
            continue
        deadline = start + timedelta(days=26 * 7)
        recommended = period.get("recommended")
        ended = period["end"] if period["end"] is not None and period["end"] <= as_of else None
        # Rule 2: back home with their parents (and still there) stops the clock like
        # leaving care; the day they went home is the first home placement after the last
        # one away.
        placements = sorted(period["placements"])
        if placements[-1][1] == "home":
            last_away = max(index for index, (_, kind) in enumerate(placements) if kind != "home")
            home = placements[last_away + 1][0]
            ended = home if ended is None else min(ended, home)
        if recommended is not None:
            outcome = "met" if recommended <= deadline else "not_met"
            stop = recommended
        elif ended is not None:
            outcome = "stopped" if ended <= deadline else "not_met"
            stop = ended
        else:
            outcome = "pending" if as_of <= deadline else "not_met"
            stop = as_of
        counted.add((child, start, deadline, outcome, (stop - start).days))
    return counted


def aim_2_from_records(authority: LocalAuthority) -> set[tuple[str, date, date, str, int]]:
    with scope(authority):
        frame = journeys_frame(EXTRACT_DATE)
    children = aim_children(frame, AIM_2, as_of=EXTRACT_DATE)
    return set(
        children.select("child_ref", "start_date", "deadline", "outcome", "days_waited").iter_rows()
    )


# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "ids"), [(1, False), (2, False), (5, True)])
def test_the_later_extract_corrects_the_records_and_the_figures(
    authority_a: LocalAuthority,
    users_a: dict[Role, User],
    tmp_path: Path,
    load_extract: Loader,
    seed: int,
    ids: bool,
) -> None:
    later, earlier, earlier_folder, later_folder = extracts(seed, tmp_path, ids=ids)
    assert earlier.corrected.height > 0 and earlier.entered_in_error.height > 0

    first = load_extract(earlier_folder, EXTRACT_DATE)
    assert first["errors"] == 0  # every wrongly entered row is valid: it loads
    assert held(authority_a, ids=ids) == rows_of(earlier.tables, ids=ids)
    # The errors matter: the earlier figures are not the later extract's.
    assert aim_2_from_records(authority_a) != aim_2_by_hand([later_folder], EXTRACT_DATE)
    second = load_extract(later_folder, EXTRACT_DATE)
    assert second["errors"] == 0

    # The records are the later extract, plus exactly what was entered in error.
    errors = rows_of(earlier.in_error, ids=ids)
    assert held(authority_a, ids=ids) == {
        name: truth + errors[name] for name, truth in rows_of(later, ids=ids).items()
    }
    with scope(authority_a):
        waiting = Counter(
            AbsentRecord.objects.filter(status="awaiting").values_list("table", flat=True)
        )
    # A meeting's checklist and actions go with their meeting: listed are the records.
    assert waiting == Counter(
        table
        for table in earlier.entered_in_error.get_column("table").to_list()
        if table not in MEETING_DETAIL_TABLES
    )
    load = second["load"]
    assert (
        load["milestones"]["corrected"]
        == earlier.corrected.filter(pl.col("table") == "milestones").height
    )
    assert load["placements"]["corrected"] >= 1 and load["meetings"]["corrected"] >= 1

    # Still counted until decided: Aim 2 is that of the later extract and the errors.
    by_hand_with_errors = aim_2_by_hand([later_folder, tmp_path / "in-error"], EXTRACT_DATE)
    assert aim_2_from_records(authority_a) == by_hand_with_errors

    # A data lead removes what was entered in error: Aim 2 is the later extract's.
    lead = users_a[Role.DATA_LEAD]
    with scope(authority_a):
        for absence in AbsentRecord.objects.filter(status="awaiting").order_by("table"):
            absence.refresh_from_db()
            if absence.status == "awaiting":
                remove_absent(absence, lead, "entered in error")
    assert held(authority_a, ids=ids) == rows_of(later, ids=ids)
    assert aim_2_from_records(authority_a) == aim_2_by_hand([later_folder], EXTRACT_DATE)


def test_an_extract_that_replaces_its_childrens_records_leaves_exactly_the_later_extract(
    authority_a: LocalAuthority, tmp_path: Path, load_extract: Loader
) -> None:
    later, earlier, earlier_folder, later_folder = extracts(3, tmp_path, ids=False)
    load_extract(earlier_folder, EXTRACT_DATE)
    result = load_extract(later_folder, EXTRACT_DATE, "--replace-children")
    # A duplicate child is not in the later extract at all, so it is left as it was (the
    # extract is the whole truth for the children it holds, and says nothing of others).
    duplicates = earlier.in_error.children.height
    assert duplicates > 0
    assert result["load"]["children"]["children_not_in_extract"] == duplicates
    with scope(authority_a):
        assert not AbsentRecord.objects.filter(status="awaiting").exists()
        assert AbsentRecord.objects.filter(status="replaced").count() == (
            earlier.entered_in_error.filter(~pl.col("child_ref").str.starts_with("D")).height
        )
    kept = {
        name: Counter(row for row in rows.elements() if str(row[0]).startswith("D"))
        for name, rows in rows_of(earlier.in_error, ids=False).items()
    }
    truth = rows_of(later, ids=False)
    assert held(authority_a, ids=False) == {name: truth[name] + kept[name] for name in truth}
