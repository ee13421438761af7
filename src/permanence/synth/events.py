"""Turn drawn journeys into rows of the canonical tables, keyed by period number.

Only what had happened by the end of the period (and of the history) is kept: this is
where a recommendation that would come after the history ends becomes a child still
waiting, and where nothing is recorded after a child has left care. Dates stay as days
since 1970-01-01 and text as vocabulary numbers; ``assemble`` names the children and
turns numbers into dates and words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from permanence.journey.vocabulary import (
    AgencyDecisionOutcome,
    LegalStatusKind,
    MeetingKind,
    MilestoneKind,
    OrderType,
    PlacementType,
    Route,
)
from permanence.synth import parameters as p
from permanence.synth.draws import NEVER, Calendar, Days, Draws, Indices, Mask, known
from permanence.synth.journeys import BASIS_INTERIM_CSO, DESTINATIONS, HOME_ONLY, Journeys
from permanence.synth.rows import Rows, Vocabulary

_YEAR = 365.25

# What the meetings record as their outcome (free text, as a case recording system has it).
LEGAL_ADVICE_GIVEN = "Legal advice given on the plan"
PANEL_OUTCOME = "Plan recommended to the agency decision maker"
HEARING_HOME_MADE = "Compulsory Supervision Order made: the child lives at home"
HEARING_HOME_CONTINUED = "Compulsory Supervision Order at home continued"
HEARING_INTERIM = "Interim Compulsory Supervision Order made"
HEARING_VARIED_AWAY = "Compulsory Supervision Order varied: the child is accommodated"
HEARING_RESIDENCE = "Compulsory Supervision Order made with a residence condition"
HEARING_CONTINUED = "Compulsory Supervision Order continued"
HEARING_RETURN = "Compulsory Supervision Order varied: the child returns home"
HEARING_ADVICE = "Advice to the sheriff on the permanence plan"
RECOMMENDATION_OUTCOMES = tuple(
    f"Permanence recommendation: {Route(code).label}" for code in p.ROUTE_CODES if code
)

PLACEMENT = Vocabulary([member.value for member in PlacementType])
LEGAL_STATUS = Vocabulary([member.value for member in LegalStatusKind])
MEETING_KIND = Vocabulary([member.value for member in MeetingKind])
MILESTONE = Vocabulary([member.value for member in MilestoneKind])
OUTCOME = Vocabulary(
    [
        None,
        LEGAL_ADVICE_GIVEN,
        PANEL_OUTCOME,
        HEARING_HOME_MADE,
        HEARING_HOME_CONTINUED,
        HEARING_INTERIM,
        HEARING_VARIED_AWAY,
        HEARING_RESIDENCE,
        HEARING_CONTINUED,
        HEARING_RETURN,
        HEARING_ADVICE,
        *RECOMMENDATION_OUTCOMES,
    ]
)
DETAIL = Vocabulary(
    [
        None,
        *(member.value for member in Route),
        *(member.value for member in AgencyDecisionOutcome),
        OrderType.SUPERVISION_TERMINATED.value,
    ]
)
REASON = Vocabulary([None, *p.REVERSAL_REASONS, *p.REMADE_REASONS])
DESTINATION = Vocabulary([None, *DESTINATIONS])

# Translations from the model's numbers into the vocabularies above.
_AWAY_PLACEMENTS = PLACEMENT.translate(p.PLACEMENT_TYPES_AWAY)
_ROUTE_DETAIL = DETAIL.translate([code or None for code in p.ROUTE_CODES])
_ROUTE_OUTCOME = OUTCOME.translate([None, *RECOMMENDATION_OUTCOMES])
# The order each route seeks and is granted, as a legal status or a milestone detail.
_ORDER_CODES: tuple[str | None, ...] = (
    None,
    None,
    OrderType.KINSHIP_CARE_ORDER.value,
    OrderType.PERMANENCE_ORDER.value,
    OrderType.PERMANENCE_ORDER_ADOPT.value,
    OrderType.ADOPTION.value,
)
_ROUTE_ORDER_DETAIL = DETAIL.translate(_ORDER_CODES)
_BASIS_STATUS = LEGAL_STATUS.translate(
    [
        LegalStatusKind.SECTION_25.value,
        LegalStatusKind.CHILD_PROTECTION_ORDER.value,
        LegalStatusKind.INTERIM_CSO.value,
    ]
)
_ROUTE_STATUS = np.array([0, 0, 0, LEGAL_STATUS["po"], LEGAL_STATUS["poa"], 0], dtype=np.int64)
_DESTINATION_INDEX = DESTINATION.translate(DESTINATIONS)


def _rows_for_periods() -> Rows:
    return Rows(period=0, child=0, start=0, end=int(NEVER), destination=0, team=0)


def _rows_for_changes() -> Rows:
    return Rows(period=0, date=0, code=0, seq=0, merges=0)


def _rows_for_meetings() -> Rows:
    return Rows(period=0, kind=0, number=0, due=int(NEVER), held=int(NEVER), outcome=0)


def _rows_for_milestones() -> Rows:
    return Rows(period=0, kind=0, date=0, detail=0, reason=0)


@dataclass
class Collected:
    """The rows of every table, gathered batch after batch."""

    periods: Rows = field(default_factory=_rows_for_periods)
    placements: Rows = field(default_factory=_rows_for_changes)
    legal_statuses: Rows = field(default_factory=_rows_for_changes)
    meetings: Rows = field(default_factory=_rows_for_meetings)
    milestones: Rows = field(default_factory=_rows_for_milestones)


def collect(draws: Draws, calendar: Calendar, journeys: Journeys, into: Collected) -> None:
    """Add one batch's rows to every table."""
    _periods(journeys, into.periods)
    _placements(draws, calendar, journeys, into.placements)
    _legal_statuses(calendar, journeys, into.legal_statuses)
    _meetings(draws, calendar, journeys, into.meetings)
    _milestones(draws, journeys, into.milestones)


def _everything(size: int) -> Mask:
    return np.ones(size, dtype=np.bool_)


# --- care periods ---------------------------------------------------------------------------


def _periods(journeys: Journeys, rows: Rows) -> None:
    entry, ending = journeys.entry, journeys.ending
    rows.add(
        _everything(entry.size),
        period=entry.period,
        child=entry.child,
        start=entry.start,
        end=np.where(ending.open, NEVER, ending.end),
        destination=np.where(ending.open, 0, _DESTINATION_INDEX[ending.destination]),
        team=entry.team,
    )


# --- placements and legal statuses: dated changes, turned into intervals later -------------


def _inside(journeys: Journeys, calendar: Calendar, row: Indices, date: Days) -> Mask:
    """Changes that happened within the history, from the period's start to before its end."""
    start, end = journeys.entry.start[row], journeys.ending.end[row]
    inside: Mask = known(date) & (date <= calendar.end) & ((date < end) | (date == start))
    return inside


def _placements(draws: Draws, calendar: Calendar, journeys: Journeys, rows: Rows) -> None:
    entry, plan, ending = journeys.entry, journeys.plan, journeys.ending
    every = np.arange(entry.size)

    def change(keep: Mask, date: Days, code: int | Indices, seq: int, merges: bool) -> None:
        rows.add(
            keep & _inside(journeys, calendar, every, date),
            period=entry.period,
            date=date,
            code=code,
            seq=seq,
            merges=int(merges),
        )

    first_type = draws.choice_by_group(p.FIRST_PLACEMENT_BY_BAND, entry.band)
    change(entry.home_start, entry.start, PLACEMENT["home"], 0, False)
    change(entry.is_accommodated, entry.accommodated, _AWAY_PLACEMENTS[first_type], 1, False)
    _moves(draws, calendar, journeys, rows)
    # Planned moves; one to where the child already lives is no move.
    change(known(plan.kinship_move), plan.kinship_move, PLACEMENT["kinship"], 3, True)
    change(
        known(plan.placed_with_adopters),
        plan.placed_with_adopters,
        PLACEMENT["prospective_adopters"],
        3,
        True,
    )
    change(ending.on_supervision_at_return, plan.returned_home, PLACEMENT["home"], 3, True)
    # A return home that broke down: home, then back to where the child first lived.
    broke_down = known(plan.broken_return)
    change(broke_down, plan.broken_return, PLACEMENT["home"], 2, False)
    change(broke_down, plan.broken_return_ended, _AWAY_PLACEMENTS[first_type], 2, False)
    home_first = known(plan.home_before_leaving)
    change(home_first, plan.home_before_leaving, PLACEMENT["home"], 3, True)


def _moves(draws: Draws, calendar: Calendar, journeys: Journeys, rows: Rows) -> None:
    """Unplanned moves between placements, spread over the time before any planned one."""
    entry, plan, ending = journeys.entry, journeys.plan, journeys.ending
    planned = (
        known(plan.kinship_move)
        | known(plan.placed_with_adopters)
        | known(plan.returned_home)
        | known(plan.home_before_leaving)
    )
    moves = draws.choice_by_group(p.MOVES_BY_BAND, entry.band)
    moves = np.where(entry.is_accommodated, np.minimum(moves, 3 - planned), 0)
    settled = np.minimum.reduce(
        [
            np.minimum(ending.end, calendar.end),
            plan.placed_with_adopters,
            plan.kinship_move,
            plan.returned_home,
            plan.home_before_leaving,
            np.where(entry.route == p.ROUTE_ADOPTION, plan.order, NEVER),
        ]
    )
    span = np.maximum(settled - entry.accommodated, 0)
    row = np.repeat(np.arange(entry.size), moves)
    date = entry.accommodated[row] + draws.part_of(span[row], (0.05, 0.95))
    kind = draws.choice_by_group(p.MOVE_PLACEMENT_BY_BAND, entry.band[row])
    keep = (date > entry.accommodated[row]) & _inside(journeys, calendar, row, date)
    rows.add(keep, period=entry.period[row], date=date, code=_AWAY_PLACEMENTS[kind], seq=2)


def _legal_statuses(calendar: Calendar, journeys: Journeys, rows: Rows) -> None:
    entry, referral, plan, ending = (
        journeys.entry,
        journeys.referral,
        journeys.plan,
        journeys.ending,
    )
    every = np.arange(entry.size)
    # A residence condition is not made after the child has gone home, nor kept once a
    # permanence order replaces the CSO.
    court_order = entry.route_is(p.ROUTE_PO, p.ROUTE_POA)
    superseded = np.minimum.reduce(
        [plan.returned_home, plan.home_before_leaving, np.where(court_order, plan.order, NEVER)]
    )
    interim = (referral.basis != BASIS_INTERIM_CSO) & (referral.first_hearing < superseded)
    residence = referral.second_hearing < superseded

    def change(keep: Mask, date: Days, code: int | Indices, seq: int) -> None:
        # A change to the status the child already has is no change.
        rows.add(
            keep & _inside(journeys, calendar, every, date),
            period=entry.period,
            date=date,
            code=code,
            seq=seq,
            merges=1,
        )

    change(entry.home_start, entry.start, LEGAL_STATUS["cso_home"], 0)
    change(entry.is_accommodated, entry.accommodated, _BASIS_STATUS[referral.basis], 1)
    change(interim, referral.first_hearing, LEGAL_STATUS["interim_cso"], 2)
    change(residence, referral.second_hearing, LEGAL_STATUS["cso_residence"], 3)
    change(ending.on_supervision_at_return, plan.returned_home, LEGAL_STATUS["cso_home"], 4)
    change(known(plan.home_before_leaving), plan.home_before_leaving, LEGAL_STATUS["cso_home"], 4)
    # A return home that broke down: a Hearing sends the child home on the order, then
    # varies it with a residence condition when the child is accommodated again.
    broke_down = known(plan.broken_return)
    change(broke_down, plan.broken_return, LEGAL_STATUS["cso_home"], 4)
    change(broke_down, plan.broken_return_ended, LEGAL_STATUS["cso_residence"], 4)
    change(
        court_order & known(plan.order), plan.order, _ROUTE_STATUS[np.maximum(entry.route, 0)], 5
    )


# --- meetings ------------------------------------------------------------------------------


class _MeetingRows:
    """Adds meetings of one batch, keeping those held, or due and awaited, by the cutoff."""

    def __init__(self, calendar: Calendar, journeys: Journeys, rows: Rows) -> None:
        self.calendar = calendar
        self.journeys = journeys
        self.rows = rows

    def kept(self, row: Indices, due: Days, held: Days) -> tuple[Mask, Days]:
        ending = self.journeys.ending
        cutoff = ending.cutoff[row]
        held_by_then = held <= cutoff
        # A meeting due by then but not yet held stays on record while the child is
        # looked after (the frame counts it as due); a child who has left missed it only
        # if it was never held at all.
        awaited = (due <= cutoff) & (ending.open[row] | ~known(held))
        # Nothing is dated after the history ends, so a meeting held a few days ahead of
        # a due date beyond it is not yet in the record.
        not_yet_due = known(due) & (due > self.calendar.end)
        kept = (held_by_then | awaited) & ~not_yet_due
        return kept, np.where(held_by_then, held, NEVER)

    def add(
        self,
        keep: Mask,
        kind: str,
        held: Days,
        due: Days | None = None,
        outcome: int | Indices = 0,
    ) -> None:
        size = self.journeys.entry.size
        due_dates = np.full(size, NEVER, dtype=np.int64) if due is None else due
        kept, held_dates = self.kept(np.arange(size), due_dates, held)
        self.rows.add(
            keep & kept,
            period=self.journeys.entry.period,
            kind=MEETING_KIND[kind],
            due=due_dates,
            held=held_dates,
            outcome=outcome,
        )


def _meetings(draws: Draws, calendar: Calendar, journeys: Journeys, rows: Rows) -> None:
    meetings = _MeetingRows(calendar, journeys, rows)
    _planning_meetings(draws, journeys, meetings)
    _reviews(journeys, meetings)
    _legal_advice(draws, journeys, meetings)
    _panels(journeys, meetings)
    _hearings(draws, journeys, meetings)


def _planning_meetings(draws: Draws, journeys: Journeys, meetings: _MeetingRows) -> None:
    entry = journeys.entry
    size = entry.size
    accommodated = entry.accommodated
    improved = entry.improved
    drawn = draws.rng.random(size)
    on_time = drawn < np.where(improved, p.PLANNING_72H_ON_TIME[1], p.PLANNING_72H_ON_TIME[0])
    missed = drawn > 1 - np.where(improved, p.PLANNING_72H_MISSED[1], p.PLANNING_72H_MISSED[0])
    held_72 = accommodated + np.where(
        on_time,
        draws.days_between((0, p.PLANNING_72H_DUE), size),
        draws.days_between((p.PLANNING_72H_DUE + 1, 14), size),
    )
    meetings.add(
        entry.is_accommodated,
        "planning_72h",
        np.where(missed, NEVER, held_72),
        due=accommodated + p.PLANNING_72H_DUE,
    )
    two_week = improved & draws.chance(p.TWO_WEEK_MEETING_SHARE, size)
    held_2wk = accommodated + draws.days_between(p.PLANNING_2WK_HELD_DAYS, size)
    meetings.add(two_week, "planning_2wk", held_2wk, due=accommodated + p.PLANNING_2WK_DUE)


def _reviews(journeys: Journeys, meetings: _MeetingRows) -> None:
    """Reviews at home then while accommodated, numbered on from one to the other."""
    entry, plan = journeys.entry, journeys.plan
    first_period = entry.period[0]
    home = journeys.home_reviews
    home_row = home.period - first_period
    # A review at home that would have been held after the child was accommodated was
    # overtaken: it is recorded as not held.
    overtaken = home.held >= entry.accommodated[home_row]
    home_kept, home_held = meetings.kept(home_row, home.due, np.where(overtaken, NEVER, home.held))
    meetings.rows.add(
        home_kept,
        period=home.period,
        kind=MEETING_KIND["review"],
        number=home.number,
        due=home.due,
        held=home_held,
    )
    home_count = np.bincount(home_row[home_kept], minlength=entry.size)

    away = journeys.accommodated_reviews
    away_row = away.period - first_period
    outcome = np.zeros(len(away.period), dtype=np.int64)
    made_at = plan.review_row >= 0
    outcome[plan.review_row[made_at]] = _ROUTE_OUTCOME[entry.route[made_at]]
    away_kept, away_held = meetings.kept(away_row, away.due, away.held)
    # A review still to be held has no outcome yet.
    outcome = np.where(known(away_held), outcome, 0)
    meetings.rows.add(
        away_kept,
        period=away.period,
        kind=MEETING_KIND["review"],
        number=away.number + home_count[away_row],
        due=away.due,
        held=away_held,
        outcome=outcome,
    )


def _legal_advice(draws: Draws, journeys: Journeys, meetings: _MeetingRows) -> None:
    entry, plan = journeys.entry, journeys.plan
    size = entry.size
    meetings.add(
        plan.at_legal_advice,
        "legal_advice",
        plan.recommendation,
        outcome=_ROUTE_OUTCOME[np.maximum(entry.route, 0)],
    )
    # The recommendation to return home that was later reversed was made at one too.
    meetings.add(
        known(plan.reversed_recommendation),
        "legal_advice",
        plan.reversed_recommendation,
        outcome=_ROUTE_OUTCOME[p.ROUTE_RETURN_HOME],
    )
    # So was the first recommendation of a plan away from home reversed and made again.
    meetings.add(
        known(plan.remade_first),
        "legal_advice",
        plan.remade_first,
        outcome=_ROUTE_OUTCOME[np.maximum(entry.route, 0)],
    )
    away = entry.route >= p.ROUTE_KINSHIP
    share = np.where(away, p.LEGAL_ADVICE_BEFORE_AWAY, p.LEGAL_ADVICE_BEFORE_HOME)
    before = (
        (entry.route >= p.ROUTE_RETURN_HOME) & ~plan.at_legal_advice & draws.chance(share, size)
    )
    lead = draws.days_between(p.LEGAL_ADVICE_LEAD_DAYS, size)
    ready = np.minimum(entry.target, plan.recommendation)
    meetings.add(
        before,
        "legal_advice",
        np.maximum(entry.accommodated + 7, ready - lead),
        outcome=OUTCOME[LEGAL_ADVICE_GIVEN],
    )
    court_route = entry.route_is(p.ROUTE_PO, p.ROUTE_POA, p.ROUTE_ADOPTION)
    lodging = court_route & known(plan.lodged) & draws.chance(p.LEGAL_ADVICE_BEFORE_LODGING, size)
    lodging_on = plan.agency_decision + draws.part_of(
        plan.lodged - plan.agency_decision, (0.1, 0.5)
    )
    meetings.add(lodging, "legal_advice", lodging_on, outcome=OUTCOME[LEGAL_ADVICE_GIVEN])


def _panels(journeys: Journeys, meetings: _MeetingRows) -> None:
    plan = journeys.plan
    for panel in (plan.panel, plan.second_panel):
        meetings.add(known(panel), "permanence_panel", panel, outcome=OUTCOME[PANEL_OUTCOME])


def _hearings(draws: Draws, journeys: Journeys, meetings: _MeetingRows) -> None:
    entry, referral, plan, ending = (
        journeys.entry,
        journeys.referral,
        journeys.plan,
        journeys.ending,
    )
    size = entry.size

    def hearing(keep: Mask, held: Days, outcome: int | Indices) -> None:
        meetings.add(keep & known(held), "hearing", held, outcome=outcome)

    # At home: the hearing that made the CSO, then yearly hearings reviewing it.
    hearing(entry.home_start, entry.start, OUTCOME[HEARING_HOME_MADE])
    at_home_until = np.minimum(entry.accommodated, entry.home_end)
    held = entry.start.copy()
    for _ in range(p.HOME_HEARINGS):
        held = held + draws.days_between(p.HOME_HEARING_INTERVAL, size)
        hearing(entry.home_start & (held < at_home_until), held, OUTCOME[HEARING_HOME_CONTINUED])

    # Accommodated: the interim order, the CSO with a residence condition, reviews of it.
    first_outcome = np.where(
        referral.basis == BASIS_INTERIM_CSO, OUTCOME[HEARING_VARIED_AWAY], OUTCOME[HEARING_INTERIM]
    )
    hearing(entry.is_accommodated, referral.first_hearing, first_outcome)
    hearing(entry.is_accommodated, referral.second_hearing, OUTCOME[HEARING_RESIDENCE])
    court_order = entry.route_is(p.ROUTE_PO, p.ROUTE_POA)
    finished = np.minimum.reduce(
        [plan.returned_home, plan.home_before_leaving, np.where(court_order, plan.order, NEVER)]
    )
    held = referral.second_hearing.copy()
    for _ in range(p.REVIEW_HEARINGS):
        held = held + draws.days_between(p.REVIEW_HEARING_INTERVAL, size)
        kept = draws.chance(p.REVIEW_HEARING_HELD, size) & (held < finished)
        hearing(kept, held, OUTCOME[HEARING_CONTINUED])
    on_return = ending.on_supervision_at_return & draws.chance(p.HEARING_ON_RETURN_HOME, size)
    hearing(on_return, plan.returned_home, OUTCOME[HEARING_RETURN])
    # A hearing gives the sheriff its advice before a permanence or adoption application.
    court_route = entry.route_is(p.ROUTE_PO, p.ROUTE_POA, p.ROUTE_ADOPTION)
    advice = court_route & (referral.first_hearing <= plan.agency_decision) & known(plan.lodged)
    advice_on = plan.agency_decision + draws.part_of(plan.lodged - plan.agency_decision, (0.2, 0.7))
    hearing(advice, advice_on, OUTCOME[HEARING_ADVICE])


# --- milestones ----------------------------------------------------------------------------


def _milestones(draws: Draws, journeys: Journeys, rows: Rows) -> None:
    entry, referral, plan, ending = (
        journeys.entry,
        journeys.referral,
        journeys.plan,
        journeys.ending,
    )
    route = np.maximum(entry.route, 0)
    order_detail = _ROUTE_ORDER_DETAIL[route]

    def milestone(
        kind: MilestoneKind, date: Days, detail: int | Indices = 0, reason: int | Indices = 0
    ) -> None:
        keep = known(date) & (date <= ending.cutoff)
        rows.add(
            keep,
            period=entry.period,
            kind=MILESTONE[kind.value],
            date=date,
            detail=detail,
            reason=reason,
        )

    started, completed = _assessment(draws, journeys)
    milestone(MilestoneKind.REPORTER_REFERRAL, referral.referral)
    milestone(MilestoneKind.ASSESSMENT_STARTED, started)
    milestone(MilestoneKind.ASSESSMENT_COMPLETED, completed)
    milestone(
        MilestoneKind.RECOMMENDATION, plan.reversed_recommendation, detail=DETAIL["return_home"]
    )
    milestone(MilestoneKind.DECISION_REVERSED, plan.reversed_on, reason=1 + plan.reversal_reason)
    # A plan away from home made, reversed, and made again with the same route.
    milestone(MilestoneKind.RECOMMENDATION, plan.remade_first, detail=_ROUTE_DETAIL[route])
    milestone(
        MilestoneKind.DECISION_REVERSED, plan.remade_reversed_on, reason=1 + plan.reversal_reason
    )
    milestone(MilestoneKind.RECOMMENDATION, plan.recommendation, detail=_ROUTE_DETAIL[route])
    milestone(MilestoneKind.DECISION_AWAY_FROM_HOME, plan.decision)
    milestone(
        MilestoneKind.AGENCY_DECISION,
        plan.first_agency_decision,
        detail=np.where(plan.not_agreed, DETAIL["not_agreed"], DETAIL["agreed"]),
    )
    milestone(
        MilestoneKind.AGENCY_DECISION,
        np.where(plan.not_agreed, plan.agency_decision, NEVER),
        detail=DETAIL["agreed"],
    )
    milestone(MilestoneKind.APPLICATION_LODGED, plan.lodged, detail=order_detail)
    milestone(MilestoneKind.ORDER_GRANTED, plan.order, detail=order_detail)
    milestone(MilestoneKind.APPLICATION_LODGED, plan.adoption_lodged, detail=DETAIL["adoption"])
    milestone(MilestoneKind.ORDER_GRANTED, plan.adoption_order, detail=DETAIL["adoption"])
    milestone(
        MilestoneKind.ORDER_GRANTED,
        np.where(ending.supervision_terminated, ending.end, NEVER),
        detail=DETAIL["cso_terminated"],
    )


def _assessment(draws: Draws, journeys: Journeys) -> tuple[Days, Days]:
    """Parenting capacity assessments, placed between accommodation and the plan."""
    entry = journeys.entry
    size = entry.size
    age = entry.accommodated - entry.birth
    share = np.where(entry.route == p.ROUTE_NONE, p.ASSESSMENT_SHARE_LEAVERS, p.ASSESSMENT_SHARE)
    assessed = (
        entry.is_accommodated
        & (entry.route != HOME_ONLY)
        & (age < p.ASSESSMENT_UNDER * _YEAR)
        & draws.chance(share, size)
    )
    ready = np.where(entry.route == p.ROUTE_NONE, entry.leaver_end, entry.target)
    span = ready - entry.accommodated
    started = entry.accommodated + draws.part_of(span, p.ASSESSMENT_START_FRACTION)
    completed = entry.accommodated + draws.part_of(span, p.ASSESSMENT_END_FRACTION)
    forty_days = entry.improved & (age < p.ASSESSMENT_40_DAY_UNDER * _YEAR)
    completed = np.where(
        forty_days,
        np.minimum(completed, started + draws.days_between(p.ASSESSMENT_40_DAY, size)),
        completed,
    )
    completed = np.maximum(completed, started + 1)
    return np.where(assessed, started, NEVER), np.where(assessed, completed, NEVER)
