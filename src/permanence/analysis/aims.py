"""Aims held as data: the four national PACE aims and the local aims built on them.

An aim says who is counted, when each child's clock starts and stops, the timescale
("within 26 weeks"), how many children it hopes will meet it ("80%") and by when. Every
aim, national or local, is an ``AimDefinition``; the web app stores local aims and
builds them from the stored fields. Outcomes are worked out in ``aims_outcomes``.

Clocks are read from columns of the journeys frame (``permanence.journey.frame``), so an
aim can only name milestones the frame holds; ``AimDefinition`` refuses any other.
The definitions, with worked examples a data lead can check by hand, are in docs/aims.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import StrEnum
from typing import Any

import polars as pl

from permanence.analysis.direction import Better
from permanence.analysis.periods import long_date
from permanence.journey.frame import FRAME_COLUMNS
from permanence.journey.vocabulary import (
    MILESTONE_WORDS,
    AgeBand,
    AgencyDecisionOutcome,
    PlacementType,
    Route,
    plural,
)


class AimKind(StrEnum):
    """How an aim's clock stops."""

    WITHIN = "within"
    """The end milestone should fall on or before the start plus the target (Aims 2, 3, 4)."""

    REVIEWED_AFTER = "reviewed_after"
    """A review should be held once the target has passed since the start (Aim 1)."""


HEARINGS_COLUMN = "hearings"
"""The frame's list of Children's Hearings held, the end of a ``REVIEWED_AFTER`` aim: a
Hearing reviewing the order at home (Aim 1) asks whether the child should still be on it."""

COURT_APPLICATION_COLUMN = "lodged_date"
"""An aim ending at an application lodged in court stops at an application for one of its
``court_routes`` (Aim 4)."""

DEFAULT_AIM_4_ROUTES: frozenset[str] = frozenset(
    {Route.PERMANENCE_ORDER.value, Route.PERMANENCE_ORDER_ADOPT.value, Route.ADOPTION.value}
)
"""The routes whose application stops Aim 4's clock unless an authority chooses otherwise:
permanence orders, with or without authority to adopt, and adoption, as the PACE sources
name them. A kinship care order is a route to permanence, but not one Aim 4 follows."""

COURT_ROUTES = frozenset(route.value for route in Route if route is not Route.RETURN_HOME)
"""The routes that go to court for an order (every route but a return home)."""


@dataclass(frozen=True, slots=True)
class AimDefinition:
    """One aim: who is counted, the clock, the timescale, how much and by when.

    Exactly one of ``target_weeks`` and ``target_months`` is set. A target in weeks is
    counted in days (weeks × 7); a target in months moves the calendar on, and a day the
    later month lacks falls back to its last day (31 August + 6 months = 28 February).

    The population filters are empty to count everyone. ``age_bands`` are AgeBand codes of
    the child's age on the day the clock started; ``placement_types`` are PlacementType
    codes of where the child lives at ``as_of`` (or lived when the period ended);
    ``routes`` are Route codes of the permanence recommendation, so a route filter counts
    only children who already have a recommendation; ``agency_decision_outcomes`` are
    AgencyDecisionOutcome codes.

    ``court_routes`` (Route codes other than a return home) belong to an aim that ends at an
    application lodged in court: its clock stops only at an application for one of their
    orders, and a plan agreed for another route is not counted (Aim 4: permanence orders
    and adoption unless the authority chooses otherwise).

    ``target_percent`` is how many children in a hundred the aim hopes will meet the
    timescale: 1 to 99, never 100, because some children's plans rightly take longer. The
    national aims set timescales only, so theirs is blank; a local aim sets it.
    """

    id: str
    title: str
    statement: str
    start_column: str
    end_column: str
    target_weeks: int | None = None
    target_months: int | None = None
    target_percent: int | None = None
    by_date: date | None = None
    start_on_or_after: date | None = None
    age_bands: frozenset[str] = field(default_factory=frozenset)
    placement_types: frozenset[str] = field(default_factory=frozenset)
    teams: frozenset[str] = field(default_factory=frozenset)
    routes: frozenset[str] = field(default_factory=frozenset)
    agency_decision_outcomes: frozenset[str] = field(default_factory=frozenset)
    court_routes: frozenset[str] = field(default_factory=frozenset)
    kind: AimKind = AimKind.WITHIN
    national: bool = False

    def __post_init__(self) -> None:
        for name in _SET_FIELDS:
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        object.__setattr__(self, "kind", AimKind(self.kind))
        _check(self)

    @property
    def target_text(self) -> str:
        """The timescale in words: "26 weeks", "6 months", "2 years"."""
        if self.target_weeks is not None:
            return _plural(self.target_weeks, "week")
        months = self.target_months or 0
        if months % 12 == 0:
            return _plural(months // 12, "year")
        return _plural(months, "month")

    @property
    def better(self) -> Better:
        """Which way the weeks waited improve: fewer for an aim met within a timescale;
        more for a review aim (Aim 1), whose target is a floor: a review held once the
        order has lasted the target meets it."""
        return Better.HIGHER if self.kind is AimKind.REVIEWED_AFTER else Better.LOWER

    @property
    def target_in_weeks(self) -> float:
        """The timescale in weeks, for charts and survival curves: a target in months at
        its average length (365.25 / 12 days), to one decimal place (6 months: 26.1)."""
        if self.target_weeks is not None:
            return float(self.target_weeks)
        return round((self.target_months or 0) * 365.25 / 12 / 7, 1)

    def deadline(self, start: pl.Expr) -> pl.Expr:
        """The last day on which the end milestone still meets the aim (or, for a
        ``REVIEWED_AFTER`` aim, the day from which a review counts)."""
        if self.target_weeks is not None:
            return start + pl.duration(days=7 * self.target_weeks)
        return start.dt.offset_by(f"{self.target_months}mo")

    @property
    def has_filters(self) -> bool:
        return any(getattr(self, name) for name in _FILTER_FIELDS)

    def population_text(self) -> str:
        """The population filters in words, or "" when everyone is counted."""
        parts = []
        if self.age_bands:
            labels = [band.label for band in AgeBand if band.value in self.age_bands]
            parts.append("aged " + _or_list(labels) + " when the clock started")
        if self.placement_types:
            labels = [kind.label for kind in PlacementType if kind.value in self.placement_types]
            parts.append("living in " + _or_list(labels).lower())
        if self.teams:
            parts.append("in team " + _or_list(sorted(self.teams)))
        if self.routes:
            labels = [route.label for route in Route if route.value in self.routes]
            parts.append("with a recommendation of " + _or_list(labels).lower())
        if self.agency_decision_outcomes:
            labels = [
                outcome.label
                for outcome in AgencyDecisionOutcome
                if outcome.value in self.agency_decision_outcomes
            ]
            parts.append("whose agency decision was " + _or_list(labels).lower())
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON and for the web app to store (see ``from_dict``)."""
        values: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, frozenset):
                value = sorted(value)
            elif isinstance(value, StrEnum):
                value = value.value
            values[item.name] = value
        values["target_text"] = self.target_text
        return values

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> AimDefinition:
        """An aim from stored values (dates as ``date`` or ISO text); unknown keys ignored."""
        known = {item.name for item in fields(cls)}
        arguments = {name: value for name, value in values.items() if name in known}
        for name in ("by_date", "start_on_or_after"):
            if isinstance(arguments.get(name), str):
                arguments[name] = date.fromisoformat(arguments[name])
        for name in _SET_FIELDS:
            if name in arguments:
                arguments[name] = frozenset(arguments[name] or ())
        return cls(**arguments)


_FILTER_FIELDS = ("age_bands", "placement_types", "teams", "routes", "agency_decision_outcomes")
_SET_FIELDS = (*_FILTER_FIELDS, "court_routes")

_FILTER_VOCABULARY: dict[str, frozenset[str]] = {
    "age_bands": AgeBand.codes(),
    "placement_types": PlacementType.codes(),
    "routes": Route.codes(),
    "agency_decision_outcomes": AgencyDecisionOutcome.codes(),
    "court_routes": COURT_ROUTES,
}


def _date_columns() -> frozenset[str]:
    return frozenset(
        name
        for name, column in FRAME_COLUMNS.items()
        if column.dtype == pl.Date() and name != "as_of"
    )


def _check(aim: AimDefinition) -> None:
    """Refuse an aim that cannot be measured, saying why in a sentence."""
    if not aim.id.strip():
        raise ValueError("an aim needs an id")
    if (aim.target_weeks is None) == (aim.target_months is None):
        raise ValueError(f"aim {aim.id}: set exactly one of target_weeks and target_months")
    target = aim.target_weeks if aim.target_weeks is not None else aim.target_months
    if target is None or target < 1:
        raise ValueError(f"aim {aim.id}: the target must be at least one week or month")
    if aim.target_percent is not None and not 1 <= aim.target_percent <= 99:
        raise ValueError(
            f"aim {aim.id}: the percentage aimed for must be between 1 and 99 "
            "(aims are never 100%: some children's plans rightly take longer)"
        )
    if aim.by_date and aim.start_on_or_after and aim.by_date < aim.start_on_or_after:
        raise ValueError(f"aim {aim.id}: the 'by' date is before the 'from' date")
    dates = _date_columns()
    if aim.start_column not in dates:
        raise ValueError(f"aim {aim.id}: {aim.start_column!r} is not a date in the journeys frame")
    if aim.kind is AimKind.REVIEWED_AFTER:
        if aim.end_column != HEARINGS_COLUMN:
            raise ValueError(f"aim {aim.id}: a review aim ends at the {HEARINGS_COLUMN!r} column")
    elif aim.end_column not in dates:
        raise ValueError(f"aim {aim.id}: {aim.end_column!r} is not a date in the journeys frame")
    elif aim.end_column == aim.start_column:
        raise ValueError(f"aim {aim.id}: the clock cannot start and stop at the same milestone")
    if aim.court_routes and aim.end_column != COURT_APPLICATION_COLUMN:
        raise ValueError(
            f"aim {aim.id}: court routes belong to an aim that ends at an application lodged"
        )
    for name, codes in _FILTER_VOCABULARY.items():
        unknown = sorted(getattr(aim, name) - codes)
        if unknown:
            raise ValueError(
                f"aim {aim.id}: unknown {name.replace('_', ' ')}: {', '.join(unknown)}"
            )


def _plural(count: int, unit: str) -> str:
    return plural(count, unit)


def _or_list(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


# ---------------------------------------------------------------------------------------
# The four national aims (DOMAIN.md, "The four national PACE aims").

AIM_1 = AimDefinition(
    id="aim_1",
    title="Aim 1",
    statement=(
        "Children looked after at home on a Compulsory Supervision Order will have the order "
        "reviewed by a Children's Hearing once it has lasted two years: should the child "
        "still be on an order at all?"
    ),
    start_column="home_cso_start",
    end_column=HEARINGS_COLUMN,
    target_months=24,
    kind=AimKind.REVIEWED_AFTER,
    national=True,
)

AIM_2 = AimDefinition(
    id="aim_2",
    title="Aim 2",
    statement=(
        "Children who become looked after and accommodated will have a recommendation for "
        "permanence, including a permanent return home, within 26 weeks of becoming looked "
        "after and accommodated."
    ),
    start_column="accommodated_date",
    end_column="recommendation_date",
    target_weeks=26,
    national=True,
)

AIM_3 = AimDefinition(
    id="aim_3",
    title="Aim 3",
    statement=(
        "Children with a decision for permanence away from home will have the agency "
        "decision maker's decision within 14 weeks of that decision."
    ),
    start_column="decision_away_date",
    end_column="agency_decision_date",
    target_weeks=14,
    national=True,
)

AIM_4 = AimDefinition(
    id="aim_4",
    title="Aim 4",
    statement=(
        "Children whose plan for permanence the agency decision maker has agreed will have "
        "an application lodged in court within 16 weeks of that decision."
    ),
    start_column="plan_agreed_date",
    end_column=COURT_APPLICATION_COLUMN,
    target_weeks=16,
    court_routes=DEFAULT_AIM_4_ROUTES,
    national=True,
)


def aim_4_with_routes(routes: Iterable[str]) -> AimDefinition:
    """Aim 4 as an authority has chosen to follow it: the routes whose application in
    court stops the clock (``DEFAULT_AIM_4_ROUTES`` unless it chose otherwise)."""
    chosen = frozenset(routes)
    if not chosen:
        raise ValueError("Aim 4 needs at least one route whose application stops its clock")
    return replace(AIM_4, court_routes=chosen)


def court_routes_text(routes: Iterable[str]) -> str:
    """The routes in words, in the vocabulary's order: "permanence order, permanence order
    with authority to adopt or adoption"."""
    chosen = set(routes)
    return _or_list([route.label.lower() for route in Route if route.value in chosen])


NATIONAL_AIMS: tuple[AimDefinition, ...] = (AIM_1, AIM_2, AIM_3, AIM_4)


# ---------------------------------------------------------------------------------------
# Local aims: the templates the PACE sources give (DOMAIN.md), filled in by a local group.


@dataclass(frozen=True, slots=True)
class AimTemplate:
    """A local aim statement with blanks for the dates, the percentage and the timescale.

    ``statement`` uses ``{by}``, ``{percent}``, ``{start_on_or_after}`` and ``{target}``.
    """

    id: str
    description: str
    statement: str
    start_column: str
    end_column: str
    target_weeks: int | None = None
    target_months: int | None = None


AIM_TEMPLATES: dict[str, AimTemplate] = {
    template.id: template
    for template in (
        AimTemplate(
            id="recommendation",
            description="The national Aim 2 with a local percentage and dates.",
            statement=(
                "By {by}, {percent}% of looked after and accommodated children, accommodated "
                "on or after {start_on_or_after}, will have a recommendation for permanence "
                "within {target}."
            ),
            start_column="accommodated_date",
            end_column="recommendation_date",
            target_weeks=26,
        ),
        AimTemplate(
            id="recommendation_at_legal_advice",
            description=(
                "A recommendation made at the legal advice meeting. The frame holds the "
                "recommendation's date, not the meeting it was made at, so this counts the "
                "first recommendation."
            ),
            statement=(
                "By {by}, {percent}% of children (including those who have a plan for "
                "rehabilitation home or kinship care) who become looked after and "
                "accommodated, on or after {start_on_or_after}, will have a permanence "
                "recommendation at the Legal Advice Meeting within {target} of becoming "
                "looked after and accommodated."
            ),
            start_column="accommodated_date",
            end_column="recommendation_date",
            target_weeks=36,
        ),
        AimTemplate(
            id="recommendation_stretch",
            description="A stretch toward 26 weeks for an area where 26 is not yet achievable.",
            statement=(
                "By {by}, {percent}% of children who become looked after and accommodated, "
                "on or after {start_on_or_after}, will have a permanence recommendation "
                "within {target} of becoming looked after and accommodated."
            ),
            start_column="accommodated_date",
            end_column="recommendation_date",
            target_weeks=40,
        ),
        AimTemplate(
            id="panel_after_decision",
            description=(
                "Presented to the permanence panel soon after rehabilitation home is ruled "
                "out; the frame's decision for permanence away from home marks that point."
            ),
            statement=(
                "By {by}, {percent}% of children with a decision for permanence away from "
                "home, on or after {start_on_or_after}, will be presented to the permanence "
                "panel within {target} of that decision."
            ),
            start_column="decision_away_date",
            end_column="permanence_panel_date",
            target_weeks=12,
        ),
        AimTemplate(
            id="destination_decision",
            description="A decision on the child's destination within months of accommodation.",
            statement=(
                "By {by}, {percent}% of children who become looked after and accommodated, "
                "on or after {start_on_or_after}, will have a decision on their destination "
                "within {target}."
            ),
            start_column="accommodated_date",
            end_column="recommendation_date",
            target_months=6,
        ),
    )
}


def local_aim(
    template: str | AimTemplate,
    *,
    id: str,
    title: str,
    by_date: date,
    start_on_or_after: date,
    target_percent: int,
    target_weeks: int | None = None,
    target_months: int | None = None,
    age_bands: Iterable[str] = (),
    placement_types: Iterable[str] = (),
    teams: Iterable[str] = (),
    routes: Iterable[str] = (),
    statement: str | None = None,
) -> AimDefinition:
    """A local aim from one of ``AIM_TEMPLATES`` (or a template of the caller's own).

    The timescale defaults to the template's; pass ``target_weeks`` or ``target_months``
    to set another. The statement is the template's with the blanks filled in, unless one
    is given.
    """
    if isinstance(template, str):
        try:
            template = AIM_TEMPLATES[template]
        except KeyError:
            raise ValueError(f"no aim template is called {template!r}") from None
    if target_weeks is None and target_months is None:
        target_weeks, target_months = template.target_weeks, template.target_months
    aim = AimDefinition(
        id=id,
        title=title,
        statement="",
        start_column=template.start_column,
        end_column=template.end_column,
        target_weeks=target_weeks,
        target_months=target_months,
        target_percent=target_percent,
        by_date=by_date,
        start_on_or_after=start_on_or_after,
        age_bands=frozenset(age_bands),
        placement_types=frozenset(placement_types),
        teams=frozenset(teams),
        routes=frozenset(routes),
    )
    text = statement or template.statement.format(
        by=long_date(by_date),
        percent=target_percent,
        start_on_or_after=long_date(start_on_or_after),
        target=aim.target_text,
    )
    return replace(aim, statement=text)


# ---------------------------------------------------------------------------------------
# Words for the milestones an aim can start or stop at, for sentences people read.

# The milestones an aim's clock may start at, and stop at, in the order a form offers them;
# what each is called is in the journey vocabulary's one table of milestone words.
START_CLOCKS: tuple[str, ...] = (
    "period_start",
    "accommodated_date",
    "home_cso_start",
    "planning_72h_date",
    "planning_2wk_date",
    "first_review_date",
    "legal_advice_date",
    "assessment_completed_date",
    "recommendation_date",
    "decision_away_date",
    "permanence_panel_date",
    "agency_decision_date",
    "plan_agreed_date",
    "lodged_date",
)
END_CLOCKS: tuple[str, ...] = (
    "planning_72h_date",
    "planning_2wk_date",
    "first_review_date",
    "assessment_completed_date",
    "legal_advice_date",
    "recommendation_date",
    "decision_away_date",
    "permanence_panel_date",
    "agency_decision_date",
    "lodged_date",
    "order_date",
    "court_order_date",
    HEARINGS_COLUMN,
)
START_WORDS: dict[str, str] = {column: MILESTONE_WORDS[column].who for column in START_CLOCKS}
END_WORDS: dict[str, str] = {column: MILESTONE_WORDS[column].noun for column in END_CLOCKS}


def start_words(aim: AimDefinition) -> str:
    """Who is counted, as in "children accommodated in 2024"."""
    return START_WORDS.get(aim.start_column, f"whose {aim.start_column.replace('_', ' ')} fell")


def end_words(aim: AimDefinition) -> str:
    """What they are waiting for, as in "had a permanence recommendation within 26 weeks"."""
    return END_WORDS.get(aim.end_column, aim.end_column.replace("_", " "))
