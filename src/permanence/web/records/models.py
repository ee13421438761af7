"""Child-level records: a child, their care periods, and what happened in each.

Field names match the canonical tables in ``permanence.journey.tables`` column for
column, so records turn into tables (and tables into records) without a mapping layer.
Every row is owned by a local authority and is reached only through the authority
scope (``permanence.web.tenancy``); every change is kept by django-simple-history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from permanence.journey.vocabulary import (
    Destination,
    LegalStatusKind,
    MeetingKind,
    MilestoneKind,
    PlacementType,
    Sex,
)
from permanence.web.accounts.models import LocalAuthority, Team
from permanence.web.tenancy.history import ScopedHistoricalRecords
from permanence.web.tenancy.scope import AuthorityScopedManager


class ImportBatch(models.Model):
    """One extract brought in: previewed, then loaded (or discarded).

    A loaded batch is where a record came from when nobody typed it in. Its ``summary``
    holds the validation figures (no child references) and what the load added, changed
    and no longer found; its issues are kept row by row in ``ImportIssue``.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Checked, waiting to be loaded"
        LOADED = "loaded", "Loaded"
        DISCARDED = "discarded", "Discarded"

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=500, help_text="The files the extract came from.")
    profile = models.CharField(max_length=100, blank=True)
    extract_date = models.DateField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.LOADED)
    loaded_at = models.DateTimeField(null=True, blank=True)
    # Where an uploaded extract waits between its preview and its loading.
    upload_dir = models.CharField(max_length=500, blank=True)

    objects = AuthorityScopedManager["ImportBatch"]()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"Import of {self.source} on {self.created_at:%d %B %Y %H:%M}"


class ImportIssue(models.Model):
    """One problem validation found in a batch's extract, for the data-quality report."""

    class Severity(models.TextChoices):
        ERROR = "error", "Error: the row was refused"
        QUERY = "query", "Query: the row was loaded, please check it"

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="issues")
    rule = models.CharField(max_length=16)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    table = models.CharField(max_length=32, blank=True)
    row = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)
    child_ref = models.CharField(max_length=64, blank=True)
    fields = models.CharField(max_length=200, blank=True)
    message = models.TextField()
    fix = models.TextField(blank=True)
    value = models.TextField(blank=True)

    objects = AuthorityScopedManager["ImportIssue"]()

    class Meta:
        ordering = ["batch", "severity", "rule", "table", "row"]
        indexes = [models.Index(fields=["batch", "rule"])]

    def __str__(self) -> str:
        return f"{self.rule} {self.table} row {self.row}"


class ChildRecord(models.Model):
    """What every child-level record shares: its authority, its source, its history."""

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    source_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The import that last wrote this record, if it was not typed in.",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who typed this record in, if it did not come from an import.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = ScopedHistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class Child(ChildRecord):
    child_ref = models.CharField(
        "reference",
        max_length=64,
        help_text="The authority's own reference, kept exactly as given (leading zeros too).",
    )
    initials = models.CharField(max_length=4, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=16, choices=Sex.choices(), default=Sex.NOT_KNOWN)
    ethnicity = models.CharField(max_length=100, blank=True)
    disability = models.CharField(max_length=32, blank=True)

    objects = AuthorityScopedManager["Child"]()

    class Meta:
        ordering = ["child_ref"]
        verbose_name_plural = "children"
        constraints = [
            models.UniqueConstraint(fields=["authority", "child_ref"], name="child_ref_unique")
        ]

    def __str__(self) -> str:
        return self.child_ref


class CarePeriod(ChildRecord):
    """A period of being looked after, from the date looked after to its end."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="care_periods")
    period_start = models.DateField("date looked after")
    period_end = models.DateField("date ended", null=True, blank=True)
    destination = models.CharField(
        max_length=32, choices=Destination.choices(), blank=True, help_text="Where the child went."
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)

    objects = AuthorityScopedManager["CarePeriod"]()

    class Meta:
        ordering = ["child", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["child", "period_start"], name="care_period_unique")
        ]
        # Every query is scoped by authority (the tenancy manager adds it), so the
        # indexes that find a child's periods, and a period's records, lead with it.
        indexes = [
            models.Index(fields=["authority", "period_start"]),
            models.Index(fields=["authority", "child"]),
        ]

    def __str__(self) -> str:
        return f"{self.child} from {self.period_start:%d/%m/%Y}"


class PeriodRecord(ChildRecord):
    """A record that belongs to one care period."""

    care_period = models.ForeignKey(CarePeriod, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class Placement(PeriodRecord):
    placement_type = models.CharField(max_length=32, choices=PlacementType.choices())
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    objects = AuthorityScopedManager["Placement"]()

    class Meta:
        ordering = ["care_period", "start_date"]
        indexes = [models.Index(fields=["authority", "care_period"])]

    def __str__(self) -> str:
        return f"{PlacementType(self.placement_type).label} from {self.start_date:%d/%m/%Y}"


class LegalStatus(PeriodRecord):
    legal_status = models.CharField(max_length=32, choices=LegalStatusKind.choices())
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    objects = AuthorityScopedManager["LegalStatus"]()

    class Meta:
        ordering = ["care_period", "start_date"]
        verbose_name_plural = "legal statuses"
        indexes = [models.Index(fields=["authority", "care_period"])]

    def __str__(self) -> str:
        return f"{LegalStatusKind(self.legal_status).label} from {self.start_date:%d/%m/%Y}"


class Meeting(PeriodRecord):
    meeting_kind = models.CharField("kind", max_length=32, choices=MeetingKind.choices())
    review_number = models.PositiveSmallIntegerField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    held_date = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    objects = AuthorityScopedManager["Meeting"]()

    class Meta:
        ordering = ["care_period", "due_date", "held_date"]
        indexes = [
            models.Index(fields=["authority", "due_date"]),
            models.Index(fields=["authority", "care_period"]),
        ]

    def __str__(self) -> str:
        label = MeetingKind(self.meeting_kind).label
        return f"{label} {self.review_number}" if self.review_number else label


class Milestone(PeriodRecord):
    """A dated decision or milestone: recommendation, agency decision, order and so on."""

    milestone = models.CharField("kind", max_length=32, choices=MilestoneKind.choices())
    date = models.DateField()
    detail = models.CharField(
        max_length=32, blank=True, help_text="The route, outcome or order type, where it has one."
    )
    reason = models.TextField(blank=True, help_text="Why a decision was reversed.")

    objects = AuthorityScopedManager["Milestone"]()

    class Meta:
        ordering = ["care_period", "date"]
        indexes = [models.Index(fields=["authority", "care_period"])]

    def __str__(self) -> str:
        return f"{MilestoneKind(self.milestone).label} on {self.date:%d/%m/%Y}"
