"""Planning meetings with their agendas, attendance and actions, and the decisions that
shape a child's plan.

Every row is owned by a local authority and reached only through the authority scope
(``AuthorityScopedManager``); every change is kept (``ScopedHistoricalRecords``), with who
typed it in. The imported ``records.Meeting`` table is never written to: a meeting entered
here stands beside the imported one, and which date counts is the precedence rule's
(``permanence.analysis.meetings.resolve_held_date``, docs/meetings.md).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from permanence.analysis.meetings import (
    Agency,
    Agenda,
    AgendaItem,
    DecisionKind,
    ItemState,
    MeetingKind,
    agenda_in_force,
    decision_problems,
    parse_items,
)
from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.history import ScopedHistoricalRecords
from permanence.web.kernel.scope import AuthorityScopedManager
from permanence.web.records.models import CarePeriod, Meeting


def _authority() -> models.ForeignKey[LocalAuthority, LocalAuthority]:
    return models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")


def _entered_by() -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who typed it in.",
    )


KIND_CHOICES = [(kind.value, kind.label) for kind in MeetingKind]
AGENCY_CHOICES = [(agency.value, agency.label) for agency in Agency]
STATE_CHOICES = [(state.value, state.label) for state in ItemState]
DECISION_CHOICES = [(kind.value, kind.label) for kind in DecisionKind]


class LocalMeetingKind(models.Model):
    """A kind of planning meeting an authority holds of its own (a 3-week meeting, a
    family meeting), with its own agenda versions."""

    authority = _authority()
    name = models.CharField(max_length=100)
    within_days = models.PositiveSmallIntegerField(
        "held within (days of the date accommodated)", null=True, blank=True
    )

    objects = AuthorityScopedManager["LocalMeetingKind"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "meeting kind of the authority's own"

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        return f"local_{self.pk}"


class AgendaVersion(models.Model):
    """An authority's own agenda for a kind of meeting, in force from a date (like a review
    policy version). Without one, the shipped agenda is used."""

    authority = _authority()
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    local_kind = models.ForeignKey(
        LocalMeetingKind, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=100, help_text="For example: our two-week agenda 2.")
    effective_from = models.DateField("in force from")
    items = models.TextField(
        help_text="One item a line, as “key: words”. Keep the keys permanence_discussed, "
        "review_dates_set and actions_logged where the item stays: the measures read them."
    )

    objects = AuthorityScopedManager["AgendaVersion"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["kind", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "kind", "local_kind", "effective_from"],
                name="one_agenda_version_per_kind_and_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (from {self.effective_from:%d %B %Y})"

    @property
    def kind_code(self) -> str:
        return self.local_kind.code if self.local_kind_id and self.local_kind else self.kind

    def as_agenda(self) -> Agenda:
        return Agenda(self.kind_code, self.name, self.effective_from, parse_items(self.items))

    def clean(self) -> None:
        if (self.kind == MeetingKind.LOCAL) != (self.local_kind_id is not None):
            raise ValidationError(
                {
                    "local_kind": "Choose the authority's own kind for a meeting of its own, "
                    "and only then."
                }
            )
        try:
            parse_items(self.items)
        except ValueError as error:
            raise ValidationError({"items": str(error)}) from None
        # The constraint cannot see a clash where the local kind is empty (NULLs differ).
        same_day = AgendaVersion.objects.filter(
            kind=self.kind, local_kind_id=self.local_kind_id, effective_from=self.effective_from
        )
        if self.effective_from and same_day.exclude(pk=self.pk).exists():
            raise ValidationError(
                {"effective_from": "Another version of this agenda takes effect that day."}
            )


def agenda_versions() -> list[Agenda]:
    """The authority's own agendas (in the current scope)."""
    return [version.as_agenda() for version in AgendaVersion.objects.select_related("local_kind")]


class PlanningMeeting(models.Model):
    """A planning meeting as it was held: its date, who came, its agenda as a checklist
    (``AgendaItemRecord``) and the actions the team leader logged (``MeetingAction``).

    Entered in the app, or made by an import for the checklist and actions it brought
    (``imported_meeting`` set, ``meetings.importing``): the two stand side by side for the
    same meeting and the precedence rule says which counts (``meetings.measures``)."""

    authority = _authority()
    care_period = models.ForeignKey(CarePeriod, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    local_kind = models.ForeignKey(
        LocalMeetingKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="the authority's own kind",
    )
    held_date = models.DateField("date held")
    attended = models.JSONField("who attended", default=list, blank=True, help_text="By agency.")
    agenda_version = models.CharField(max_length=100, help_text="The agenda it followed.")
    notes = models.TextField(blank=True)
    entered_by = _entered_by()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    imported_meeting = models.OneToOneField(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="the import's meeting",
        help_text="Set where an import brought this meeting's checklist or actions: the "
        "meeting of the records they belong to. Empty for a meeting entered here.",
    )

    objects = AuthorityScopedManager["PlanningMeeting"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["care_period", "held_date", "pk"]
        indexes = [models.Index(fields=["authority", "care_period"])]

    def __str__(self) -> str:
        return f"{self.kind_label} on {self.held_date:%d/%m/%Y}"

    @property
    def kind_code(self) -> str:
        return self.local_kind.code if self.local_kind_id and self.local_kind else self.kind

    @property
    def from_import(self) -> bool:
        return self.imported_meeting_id is not None

    @property
    def kind_label(self) -> str:
        if self.local_kind_id and self.local_kind:
            return self.local_kind.name
        return MeetingKind(self.kind).label

    @property
    def attended_labels(self) -> list[str]:
        known = {agency.value: agency.label for agency in Agency}
        return [known.get(code, code) for code in self.attended]

    def clean(self) -> None:
        if (self.kind == MeetingKind.LOCAL) != (self.local_kind_id is not None):
            raise ValidationError(
                {"local_kind": "Choose the authority's own kind for a meeting of its own."}
            )
        unknown = set(self.attended) - {agency.value for agency in Agency}
        if unknown:
            raise ValidationError({"attended": "Choose who attended from the list."})
        held = self.held_date
        if held is None or not self.care_period_id:
            return
        period = self.care_period
        problems = []
        if held > timezone.localdate():
            problems.append("A meeting cannot be held in the future.")
        if held < period.period_start:
            problems.append("A meeting cannot be held before the date looked after.")
        if period.period_end is not None and held > period.period_end:
            problems.append("A meeting cannot be held after the care period ended.")
        if problems:
            raise ValidationError({"held_date": problems})

    def start_agenda(self) -> None:
        """Save the new meeting with its checklist, from the agenda in force on the day
        held; the meeting keeps these items if the agenda changes later."""
        agenda = agenda_in_force(self.kind_code, self.held_date, agenda_versions())
        self.agenda_version = agenda.version
        self.save()
        for number, item in enumerate(agenda.items):
            # Saved one by one, so each item's history starts with the meeting's.
            AgendaItemRecord.objects.create(
                authority_id=self.authority_id,
                meeting=self,
                position=number,
                key=item.key,
                text=item.text,
            )


class AgendaItemRecord(models.Model):
    """One item of a meeting's agenda, and whether it was done."""

    authority = _authority()
    meeting = models.ForeignKey(PlanningMeeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.CharField(max_length=40)
    text = models.CharField(max_length=300)
    state = models.CharField(max_length=16, choices=STATE_CHOICES, blank=True, default="")
    reason = models.CharField("why it does not apply", max_length=300, blank=True)

    objects = AuthorityScopedManager["AgendaItemRecord"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = "agenda item"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "key"], name="one_agenda_item_per_key")
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.state == ItemState.NOT_APPLICABLE and not self.reason.strip():
            raise ValidationError({"reason": "Say why the item does not apply."})

    def as_item(self) -> AgendaItem:
        return AgendaItem(self.key, self.text)

    @property
    def care_period(self) -> CarePeriod:
        """The child's care period (so the audit log finds the child a page shows)."""
        return self.meeting.care_period


class MeetingAction(models.Model):
    """An action agreed at a meeting and logged by the team leader."""

    authority = _authority()
    meeting = models.ForeignKey(PlanningMeeting, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField("action", max_length=300)
    owner = models.CharField(
        max_length=100, help_text="Who will do it: a name, or a role such as “social worker”."
    )
    due_date = models.DateField("due by")
    done_on = models.DateField("done on", null=True, blank=True)
    entered_by = _entered_by()

    objects = AuthorityScopedManager["MeetingAction"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["meeting", "due_date", "pk"]

    def __str__(self) -> str:
        return self.what

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def care_period(self) -> CarePeriod:
        """The child's care period (so the audit log finds the child a page shows)."""
        return self.meeting.care_period

    def clean(self) -> None:
        if not self.meeting_id or self.due_date is None:
            return
        if self.due_date < self.meeting.held_date:
            raise ValidationError({"due_date": "An action cannot be due before the meeting."})
        if self.done_on is not None and self.done_on < self.meeting.held_date:
            raise ValidationError({"done_on": "An action cannot be done before the meeting."})
        if self.done_on is not None and self.done_on > timezone.localdate():
            raise ValidationError({"done_on": "An action cannot be done in the future."})


class PlanDecision(models.Model):
    """A decision that shapes the child's plan, with its date and who decided."""

    authority = _authority()
    care_period = models.ForeignKey(CarePeriod, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("decision", max_length=32, choices=DECISION_CHOICES)
    decided_on = models.DateField("date")
    decided_by = models.CharField(
        "who decided", max_length=100, help_text="A name or a role, such as “team leader”."
    )
    reason = models.TextField(blank=True, help_text="For a purposeful delay: why.")
    look_again_on = models.DateField(
        "date it will be looked at again",
        null=True,
        blank=True,
        help_text="For a purposeful delay.",
    )
    written = models.BooleanField(
        "the advice was written", default=False, help_text="For legal advice received."
    )
    meeting = models.ForeignKey(
        PlanningMeeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        help_text="The meeting it was made at, if it was.",
    )
    entered_by = _entered_by()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuthorityScopedManager["PlanDecision"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["care_period", "decided_on", "pk"]
        indexes = [models.Index(fields=["authority", "care_period"])]

    def __str__(self) -> str:
        return f"{DecisionKind(self.kind).label} on {self.decided_on:%d/%m/%Y}"

    @property
    def label(self) -> str:
        return DecisionKind(self.kind).label

    def clean(self) -> None:
        if not self.care_period_id or self.decided_on is None or not self.kind:
            return
        period = self.care_period
        problems = decision_problems(
            DecisionKind(self.kind),
            self.decided_on,
            reason=self.reason,
            look_again_on=self.look_again_on,
            accommodated=period.period_start,
            date_of_birth=period.child.date_of_birth,
            today=timezone.localdate(),
        )
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.field, []).append(problem.message)
        if errors:
            raise ValidationError(errors)


def today() -> date:
    return timezone.localdate()
