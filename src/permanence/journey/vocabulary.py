"""The words of a child's journey to permanence, as codes with plain-English labels.

Every layer speaks this vocabulary: the import format stores the codes, the database
stores the codes, and pages, charts and reports show the labels. A code never changes
once published, because extracts and saved filters refer to it; a label may be reworded.

The codes follow ../shared/DOMAIN.md. Labels say "looked after child" in full: the
acronym is stigmatising to the children it describes and never appears in what people read.
"""

from __future__ import annotations

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
