"""What an authority notes on a step of its process map (who owns the step and what is
being tested there), and the population its rates per 1,000 children divide by.
Authority-scoped, with their change history (who changed what, when)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
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


class ChildPopulation(models.Model):
    """How many children aged 0 to 17 live in the authority in one year, and where the
    figure comes from: what the flows' rates per 1,000 children divide by. Entered by a
    data lead (no published estimates are shipped: docs/process-map.md)."""

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
        help_text="The year of the mid-year estimate, for example 2024.",
    )
    children = models.PositiveIntegerField(
        "children aged 0 to 17",
        validators=[MinValueValidator(1)],
        help_text="All children aged 0 to 17 living in the council area in that year.",
    )
    source = models.CharField(
        max_length=300,
        help_text=(
            "Where the figure comes from, as the rates will say it, for example "
            "“National Records of Scotland, mid-year population estimates 2024”."
        ),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(auto_now=True)

    objects = AuthorityScopedManager["ChildPopulation"]()
    history = ScopedHistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = "children in the population"
        verbose_name_plural = "children in the population"
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "year"], name="child_population_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.children_words} children aged 0 to 17 in {self.year}"

    @property
    def children_words(self) -> str:
        return f"{self.children:,}"
