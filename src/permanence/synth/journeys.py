"""The key dates of each care period, drawn for many periods at once.

A care period is drawn in stages, each a frozen record of numpy arrays with one row per
period: how it begins (``Entry``), the Children's Hearings system (``Referral``), the
Looked After Child reviews (``Reviews``), the plan and the court (``Plan``) and how it
ends (``Ending``). Each stage reads the ones before it. Dates are days since 1970-01-01;
``NEVER`` marks what does not happen. A stage may draw dates beyond the end of the
history or of the period: ``events`` keeps only what happened by then, so a child whose
recommendation would come next year is simply still waiting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from permanence.synth import parameters as p
from permanence.synth.children import Children
from permanence.synth.draws import NEVER, Calendar, Days, Draws, Indices, Mask, known
from permanence.synth.schedules import Reviews, Schedule, draw_reviews

HOME_ONLY = -1  # the route of a period spent wholly at home: no plan for permanence away

# The legal basis on which a child is first accommodated.
BASIS_SECTION_25 = 0
BASIS_CPO = 1
BASIS_INTERIM_CSO = 2  # a child at home on a CSO, accommodated when a hearing varies it

DESTINATIONS = (
    "home",
    "kinship_order",
    "adoption",
    "continuing_care",
    "independent_living",
    "other_authority",
    "other",
)

_YEAR = 365.25


def age_band(age_days: Days) -> Indices:
    """The AgeBand index (0 under 1 ... 4 for 16 and over) of ages in days."""
    edges = np.array([1, 5, 12, 16], dtype=np.float64) * _YEAR
    return np.searchsorted(edges, age_days, side="right").astype(np.int64)


def _when(condition: Mask, value: Days) -> Days:
    return np.where(condition, value, NEVER)


def _later(first: Days, second: Days) -> Days:
    """The later of two dates; NEVER if either is NEVER."""
    return np.where(known(first) & known(second), np.maximum(first, second), NEVER)


@dataclass(frozen=True, slots=True)
class Entry:
    period: Indices  # the period's number across the whole generated authority
    child: Indices  # the child's row in Children
    start: Days
    birth: Days
    last_day: Days  # the day before the 18th birthday
    sixteenth: Days
    team: Indices
    home_start: Mask  # the period begins with the child at home on a CSO
    home_end: Days  # when a period spent wholly at home ends
    accommodated: Days
    band: Indices  # age band at accommodation (at the start for a period at home)
    improved: Mask  # accommodated in the improved way of working
    route: Indices  # a parameters.ROUTE_* number, or HOME_ONLY
    target: Days  # when the plan is ready for a recommendation
    leaver_end: Days  # for children leaving without a recommendation
    leaver_destination: Indices
    leaver_home_on: Days  # a leaver going home first on an order at home, still looked after

    @property
    def size(self) -> int:
        return len(self.period)

    @property
    def is_accommodated(self) -> Mask:
        return known(self.accommodated)

    def route_is(self, *routes: int) -> Mask:
        return np.isin(self.route, routes)


def draw_entry(
    draws: Draws,
    calendar: Calendar,
    children: Children,
    child: Indices,
    start: Days,
    team: Indices,
    first_period: int,
) -> Entry:
    size = len(child)
    birth = children.birth[child]
    band_at_start = age_band(start - birth)
    home_start = draws.chance(np.asarray(p.HOME_START_BY_BAND)[band_at_start], size)
    home_length = draws.lognormal_days(p.HOME_CSO_MEDIAN, p.HOME_CSO_SIGMA, size)
    later = home_start & draws.chance(p.LATER_ACCOMMODATED, size)
    accommodated = np.where(
        home_start,
        _when(later, start + np.maximum(draws.part_of(home_length, (0.1, 0.9)), 1)),
        start,
    )
    band = np.where(known(accommodated), age_band(accommodated - birth), band_at_start)
    improved = known(accommodated) & draws.chance(calendar.ramp(accommodated), size)
    route = np.where(known(accommodated), draws.choice_by_group(p.ROUTES_BY_BAND, band), HOME_ONLY)
    leaver_kind = draws.choice(p.LEAVER_SHARES, size)
    leaver_low = np.array([bounds[0] for bounds in p.LEAVER_DAYS])[leaver_kind]
    leaver_high = np.array([bounds[1] for bounds in p.LEAVER_DAYS])[leaver_kind]
    leaver_days = draws.days_within(leaver_low, leaver_high)
    # Some children going home without a recommendation stay looked after at home on a
    # supervision order for a while before their period ends.
    home_first = (np.asarray(p.LEAVER_DESTINATIONS)[leaver_kind] == "home") & draws.chance(
        p.HOME_BEFORE_LEAVING, size
    )
    home_days = np.where(home_first, draws.days_between(p.HOME_BEFORE_LEAVING_DAYS, size), 0)
    return Entry(
        period=first_period + np.arange(size, dtype=np.int64),
        child=child,
        start=start,
        birth=birth,
        last_day=children.last_day_in_care[child],
        sixteenth=children.sixteenth_birthday[child],
        team=team,
        home_start=home_start,
        home_end=_when(home_start & ~later, start + home_length),
        accommodated=accommodated,
        band=band,
        improved=improved,
        route=route,
        target=_target(draws, calendar, accommodated, band, improved, route),
        leaver_end=_when(route == p.ROUTE_NONE, accommodated + leaver_days + home_days),
        leaver_home_on=_when((route == p.ROUTE_NONE) & home_first, accommodated + leaver_days),
        leaver_destination=np.array([DESTINATIONS.index(code) for code in p.LEAVER_DESTINATIONS])[
            leaver_kind
        ],
    )


def _target(
    draws: Draws,
    calendar: Calendar,
    accommodated: Days,
    band: Indices,
    improved: Mask,
    route: Indices,
) -> Days:
    """The date the plan is ready: long and variable before the improvement, then shorter."""
    size = len(accommodated)
    median = np.where(improved, p.IMPROVED_WAIT_MEDIAN, p.BASELINE_WAIT_MEDIAN) * np.where(
        band >= 3, p.OLDER_WAIT_FACTOR, 1.0
    )
    sigma = np.where(improved, p.IMPROVED_WAIT_SIGMA, p.BASELINE_WAIT_SIGMA)
    wait = np.maximum(draws.lognormal_days(median, sigma, size), p.MINIMUM_WAIT)
    target = accommodated + wait
    # The improvement work also reaches children already waiting when it starts.
    start = calendar.improvement_start
    backlog = ~improved & (accommodated < start) & (target > start)
    remaining = np.floor((target - start) * p.BACKLOG_FACTOR).astype(np.int64)
    target = np.where(backlog, start + remaining, target)
    return _when(known(accommodated) & (route >= p.ROUTE_RETURN_HOME), target)


@dataclass(frozen=True, slots=True)
class Referral:
    """The legal basis at accommodation, the referral to the Reporter and the hearings."""

    basis: Indices
    referral: Days
    first_hearing: Days  # makes or varies an interim CSO
    second_hearing: Days  # makes the CSO with a residence condition


def draw_referral(draws: Draws, entry: Entry) -> Referral:
    size = entry.size
    accommodated = entry.accommodated
    later = entry.home_start & entry.is_accommodated
    cpo = np.where(
        later,
        draws.chance(p.LATER_ACCOMMODATED_CPO, size),
        draws.chance(p.INITIAL_BASIS_CPO, size),
    )
    basis = np.where(cpo, BASIS_CPO, np.where(later, BASIS_INTERIM_CSO, BASIS_SECTION_25))
    section_25 = entry.is_accommodated & (basis == BASIS_SECTION_25)
    automatic = entry.improved & (accommodated - entry.birth < p.AUTOMATIC_REFERRAL_UNDER * _YEAR)
    court_route = entry.route_is(p.ROUTE_PO, p.ROUTE_POA, p.ROUTE_ADOPTION)
    referred = section_25 & (court_route | automatic | draws.chance(p.SECTION_25_REFERRED, size))
    after_section_25 = np.where(automatic, 0, draws.days_between(p.REFERRAL_AFTER_SECTION_25, size))
    referral = np.select(
        [
            entry.is_accommodated & (basis == BASIS_CPO),
            entry.is_accommodated & (basis == BASIS_INTERIM_CSO),
            referred,
        ],
        [
            accommodated,
            np.maximum(entry.start, accommodated - draws.days_between((0, 14), size)),
            accommodated + after_section_25,
        ],
        default=NEVER,
    )
    first_hearing = np.select(
        [basis == BASIS_CPO, basis == BASIS_INTERIM_CSO],
        [
            accommodated + draws.days_between(p.HEARING_AFTER_CPO, size),
            accommodated,
        ],
        default=referral + draws.days_between(p.HEARING_AFTER_REFERRAL, size),
    )
    first_hearing = _when(known(referral), first_hearing)
    second_hearing = _when(
        known(first_hearing), first_hearing + draws.days_between(p.SECOND_HEARING_AFTER, size)
    )
    return Referral(basis, referral, first_hearing, second_hearing)


def draw_period_reviews(draws: Draws, calendar: Calendar, entry: Entry) -> tuple[Reviews, Reviews]:
    """The reviews while at home on a CSO, and those once accommodated."""
    size = entry.size
    ceiling = np.minimum(entry.last_day, calendar.end)
    at_home = np.flatnonzero(entry.home_start)
    lapse = draws.chance(p.HOME_REVIEWS_LAPSE, size)
    lapse_after = draws.days_between(p.HOME_REVIEWS_BEFORE_LAPSE, size)
    home = Schedule(
        period=entry.period[at_home],
        first_due=(entry.start + p.FIRST_REVIEW_DUE)[at_home],
        stop=np.minimum.reduce([entry.home_end, entry.accommodated - 1, ceiling])[at_home],
        quick=np.zeros(len(at_home), dtype=np.bool_),
        switch=np.full(len(at_home), NEVER, dtype=np.int64),
        limit=np.where(lapse, lapse_after, p.REVIEW_LIMIT)[at_home],
        late_share=np.full(len(at_home), p.REVIEW_LATE[0]),
        target=np.full(len(at_home), NEVER, dtype=np.int64),
    )
    away = np.flatnonzero(entry.is_accommodated)
    switches = ~entry.improved & draws.chance(p.BACKLOG_REVIEWS_SWITCH, size)
    switch_on = np.maximum(entry.accommodated, calendar.improvement_start) + draws.days_between(
        (0, p.BACKLOG_REVIEWS_SWITCH_DAYS), size
    )
    accommodated = Schedule(
        period=entry.period[away],
        first_due=(entry.accommodated + p.FIRST_REVIEW_DUE)[away],
        stop=np.minimum(ceiling, entry.leaver_end)[away],
        quick=entry.improved[away],
        switch=_when(switches, switch_on)[away],
        limit=np.full(len(away), p.REVIEW_LIMIT, dtype=np.int64),
        late_share=np.where(entry.improved, p.REVIEW_LATE[1], p.REVIEW_LATE[0])[away],
        target=entry.target[away],
    )
    return draw_reviews(draws, home), draw_reviews(draws, accommodated)


@dataclass(frozen=True, slots=True)
class Plan:
    """The recommendation and everything after it, to the order granted."""

    recommendation: Days  # NEVER while the child is still waiting (or never gets one)
    at_legal_advice: Mask  # made at a legal advice meeting rather than a review
    review_row: Indices  # the review (row in the accommodated reviews) it was made at, or -1
    reversed_recommendation: Days  # an earlier recommendation to return home, reversed
    reversed_on: Days
    reversal_reason: Indices  # into REVERSAL_REASONS, then REMADE_REASONS
    remade_first: Days  # the first recommendation of a plan away, reversed and made again
    remade_reversed_on: Days
    broken_return: Days  # a return home before the recommendation, which broke down
    broken_return_ended: Days  # the day the child was accommodated again
    home_before_leaving: Days  # home on a supervision order, still looked after, no plan
    returned_home: Days
    decision: Days  # decision for permanence away from home
    panel: Days
    first_agency_decision: Days
    not_agreed: Mask  # the first agency decision did not agree the plan
    second_panel: Days
    agency_decision: Days  # the decision that agreed the plan
    lodged: Days
    placed_with_adopters: Days
    kinship_move: Days
    order: Days
    adoption_lodged: Days  # an adoption petition after a permanence order with authority
    adoption_order: Days


def draw_plan(
    draws: Draws, calendar: Calendar, entry: Entry, accommodated_reviews: Reviews
) -> Plan:
    size = entry.size
    has_route = entry.route >= p.ROUTE_RETURN_HOME
    legal_advice_share = np.where(
        entry.improved, p.RECOMMENDED_AT_LEGAL_ADVICE[1], p.RECOMMENDED_AT_LEGAL_ADVICE[0]
    )
    at_legal_advice = has_route & draws.chance(legal_advice_share, size)
    # The accommodated reviews were scheduled for the accommodated periods, in order.
    scheduled = np.flatnonzero(entry.is_accommodated)
    at_review = np.full(size, NEVER, dtype=np.int64)
    at_review[scheduled] = accommodated_reviews.reached_on
    review_row = np.full(size, -1, dtype=np.int64)
    review_row[scheduled] = accommodated_reviews.reached_row
    ceiling = np.minimum(entry.last_day, calendar.end)
    by_legal_advice = _when(entry.target <= ceiling, entry.target)
    recommendation = _when(has_route, np.where(at_legal_advice, by_legal_advice, at_review))
    made = known(recommendation)
    review_row = np.where(made & ~at_legal_advice, review_row, -1)

    away = made & (entry.route >= p.ROUTE_KINSHIP)
    reversal = away & draws.chance(p.REVERSAL, size)
    reversed_recommendation = _when(
        reversal,
        entry.accommodated + draws.part_of(recommendation - entry.accommodated, (0.3, 0.6)),
    )
    reversed_on = _when(
        reversal,
        reversed_recommendation
        + draws.part_of(recommendation - reversed_recommendation, (0.3, 0.8)),
    )
    returned_home = _when(
        made & (entry.route == p.ROUTE_RETURN_HOME),
        recommendation + draws.days_between(p.RETURN_HOME_AFTER, size),
    )
    decision = _when(
        away,
        recommendation
        + np.where(
            draws.chance(p.DECISION_SAME_DAY, size),
            0,
            draws.days_between(p.DECISION_AFTER, size),
        ),
    )
    court = _court(draws, calendar, entry, away, decision)
    # A plan away from home reversed and made again (not also a reversed return home).
    remade = away & ~reversal & draws.chance(p.REMADE, size)
    remade_first = _when(
        remade, entry.accommodated + draws.part_of(recommendation - entry.accommodated, (0.3, 0.5))
    )
    remade_reversed_on = _when(
        remade, remade_first + draws.part_of(recommendation - remade_first, (0.3, 0.7))
    )
    remade_reason = len(p.REVERSAL_REASONS) + draws.choice([1.0] * len(p.REMADE_REASONS), size)
    # A return home that broke down, before the plan away (and before any earlier plan).
    first_plan = np.minimum.reduce([recommendation, reversed_recommendation, remade_first])
    broken = away & draws.chance(p.BROKEN_RETURN, size)
    broken_return = entry.accommodated + draws.part_of(
        first_plan - entry.accommodated, p.BROKEN_RETURN_FRACTION
    )
    broken_ended = broken_return + draws.days_between(p.BROKEN_RETURN_DAYS, size)
    broken = broken & (broken_return > entry.accommodated) & (broken_ended < first_plan - 7)
    return Plan(
        recommendation=recommendation,
        at_legal_advice=at_legal_advice & made,
        review_row=review_row,
        reversed_recommendation=reversed_recommendation,
        reversed_on=reversed_on,
        reversal_reason=np.where(
            remade, remade_reason, draws.choice([1.0] * len(p.REVERSAL_REASONS), size)
        ),
        remade_first=remade_first,
        remade_reversed_on=remade_reversed_on,
        broken_return=_when(broken, broken_return),
        broken_return_ended=_when(broken, broken_ended),
        home_before_leaving=entry.leaver_home_on,
        returned_home=returned_home,
        decision=decision,
        kinship_move=_when(
            made & (entry.route == p.ROUTE_KINSHIP),
            recommendation + draws.days_between(p.KINSHIP_MOVE_AFTER, size),
        ),
        panel=court.panel,
        first_agency_decision=court.first_agency_decision,
        not_agreed=court.not_agreed,
        second_panel=court.second_panel,
        agency_decision=court.agency_decision,
        lodged=court.lodged,
        placed_with_adopters=court.placed_with_adopters,
        order=court.order,
        adoption_lodged=court.adoption_lodged,
        adoption_order=court.adoption_order,
    )


def _stage(
    draws: Draws, calendar: Calendar, since: Days, stage: tuple[tuple[float, float], ...]
) -> Days:
    """A stage's length, shorter where the work began once the improvement had taken hold."""
    size = len(since)
    quick = draws.chance(calendar.ramp(since), size)
    (slow_median, slow_sigma), (quick_median, quick_sigma) = stage
    median = np.where(quick, quick_median, slow_median)
    sigma = np.where(quick, quick_sigma, slow_sigma)
    return draws.lognormal_days(median, sigma, size)


@dataclass(frozen=True, slots=True)
class _Court:
    """From the decision for permanence away from home to the order granted."""

    panel: Days
    first_agency_decision: Days
    not_agreed: Mask
    second_panel: Days
    agency_decision: Days
    lodged: Days
    placed_with_adopters: Days
    order: Days
    adoption_lodged: Days
    adoption_order: Days


def _court(draws: Draws, calendar: Calendar, entry: Entry, away: Mask, decision: Days) -> _Court:
    size = entry.size
    kinship = away & (entry.route == p.ROUTE_KINSHIP)
    court_route = away & entry.route_is(p.ROUTE_PO, p.ROUTE_POA, p.ROUTE_ADOPTION)
    has_panel = court_route | (kinship & draws.chance(p.KINSHIP_PANEL, size))
    panel = _when(has_panel, decision + _stage(draws, calendar, decision, p.PANEL_AFTER_DECISION))
    first_agency_decision = _when(
        has_panel, panel + draws.days_between(p.AGENCY_DECISION_AFTER_PANEL, size)
    )
    not_agreed = has_panel & draws.chance(p.NOT_AGREED, size)
    second_panel = _when(
        not_agreed, first_agency_decision + draws.days_between(p.REPRESENTED_AFTER, size)
    )
    agency_decision = np.where(
        not_agreed,
        second_panel + draws.days_between(p.AGENCY_DECISION_AFTER_PANEL, size),
        first_agency_decision,
    )
    lodged = np.where(
        has_panel,
        agency_decision + _stage(draws, calendar, agency_decision, p.LODGED_AFTER_DECISION),
        _when(kinship, decision + draws.days_between(p.KINSHIP_LODGED_AFTER, size)),
    )
    adoption = away & (entry.route == p.ROUTE_ADOPTION)
    poa = away & (entry.route == p.ROUTE_POA)
    with_adopters = adoption | (poa & draws.chance(p.POA_PLACED_WITH_ADOPTERS, size))
    placed = _when(
        with_adopters, agency_decision + draws.days_between(p.ADOPTERS_AFTER_DECISION, size)
    )
    lodged = np.where(adoption, _later(lodged, placed + p.ADOPTION_PETITION_AFTER_PLACED), lodged)
    court_time = np.where(
        kinship,
        draws.days_between(p.KINSHIP_COURT_TIME, size),
        draws.lognormal_days(p.COURT_TIME[0], p.COURT_TIME[1], size),
    )
    order = _when(known(lodged), lodged + court_time)
    adopted_later = poa & known(placed) & draws.chance(p.ADOPTION_AFTER_POA, size)
    adoption_lodged = _when(
        adopted_later,
        _later(order, placed + p.ADOPTION_PETITION_AFTER_PLACED)
        + draws.days_between((0, 60), size),
    )
    adoption_order = _when(
        adopted_later,
        adoption_lodged
        + draws.lognormal_days(p.ADOPTION_COURT_TIME[0], p.ADOPTION_COURT_TIME[1], size),
    )
    return _Court(
        panel=panel,
        first_agency_decision=first_agency_decision,
        not_agreed=not_agreed,
        second_panel=second_panel,
        agency_decision=_when(has_panel, agency_decision),
        lodged=lodged,
        placed_with_adopters=placed,
        order=order,
        adoption_lodged=adoption_lodged,
        adoption_order=adoption_order,
    )


@dataclass(frozen=True, slots=True)
class Ending:
    end: Days  # may fall after the end of the history: then the period is open
    destination: Indices  # into DESTINATIONS
    on_supervision_at_return: Mask  # returned home on a CSO (which is later terminated)
    supervision_terminated: Mask  # the period ended with the CSO terminated
    open: Mask
    cutoff: Days  # the last day anything in the period can have happened by


def draw_ending(
    draws: Draws, calendar: Calendar, entry: Entry, referral: Referral, plan: Plan
) -> Ending:
    size = entry.size
    returned = known(plan.returned_home)
    on_supervision = returned & (referral.first_hearing <= plan.returned_home)
    back_home_end = np.where(
        on_supervision,
        plan.returned_home + draws.days_between(p.CSO_AT_HOME_AFTER_RETURN, size),
        plan.returned_home,
    )
    route = entry.route
    natural_end = np.select(
        [
            route == HOME_ONLY,
            route == p.ROUTE_NONE,
            route == p.ROUTE_RETURN_HOME,
            route == p.ROUTE_KINSHIP,
            route == p.ROUTE_POA,
            route == p.ROUTE_ADOPTION,
        ],
        [
            entry.home_end,
            entry.leaver_end,
            back_home_end,
            plan.order,
            plan.adoption_order,
            plan.order,
        ],
        default=NEVER,  # a permanence order: the child stays looked after
    )
    home_destination = np.array([DESTINATIONS.index(code) for code in p.HOME_DESTINATIONS])[
        draws.choice(p.HOME_DESTINATION_SHARES, size)
    ]
    natural_destination = np.select(
        [
            route == HOME_ONLY,
            route == p.ROUTE_NONE,
            route == p.ROUTE_RETURN_HOME,
            route == p.ROUTE_KINSHIP,
        ],
        [
            home_destination,
            entry.leaver_destination,
            DESTINATIONS.index("home"),
            DESTINATIONS.index("kinship_order"),
        ],
        default=DESTINATIONS.index("adoption"),
    )
    earliest_leaving = np.minimum(np.maximum(entry.sixteenth, entry.start + 30), entry.last_day)
    leaves_early = draws.chance(p.LEAVE_AT_16_TO_18, size)
    age_limit = np.where(
        leaves_early,
        draws.days_within(earliest_leaving, entry.last_day),
        entry.last_day,
    )
    aged_out = age_limit < natural_end
    aged_out_destination = np.array([DESTINATIONS.index(code) for code in p.AGED_OUT_DESTINATIONS])[
        draws.choice(p.AGED_OUT_SHARES, size)
    ]
    end = np.minimum(natural_end, age_limit)
    is_open = end > calendar.end
    return Ending(
        end=end,
        destination=np.where(aged_out, aged_out_destination, natural_destination),
        on_supervision_at_return=on_supervision,
        supervision_terminated=on_supervision & ~aged_out & (route == p.ROUTE_RETURN_HOME),
        open=is_open,
        cutoff=np.minimum(end, calendar.end),
    )


@dataclass(frozen=True, slots=True)
class Journeys:
    """Every stage of a batch of care periods."""

    entry: Entry
    referral: Referral
    home_reviews: Reviews
    accommodated_reviews: Reviews
    plan: Plan
    ending: Ending


def draw_journeys(
    draws: Draws,
    calendar: Calendar,
    children: Children,
    child: Indices,
    start: Days,
    team: Indices,
    first_period: int,
) -> Journeys:
    entry = draw_entry(draws, calendar, children, child, start, team, first_period)
    referral = draw_referral(draws, entry)
    home_reviews, accommodated_reviews = draw_period_reviews(draws, calendar, entry)
    plan = draw_plan(draws, calendar, entry, accommodated_reviews)
    ending = draw_ending(draws, calendar, entry, referral, plan)
    return Journeys(entry, referral, home_reviews, accommodated_reviews, plan, ending)


def draw_reentries(
    draws: Draws, calendar: Calendar, journeys: Journeys, children: Children
) -> tuple[Indices, Days, Indices]:
    """Children who come back into care after a return home: (child, start, team)."""
    entry, ending = journeys.entry, journeys.ending
    size = entry.size
    went_home = (
        ~ending.open
        & (ending.destination == DESTINATIONS.index("home"))
        & entry.is_accommodated
        & (entry.accommodated < ending.end)
    )
    returning = went_home & draws.chance(p.REENTRY, size)
    start = ending.end + draws.days_between(p.REENTRY_AFTER, size)
    new_team = draws.choice(p.TEAM_WEIGHTS[: children.team_count], size)
    team = np.where(draws.chance(p.TEAM_CHANGE_ON_REENTRY, size), new_team, entry.team)
    keep = returning & (start <= calendar.end) & (start <= entry.last_day - 180)
    return entry.child[keep], start[keep], team[keep]
