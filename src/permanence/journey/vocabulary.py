"""The words of a child's journey to permanence, as codes with plain-English labels.

Every layer speaks this vocabulary: the import format stores the codes, the database
stores the codes, and pages, charts and reports show the labels. A code never changes
once published, because extracts and saved filters refer to it; a label may be reworded.

The codes follow ../shared/DOMAIN.md. Labels say "looked after child" in full: the
acronym is stigmatising to the children it describes and never appears in what people read.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import polars as pl


class Coded(StrEnum):
    """A code with a plain-English label; ``str(member)`` is the code."""

    label: str

    def __new__(cls, code: str, label: str = "") -> Coded:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(code, label) pairs, in the shape Django's ``choices`` expects."""
        return [(member.value, member.label) for member in cls]

    @classmethod
    def codes(cls) -> frozenset[str]:
        return frozenset(member.value for member in cls)


class Sex(Coded):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"


class PlacementType(Coded):
    """Where a child lives during a placement."""

    AT_HOME = "home", "At home with parents"
    KINSHIP = "kinship", "Kinship care with friends or relatives"
    FOSTER_LOCAL_AUTHORITY = "foster_la", "Foster care (local authority)"
    FOSTER_PURCHASED = "foster_purchased", "Foster care (purchased)"
    PROSPECTIVE_ADOPTERS = "prospective_adopters", "With prospective adopters"
    RESIDENTIAL_HOUSE = "residential_house", "Residential: children's house"
    RESIDENTIAL_SCHOOL = "residential_school", "Residential: residential school"
    SECURE = "secure", "Residential: secure care"
    OTHER = "other", "Other community setting"

    @property
    def is_away_from_home(self) -> bool:
        return self is not PlacementType.AT_HOME

    @property
    def setting(self) -> CareSetting:
        return _SETTING_OF_PLACEMENT[self]


class CareSetting(Coded):
    """Placement types grouped the way charts and national statistics show them."""

    AT_HOME = "home", "At home with parents"
    KINSHIP = "kinship", "Kinship care"
    FOSTER = "foster", "Foster care"
    PROSPECTIVE_ADOPTERS = "prospective_adopters", "With prospective adopters"
    RESIDENTIAL = "residential", "Residential care"
    OTHER = "other", "Other community setting"


_SETTING_OF_PLACEMENT: dict[PlacementType, CareSetting] = {
    PlacementType.AT_HOME: CareSetting.AT_HOME,
    PlacementType.KINSHIP: CareSetting.KINSHIP,
    PlacementType.FOSTER_LOCAL_AUTHORITY: CareSetting.FOSTER,
    PlacementType.FOSTER_PURCHASED: CareSetting.FOSTER,
    PlacementType.PROSPECTIVE_ADOPTERS: CareSetting.PROSPECTIVE_ADOPTERS,
    PlacementType.RESIDENTIAL_HOUSE: CareSetting.RESIDENTIAL,
    PlacementType.RESIDENTIAL_SCHOOL: CareSetting.RESIDENTIAL,
    PlacementType.SECURE: CareSetting.RESIDENTIAL,
    PlacementType.OTHER: CareSetting.OTHER,
}


class LegalStatusKind(Coded):
    """The legal basis on which a child is looked after, or the order that ends it."""

    CSO_AT_HOME = "cso_home", "Compulsory Supervision Order, at home"
    CSO_RESIDENCE = "cso_residence", "Compulsory Supervision Order with a residence condition"
    INTERIM_CSO = "interim_cso", "Interim Compulsory Supervision Order"
    SECTION_25 = "s25", "Voluntary accommodation (section 25)"
    CHILD_PROTECTION_ORDER = "cpo", "Child Protection Order"
    PERMANENCE_ORDER = "po", "Permanence order"
    PERMANENCE_ORDER_ADOPT = "poa", "Permanence order with authority to adopt"
    KINSHIP_CARE_ORDER = "kinship_order", "Kinship care order (section 11)"
    ADOPTION_ORDER = "adoption_order", "Adoption order"
    OTHER = "other", "Other legal status"


class MeetingKind(Coded):
    PLANNING_72_HOUR = "planning_72h", "72-hour planning meeting"
    PLANNING_2_WEEK = "planning_2wk", "2-week planning meeting"
    REVIEW = "review", "Looked After Child review"
    LEGAL_ADVICE = "legal_advice", "Legal advice meeting"
    PERMANENCE_PANEL = "permanence_panel", "Permanence panel"
    CHILDRENS_HEARING = "hearing", "Children's Hearing"


class AgendaAnswer(Coded):
    """An agenda item of a planning meeting, as an import's checklist answers it (the
    app's ``ItemState`` without "not recorded": a row is an answer)."""

    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class Route(Coded):
    """The route to permanence a recommendation names."""

    RETURN_HOME = "return_home", "Return home or remain at home"
    KINSHIP_CARE_ORDER = "kinship_order", "Kinship care order"
    PERMANENCE_ORDER = "po", "Permanence order"
    PERMANENCE_ORDER_ADOPT = "poa", "Permanence order with authority to adopt"
    ADOPTION = "adoption", "Adoption"

    @property
    def is_away_from_home(self) -> bool:
        return self is not Route.RETURN_HOME


class OrderType(Coded):
    """The order that secures permanence, sought in court or granted."""

    PERMANENCE_ORDER = "po", "Permanence order"
    PERMANENCE_ORDER_ADOPT = "poa", "Permanence order with authority to adopt"
    ADOPTION = "adoption", "Adoption order"
    KINSHIP_CARE_ORDER = "kinship_order", "Kinship care order"
    SUPERVISION_TERMINATED = "cso_terminated", "Compulsory Supervision Order terminated"


class LegalAdviceForm(Coded):
    """Whether legal advice received was written (a decision's ``detail``)."""

    WRITTEN = "written", "Written advice"
    NOT_WRITTEN = "not_written", "Advice not in writing"


class AgencyDecisionOutcome(Coded):
    AGREED = "agreed", "Plan agreed"
    NOT_AGREED = "not_agreed", "Plan not agreed"


class MilestoneKind(Coded):
    """Dated decisions and milestones held in the milestones table.

    ``detail`` carries the route, outcome or order type where the milestone has one;
    ``reason`` carries free text (the reason a decision was reversed).
    """

    REPORTER_REFERRAL = "reporter_referral", "Referral to the Children's Reporter"
    ASSESSMENT_STARTED = "pca_started", "Parenting capacity assessment started"
    ASSESSMENT_COMPLETED = "pca_completed", "Parenting capacity assessment completed"
    RECOMMENDATION = "permanence_recommendation", "Permanence recommendation"
    DECISION_AWAY_FROM_HOME = "permanence_decision", "Decision for permanence away from home"
    AGENCY_DECISION = "adm_decision", "Agency decision maker decision"
    APPLICATION_LODGED = "application_lodged", "Application lodged in court"
    ORDER_GRANTED = "order_granted", "Order granted"
    DECISION_REVERSED = "decision_reversed", "Decision reversed"
    # Decisions that shape the plan (journey.meeting_rules, docs/meetings.md): the same codes
    # and words as a decision typed in the app.
    CONCURRENT_PLANNING = "concurrent_planning", "Concurrent planning in place"
    PURPOSEFUL_DELAY = "purposeful_delay", "A purposeful delay, in the child's interest"
    LEGAL_ADVICE_REQUESTED = "legal_advice_requested", "Legal advice requested"
    LEGAL_ADVICE_RECEIVED = "legal_advice_received", "Legal advice received"
    UNDER_3_REFERRED = (
        "under_3_referred",
        "Child under 3 referred to the Children's Reporter",
    )
    ASSESSMENT_LIMIT = (
        "assessment_limit",
        "40-day limit set on the parenting capacity assessment",
    )

    @property
    def detail_vocabulary(self) -> type[Coded] | None:
        """The vocabulary a milestone's ``detail`` must come from, if it has one."""
        return _DETAIL_OF_MILESTONE.get(self)


JOURNEY_ORDER: tuple[MilestoneKind, ...] = (
    MilestoneKind.RECOMMENDATION,
    MilestoneKind.DECISION_AWAY_FROM_HOME,
    MilestoneKind.AGENCY_DECISION,
    MilestoneKind.APPLICATION_LODGED,
    MilestoneKind.ORDER_GRANTED,
)
"""The steps of a journey to permanence in the order they must come, after the date
looked after. Each is compared with the earliest of every step before it, so a second
recommendation after a reversal is never taken for an out-of-order one (the import's
rule MILE001; the milestone return's ``order:*`` rules)."""

_DETAIL_OF_MILESTONE: dict[MilestoneKind, type[Coded]] = {
    MilestoneKind.RECOMMENDATION: Route,
    MilestoneKind.AGENCY_DECISION: AgencyDecisionOutcome,
    MilestoneKind.APPLICATION_LODGED: OrderType,
    MilestoneKind.ORDER_GRANTED: OrderType,
    MilestoneKind.LEGAL_ADVICE_RECEIVED: LegalAdviceForm,
}


class Destination(Coded):
    """Where a child went when a care period ended."""

    HOME = "home", "Returned home to parents"
    KINSHIP_CARE_ORDER = "kinship_order", "With friends or relatives on a kinship care order"
    ADOPTION = "adoption", "Adopted"
    CONTINUING_CARE = "continuing_care", "Continuing care"
    INDEPENDENT_LIVING = "independent_living", "Independent living"
    OTHER_AUTHORITY = "other_authority", "Moved to another local authority"
    OTHER = "other", "Other destination"


class AgeBand(Coded):
    """Age bands used by Scotland's Children Looked After Statistics."""

    UNDER_1 = "under_1", "Under 1"
    AGE_1_TO_4 = "1_4", "1 to 4"
    AGE_5_TO_11 = "5_11", "5 to 11"
    AGE_12_TO_15 = "12_15", "12 to 15"
    AGE_16_PLUS = "16_plus", "16 and over"

    @classmethod
    def for_age(cls, years: int) -> AgeBand:
        for band, (low, high) in AGE_BAND_BOUNDS.items():
            if low <= years <= high:
                return band
        raise ValueError(f"no age band holds {years} years")


# Inclusive bounds in whole years, used by both this module and the frame's expressions.
AGE_BAND_BOUNDS: dict[AgeBand, tuple[int, int]] = {
    AgeBand.UNDER_1: (0, 0),
    AgeBand.AGE_1_TO_4: (1, 4),
    AgeBand.AGE_5_TO_11: (5, 11),
    AgeBand.AGE_12_TO_15: (12, 15),
    AgeBand.AGE_16_PLUS: (16, 200),
}


# ---------------------------------------------------------------------------------------
# Counting words: one rule for "1 week" and "3 weeks", for every layer.


def plural_word(count: float, singular: str, plural_form: str | None = None) -> str:
    """The word for ``count`` of a thing: "week" for exactly 1, "weeks" otherwise
    (0 weeks, 1.5 weeks, 2 weeks); ``plural_form`` where adding an s is wrong
    ("children")."""
    return singular if count == 1 else (plural_form or f"{singular}s")


def plural(count: float, singular: str, plural_form: str | None = None) -> str:
    """ "1 week", "3 weeks", "1,200 children": the count as people write it (whole
    numbers without a point, thousands separated) and its word."""
    text = f"{int(count):,}" if float(count).is_integer() else f"{count:,}"
    return f"{text} {plural_word(count, singular, plural_form)}"


def plural_expr(
    count: pl.Expr, singular: str, plural_form: str | None = None, *, text: pl.Expr | None = None
) -> pl.Expr:
    """``plural`` over a column: ``text`` (the count as shown, by default the count
    itself) and the word, which is singular exactly where ``count`` is 1."""
    shown = count.cast(pl.String) if text is None else text
    word = (
        pl.when(count == 1).then(pl.lit(singular)).otherwise(pl.lit(plural_form or f"{singular}s"))
    )
    return pl.concat_str([shown, pl.lit(" "), word])


# ---------------------------------------------------------------------------------------
# What each milestone is called: one table, every word a sentence, a heading or a chart
# needs. Adding a milestone is one entry here; a test checks every milestone has every word.


@dataclass(frozen=True, slots=True)
class MilestoneWords:
    """The words for one milestone (a date column of the journeys frame), each as it reads
    in its place:

    - ``heading``: a table heading, a tooltip, a stage's name: "Date accommodated",
      "Permanence recommendation".
    - ``who``: after "children ...", for whom a clock starts there: "accommodated", "with a
      permanence recommendation".
    - ``noun``: what a child waits for, after "had ..." or "waiting for ...": "a permanence
      recommendation".
    - ``short``: the same, shorter, for a sentence that already says what is measured: "a
      recommendation".
    - ``reached``: after "half ...": "had a recommendation".
    - ``stopped``: after "3 ...", for children no longer followed because of it: "left
      care".
    - ``since``: after "the weeks they had waited ...": "since being accommodated".
    - ``cohort``: before a year, for children whose clock started there: "Accommodated in".
    """

    heading: str
    who: str
    noun: str
    short: str
    reached: str
    stopped: str
    since: str
    cohort: str


def _words(
    heading: str,
    who: str,
    noun: str,
    since: str,
    cohort: str,
    *,
    short: str | None = None,
    reached: str | None = None,
    stopped: str | None = None,
) -> MilestoneWords:
    """A milestone's words; ``short`` defaults to ``noun``, ``reached`` to "had " and the
    short form, ``stopped`` to ``reached``."""
    short = short or noun
    reached = reached or f"had {short}"
    return MilestoneWords(heading, who, noun, short, reached, stopped or reached, since, cohort)


MILESTONE_WORDS: dict[str, MilestoneWords] = {
    "period_start": _words(
        "Date looked after",
        "who became looked after",
        "becoming looked after",
        "since becoming looked after",
        "Looked after in",
        reached="had become looked after",
    ),
    "accommodated_date": _words(
        "Date accommodated",
        "accommodated",
        "being accommodated",
        "since being accommodated",
        "Accommodated in",
        reached="had been accommodated",
    ),
    "home_cso_start": _words(
        "Date the order at home began",
        "whose Compulsory Supervision Order at home began",
        "a Compulsory Supervision Order at home",
        "since the Compulsory Supervision Order at home began",
        "Order at home began in",
    ),
    "planning_72h_date": _words(
        "72-hour planning meeting",
        "with a 72-hour planning meeting",
        "a 72-hour planning meeting",
        "since the 72-hour planning meeting",
        "72-hour planning meeting in",
    ),
    "planning_2wk_date": _words(
        "2-week planning meeting",
        "with a 2-week planning meeting",
        "a 2-week planning meeting",
        "since the 2-week planning meeting",
        "2-week planning meeting in",
    ),
    "first_review_date": _words(
        "First Looked After Child review",
        "with a first Looked After Child review",
        "a first Looked After Child review",
        "since the first Looked After Child review",
        "First review in",
    ),
    "assessment_completed_date": _words(
        "Parenting capacity assessment completed",
        "with a parenting capacity assessment completed",
        "a completed parenting capacity assessment",
        "since the parenting capacity assessment was completed",
        "Assessment completed in",
    ),
    "legal_advice_date": _words(
        "Legal advice meeting",
        "with a legal advice meeting",
        "a legal advice meeting",
        "since the legal advice meeting",
        "Legal advice meeting in",
    ),
    "recommendation_date": _words(
        "Permanence recommendation",
        "with a permanence recommendation",
        "a permanence recommendation",
        "since the permanence recommendation",
        "Recommendation in",
        short="a recommendation",
    ),
    "decision_away_date": _words(
        "Decision for permanence away from home",
        "with a decision for permanence away from home",
        "a decision for permanence away from home",
        "since the decision for permanence away from home",
        "Decision away from home in",
    ),
    "permanence_panel_date": _words(
        "Permanence panel",
        "presented to the permanence panel",
        "a permanence panel",
        "since the permanence panel",
        "Permanence panel in",
        reached="had been to the permanence panel",
    ),
    "agency_decision_date": _words(
        "Agency decision maker's decision",
        "with an agency decision maker's decision",
        "the agency decision maker's decision",
        "since the agency decision maker's decision",
        "Agency decision in",
        short="an agency decision",
    ),
    "plan_agreed_date": _words(
        "Plan agreed by the agency decision maker",
        "whose plan the agency decision maker agreed",
        "a plan agreed by the agency decision maker",
        "since the plan was agreed",
        "Plan agreed in",
    ),
    "lodged_date": _words(
        "Application lodged in court",
        "with an application lodged in court",
        "an application lodged in court",
        "since the application was lodged in court",
        "Application lodged in",
    ),
    # The first of a court's order and a Children's Hearing ending the supervision order:
    # two owners (finding 5 of issue 13), so its words name both.
    "order_date": _words(
        "Court order or supervision ended by a Hearing",
        "with a court order or a supervision order ended by a Children's Hearing",
        "a court order or a supervision order ended by a Children's Hearing",
        "since the court's order or the Children's Hearing's ending of the supervision order",
        "Court order or Hearing ending supervision in",
        short="a court order or a Hearing ending supervision",
    ),
    "court_order_date": _words(
        "Order granted by the court",
        "with an order granted by the court",
        "an order granted by the court",
        "since the court granted the order",
        "Order granted in",
    ),
    "supervision_ended_date": _words(
        "Supervision order ended by a Children's Hearing",
        "whose supervision order a Children's Hearing ended",
        "a supervision order ended by a Children's Hearing",
        "since the supervision order ended",
        "Supervision ended in",
    ),
    "returned_home_date": _words(
        "Returned home",
        "who returned home",
        "a return home",
        "since returning home",
        "Returned home in",
        reached="had returned home",
    ),
    "hearings": _words(
        "Children's Hearing reviewing the order",
        "with a Children's Hearing reviewing the order",
        "a Children's Hearing reviewing the order",
        "since the Children's Hearing reviewing the order",
        "Hearing in",
    ),
    "period_end": _words(
        "Date the period ended",
        "who left care",
        "leaving care",
        "since leaving care",
        "Left care in",
        reached="had left care",
        stopped="left care",
    ),
}


def milestone_words(column: str) -> MilestoneWords | None:
    """The words for a milestone column, or None for a column the table does not name."""
    return MILESTONE_WORDS.get(column)
