"""What an authority notes on a step of its process map: who owns the step and what is
being tested there. Authority-scoped, with its change history (who changed what, when)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from permanence.analysis.process_map import STEPS
from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.history import ScopedHistoricalRecords
from permanence.web.kernel.scope import AuthorityScopedManager

STEP_CHOICES = [(step.key, step.label) for step in STEPS]


class ProcessStepNote(models.Model):
    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    step = models.CharField(max_length=30, choices=STEP_CHOICES)
    owner = models.CharField(
        "who owns this step",
        max_length=200,
        blank=True,
        help_text="A team, a service or a person's role, for example “Legal services”.",
    )
    testing = models.TextField(
        "what is being tested here",
        blank=True,
        help_text="The change ideas being tested at this step, or what the group wants to learn.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(auto_now=True)

    objects = AuthorityScopedManager["ProcessStepNote"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["step"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "step"], name="process_step_note_once_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"Note on the process map: {self.get_step_display()}"
