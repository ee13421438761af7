"""Child-level records: a child, their care periods, and what happened in each.

Field names match the canonical tables in ``permanence.journey.tables`` column for
column, so records turn into tables (and tables into records) without a mapping layer.
Every row is owned by a local authority and is reached only through the authority
scope (``permanence.web.kernel``); every change is kept by django-simple-history.
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
from permanence.web.kernel.history import ScopedHistoricalRecords
from permanence.web.kernel.scope import AuthorityScopedManager


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
    replaces_children = models.BooleanField(
        "replaces the records of the children it holds",
        default=False,
        help_text="The extract is the whole truth for the children it holds: their records "
        "it no longer holds are removed (and kept in their history), not listed to decide.",
    )

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
    period_start = models.DateField(
        null=True, blank=True, help_text="The care period the issue is about, where it has one."
    )
    fields = models.CharField(max_length=200, blank=True)
    message = models.TextField()
    fix = models.TextField(blank=True)
    value = models.TextField(blank=True)

    objects = AuthorityScopedManager["ImportIssue"]()

    class Meta:
        ordering = ["batch", "severity", "rule", "table", "row"]
        # By rule for the import's page; by child for the child's journey (its queries).
        indexes = [
            models.Index(fields=["batch", "rule"]),
            models.Index(fields=["batch", "child_ref"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.table} row {self.row}"


RECORD_ID_HELP = (
    "The case recording system's own identifier of this record, where the extract gives "
    "one: a later extract is matched to the record by it."
)


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
    sibling_group = models.CharField(
        "sibling group",
        max_length=64,
        blank=True,
        help_text="The same text for each child of one group of brothers and sisters looked "
        "after; blank for a child recorded without siblings.",
    )

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
    record_id = models.CharField(
        "system's record id", max_length=64, blank=True, help_text=RECORD_ID_HELP
    )
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
    record_id = models.CharField(
        "system's record id", max_length=64, blank=True, help_text=RECORD_ID_HELP
    )

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
    attended = models.CharField(
        "who attended",
        max_length=200,
        blank=True,
        help_text="By agency: codes separated by semicolons, as the extract gave them.",
    )

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
    reason = models.TextField(
        blank=True, help_text="Why a decision was reversed, or a purposeful delay's reason."
    )
    look_again_on = models.DateField(
        "date to look again", null=True, blank=True, help_text="For a purposeful delay."
    )
    decided_by = models.CharField(
        "who decided", max_length=100, blank=True, help_text="For a decision that shapes the plan."
    )

    objects = AuthorityScopedManager["Milestone"]()

    class Meta:
        ordering = ["care_period", "date"]
        indexes = [models.Index(fields=["authority", "care_period"])]

    def __str__(self) -> str:
        return f"{MilestoneKind(self.milestone).label} on {self.date:%d/%m/%Y}"


# ---------------------------------------------------------------------------------------
# Data queries answered in the app


class AbsentRecord(models.Model):
    """A record an extract no longer held, and what a data lead decided about it.

    A record loaded from an earlier extract that a later one does not hold (and that no
    row of it corrects) is never silently kept in the figures, nor silently dropped: it
    stays counted, listed here as waiting, and is queried on every import (RECORD001)
    until a data lead keeps it (the extract missed it) or removes it (the system no longer
    holds it). An import that replaces its children's records removes it at once and
    notes it here. A record that comes back in a later extract is noted as returned.
    """

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Waiting for a data lead's decision: still counted"
        KEPT = "kept", "Kept by a data lead: still counted"
        REMOVED = "removed", "Removed by a data lead"
        REPLACED = "replaced", "Removed by an import that replaces the child's records"
        RETURNED = "returned", "Back in a later extract"

    OPEN = (Status.AWAITING, Status.KEPT)

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    table = models.CharField(max_length=32, help_text="The canonical table of the record.")
    record_pk = models.PositiveBigIntegerField(help_text="The record's key in its table.")
    child = models.ForeignKey(
        Child, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    child_ref = models.CharField("child's reference", max_length=64)
    period_start = models.DateField(null=True, blank=True)
    description = models.TextField(help_text="The record as it was when last loaded.")
    missing_from = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The first import whose extract did not hold the record.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.AWAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_in = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The import that settled it (the record returned, or was replaced).",
    )
    note = models.TextField(blank=True, help_text="Why the data lead kept or removed it.")

    objects = AuthorityScopedManager["AbsentRecord"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["child_ref", "period_start", "table", "record_pk"]
        indexes = [models.Index(fields=["authority", "status"])]

    def __str__(self) -> str:
        return f"{self.child_ref}: {self.description}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class QueryAnswer(models.Model):
    """A data lead's answer to a data query on a child: kept with who and when.

    An answer never changes a figure: the child stays in every aim exactly as the records
    say. It is shown beside the query on the child's journey, on the import page and in
    the data-quality report; a purposeful delay, a recorded decision in the child's
    interest, is also marked on the child's point of the aim's run chart. It answers every
    query of its rule on the child's care period (or on the child, for queries about no
    period) in later imports too, until it is changed or withdrawn; every change is kept.
    """

    class Kind(models.TextChoices):
        PURPOSEFUL_DELAY = (
            "purposeful_delay",
            "Purposeful delay: a decision in the child's interest",
        )
        CONFIRMED = "confirmed", "Checked: the record is right"
        CORRECTING = "correcting", "Being corrected in the case recording system"

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    care_period = models.ForeignKey(
        CarePeriod, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rule = models.CharField(max_length=16, help_text="The code of the rule that raised the query.")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    reason = models.TextField(help_text='For example "sibling assessment" or "date confirmed".')
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField()

    objects = AuthorityScopedManager["QueryAnswer"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["child", "care_period", "rule"]
        indexes = [models.Index(fields=["authority", "child"])]

    def __str__(self) -> str:
        return f"{self.rule}: {self.get_kind_display()}: {self.reason}"

    @property
    def is_purposeful_delay(self) -> bool:
        return self.kind == self.Kind.PURPOSEFUL_DELAY
