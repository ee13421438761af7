"""Process measures from what planning meetings achieved, month by month.

Each measure gives one row per calendar month (``month``, ``numerator``, ``denominator``,
``percentage``), the shape of ``process_measures`` and of every run chart or P chart of
percentages, so the improvement record draws them like the others. Months in which
nobody was counted are left out. Definitions, with worked examples: ``docs/meetings.md``.

The web app hands in plain facts (no Django here):

- ``PeriodFacts``: one per care period in which the child was accommodated, with the
  date each kind of planning meeting was held (the date the precedence rule chose:
  ``meetings.resolve_held_date``) and the first date of each decision;
- ``MeetingFacts``: one per planning meeting recorded with its agenda;
- ``ActionFacts``: one per action logged at a meeting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from permanence.analysis.meetings import (
    PERMANENCE_DISCUSSED,
    REVIEW_DATES_SET,
    DecisionKind,
    ItemState,
    MeetingKind,
)
from permanence.analysis.process_measures import MEASURE_COLUMNS

#: Legal advice counts as early when received within this many days of the date
#: accommodated, unless the review policy sets a week for the legal advice meeting.
LEGAL_ADVICE_DAYS = 84


@dataclass(frozen=True, slots=True)
class PeriodFacts:
    accommodated: date
    period_end: date | None = None
    under_3: bool = False
    held: Mapping[str, date] = field(default_factory=dict)
    decisions: Mapping[str, date] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MeetingFacts:
    kind: str
    held: date | None
    items: Mapping[str, ItemState] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ActionFacts:
    due: date
    done_on: date | None = None
    kind: str = ""
    """The kind of the meeting the action was agreed at (its code: ``planning_2wk``, or
    ``local_<id>`` for a kind of the authority's own)."""


@dataclass(frozen=True, slots=True)
class LocalKind:
    """A kind of planning meeting an authority holds of its own: its code (as its
    meetings' ``kind`` and ``PeriodFacts.held`` carry it), its name, and the days after
    the date accommodated it is due within, if the authority set them."""

    code: str
    name: str
    within_days: int | None = None


def _table(rows: Iterable[tuple[date, bool]]) -> pl.DataFrame:
    """(day counted, whether it happened) pairs into the monthly table."""
    counts: dict[date, list[int]] = {}
    for day, happened in rows:
        month = day.replace(day=1)
        entry = counts.setdefault(month, [0, 0])
        entry[0] += int(happened)
        entry[1] += 1
    months = sorted(counts)
    return pl.DataFrame(
        {
            "month": months,
            "numerator": [counts[m][0] for m in months],
            "denominator": [counts[m][1] for m in months],
            "percentage": [100.0 * counts[m][0] / counts[m][1] for m in months],
        },
        schema={
            "month": pl.Date,
            "numerator": pl.Int64,
            "denominator": pl.Int64,
            "percentage": pl.Float64,
        },
    ).select(MEASURE_COLUMNS)


def _within(
    periods: Sequence[PeriodFacts],
    when: Callable[[PeriodFacts], date | None],
    within_days: int | None,
    as_of: date,
    since: date | None,
) -> pl.DataFrame:
    """Each accommodated period in the month accommodated, once its time limit has
    passed by ``as_of``; it happened when ``when`` falls on or before the limit. A period
    that ended before the limit without it is not counted (it was no longer needed).
    ``within_days`` of None: no limit, every period accommodated by ``as_of`` counts and
    it happened when it happened by ``as_of``."""
    rows = []
    for period in periods:
        if since is not None and period.accommodated < since:
            continue
        limit = as_of if within_days is None else period.accommodated + timedelta(within_days)
        if limit > as_of or period.accommodated > as_of:
            continue
        day = when(period)
        happened = day is not None and period.accommodated <= day <= limit
        if not happened and period.period_end is not None and period.period_end < limit:
            continue
        rows.append((period.accommodated, happened))
    return _table(rows)


def meetings_on_time(
    periods: Sequence[PeriodFacts],
    kind: str,
    *,
    within_days: int,
    as_of: date,
    since: date | None = None,
) -> pl.DataFrame:
    """Per month accommodated: the meeting of ``kind`` held within ``within_days`` of the
    date accommodated (a period with no meeting at all counts as not in time)."""
    if within_days < 0:
        raise ValueError("a meeting's time limit cannot be negative")
    return _within(periods, lambda p: p.held.get(kind), within_days, as_of, since)


def agenda_complete(meetings: Sequence[MeetingFacts], kind: str, *, as_of: date) -> pl.DataFrame:
    """Per month held: meetings of ``kind`` with every agenda item done (an item not
    applicable, with its reason, does not count against it; one not recorded does)."""
    rows = [
        (
            meeting.held,
            all(
                state in (ItemState.DONE, ItemState.NOT_APPLICABLE)
                for state in meeting.items.values()
            ),
        )
        for meeting in meetings
        if meeting.kind == kind
        and meeting.held is not None
        and meeting.held <= as_of
        and meeting.items
    ]
    return _table((held, done) for held, done in rows if held is not None)


def item_done(
    meetings: Sequence[MeetingFacts], kind: str, key: str, *, as_of: date
) -> pl.DataFrame:
    """Per month held: meetings of ``kind`` whose agenda holds item ``key`` and at which
    it was done. Meetings where it was not applicable (with a reason) are not counted."""
    rows = []
    for meeting in meetings:
        if meeting.kind != kind or meeting.held is None or meeting.held > as_of:
            continue
        if key not in meeting.items:
            continue
        state = meeting.items[key]
        if state is ItemState.NOT_APPLICABLE:
            continue
        rows.append((meeting.held, state is ItemState.DONE))
    return _table(rows)


def decision_within(
    periods: Sequence[PeriodFacts],
    decision: str,
    *,
    within_days: int | None,
    as_of: date,
    only_under_3: bool = False,
) -> pl.DataFrame:
    """Per month accommodated: the first decision of kind ``decision`` made within
    ``within_days`` of the date accommodated (0: on the day; None: at any time by
    ``as_of``)."""
    chosen = [p for p in periods if p.under_3] if only_under_3 else list(periods)
    return _within(chosen, lambda p: p.decisions.get(decision), within_days, as_of, None)


def actions_on_time(
    actions: Sequence[ActionFacts], *, as_of: date, kind: str | None = None
) -> pl.DataFrame:
    """Per month due: actions done by their due date, once due by ``as_of`` (those agreed
    at meetings of ``kind`` only, where it is given)."""
    return _table(
        (action.due, action.done_on is not None and action.done_on <= action.due)
        for action in actions
        if action.due <= as_of and (kind is None or action.kind == kind)
    )


@dataclass(frozen=True, slots=True)
class MeetingMeasure:
    key: str
    title: str
    x_title: str
    table: pl.DataFrame
    note: str = ""


#: The measures' keys and titles, as the improvement record offers them.
MEASURE_TITLES: dict[str, str] = {
    "mtg_72h_on_time": "72-hour planning meetings held in time (dates entered or imported)",
    "mtg_2wk_on_time": "Two-week planning meetings held in time (dates entered or imported)",
    "mtg_2wk_agenda_done": "Two-week planning meetings with every agenda item done",
    "mtg_72h_agenda_done": "72-hour planning meetings with every agenda item done",
    "mtg_permanence_talk": "Two-week planning meetings that discussed permanence with parents",
    "mtg_review_dates": "Two-week planning meetings that set every review date",
    "concurrent_planning": "Children accommodated with concurrent planning in place",
    "legal_advice_early": "Children accommodated who had legal advice early",
    "under_3_day_one": "Children under 3 referred to the Reporter on the day accommodated",
    "mtg_actions_on_time": "Meeting actions done by their due date",
}


#: The measures of a kind of the authority's own, by the end of their key (the key is
#: ``local_kind_key(code, end)``): held in time (only where the kind has its days), every
#: agenda item done, and the actions agreed at its meetings done by their due date.
LOCAL_KIND_MEASURES: dict[str, str] = {
    "on_time": "{name}: held in time",
    "agenda": "{name}: every agenda item done",
    "actions": "{name}: actions done by their due date",
}


def local_kind_key(code: str, measure: str) -> str:
    """The key of one measure of a kind of the authority's own: ``local_7`` and
    ``on_time`` give ``local_7_on_time``: at most 20 characters (the improvement record's
    field) for any id below 100 000."""
    if measure not in LOCAL_KIND_MEASURES:
        raise ValueError(f"no measure {measure!r} for a kind of the authority's own")
    return f"{code}_{measure}"


def local_kind_titles(kinds: Sequence[LocalKind]) -> dict[str, str]:
    """The keys and titles of the measures of the authority's own kinds, offered beside
    ``MEASURE_TITLES`` (a kind without its days has no "held in time")."""
    titles = {}
    for kind in kinds:
        for measure, title in LOCAL_KIND_MEASURES.items():
            if measure == "on_time" and kind.within_days is None:
                continue
            titles[local_kind_key(kind.code, measure)] = title.format(name=kind.name)
    return titles


def local_kind_measures(
    periods: Sequence[PeriodFacts],
    meetings: Sequence[MeetingFacts],
    actions: Sequence[ActionFacts],
    kinds: Sequence[LocalKind],
    *,
    as_of: date,
) -> dict[str, MeetingMeasure]:
    """The measures of each kind of the authority's own, keyed as ``local_kind_titles``:
    the same definitions as the shipped kinds' (``meetings_on_time`` with the kind's own
    days, ``agenda_complete``, ``actions_on_time``), read for the kind's code."""
    titles = local_kind_titles(kinds)
    measures = {}
    for kind in kinds:
        tables: dict[str, tuple[str, pl.DataFrame, str]] = {
            "agenda": (
                "Month the meeting was held",
                agenda_complete(meetings, kind.code, as_of=as_of),
                "",
            ),
            "actions": (
                "Month the action was due",
                actions_on_time(actions, as_of=as_of, kind=kind.code),
                "",
            ),
        }
        if kind.within_days is not None:
            tables["on_time"] = (
                "Month accommodated",
                meetings_on_time(periods, kind.code, within_days=kind.within_days, as_of=as_of),
                f"Held within {kind.within_days} days of the date accommodated.",
            )
        for measure, (x_title, table, note) in tables.items():
            key = local_kind_key(kind.code, measure)
            measures[key] = MeetingMeasure(key, titles[key], x_title, table, note)
    return measures


def meeting_measures(
    periods: Sequence[PeriodFacts],
    meetings: Sequence[MeetingFacts],
    actions: Sequence[ActionFacts],
    *,
    as_of: date,
    planning_meeting_days: int = 14,
    planning_72h_days: int = 3,
    legal_advice_days: int = LEGAL_ADVICE_DAYS,
    local_kinds: Sequence[LocalKind] = (),
) -> dict[str, MeetingMeasure]:
    """Every measure, keyed as ``MEASURE_TITLES``, then those of the authority's own
    kinds of meeting (``local_kinds``), keyed as ``local_kind_titles``."""
    accommodated = "Month accommodated"
    held = "Month the meeting was held"
    two_week, seventy_two = MeetingKind.PLANNING_2WK.value, MeetingKind.PLANNING_72H.value
    tables = {
        "mtg_72h_on_time": (
            accommodated,
            meetings_on_time(periods, seventy_two, within_days=planning_72h_days, as_of=as_of),
            f"Held within {planning_72h_days} days of the date accommodated.",
        ),
        "mtg_2wk_on_time": (
            accommodated,
            meetings_on_time(periods, two_week, within_days=planning_meeting_days, as_of=as_of),
            f"Held within {planning_meeting_days} days of the date accommodated.",
        ),
        "mtg_2wk_agenda_done": (held, agenda_complete(meetings, two_week, as_of=as_of), ""),
        "mtg_72h_agenda_done": (held, agenda_complete(meetings, seventy_two, as_of=as_of), ""),
        "mtg_permanence_talk": (
            held,
            item_done(meetings, two_week, PERMANENCE_DISCUSSED, as_of=as_of),
            "",
        ),
        "mtg_review_dates": (
            held,
            item_done(meetings, two_week, REVIEW_DATES_SET, as_of=as_of),
            "",
        ),
        "concurrent_planning": (
            accommodated,
            decision_within(
                periods, DecisionKind.CONCURRENT_PLANNING, within_days=None, as_of=as_of
            ),
            "Concurrent planning recorded at any time by the measuring date.",
        ),
        "legal_advice_early": (
            accommodated,
            decision_within(
                periods,
                DecisionKind.LEGAL_ADVICE_RECEIVED,
                within_days=legal_advice_days,
                as_of=as_of,
            ),
            f"Legal advice received within {legal_advice_days} days of the date accommodated.",
        ),
        "under_3_day_one": (
            accommodated,
            decision_within(
                periods,
                DecisionKind.UNDER_3_REFERRED,
                within_days=0,
                as_of=as_of,
                only_under_3=True,
            ),
            "",
        ),
        "mtg_actions_on_time": (
            "Month the action was due",
            actions_on_time(actions, as_of=as_of),
            "",
        ),
    }
    shipped = {
        key: MeetingMeasure(key, MEASURE_TITLES[key], x_title, table, note)
        for key, (x_title, table, note) in tables.items()
    }
    return shipped | local_kind_measures(periods, meetings, actions, local_kinds, as_of=as_of)
