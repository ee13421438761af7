"""The improvement record's models.

An authority's Champions' Group keeps one or more improvement projects. Each project has
an aim (a national PACE aim or one of the authority's local aims), the group's members
and the agency each represents, a driver diagram (primary and secondary drivers, change
ideas), PDSA cycles testing each change idea, measures with their charts, feedback from
children, parents and carers, and a risks and issues register.

Every model is owned by a local authority and reached only through the authority scope:
each carries an ``authority`` foreign key and uses ``AuthorityScopedManager`` as its
default manager, like the children's records.

The rule that matters most (the PACE study's finding: PDSA paperwork was never completed,
so nobody could tell later what each cycle set out to achieve or what it taught): a PDSA
cycle cannot be closed without what it hoped to achieve, what was learned and the next
steps. ``PdsaCycle.clean`` and ``PdsaCycle.close`` refuse it with a message naming what
is missing, and a database constraint refuses it even from code that skips both.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from permanence.analysis.aims import (
    AIM_TEMPLATES,
    END_WORDS,
    NATIONAL_AIMS,
    START_WORDS,
    AimDefinition,
    AimKind,
)
from permanence.analysis.balancing import BALANCING_BY_KEY, BALANCING_MEASURES
from permanence.analysis.direction import Better
from permanence.analysis.meeting_measures import MEASURE_TITLES as MEETING_MEASURE_TITLES
from permanence.analysis.runchart import RULE_SET_NAMES
from permanence.analysis.stages import STAGES
from permanence.journey.vocabulary import AgeBand, MeetingKind
from permanence.web.accounts.models import LocalAuthority, Team
from permanence.web.kernel.history import ScopedHistoricalRecords
from permanence.web.kernel.scope import AuthorityScopedManager

NATIONAL_AIM_CHOICES = [(aim.id, f"{aim.title}: {aim.statement}") for aim in NATIONAL_AIMS]
NATIONAL_AIMS_BY_ID = {aim.id: aim for aim in NATIONAL_AIMS}
OWN_TEMPLATE = "own"
MEASURE_TEMPLATE = "measure"
TEMPLATE_CHOICES = [
    *((template.id, template.statement) for template in AIM_TEMPLATES.values()),
    (OWN_TEMPLATE, "Write our own: choose when the clock starts and stops"),
    (
        MEASURE_TEMPLATE,
        "A percentage on a process measure, such as meetings that set every review date",
    ),
]
START_CHOICES = [(column, words) for column, words in START_WORDS.items()]
END_CHOICES = [(column, words) for column, words in END_WORDS.items()]


def _authority() -> models.ForeignKey[LocalAuthority, LocalAuthority]:
    return models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")


def _created_by() -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )


def _list_of(name: str, items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {name} " + items[-1]


# ---------------------------------------------------------------------------------------
# Aims


class ProcessMeasure(models.TextChoices):
    PLANNING_72H = "planning_72h", "72-hour planning meetings held within 72 hours"
    PLANNING_MEETING = "planning_meeting", "2-week planning meetings held within 14 days"
    REVIEWS = "reviews", "Looked After Child reviews held by their due date"
    # What the planning meetings achieved (web/meetings, docs/meetings.md).
    MTG_72H_ON_TIME = "mtg_72h_on_time", MEETING_MEASURE_TITLES["mtg_72h_on_time"]
    MTG_2WK_ON_TIME = "mtg_2wk_on_time", MEETING_MEASURE_TITLES["mtg_2wk_on_time"]
    MTG_2WK_AGENDA_DONE = "mtg_2wk_agenda_done", MEETING_MEASURE_TITLES["mtg_2wk_agenda_done"]
    MTG_72H_AGENDA_DONE = "mtg_72h_agenda_done", MEETING_MEASURE_TITLES["mtg_72h_agenda_done"]
    MTG_PERMANENCE_TALK = "mtg_permanence_talk", MEETING_MEASURE_TITLES["mtg_permanence_talk"]
    MTG_REVIEW_DATES = "mtg_review_dates", MEETING_MEASURE_TITLES["mtg_review_dates"]
    CONCURRENT_PLANNING = "concurrent_planning", MEETING_MEASURE_TITLES["concurrent_planning"]
    LEGAL_ADVICE_EARLY = "legal_advice_early", MEETING_MEASURE_TITLES["legal_advice_early"]
    UNDER_3_DAY_ONE = "under_3_day_one", MEETING_MEASURE_TITLES["under_3_day_one"]
    MTG_ACTIONS_ON_TIME = "mtg_actions_on_time", MEETING_MEASURE_TITLES["mtg_actions_on_time"]


class LocalAim(models.Model):
    """An aim the authority set for itself, stored field for field as an ``AimDefinition``.

    Usually made from one of the PACE templates (``AIM_TEMPLATES``), which fix when the
    clock starts and stops and the usual timescale; the group fills in how many children,
    from when and by when.
    """

    authority = _authority()
    title = models.CharField(max_length=100, help_text="A short name, for example “Our Aim 2”.")
    template = models.CharField(
        "aim statement template",
        max_length=40,
        choices=TEMPLATE_CHOICES,
        default="recommendation",
    )
    statement = models.TextField(
        "aim statement",
        blank=True,
        help_text="Leave blank to fill in the template's statement with your dates and figures.",
    )
    start_column = models.CharField("the clock starts for children", max_length=40, blank=True)
    end_column = models.CharField("the clock stops at", max_length=40, blank=True)
    # The authority's own catalogue (``process_measures``), checked by the form: an
    # authority's kinds of meeting have measures of their own, so no fixed choices here.
    measure = models.CharField(
        "process measure",
        max_length=40,
        blank=True,
        help_text="Only for an aim on a process measure: the percentage it follows each month.",
    )
    kind = models.CharField(
        max_length=20,
        choices=[
            (AimKind.WITHIN.value, "Within"),
            (AimKind.REVIEWED_AFTER.value, "Reviewed after"),
        ],
        default=AimKind.WITHIN.value,
    )
    target_weeks = models.PositiveSmallIntegerField("timescale in weeks", null=True, blank=True)
    target_months = models.PositiveSmallIntegerField("timescale in months", null=True, blank=True)
    target_percent = models.PositiveSmallIntegerField(
        "percentage of children",
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text="How many children in a hundred: 1 to 99. Aims are never 100%: some "
        "children's plans rightly take longer.",
    )
    start_on_or_after = models.DateField(
        "counting children whose clock started on or after",
        help_text="The “from” date: who is counted.",
    )
    by_date = models.DateField("to be met by", help_text="The “by” date: when.")
    age_bands = models.JSONField(default=list, blank=True)
    placement_types = models.JSONField(default=list, blank=True)
    teams = models.JSONField(default=list, blank=True)
    routes = models.JSONField(default=list, blank=True)
    agency_decision_outcomes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = _created_by()

    objects = AuthorityScopedManager["LocalAim"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "title"], name="local_aim_title_unique_in_authority"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def aim_id(self) -> str:
        return f"local_{self.pk or 'new'}"

    @property
    def on_a_measure(self) -> bool:
        """A target on a process measure (``measure``), not a clock between milestones."""
        return bool(self.measure)

    @property
    def measure_title(self) -> str:
        # Imported here: the catalogue reads the meetings app, which reads these models' app.
        from permanence.web.improvement.process_measures import process_measure_title

        return process_measure_title(self.measure) if self.measure else ""

    def to_definition(self) -> AimDefinition:
        """The clock aim as the analysis reads it. Raises ``ValueError`` if it cannot be
        measured, or if it is an aim on a process measure (``on_a_measure``), which the
        clock analyses do not read."""
        if self.on_a_measure:
            raise ValueError(f"aim {self.aim_id}: it is a target on a process measure, not a clock")
        return AimDefinition(
            id=self.aim_id,
            title=self.title,
            statement=self.statement,
            start_column=self.start_column,
            end_column=self.end_column,
            target_weeks=self.target_weeks,
            target_months=self.target_months,
            target_percent=self.target_percent,
            by_date=self.by_date,
            start_on_or_after=self.start_on_or_after,
            age_bands=frozenset(self.age_bands or ()),
            placement_types=frozenset(self.placement_types or ()),
            teams=frozenset(self.teams or ()),
            routes=frozenset(self.routes or ()),
            agency_decision_outcomes=frozenset(self.agency_decision_outcomes or ()),
            kind=AimKind(self.kind),
            national=False,
        )

    def problem(self, error: ValueError) -> str:
        """Why ``to_definition`` refused the aim, as a sentence for a person."""
        # "aim local_3: the 'by' date is before the 'from' date" -> the sentence only.
        return str(error).removeprefix(f"aim {self.aim_id}: ").capitalize()

    def clean(self) -> None:
        if self.on_a_measure:
            if self.by_date and self.start_on_or_after and self.by_date < self.start_on_or_after:
                raise ValidationError({"by_date": "The “by” date is before the “from” date."})
            return
        try:
            self.to_definition()
        except ValueError as error:
            raise ValidationError(self.problem(error)) from None


PROJECT_AIM_MESSAGE = "Link the project to one aim: a national aim or one of your local aims."
MEASURE_AIM_MESSAGE = "Choose the aim this measure reads: a national aim or a local aim."


def aim_choice_label(national_aim: str, local_aim: LocalAim | None) -> str:
    if local_aim is not None:
        return local_aim.title
    aim = NATIONAL_AIMS_BY_ID.get(national_aim)
    return f"National {aim.title}" if aim else ""


# ---------------------------------------------------------------------------------------
# Projects and the Champions' Group


class ImprovementProject(models.Model):
    authority = _authority()
    title = models.CharField(max_length=150)
    national_aim = models.CharField(
        "national aim", max_length=10, choices=NATIONAL_AIM_CHOICES, blank=True
    )
    local_aim = models.ForeignKey(
        LocalAim,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name="local aim",
    )
    aim_statement = models.TextField(
        "aim statement",
        blank=True,
        help_text="What are we trying to accomplish? Leave blank to use the aim's own statement.",
    )
    improvement_start = models.DateField(
        "the improvement work began on",
        null=True,
        blank=True,
        help_text="Charts draw a line here and read the baseline median from the points before it.",
    )
    governance_group = models.TextField(
        "governance group",
        blank=True,
        help_text="Who the Champions' Group reports to (for example the heads of service "
        "of the partner agencies) and how often.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = _created_by()

    objects = AuthorityScopedManager["ImprovementProject"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if bool(self.national_aim) == (self.local_aim_id is not None):
            raise ValidationError({"national_aim": PROJECT_AIM_MESSAGE})

    def aim_definition(self) -> AimDefinition | None:
        if self.local_aim is not None:
            return self.local_aim.to_definition()
        return NATIONAL_AIMS_BY_ID.get(self.national_aim)

    @property
    def aim_label(self) -> str:
        return aim_choice_label(self.national_aim, self.local_aim)

    @property
    def statement(self) -> str:
        if self.aim_statement:
            return self.aim_statement
        # The local aim's own text, not its definition: a stored aim that can no longer be
        # measured must not break the project's page.
        if self.local_aim is not None:
            return self.local_aim.statement
        aim = NATIONAL_AIMS_BY_ID.get(self.national_aim)
        return aim.statement if aim else ""


class Agency(models.TextChoices):
    SOCIAL_WORK = "social_work", "Social work"
    LEGAL = "legal", "Legal services"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    REPORTER = "scra", "The Children's Reporter (SCRA)"
    HEARINGS = "chs", "Children's Hearings Scotland"
    COURTS = "courts", "Courts"
    THIRD_SECTOR = "third_sector", "Third sector"
    OTHER = "other", "Other"


class ChampionsGroupMember(models.Model):
    """A member of the project's multi-agency Champions' Group."""

    authority = _authority()
    project = models.ForeignKey(
        ImprovementProject, on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(max_length=100)
    role_in_group = models.CharField(
        "role in the group",
        max_length=100,
        blank=True,
        help_text="For example chair, data lead, or their post.",
    )
    agency = models.CharField(max_length=20, choices=Agency.choices)
    agency_other = models.CharField(
        "the agency, if other", max_length=100, blank=True, help_text="Needed for “Other”."
    )

    objects = AuthorityScopedManager["ChampionsGroupMember"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["agency", "name", "pk"]
        verbose_name = "Champions' Group member"

    def __str__(self) -> str:
        return f"{self.name} ({self.agency_label})"

    @property
    def agency_label(self) -> str:
        if self.agency == Agency.OTHER and self.agency_other:
            return self.agency_other
        return str(Agency(self.agency).label)

    def clean(self) -> None:
        if self.agency == Agency.OTHER and not self.agency_other.strip():
            raise ValidationError({"agency_other": "Name the agency this member represents."})


# ---------------------------------------------------------------------------------------
# The driver diagram


class Driver(models.Model):
    """A primary driver (no parent) or a secondary driver (under a primary driver)."""

    authority = _authority()
    project = models.ForeignKey(
        ImprovementProject, on_delete=models.CASCADE, related_name="drivers"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="secondary_drivers",
        verbose_name="primary driver",
    )
    text = models.CharField("driver", max_length=300)
    position = models.PositiveIntegerField(default=0)

    objects = AuthorityScopedManager["Driver"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_primary(self) -> bool:
        return self.parent_id is None

    @property
    def level(self) -> str:
        return "primary driver" if self.is_primary else "secondary driver"

    def clean(self) -> None:
        parent = self.parent
        if parent is None:
            return
        if parent.project_id != self.project_id:
            raise ValidationError({"parent": "Choose a primary driver of this project."})
        if parent.parent_id is not None:
            raise ValidationError(
                {
                    "parent": "A secondary driver sits under a primary driver, not another "
                    "secondary driver."
                }
            )

    def siblings(self) -> models.QuerySet[Driver]:
        return Driver.objects.filter(project_id=self.project_id, parent_id=self.parent_id)


class ChangeIdea(models.Model):
    authority = _authority()
    project = models.ForeignKey(
        ImprovementProject, on_delete=models.CASCADE, related_name="change_ideas"
    )
    title = models.CharField("change idea", max_length=200)
    description = models.TextField(blank=True)
    drivers = models.ManyToManyField(
        Driver,
        blank=True,
        related_name="change_ideas",
        verbose_name="secondary drivers it works on",
    )
    position = models.PositiveIntegerField(default=0)
    implemented_from = models.DateField(
        "implemented from",
        null=True,
        blank=True,
        help_text="Set when a cycle adopts the change (the cycle's act date); change it if "
        "the change was built into the system on another day.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = _created_by()

    objects = AuthorityScopedManager["ChangeIdea"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    def siblings(self) -> models.QuerySet[ChangeIdea]:
        return ChangeIdea.objects.filter(project_id=self.project_id)

    @property
    def status(self) -> str:
        """Implemented, under test, abandoned, tested (between cycles) or not yet tested."""
        if self.implemented_from is not None:
            return "implemented"
        cycles = list(self.cycles.all())
        if not cycles:
            return "not yet tested"
        if any(cycle.closed_on is None for cycle in cycles):
            return "under test"
        last = max(cycles, key=lambda cycle: (cycle.closed_on or date.min, cycle.pk))
        if last.decision == Decision.ABANDON:
            return "abandoned"
        return "tested"


# ---------------------------------------------------------------------------------------
# PDSA cycles


class Decision(models.TextChoices):
    ADOPT = "adopt", "Adopt: build the change into the system"
    ADAPT = "adapt", "Adapt: change it and test again"
    ABANDON = "abandon", "Abandon: stop testing this change"


# The fields a cycle cannot be closed without, and how a message names each.
MINIMUM_RECORD: tuple[tuple[str, str], ...] = (
    ("hoped_to_achieve", "what the change is hoped to achieve"),
    ("learned", "what was learned"),
    ("next_steps", "the next steps"),
)


class CycleIncompleteError(ValidationError):
    """Closing a cycle was refused: the minimum record is not all there."""


class PdsaCycle(models.Model):
    """One Plan-Do-Study-Act cycle testing a change idea.

    The minimum record comes first: what the change is hoped to achieve (asked when the
    cycle is planned), what was learned and the next steps (asked when it is closed).
    Everything else is optional. A cycle may follow an earlier cycle of the same change
    idea (a ramp of tests) and records the conditions it was tested under.
    """

    authority = _authority()
    change_idea = models.ForeignKey(ChangeIdea, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveIntegerField(editable=False, default=0)
    follows = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_by",
        verbose_name="follows cycle",
        help_text="The earlier cycle of this change idea that this one builds on, if any.",
    )

    # The minimum record.
    hoped_to_achieve = models.TextField("what do you hope this change will achieve?")
    learned = models.TextField("what was learned?", blank=True)
    next_steps = models.TextField("what are the next steps?", blank=True)

    # Plan.
    change_tested = models.TextField("the change being tested in this cycle", blank=True)
    question = models.TextField("the question this cycle should answer", blank=True)
    prediction = models.TextField("what do you predict will happen?", blank=True)
    who = models.TextField("who will carry it out?", blank=True)
    what = models.TextField("what will be done?", blank=True)
    where = models.TextField("where?", blank=True)
    started_on = models.DateField("the test starts on")
    planned_end = models.DateField("planned to end on", null=True, blank=True)
    data_to_collect = models.TextField("the data to collect", blank=True)

    # The conditions it was tested under.
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    age_band = models.CharField("age group", max_length=16, choices=AgeBand.choices(), blank=True)
    locality = models.CharField(max_length=100, blank=True)

    # Do.
    what_happened = models.TextField("what happened?", blank=True)
    observations = models.TextField(blank=True)

    # Study.
    result_against_prediction = models.TextField(
        "how did the result compare with the prediction?", blank=True
    )

    # Act.
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    closed_on = models.DateField(
        "closed on", null=True, blank=True, help_text="The act date: when the group decided."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = _created_by()

    objects = AuthorityScopedManager["PdsaCycle"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["change_idea", "number", "pk"]
        verbose_name = "PDSA cycle"
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | (~Q(hoped_to_achieve="") & ~Q(learned="") & ~Q(next_steps="")),
                name="closed_cycle_has_minimum_record",
                violation_error_message="A cycle cannot be closed without what it hoped to "
                "achieve, what was learned and the next steps.",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("started_on")),
                name="cycle_closes_after_it_starts",
                violation_error_message="A cycle cannot close before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"Cycle {self.number} of {self.change_idea}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.number:
            previous = (
                PdsaCycle.objects.filter(change_idea_id=self.change_idea_id)
                .aggregate(models.Max("number"))
                .get("number__max")
            )
            self.number = (previous or 0) + 1
        super().save(*args, **kwargs)

    # -- the minimum record -------------------------------------------------------------

    def missing_for_closing(self) -> list[str]:
        """The names of the minimum record's fields that are still blank."""
        return [name for name, _ in MINIMUM_RECORD if not (getattr(self, name) or "").strip()]

    @staticmethod
    def missing_message(missing: list[str]) -> str:
        words = dict(MINIMUM_RECORD)
        named = _list_of("and", [words[name] for name in missing])
        return (
            f"This cycle cannot be closed yet: write {named}. A closed cycle must record "
            "at least what the change was hoped to achieve, what was learned and the next "
            "steps, so the group can tell later what it set out to do and what it taught."
        )

    def closing_errors(self) -> dict[str, list[str]]:
        missing = self.missing_for_closing()
        if not missing:
            return {}
        words = dict(MINIMUM_RECORD)
        errors: dict[str, list[str]] = {
            name: [f"Write {words[name]} before closing the cycle."] for name in missing
        }
        errors["__all__"] = [self.missing_message(missing)]
        return errors

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.closed_on is not None:
            errors.update(self.closing_errors())
            if self.started_on and self.closed_on < self.started_on:
                errors["closed_on"] = ["A cycle cannot close before it starts."]
        if self.planned_end and self.started_on and self.planned_end < self.started_on:
            errors["planned_end"] = ["The planned end is before the start."]
        errors.update(self._follows_errors())
        if errors:
            raise ValidationError(errors)

    def _follows_errors(self) -> dict[str, list[str]]:
        earlier = self.follows
        if earlier is None:
            return {}
        if self.pk is not None and earlier.pk == self.pk:
            return {"follows": ["A cycle cannot follow itself."]}
        if earlier.change_idea_id != self.change_idea_id:
            return {"follows": ["Choose an earlier cycle of the same change idea."]}
        seen = {self.pk}
        step: PdsaCycle | None = earlier
        while step is not None:
            if step.pk in seen:
                return {"follows": ["That would make the ramp go round in a circle."]}
            seen.add(step.pk)
            step = step.follows
        return {}

    def close(self, on: date, decision: str = "", *, save: bool = True) -> None:
        """Close the cycle on ``on`` (the act date) with the group's decision.

        Refused with ``CycleIncompleteError`` naming what is missing unless what the change
        was hoped to achieve, what was learned and the next steps are all written. A cycle
        that adopts the change marks its change idea implemented from ``on``, unless the
        idea already has an implemented date.
        """
        errors = self.closing_errors()
        if errors:
            raise CycleIncompleteError(errors)
        if self.started_on and on < self.started_on:
            raise ValidationError({"closed_on": ["A cycle cannot close before it starts."]})
        self.closed_on = on
        if decision:
            self.decision = decision
        if save:
            self.save()
        self.record_adoption()

    def record_adoption(self) -> None:
        """An adopted change is implemented from the adopting cycle's act date."""
        if self.decision != Decision.ADOPT or self.closed_on is None:
            return
        idea = self.change_idea
        if idea.implemented_from is None:
            idea.implemented_from = self.closed_on
            idea.save(update_fields=["implemented_from"])

    # -- reading ------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def open_during(self, first: date, last: date, today: date) -> bool:
        """Whether the cycle was under test at any time from ``first`` to ``last``."""
        end = self.closed_on or today
        return self.started_on <= last and end >= first

    @property
    def conditions(self) -> str:
        parts = []
        if self.team is not None:
            parts.append(f"team {self.team.name}")
        if self.age_band:
            parts.append(f"children aged {AgeBand(self.age_band).label.lower()}")
        if self.locality:
            parts.append(f"in {self.locality}")
        return ", ".join(parts) or "no conditions recorded"


# ---------------------------------------------------------------------------------------
# Measures


class MeasureKind(models.TextChoices):
    OUTCOME = "outcome", "Outcome measure: the aim"
    PROCESS = "process", "Process measure: is the change happening?"
    BALANCING = "balancing", "Balancing measure: are other children or services harmed?"


class MeasureSource(models.TextChoices):
    AIM_WEEKS = "aim_weeks", "An aim: weeks each child waited (one point per child)"
    AIM_PERCENT = "aim_percent", "An aim: percentage met by entry period"
    PROCESS = "process", "A process measure from the journeys"
    STAGE = "stage", "A stage of “where children wait”: median days by month accommodated"
    BALANCING = "balancing", "A stability or balancing measure from the journeys, by month"
    ENTERED_RATIO = "entered_ratio", "Values entered each month: a numerator and denominator"
    ENTERED_COUNT = "entered_count", "Values entered each month: a count"
    ENTERED_RATE = (
        "entered_rate",
        "Values entered each month: a count and its exposure, a rate "
        "(such as placement moves per 100 care days)",
    )


class MeasureBetter(models.TextChoices):
    """Which way a measure improves, as its data lead says it for a measure entered by
    hand (the others know it from what they measure: ``Measure.direction``)."""

    HIGHER = Better.HIGHER.value, "Higher is better"
    LOWER = Better.LOWER.value, "Lower is better"
    NOT_SET = "", "Not set: signals are not read as an improvement or a concern"


class ChartKind(models.TextChoices):
    RUN = "run", "Run chart"
    CONTROL = (
        "control",
        "Control chart (P chart for percentages, C chart for counts, U chart for rates, "
        "I chart otherwise)",
    )


class RuleSet(models.TextChoices):
    IHI = "ihi", RULE_SET_NAMES["ihi"].removeprefix("the ")
    ANHOEJ = "anhoej", RULE_SET_NAMES["anhoej"].removeprefix("the ")


class PeriodChoice(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"


STAGE_CHOICES = [(stage.key, stage.label) for stage in STAGES]
BALANCING_CHOICES = [(measure.key, measure.title) for measure in BALANCING_MEASURES]
AIM_SOURCES = frozenset({MeasureSource.AIM_WEEKS, MeasureSource.AIM_PERCENT})
ENTERED_SOURCES = frozenset(
    {MeasureSource.ENTERED_RATIO, MeasureSource.ENTERED_COUNT, MeasureSource.ENTERED_RATE}
)


class Measure(models.Model):
    authority = _authority()
    project = models.ForeignKey(
        ImprovementProject, on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(max_length=10, choices=MeasureKind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.CharField("defined against", max_length=20, choices=MeasureSource.choices)
    national_aim = models.CharField(
        "national aim", max_length=10, choices=NATIONAL_AIM_CHOICES, blank=True
    )
    local_aim = models.ForeignKey(
        LocalAim,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name="local aim",
    )
    # The authority's own catalogue (``process_measures``), checked by the form.
    process_measure = models.CharField("process measure", max_length=40, blank=True)
    stage = models.CharField(max_length=20, choices=STAGE_CHOICES, blank=True)
    balancing_measure = models.CharField(
        "stability or balancing measure", max_length=30, choices=BALANCING_CHOICES, blank=True
    )
    period = models.CharField(
        "entry period", max_length=10, choices=PeriodChoice.choices, default=PeriodChoice.MONTH
    )
    unit = models.CharField(
        "what is counted",
        max_length=100,
        blank=True,
        help_text="For values entered by hand, for example “placement moves” or “children "
        "returned home who came back into care”.",
    )
    exposure = models.CharField(
        "exposure",
        max_length=100,
        blank=True,
        help_text="For a rate: what each month's count happens over, for example “care days”.",
    )
    rate_per = models.PositiveIntegerField(
        "rate per",
        default=100,
        validators=[MinValueValidator(1)],
        help_text="For a rate: the rate is shown per this many units of exposure, for example "
        "100 for “per 100 care days”.",
    )
    chart = models.CharField(max_length=10, choices=ChartKind.choices, default=ChartKind.RUN)
    rules = models.CharField(
        "run chart rules", max_length=10, choices=RuleSet.choices, default=RuleSet.IHI
    )
    better = models.CharField(
        "which way is better",
        max_length=10,
        choices=MeasureBetter.choices,
        default=MeasureBetter.NOT_SET,
        blank=True,
        help_text="For values entered by hand: whether a rise or a fall is the improvement. "
        "Other measures know it from what they measure.",
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuthorityScopedManager["Measure"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["kind", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        source = self.source
        if source in AIM_SOURCES and bool(self.national_aim) == (self.local_aim_id is not None):
            raise ValidationError({"national_aim": MEASURE_AIM_MESSAGE})
        if source == MeasureSource.PROCESS and not self.process_measure:
            raise ValidationError({"process_measure": "Choose the process measure."})
        if source == MeasureSource.STAGE and not self.stage:
            raise ValidationError({"stage": "Choose the stage."})
        if source == MeasureSource.BALANCING and not self.balancing_measure:
            raise ValidationError(
                {"balancing_measure": "Choose the stability or balancing measure."}
            )

    def aim_definition(self) -> AimDefinition | None:
        if self.local_aim is not None:
            return self.local_aim.to_definition()
        return NATIONAL_AIMS_BY_ID.get(self.national_aim)

    def direction(self) -> Better | None:
        """Which way the measure improves, where it is known: the aim's own direction for
        its weeks (lower for a wait, higher for Aim 1's floor), higher for a percentage
        meeting an aim and for a process measure (meetings and reviews held in time),
        lower for the days spent in a stage; for values entered by hand, what the data
        lead set (None while not set)."""
        if self.source == MeasureSource.AIM_WEEKS:
            try:
                aim = self.aim_definition()
            except ValueError:  # a local aim that cannot be measured: its page says why
                return None
            return aim.better if aim is not None else None
        if self.source in (MeasureSource.AIM_PERCENT, MeasureSource.PROCESS):
            return Better.HIGHER
        if self.source == MeasureSource.STAGE:
            return Better.LOWER
        if self.source == MeasureSource.BALANCING:
            measure = BALANCING_BY_KEY.get(self.balancing_measure)
            return Better(measure.better) if measure is not None else None
        return Better(self.better) if self.better else None

    @property
    def aim_title(self) -> str:
        """The title of the aim it reads, without measuring the aim (which may fail)."""
        if self.local_aim is not None:
            return self.local_aim.title
        aim = NATIONAL_AIMS_BY_ID.get(self.national_aim)
        return aim.title if aim else ""

    @property
    def is_entered(self) -> bool:
        return self.source in ENTERED_SOURCES


class MeasureValue(models.Model):
    """One month's value of a measure entered by hand."""

    authority = _authority()
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    month = models.DateField(help_text="The first day of the month.")
    numerator = models.PositiveIntegerField(null=True, blank=True)
    #: a percentage's denominator, or a rate's exposure (care days, children in care...)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    objects = AuthorityScopedManager["MeasureValue"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["measure", "month"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "month"], name="one_value_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.month:%B %Y}"

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)
        source = self.measure.source if self.measure_id else None
        if source == MeasureSource.ENTERED_RATIO:
            if self.numerator is None or not self.denominator:
                raise ValidationError("Give the numerator and a denominator of at least 1.")
            if self.numerator > self.denominator:
                raise ValidationError(
                    {"numerator": "The numerator cannot be larger than the denominator."}
                )
        elif source == MeasureSource.ENTERED_COUNT and self.count is None:
            raise ValidationError({"count": "Give the count for the month."})
        elif source == MeasureSource.ENTERED_RATE and (self.count is None or not self.denominator):
            raise ValidationError("Give the count and an exposure of at least 1.")


# ---------------------------------------------------------------------------------------
# Views of children, parents and carers


class FeedbackGiver(models.TextChoices):
    CHILD = "child", "A child or young person"
    PARENT = "parent", "A parent"
    CARER = "carer", "A carer (foster, kinship or residential)"
    OTHER = "other", "Someone else"


class FeedbackPoint(models.TextChoices):
    """Where feedback was given. The meetings take the journey vocabulary's labels, so
    they read the same everywhere; their codes differ from ``MeetingKind``'s but are
    stored, so they stay."""

    PLANNING_72H = "planning_72h", MeetingKind.PLANNING_72_HOUR.label
    PLANNING_MEETING = "planning_meeting", MeetingKind.PLANNING_2_WEEK.label
    REVIEW = "review", MeetingKind.REVIEW.label
    HEARING = "hearing", MeetingKind.CHILDRENS_HEARING.label
    LEGAL_ADVICE = "legal_advice", MeetingKind.LEGAL_ADVICE.label
    PANEL = "panel", MeetingKind.PERMANENCE_PANEL.label
    COURT = "court", "Court"
    OTHER = "other", "Another meeting or stage"


class HowGiven(models.TextChoices):
    OWN_WORDS = "own_words", "In their own words"
    WITH_HELP = "with_help", "With help from someone they trust"
    OBSERVED = "observed", "Observed by an adult (for a child too young to say)"


RATING_FIELDS: tuple[tuple[str, str], ...] = (
    ("understood", "I understood what was happening"),
    ("listened_to", "I was listened to"),
    ("views_mattered", "What I said made a difference"),
    ("respected", "I was treated with respect"),
)
RATING_CHOICES = [
    (1, "1: not at all"),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, "5: completely"),
]


def _rating(label: str) -> models.PositiveSmallIntegerField[Any, Any]:
    return models.PositiveSmallIntegerField(
        label,
        choices=RATING_CHOICES,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )


class Feedback(models.Model):
    """A short structured record of what a child, parent or carer said.

    Deliberately holds nothing that identifies a child: no reference, no name, no date of
    birth, and the month rather than the day (a day and a meeting could point to a child).
    """

    authority = _authority()
    project = models.ForeignKey(
        ImprovementProject, on_delete=models.CASCADE, related_name="feedback"
    )
    month = models.DateField(help_text="The first day of the month it was given.")
    giver = models.CharField("who gave it", max_length=10, choices=FeedbackGiver.choices)
    point = models.CharField(
        "at which meeting or stage", max_length=20, choices=FeedbackPoint.choices
    )
    how_given = models.CharField(
        "how it was given", max_length=10, choices=HowGiven.choices, default=HowGiven.OWN_WORDS
    )
    understood = _rating(RATING_FIELDS[0][1])
    listened_to = _rating(RATING_FIELDS[1][1])
    views_mattered = _rating(RATING_FIELDS[2][1])
    respected = _rating(RATING_FIELDS[3][1])
    words = models.TextField("their words", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = _created_by()

    objects = AuthorityScopedManager["Feedback"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["-month", "-pk"]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"{FeedbackGiver(self.giver).label}, {FeedbackPoint(self.point).label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.month:
            self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)


# ---------------------------------------------------------------------------------------
# Risks and issues


class RiskKind(models.TextChoices):
    RISK = "risk", "Risk: something that may happen"
    ISSUE = "issue", "Issue: something that has happened"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    MANAGED = "managed", "Being managed"
    CLOSED = "closed", "Closed"


SCORE_CHOICES = [
    (1, "1: very low"),
    (2, "2: low"),
    (3, "3: medium"),
    (4, "4: high"),
    (5, "5: very high"),
]

# The 5 x 5 risk matrix bands (the NHS National Patient Safety Agency's): a rating of
# likelihood x impact of 1-3 is low, 4-6 moderate, 8-12 high, 15-25 extreme.
RISK_BANDS: tuple[tuple[int, str], ...] = (
    (3, "low"),
    (6, "moderate"),
    (12, "high"),
    (25, "extreme"),
)


def risk_band(rating: int) -> str:
    return next(band for ceiling, band in RISK_BANDS if rating <= ceiling)


class Risk(models.Model):
    authority = _authority()
    project = models.ForeignKey(ImprovementProject, on_delete=models.CASCADE, related_name="risks")
    kind = models.CharField(max_length=10, choices=RiskKind.choices, default=RiskKind.RISK)
    description = models.TextField()
    owner = models.CharField(max_length=100, help_text="Who makes sure it is managed.")
    likelihood = models.PositiveSmallIntegerField(
        choices=SCORE_CHOICES, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.PositiveSmallIntegerField(
        choices=SCORE_CHOICES, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    actions = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    raised_on = models.DateField("raised on")
    reviewed_on = models.DateField("last reviewed on", null=True, blank=True)

    objects = AuthorityScopedManager["Risk"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_scores_one_to_five",
            )
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def rating(self) -> int:
        return self.likelihood * self.impact

    @property
    def band(self) -> str:
        return risk_band(self.rating)

    def clean(self) -> None:
        if self.reviewed_on and self.raised_on and self.reviewed_on < self.raised_on:
            raise ValidationError(
                {"reviewed_on": "A risk cannot be reviewed before it was raised."}
            )


# ---------------------------------------------------------------------------------------
# Phases of an aim's run chart

#: What the "why" field offers before anyone types: the PACE rule for starting a phase.
PHASE_REASON_DEFAULT = "The group agreed the change has become the way things are done."


class AcceptedPhase(models.Model):
    """A new phase of an aim's run chart, accepted by a person: from the first child on or
    after ``starts_on`` the chart draws a new median, resting on the phase's first
    ``baseline_n`` children (as PACE charts did after a sustained shift).

    Kept by date, not by position, so the phase still begins at the right child when later
    extracts add children. Undoing one deletes the row; its history keeps who accepted it,
    why, and who undid it.
    """

    authority = _authority()
    aim_id = models.CharField("aim", max_length=40)
    starts_on = models.DateField("the new phase starts on")
    baseline_n = models.PositiveSmallIntegerField(
        "children its median rests on", validators=[MinValueValidator(1)]
    )
    reason = models.TextField("why", default=PHASE_REASON_DEFAULT)
    accepted_by = _created_by()
    accepted_at = models.DateTimeField(auto_now_add=True)

    objects = AuthorityScopedManager["AcceptedPhase"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["aim_id", "starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "aim_id", "starts_on"],
                name="accepted_phase_once_per_aim_and_date",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="accepted_phase_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"New phase of {self.aim_id} from {self.starts_on:%d %B %Y}"


# ---------------------------------------------------------------------------------------
# The Champions' Group's own meetings


class GroupMeeting(models.Model):
    """A meeting of the authority's Champions' Group: who came by agency, the report pack
    presented, what was decided. Its actions are ``GroupAction``s, carried forward to every
    later meeting until done."""

    authority = _authority()
    held_on = models.DateField("date held")
    attended = models.JSONField(
        "who came", default=list, blank=True, help_text="By agency (the members' agencies)."
    )
    pack_date = models.DateField(
        "the pack presented: its date",
        null=True,
        blank=True,
        help_text="The date the pack's figures were measured as of. Empty if none was.",
    )
    pack_token = models.CharField(
        max_length=64,
        blank=True,
        help_text="The pack made in this service (kept for a week after it is made).",
    )
    decisions = models.TextField(blank=True, help_text="What the group decided, one a line.")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AuthorityScopedManager["GroupMeeting"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = "Champions' Group meeting"

    def __str__(self) -> str:
        return f"Champions' Group meeting, {self.held_on:%d %B %Y}"

    @property
    def attended_labels(self) -> list[str]:
        known = dict(Agency.choices)
        return [str(known.get(code, code)) for code in self.attended]

    @property
    def decision_lines(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]

    def carried_forward(self) -> models.QuerySet[GroupAction]:
        """The actions of earlier meetings still open on this meeting's day."""
        return (
            GroupAction.objects.filter(meeting__held_on__lt=self.held_on)
            .filter(Q(done_on__isnull=True) | Q(done_on__gt=self.held_on))
            .select_related("meeting")
            .order_by(F("due_on").asc(nulls_last=True), "meeting__held_on", "pk")
        )

    def clean(self) -> None:
        unknown = set(self.attended) - set(Agency.values)
        if unknown:
            raise ValidationError({"attended": "Choose who came from the list."})
        if self.held_on and self.pack_date and self.pack_date > self.held_on:
            raise ValidationError(
                {"pack_date": "The pack presented cannot be dated after the meeting."}
            )


class GroupAction(models.Model):
    """An action the Champions' Group agreed: what, who owns it, when it is due, and the
    day it was done (empty until it is)."""

    authority = _authority()
    meeting = models.ForeignKey(GroupMeeting, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField("action", max_length=300)
    owner = models.CharField(max_length=100, help_text="A name, or a role and agency.")
    due_on = models.DateField("due by", null=True, blank=True)
    done_on = models.DateField("done on", null=True, blank=True)

    objects = AuthorityScopedManager["GroupAction"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["meeting", "due_on", "pk"]
        verbose_name = "Champions' Group action"

    def __str__(self) -> str:
        return self.what

    def clean(self) -> None:
        if not self.meeting_id:
            return
        held = self.meeting.held_on
        if self.due_on is not None and self.due_on < held:
            raise ValidationError({"due_on": "An action cannot be due before the meeting."})
        if self.done_on is not None and self.done_on < held:
            raise ValidationError({"done_on": "An action cannot be done before the meeting."})
        if self.done_on is not None and self.done_on > timezone.localdate():
            raise ValidationError({"done_on": "An action cannot be done in the future."})


# ---------------------------------------------------------------------------------------
# Notes typed on a chart's points


class ChartNote(models.Model):
    """A note a person typed on one point of a chart: "the new court officer started",
    "two sibling groups came in this month". The chart marks it (N1, N2...) and its text
    alternative, data table and the report pack say it, with who wrote it and when.

    ``chart`` is the chart's stable key: ``aim:<aim id>`` for an aim's charts (its run
    chart and P chart) and ``measure:<pk>`` for a measure of the improvement record.
    ``on`` is the point's date (the first day of its month or quarter, or the day of a
    dot). Kept here, beside the tests of change the same charts mark, because the roles
    that keep the improvement record are the ones who may write on its charts, and every
    app that draws these charts already reads the improvement record.
    """

    authority = _authority()
    chart = models.CharField(max_length=60, db_index=True)
    on = models.DateField("the point")
    text = models.CharField("note", max_length=300)
    written_by = _created_by()
    written_at = models.DateTimeField(auto_now_add=True)

    objects = AuthorityScopedManager["ChartNote"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["chart", "on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="chart_note_has_text"),
        ]

    def __str__(self) -> str:
        return f"Note on {self.chart} at {self.on:%d %B %Y}"
