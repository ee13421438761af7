"""The national workspace's records: what each authority shares, its snapshot, and what
was published.

None of these holds a child's record. ``SharingDecision`` and ``NationalSnapshot``
belong to an authority and are reached through the authority scope like everything an
authority owns; the national app reads every authority's current decision and snapshot
through the ``everywhere`` managers, which is safe because neither holds child-level
data (the snapshot's rows live in a Parquet file that only ``snapshots.py`` reads, under
an explicit scope). ``NationalPublication`` holds disclosure-controlled figures, and the
protected tables' raw values, which never leave the server.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from permanence.analysis.benchmarking import Section
from permanence.analysis.stages import STAGES
from permanence.web.accounts.models import LocalAuthority
from permanence.web.improvement.models import NATIONAL_AIM_CHOICES, ChangeIdea, ImprovementProject
from permanence.web.kernel.history import ScopedHistoricalRecords
from permanence.web.kernel.scope import AuthorityScopedManager

STAGE_CHOICES = [(stage.key, stage.label) for stage in STAGES]


class SharingDecision(models.Model):
    """One decision by an authority about what it shares with the national workspace.

    Decisions are never changed or deleted: each change is a new decision, the latest is
    in force from the moment it is made, and the earlier ones are the history (who
    decided what, and when). Only aggregates are ever shared; the sections say which.
    """

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    aims = models.BooleanField(
        "the aims",
        default=False,
        help_text="Each aim's percentage met, the funnel plot and the age-adjusted comparison.",
    )
    survival = models.BooleanField(
        "time to each milestone",
        default=False,
        help_text="Kaplan-Meier median weeks to each aim's milestone.",
    )
    stages = models.BooleanField(
        "where children wait",
        default=False,
        help_text="Median days children spend in each stage of the journey.",
    )
    learning = models.BooleanField(
        "what we learn",
        default=False,
        help_text="Change ideas the authority publishes to the library across authorities "
        "(with what their PDSA cycles learned), and its projects' phases and progress scores.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True, help_text="Why, for the record.")

    objects = AuthorityScopedManager["SharingDecision"]()
    everywhere: ClassVar[models.Manager[SharingDecision]] = models.Manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["authority", "-decided_at"])]

    def __str__(self) -> str:
        return f"{self.authority}: {self.summary} ({self.decided_at:%d %B %Y %H:%M})"

    @property
    def sections(self) -> frozenset[Section]:
        return frozenset(section for section in Section if getattr(self, section.value))

    @property
    def summary(self) -> str:
        words = {Section.AIMS: "the aims", Section.SURVIVAL: "time to milestones"}
        words[Section.STAGES] = "where children wait"
        shared = [words[s] for s in Section if s in self.sections]
        if self.learning:
            shared.append("what it learns (change ideas and progress)")
        if not shared:
            return "shares nothing"
        return "shares " + ", ".join(shared)


class NationalSnapshot(models.Model):
    """An authority's journeys frame as of a reference date, pruned for national use and
    stored as Parquet under the data directory (see ``snapshots.py``)."""

    authority = models.OneToOneField(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField()
    built_at = models.DateTimeField()
    file_name = models.CharField(max_length=200)
    care_periods = models.PositiveIntegerField()
    size_bytes = models.PositiveBigIntegerField()
    fingerprint = models.CharField(
        max_length=64, help_text="Of the records it was built from: a change means rebuild."
    )

    objects = AuthorityScopedManager["NationalSnapshot"]()
    everywhere: ClassVar[models.Manager[NationalSnapshot]] = models.Manager()

    def __str__(self) -> str:
        return f"{self.authority} as of {self.as_of:%d %B %Y}"


class NationalPublication(models.Model):
    """The national figures as published for one reference date and one state of sharing.

    ``figures`` is what pages and downloads show (disclosure-controlled). ``tables`` are
    the protected count tables with their raw values, kept only so that the next
    publication for the same date can be protected together with this one: never shown.
    """

    reference_date = models.DateField()
    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    figures = models.JSONField()
    tables = models.JSONField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"National figures as of {self.reference_date:%d %B %Y}"


# ---------------------------------------------------------------------------------------
# Sharing learning: the change-idea library, progress scores and advisers' access.
#
# Each row belongs to the authority it describes and is reached through the authority
# scope. Across authorities it is read only through ``learning.py``, which shows an
# authority's rows only while its latest sharing decision shares what it learns.


class SharedChangeIdea(models.Model):
    """A change idea an authority published to the library, as it stood when published.

    What its PDSA cycles tested, learned and decided, and its measure's chart, are copied
    at publishing (``cycles`` and ``chart``; the chart already under disclosure control),
    so what others read is what the authority chose to publish, not what it edits later.
    The national team curates: features it, merges a duplicate into another, retires it.
    """

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    change_idea = models.ForeignKey(
        ChangeIdea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField("change idea", max_length=200)
    description = models.TextField(blank=True)
    aim = models.CharField("national aim", max_length=10, choices=NATIONAL_AIM_CHOICES, blank=True)
    aim_title = models.CharField("aim", max_length=200, blank=True)
    primary_driver = models.CharField(max_length=300, blank=True)
    secondary_driver = models.CharField(max_length=300, blank=True)
    stage = models.CharField(
        "stage of the journey", max_length=20, choices=STAGE_CHOICES, blank=True
    )
    cycles = models.JSONField(default=list, help_text="Each PDSA cycle as published.")
    measure_title = models.CharField(max_length=200, blank=True)
    chart = models.JSONField(default=list, help_text="The measure's months, disclosure-controlled.")
    chart_unit = models.CharField(
        max_length=10,
        blank=True,
        default="",
        help_text="What the chart's values are: percent or count (blank: not known).",
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    unpublished_at = models.DateTimeField(null=True, blank=True)
    featured = models.BooleanField(default=False)
    retired_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    curation_note = models.CharField(max_length=300, blank=True)

    objects = AuthorityScopedManager["SharedChangeIdea"]()
    everywhere: ClassVar[models.Manager[SharedChangeIdea]] = models.Manager()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["-featured", "title", "pk"]
        verbose_name = "change idea shared in the library"
        verbose_name_plural = "change ideas shared in the library"

    def __str__(self) -> str:
        return self.title

    @property
    def listed(self) -> bool:
        """In the library's list: published, not retired, not merged into another."""
        return self.unpublished_at is None and self.retired_at is None and not self.merged_into_id


class SharedTemplate(models.Model):
    """A file published with a change idea: an agenda, a letter, a checklist."""

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    shared_idea = models.ForeignKey(
        SharedChangeIdea, on_delete=models.CASCADE, related_name="templates"
    )
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = models.BinaryField(editable=False)
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = AuthorityScopedManager["SharedTemplate"]()
    everywhere: ClassVar[models.Manager[SharedTemplate]] = models.Manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Adoption(models.Model):
    """An authority adopted a change idea from the library into its own driver diagram.

    ``change_idea`` is the adopting authority's own new change idea; ``origin`` keeps
    where it came from. The origin names the other authority only while that authority
    shares what it learns (``learning.origin_text``)."""

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    change_idea = models.OneToOneField(
        ChangeIdea, on_delete=models.CASCADE, related_name="adoption"
    )
    origin = models.ForeignKey(
        SharedChangeIdea, on_delete=models.SET_NULL, null=True, related_name="adoptions"
    )
    adopted_at = models.DateTimeField(default=timezone.now)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = AuthorityScopedManager["Adoption"]()
    everywhere: ClassVar[models.Manager[Adoption]] = models.Manager()
    history = ScopedHistoricalRecords()

    def __str__(self) -> str:
        return f"Adopted: {self.change_idea}"


class Phase(models.TextChoices):
    BASELINE = "baseline", "Baseline: measuring before changing"
    TESTING = "testing", "Testing: PDSA cycles of change ideas"
    IMPLEMENTING = "implementing", "Implementing: building changes into the system"
    SPREADING = "spreading", "Spreading: to other teams and places"
    SUSTAINING = "sustaining", "Sustaining: holding the gains"


PROGRESS_SCORES: dict[Decimal, str] = {
    Decimal("0.5"): "Intent to participate",
    Decimal("1.0"): "Team formed, aim set",
    Decimal("1.5"): "Planning for the project has begun",
    Decimal("2.0"): "Activity, but no changes",
    Decimal("2.5"): "Changes tested, but no improvement",
    Decimal("3.0"): "Modest improvement",
    Decimal("3.5"): "Improvement",
    Decimal("4.0"): "Significant improvement",
    Decimal("4.5"): "Sustainable improvement",
    Decimal("5.0"): "Outstanding sustainable results",
}
"""The IHI progress scale (the Breakthrough Series' assessment scale), 0.5 to 5.0."""

SCORE_CHOICES = [(score, f"{score}: {words}") for score, words in PROGRESS_SCORES.items()]


class ProjectProgress(models.Model):
    """A project's phase and progress score from a date on. Each assessment is a new row,
    so the rows are the history; the latest is the project's current standing."""

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        ImprovementProject, on_delete=models.CASCADE, related_name="progress"
    )
    phase = models.CharField(max_length=20, choices=Phase.choices)
    score = models.DecimalField(
        "progress score",
        max_digits=2,
        decimal_places=1,
        choices=SCORE_CHOICES,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("5.0"))],
    )
    assessed_on = models.DateField(default=timezone.localdate)
    note = models.CharField("why this score", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AuthorityScopedManager["ProjectProgress"]()
    everywhere: ClassVar[models.Manager[ProjectProgress]] = models.Manager()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["project", "-assessed_on", "-pk"]
        verbose_name = "project progress"
        verbose_name_plural = "project progress"

    def __str__(self) -> str:
        return f"{self.project}: {self.get_phase_display()}, {self.score} ({self.assessed_on})"

    @property
    def score_words(self) -> str:
        return PROGRESS_SCORES.get(Decimal(self.score), "")


class AdviserGrant(models.Model):
    """An authority lets a named national adviser read its improvement record (projects,
    driver diagrams, PDSA cycles, measures; never a child's record) from ``starts_on``
    until ``ends_on``: the access ends at the start of that day. Revocable at any time."""

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField("access ends on", help_text="No access from this day on.")
    reason = models.CharField("why", max_length=300)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )
    granted_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = AuthorityScopedManager["AdviserGrant"]()
    everywhere: ClassVar[models.Manager[AdviserGrant]] = models.Manager()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["-granted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.adviser} reads {self.authority}'s improvement record until {self.ends_on}"

    def is_active(self, on: date) -> bool:
        return self.revoked_at is None and self.starts_on <= on < self.ends_on


class AdviserVisit(models.Model):
    """Each page of an authority's improvement record an adviser read: the audit."""

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    grant = models.ForeignKey(AdviserGrant, on_delete=models.CASCADE, related_name="visits")
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    page = models.CharField(max_length=200)

    objects = AuthorityScopedManager["AdviserVisit"]()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.adviser} read {self.page} at {self.at:%d %B %Y %H:%M}"
