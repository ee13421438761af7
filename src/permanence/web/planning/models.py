"""Review planning's records: policies, planned meetings, who works with which child,
calendar feeds, notifications and the digests sent.

Every model is owned by a local authority and reached through the authority scope
(``AuthorityScopedManager`` as the default manager), like the children's records. The
imported Meeting table is never written to: a planned meeting points at the Meeting that
fulfilled it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from permanence.analysis.aims import (
    DEFAULT_AIM_4_ROUTES,
    NATIONAL_AIMS,
    AimDefinition,
    aim_4_with_routes,
)
from permanence.analysis.schedule import (
    STATUTORY_POLICY,
    PlannedKind,
    PlanStatus,
    PolicyHistory,
    ReviewPolicy,
    item_label,
)
from permanence.journey.vocabulary import Route
from permanence.web.accounts.models import LocalAuthority, Team
from permanence.web.kernel.history import ScopedHistoricalRecords
from permanence.web.kernel.scope import AuthorityScopedManager
from permanence.web.records.models import CarePeriod, Meeting

_POLICY_FIELDS = (
    "planning_72h_days",
    "planning_meeting_weeks",
    "first_review_weeks",
    "second_review_months",
    "later_review_months",
    "review_before_referral",
    "review_before_application",
    "prior_review_window_days",
    "legal_advice_week",
    "assessment_limit_days",
    "refer_young_children",
    "young_child_age",
)


class ReviewPolicyVersion(models.Model):
    """One version of an authority's review policy, in force from ``effective_from``.

    Versions are never changed once in force and never take effect in the past: a change
    of policy is a new version from a date to come, so no due date already worked out
    under the old policy moves (see ``permanence.analysis.schedule``).
    """

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField(
        "in force from", help_text="Meetings whose clocks start on or after this date follow it."
    )
    name = models.CharField(max_length=100, help_text="For example: 3-monthly reviews.")
    planning_72h_days = models.PositiveSmallIntegerField(
        "72-hour planning meeting within (days)", default=STATUTORY_POLICY.planning_72h_days
    )
    planning_meeting_weeks = models.PositiveSmallIntegerField(
        "planning meeting after (weeks)",
        null=True,
        blank=True,
        help_text="The local 2-, 3- or 4-week planning meeting. Blank: none.",
    )
    first_review_weeks = models.PositiveSmallIntegerField(
        "first review within (weeks of the placement)", default=STATUTORY_POLICY.first_review_weeks
    )
    second_review_months = models.PositiveSmallIntegerField(
        "second review within (months of the first)", default=STATUTORY_POLICY.second_review_months
    )
    later_review_months = models.PositiveSmallIntegerField(
        "later reviews within (months of the previous)",
        default=STATUTORY_POLICY.later_review_months,
        help_text="6 by statute; many areas chose 3.",
    )
    review_before_referral = models.BooleanField(
        "review before a referral to the Reporter", default=True
    )
    review_before_application = models.BooleanField(
        "review before an application for a permanence order", default=True
    )
    prior_review_window_days = models.PositiveSmallIntegerField(
        "a review counts as 'before' within (days)",
        default=STATUTORY_POLICY.prior_review_window_days,
    )
    legal_advice_week = models.PositiveSmallIntegerField(
        "legal advice meeting in week",
        null=True,
        blank=True,
        help_text="Set in advance, counted from the date accommodated. Blank: none.",
    )
    assessment_limit_days = models.PositiveSmallIntegerField(
        "assessment limit for young children (days)",
        null=True,
        blank=True,
        help_text="For example 40: the parenting capacity assessment completed within 40 "
        "days of its start. Blank: none.",
    )
    refer_young_children = models.BooleanField(
        "refer young children to the Reporter on the day accommodated", default=False
    )
    young_child_age = models.PositiveSmallIntegerField(
        "young children are under (years)", default=STATUTORY_POLICY.young_child_age
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuthorityScopedManager["ReviewPolicyVersion"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["effective_from"]
        verbose_name = "review policy version"
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "effective_from"], name="one_policy_version_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (from {self.effective_from:%d %B %Y})"

    def as_policy(self) -> ReviewPolicy:
        return ReviewPolicy(
            effective_from=self.effective_from,
            name=self.name,
            **{name: getattr(self, name) for name in _POLICY_FIELDS},
        )

    def clean(self) -> None:
        today = timezone.localdate()
        if self.effective_from is None:
            return
        if self._state.adding and self.effective_from < today:
            raise ValidationError(
                {
                    "effective_from": "A policy cannot take effect in the past: choose today "
                    "or a later date."
                }
            )
        if not self._state.adding:
            stored = ReviewPolicyVersion.objects.filter(pk=self.pk).first()
            if stored is not None and stored.effective_from <= today:
                raise ValidationError(
                    "This version is already in force and cannot be changed: add a new "
                    "version from a date to come."
                )
            if self.effective_from < today:
                raise ValidationError(
                    {"effective_from": "A policy cannot take effect in the past."}
                )
        same_date = ReviewPolicyVersion.objects.filter(effective_from=self.effective_from)
        if same_date.exclude(pk=self.pk).exists():
            raise ValidationError({"effective_from": "Another version takes effect that day."})
        try:
            self.as_policy()
        except ValueError as error:
            raise ValidationError(str(error)) from None


def policy_history(authority_id: int) -> PolicyHistory:
    """The authority's versions (in the current scope); the statutory minimum before them."""
    versions = ReviewPolicyVersion.objects.filter(authority_id=authority_id)
    return PolicyHistory(tuple(version.as_policy() for version in versions))


class PlanningSettings(models.Model):
    """How far ahead "due soon" looks, the warning period before each aim's deadline, and
    the routes whose application in court stops Aim 4's clock (docs/aims.md)."""

    authority = models.OneToOneField(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    due_soon_days = models.PositiveSmallIntegerField("due soon means due within (days)", default=14)
    aim_1_warning_weeks = models.PositiveSmallIntegerField(
        "warn before an order at home reaches two years (weeks)", default=8
    )
    aim_2_warning_weeks = models.PositiveSmallIntegerField(
        "warn before the Aim 2 deadline (weeks)", default=4
    )
    aim_3_warning_weeks = models.PositiveSmallIntegerField(
        "warn before the Aim 3 deadline (weeks)", default=4
    )
    aim_4_warning_weeks = models.PositiveSmallIntegerField(
        "warn before the Aim 4 deadline (weeks)", default=4
    )
    # Aim 4's routes: the PACE sources name permanence orders and adoption; an authority
    # may follow kinship care orders too, or fewer routes. Kept with its history.
    aim_4_permanence_order = models.BooleanField("Aim 4 follows permanence orders", default=True)
    aim_4_permanence_order_adopt = models.BooleanField(
        "Aim 4 follows permanence orders with authority to adopt", default=True
    )
    aim_4_adoption = models.BooleanField("Aim 4 follows adoption", default=True)
    aim_4_kinship_order = models.BooleanField("Aim 4 follows kinship care orders", default=False)

    objects = AuthorityScopedManager["PlanningSettings"]()
    history = ScopedHistoricalRecords()

    class Meta:
        verbose_name = "planning settings"
        verbose_name_plural = "planning settings"

    def __str__(self) -> str:
        return "Due lists and aim warnings"

    @classmethod
    def for_authority(cls, authority_id: int) -> PlanningSettings:
        """The authority's settings, or the defaults (unsaved) when it has none."""
        found = cls.objects.filter(authority_id=authority_id).first()
        return found if found is not None else cls(authority_id=authority_id)

    def clean(self) -> None:
        if not self.aim_4_routes:
            raise ValidationError(
                "Aim 4 needs at least one route whose application in court stops its clock."
            )

    @property
    def aim_4_routes(self) -> frozenset[str]:
        """The Route codes whose application stops Aim 4's clock for this authority."""
        chosen = {
            Route.PERMANENCE_ORDER: self.aim_4_permanence_order,
            Route.PERMANENCE_ORDER_ADOPT: self.aim_4_permanence_order_adopt,
            Route.ADOPTION: self.aim_4_adoption,
            Route.KINSHIP_CARE_ORDER: self.aim_4_kinship_order,
        }
        return frozenset(route.value for route, follows in chosen.items() if follows)

    def national_aims(self) -> tuple[AimDefinition, ...]:
        """The four national aims as this authority follows them (Aim 4's routes)."""
        routes = self.aim_4_routes or DEFAULT_AIM_4_ROUTES
        aim_4 = aim_4_with_routes(routes)
        return tuple(aim_4 if aim.id == aim_4.id else aim for aim in NATIONAL_AIMS)

    @property
    def warning_weeks(self) -> dict[str, int]:
        return {
            "aim_1": self.aim_1_warning_weeks,
            "aim_2": self.aim_2_warning_weeks,
            "aim_3": self.aim_3_warning_weeks,
            "aim_4": self.aim_4_warning_weeks,
        }


class PlannedMeeting(models.Model):
    """A meeting or deadline the policy requires of a child placed away from home.

    Written only by the planner (``permanence.web.planning.planner``), which keeps these
    rows in step with the records: held when a meeting fulfils it, closed (never
    deleted) with the reason when it is no longer needed.
    """

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    care_period = models.ForeignKey(
        CarePeriod, on_delete=models.CASCADE, related_name="planned_meetings"
    )
    kind = models.CharField(max_length=32, choices=PlannedKind.choices())
    number = models.PositiveSmallIntegerField(
        default=0,
        help_text="The review's number; the planning meeting's weeks; the referral's number.",
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=8,
        choices=[(status.value, status.value.capitalize()) for status in PlanStatus],
        default=PlanStatus.PLANNED.value,
    )
    held_date = models.DateField(null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The recorded meeting that fulfilled it.",
    )
    rule = models.CharField(max_length=300, help_text="Why it is due when it is.")
    policy_version = models.DateField(
        null=True, blank=True, help_text="The policy version that set the date (blank: statute)."
    )
    closed_reason = models.CharField(max_length=300, blank=True)
    closed_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuthorityScopedManager["PlannedMeeting"]()

    class Meta:
        ordering = ["due_date", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["care_period", "kind", "number"], name="one_planned_meeting_per_kind"
            )
        ]
        indexes = [models.Index(fields=["authority", "status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.label} due {self.due_date:%d/%m/%Y}"

    @property
    def label(self) -> str:
        return item_label(PlannedKind(self.kind), self.number)


class Allocation(models.Model):
    """A person allocated to a child's care period, from a date until an end date: as the
    child's worker, or as the reviewing officer who chairs the child's reviews.

    Who works with a child: the workers allocated to the period or, where nobody is,
    everyone in the period's team (see docs/review-planning.md). A reviewing officer's
    allocation does not put the child on the due lists of the people who work with them;
    it puts the child on the reviewing officer's own page.
    """

    class Part(models.TextChoices):
        WORKER = "worker", "Worker"
        REVIEWING_OFFICER = "reviewing_officer", "Reviewing officer (chairs the reviews)"

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    care_period = models.ForeignKey(CarePeriod, on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="allocations",
        verbose_name="person",
    )
    part = models.CharField(
        "allocated as",
        max_length=20,
        choices=Part.choices,
        default=Part.WORKER,
        help_text="The child's worker, or the reviewing officer who chairs their reviews.",
    )
    started = models.DateField(default=timezone.localdate)
    ended = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuthorityScopedManager["Allocation"]()
    # Who works with a child is child-level information: every change is kept, as for
    # the child's records.
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["care_period", "started"]

    def __str__(self) -> str:
        return f"{self.worker} with {self.care_period}"

    def clean(self) -> None:
        worker_authority = getattr(self.worker, "authority_id", None) if self.worker_id else None
        if self.worker_id and worker_authority != self.authority_id:
            raise ValidationError({"worker": "The worker must belong to this authority."})
        if self.ended is not None and self.started is not None and self.ended < self.started:
            raise ValidationError({"ended": "An allocation cannot end before it starts."})


class CalendarFeed(models.Model):
    """A secret calendar address for a worker's or a team's planned meetings.

    Only a hash of the address's token is kept: the address is shown once, when made. The
    owner can revoke it (it stops working) or make a new one.
    """

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="A team's feed; blank for the owner's own children.",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = AuthorityScopedManager["CalendarFeed"]()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Calendar of {self.team or 'the children they work with'} for {self.owner}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class NoticeState(models.TextChoices):
    OVERDUE = "overdue", "Overdue"
    DUE_SOON = "due_soon", "Due soon"
    AIM_PAST = "aim_past", "Past the aim's deadline"
    AIM_APPROACHING = "aim_approaching", "Approaching the aim's deadline"
    # Long work the person started (a load, a report pack) that ended while they were away.
    WORK_DONE = "work_done", "Done"
    WORK_FAILED = "work_failed", "Failed"


#: The states of a notice about work the person started, not about a child.
WORK_STATES = (NoticeState.WORK_DONE, NoticeState.WORK_FAILED)


class Notification(models.Model):
    """One thing a person was told about: a meeting due or overdue, an aim's deadline;
    or long work they started (a load, a report pack) that has finished, or failed for
    good (``WORK_STATES``: no child, no due date, a ``link`` to the result).

    A notice is made once per person, item, state and due date, so the daily run never
    tells anyone the same thing twice; the app lists them and the digest emails them
    (the digest only the notices about children).
    """

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="planning_notifications"
    )
    care_period = models.ForeignKey(
        CarePeriod, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    planned_meeting = models.ForeignKey(
        PlannedMeeting, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    aim = models.CharField(max_length=16, blank=True)
    state = models.CharField(max_length=16, choices=NoticeState.choices)
    what = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    link = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=200)
    created_on = models.DateField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = AuthorityScopedManager["Notification"]()

    class Meta:
        ordering = ["-created_on", "due_date"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notice_per_item")
        ]

    def __str__(self) -> str:
        if self.due_date is None:
            return f"{self.what}: {self.get_state_display()}"
        return f"{self.what}: {self.get_state_display()} ({self.due_date:%d/%m/%Y})"

    @property
    def is_about_work(self) -> bool:
        return self.state in WORK_STATES


class AlertDigest(models.Model):
    """The digest email sent to one person on one day: at most one a day."""

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    run_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    notices = models.PositiveIntegerField()
    subject = models.CharField(max_length=200)

    objects = AuthorityScopedManager["AlertDigest"]()

    class Meta:
        ordering = ["-run_date"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "run_date"], name="one_digest_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.run_date:%d/%m/%Y})"
