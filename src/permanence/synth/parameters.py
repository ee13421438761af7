"""The numbers the synthetic local authority is drawn from, in one place.

Every figure here is a modelling choice, made to resemble what ``../shared/DOMAIN.md``
and the PACE sources report about Scotland (Children Looked After Statistics 2024, the
PACE Aim 2 webinar, the 2-week planning meeting study). ``docs/synthetic-data.md``
explains each one for people; change them there and here together.

Durations are in days. Tables indexed "by age band" have one row per
``journey.vocabulary.AgeBand`` in its declared order (under 1, 1 to 4, 5 to 11, 12 to 15,
16 and over); each row's shares add up to 1.
"""

from __future__ import annotations

from typing import Final

# --- Who comes into care --------------------------------------------------------------

# Age band at the start of a child's first care period. About 45% of accommodated
# children are under five, many of them babies accommodated at or soon after birth.
AGE_SHARES_AT_ENTRY: Final = (0.19, 0.23, 0.31, 0.22, 0.05)
# Of the babies, the share accommodated within four weeks of birth.
NEWBORN_SHARE_OF_BABIES: Final = 0.5
NEWBORN_MAX_AGE_DAYS: Final = 28

SEX_CODES: Final = ("female", "male", "not_known")
SEX_SHARES: Final = (0.475, 0.52, 0.005)

# Short labels of Scotland's census ethnic groups; a share of records leave it blank.
ETHNICITIES: Final = (
    "White - Scottish",
    "White - Other British",
    "White - Polish",
    "White - Other white ethnic group",
    "Mixed or multiple ethnic groups",
    "Asian, Scottish Asian or British Asian",
    "African, Scottish African or British African",
    "Caribbean or Black",
    "Other ethnic group",
)
ETHNICITY_SHARES: Final = (0.80, 0.05, 0.02, 0.02, 0.04, 0.03, 0.02, 0.01, 0.01)
ETHNICITY_NOT_RECORDED: Final = 0.08

DISABILITY_CODES: Final = ("yes", "no", "not_known")
DISABILITY_SHARES: Final = (0.12, 0.70, 0.18)

# Initials: first letters of Scottish forenames and surnames are far from uniform.
INITIAL_LETTERS: Final = "ABCDEFGHIJKLMNOPRSTW"
INITIAL_WEIGHTS: Final = (8, 4, 8, 6, 5, 3, 4, 5, 3, 8, 6, 8, 9, 3, 2, 4, 1, 7, 2, 4)

# --- References and teams ---------------------------------------------------------------

# Child references: a number zero-padded to seven characters, as many case recording
# systems print them; some older records have six or eight characters.
REFERENCE_SIX_SHARE: Final = 0.3  # of numbers below 1,000,000
REFERENCE_EIGHT_SHARE: Final = 0.1
REFERENCE_POOL_PER_CHILD: Final = 4
REFERENCE_POOL_MINIMUM: Final = 2_000_000

TEAM_NAMES: Final = (
    "Children and Families North",
    "Children and Families South",
    "Children and Families East",
    "Children and Families West",
    "Children and Families Central",
    "Children and Families Rural",
)
TEAM_WEIGHTS: Final = (0.24, 0.22, 0.18, 0.16, 0.12, 0.08)
# (fewer than this many children -> this many teams)
TEAM_COUNT_BY_SIZE: Final = ((500, 3), (5_000, 4), (50_000, 5))
TEAM_COUNT_LARGEST: Final = 6
# Share of re-entries handled by a different team from the child's first period.
TEAM_CHANGE_ON_REENTRY: Final = 0.15

# --- Looked after at home ---------------------------------------------------------------

# Share of care periods that begin with the child looked after at home on a CSO.
HOME_START_BY_BAND: Final = (0.06, 0.13, 0.29, 0.26, 0.14)
# How long a CSO at home lasts (log-normal); about one in five lasts over two years.
HOME_CSO_MEDIAN: Final = 430
HOME_CSO_SIGMA: Final = 0.65
# Share of children at home who are later accommodated in the same period.
LATER_ACCOMMODATED: Final = 0.15
# Share of children at home whose reviews lapse after a few (Aim 1's children), and
# how many reviews they have before they lapse.
HOME_REVIEWS_LAPSE: Final = 0.35
HOME_REVIEWS_BEFORE_LAPSE: Final = (2, 4)
HOME_DESTINATIONS: Final = ("home", "other_authority", "other")
HOME_DESTINATION_SHARES: Final = (0.9, 0.05, 0.05)

# --- Where accommodated children live ---------------------------------------------------

PLACEMENT_TYPES_AWAY: Final = (
    "kinship",
    "foster_la",
    "foster_purchased",
    "residential_house",
    "residential_school",
    "secure",
    "other",
)
FIRST_PLACEMENT_BY_BAND: Final = (
    (0.40, 0.44, 0.13, 0.00, 0.00, 0.00, 0.03),
    (0.48, 0.35, 0.13, 0.01, 0.00, 0.00, 0.03),
    (0.48, 0.26, 0.12, 0.09, 0.02, 0.00, 0.03),
    (0.34, 0.15, 0.08, 0.26, 0.10, 0.03, 0.04),
    (0.30, 0.10, 0.06, 0.32, 0.11, 0.03, 0.08),
)
# Placements after a move: older children more often go to residential care.
MOVE_PLACEMENT_BY_BAND: Final = (
    (0.35, 0.45, 0.17, 0.00, 0.00, 0.00, 0.03),
    (0.35, 0.43, 0.18, 0.01, 0.00, 0.00, 0.03),
    (0.30, 0.30, 0.15, 0.17, 0.05, 0.00, 0.03),
    (0.18, 0.15, 0.10, 0.35, 0.14, 0.04, 0.04),
    (0.18, 0.10, 0.08, 0.38, 0.12, 0.04, 0.10),
)
# Further placements (0, 1, 2 or 3 moves), counting a planned move to kinship carers,
# prospective adopters or home; unplanned moves come before the planned one.
MOVES_BY_BAND: Final = (
    (0.62, 0.28, 0.07, 0.03),
    (0.55, 0.30, 0.10, 0.05),
    (0.42, 0.33, 0.16, 0.09),
    (0.30, 0.32, 0.22, 0.16),
    (0.35, 0.35, 0.20, 0.10),
)

# --- Routes to permanence ---------------------------------------------------------------

# Columns: no recommendation (leaves care first), return home, kinship care order,
# permanence order, permanence order with authority to adopt, adoption.
ROUTE_NONE: Final = 0
ROUTE_RETURN_HOME: Final = 1
ROUTE_KINSHIP: Final = 2
ROUTE_PO: Final = 3
ROUTE_POA: Final = 4
ROUTE_ADOPTION: Final = 5
ROUTE_CODES: Final = ("", "return_home", "kinship_order", "po", "poa", "adoption")
ROUTES_BY_BAND: Final = (
    (0.08, 0.24, 0.18, 0.14, 0.18, 0.18),
    (0.10, 0.29, 0.22, 0.16, 0.13, 0.10),
    (0.14, 0.33, 0.22, 0.29, 0.01, 0.01),
    (0.26, 0.34, 0.16, 0.24, 0.00, 0.00),
    (0.50, 0.30, 0.10, 0.10, 0.00, 0.00),
)
# Children who leave care without a recommendation: a short stay ending in a return
# home, a move to another local authority, or another ending. (Older young people also
# leave at 16 to 18 to continuing care or independent living, whatever their route.)
LEAVER_DESTINATIONS: Final = ("home", "other_authority", "other")
LEAVER_SHARES: Final = (0.65, 0.15, 0.20)
LEAVER_DAYS: Final = ((3, 120), (30, 700), (30, 700))
AGED_OUT_DESTINATIONS: Final = ("continuing_care", "independent_living", "other")
AGED_OUT_SHARES: Final = (0.55, 0.30, 0.15)
# Share of those reaching 16 in care who leave before the day before their 18th birthday.
LEAVE_AT_16_TO_18: Final = 0.5

# --- The wait for a permanence recommendation (Aim 2) -----------------------------------

# Accommodation to the planned recommendation (log-normal). The recommendation itself
# is made at the first Looked After Child review on or after that date, or at a legal
# advice meeting on it, so the reviews' rhythm adds to the wait.
BASELINE_WAIT_MEDIAN: Final = 370
BASELINE_WAIT_SIGMA: Final = 0.8
IMPROVED_WAIT_MEDIAN: Final = 120
IMPROVED_WAIT_SIGMA: Final = 0.5
OLDER_WAIT_FACTOR: Final = 1.25  # children 12 and over at accommodation
MINIMUM_WAIT: Final = 14
RECOMMENDED_AT_LEGAL_ADVICE: Final = (0.25, 0.40)  # (baseline, improved)
# Once the improvement work starts it also reaches children already waiting: the rest
# of their wait shrinks by this factor.
BACKLOG_FACTOR: Final = 0.8

# The improvement ramp: the share of newly accommodated children who get the new way of
# working (the 2-week planning meeting, 3-monthly reviews, quicker assessments) rises
# from RAMP_FIRST on the improvement start to RAMP_FULL over RAMP_DAYS.
RAMP_FIRST: Final = 0.1
RAMP_FULL: Final = 0.92
RAMP_DAYS: Final = 150
TWO_WEEK_MEETING_SHARE: Final = 0.92  # of children in the new way of working

# --- Meetings ---------------------------------------------------------------------------

PLANNING_72H_DUE: Final = 3
PLANNING_72H_ON_TIME: Final = (0.80, 0.95)  # (baseline, improved)
PLANNING_72H_MISSED: Final = (0.08, 0.02)
PLANNING_2WK_DUE: Final = 14
PLANNING_2WK_HELD_DAYS: Final = (8, 21)
FIRST_REVIEW_DUE: Final = 42  # six weeks after the placement
SECOND_REVIEW_AFTER: Final = 91  # three months after the first
LATER_REVIEW_BASELINE: Final = 182  # then every six months
LATER_REVIEW_IMPROVED: Final = 91  # or every three months
# Children already waiting move to 3-monthly reviews after the improvement start with
# this chance, at a random point in the following months.
BACKLOG_REVIEWS_SWITCH: Final = 0.7
BACKLOG_REVIEWS_SWITCH_DAYS: Final = 270
REVIEW_EARLY_DAYS: Final = 10
REVIEW_LATE: Final = (0.15, 0.06)  # (baseline, improved) share held late
REVIEW_LATE_DAYS: Final = (7, 70)
REVIEW_MISSED: Final = 0.02
REVIEW_LIMIT: Final = 80  # reviews per schedule, far above any six-year history

# Legal advice: before the recommendation for most routes away from home, and again
# between the agency decision and the application for half of the court routes.
LEGAL_ADVICE_BEFORE_AWAY: Final = 0.75
LEGAL_ADVICE_BEFORE_HOME: Final = 0.2
LEGAL_ADVICE_LEAD_DAYS: Final = (7, 60)
LEGAL_ADVICE_BEFORE_LODGING: Final = 0.5

# Children's Hearings and the Children's Reporter.
INITIAL_BASIS_CPO: Final = 0.45  # otherwise section 25 voluntary accommodation
SECTION_25_REFERRED: Final = 0.55  # for return home, kinship and leavers; court routes always
REFERRAL_AFTER_SECTION_25: Final = (7, 70)
AUTOMATIC_REFERRAL_UNDER: Final = 3  # years: referred on the day accommodated, once improved
HEARING_AFTER_CPO: Final = (1, 8)
HEARING_AFTER_REFERRAL: Final = (21, 56)
SECOND_HEARING_AFTER: Final = (28, 98)
REVIEW_HEARING_INTERVAL: Final = (150, 365)
REVIEW_HEARINGS: Final = 3
REVIEW_HEARING_HELD: Final = 0.6
HOME_HEARING_INTERVAL: Final = (300, 365)
HOME_HEARINGS: Final = 6
HEARING_ON_RETURN_HOME: Final = 0.7
LATER_ACCOMMODATED_CPO: Final = 0.4

# Parenting capacity assessment: for most children under 12 with a plan, placed
# between accommodation and the recommendation; 40 days for under-4s once improved.
ASSESSMENT_SHARE: Final = 0.75
ASSESSMENT_SHARE_LEAVERS: Final = 0.3
ASSESSMENT_UNDER: Final = 12
ASSESSMENT_START_FRACTION: Final = (0.1, 0.3)
ASSESSMENT_END_FRACTION: Final = (0.55, 0.9)
ASSESSMENT_40_DAY_UNDER: Final = 4
ASSESSMENT_40_DAY: Final = (30, 45)

# --- After the recommendation -------------------------------------------------------------

RETURN_HOME_AFTER: Final = (0, 56)
CSO_AT_HOME_AFTER_RETURN: Final = (90, 450)
DECISION_SAME_DAY: Final = 0.5
DECISION_AFTER: Final = (1, 28)
KINSHIP_PANEL: Final = 0.4
# (median, sigma) log-normal stage times: (baseline, improved)
PANEL_AFTER_DECISION: Final = ((100, 0.5), (45, 0.4))
AGENCY_DECISION_AFTER_PANEL: Final = (7, 28)
NOT_AGREED: Final = 0.06
REPRESENTED_AFTER: Final = (28, 90)
LODGED_AFTER_DECISION: Final = ((150, 0.6), (70, 0.5))
KINSHIP_LODGED_AFTER: Final = (30, 200)
COURT_TIME: Final = (150, 0.4)
KINSHIP_COURT_TIME: Final = (40, 150)
KINSHIP_MOVE_AFTER: Final = (0, 56)
ADOPTERS_AFTER_DECISION: Final = (14, 140)
POA_PLACED_WITH_ADOPTERS: Final = 0.7
ADOPTION_AFTER_POA: Final = 0.85
ADOPTION_PETITION_AFTER_PLACED: Final = 91  # the child must live with the adopters 13 weeks
ADOPTION_COURT_TIME: Final = (120, 0.4)

# A recommendation to return home, later reversed, and then a recommendation away.
REVERSAL: Final = 0.02
REVERSAL_REASONS: Final = (
    "Return home no longer safe: the parents' circumstances changed",
    "Parent withdrew from the plan for the child's return home",
    "New information from the parenting capacity assessment",
)

# A plan for permanence away from home, made, then reversed and made again (the same route,
# later): the first recommendation comes 30 to 50% of the way to the final one.
REMADE: Final = 0.03
REMADE_REASONS: Final = (
    "A relative came forward to be assessed as a carer",
    "The panel asked for further assessment before the plan could go ahead",
)

# A return home that broke down before the plan for permanence away from home: the child
# went home partway to the recommendation and was accommodated again in the same period.
BROKEN_RETURN: Final = 0.05
BROKEN_RETURN_FRACTION: Final = (0.15, 0.4)
BROKEN_RETURN_DAYS: Final = (28, 150)

# Children who leave care without a recommendation, going home: some go home first on a
# supervision order at home, still looked after, for this many days before the period ends.
HOME_BEFORE_LEAVING: Final = 0.4
HOME_BEFORE_LEAVING_DAYS: Final = (60, 400)

# --- Re-entry -----------------------------------------------------------------------------

REENTRY: Final = 0.16  # of periods ending in a return home after being accommodated
REENTRY_AFTER: Final = (30, 730)
REENTRY_ROUNDS: Final = 3
