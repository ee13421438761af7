"""A child's sibling group typed in on the child's page, beside the one an import brings.

The import's ``records.Child.sibling_group`` is never written here. Where both give a
group, the case recording system's is used (the precedence rule of docs/meetings.md for
what is entered here) and the one typed in is kept; where the import gives none, the one
typed in is used, by the child's page and by every journeys frame
(``siblings.with_entered_sibling_groups``). Every change is kept with who made it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.history import ScopedHistoricalRecords
from permanence.web.kernel.scope import AuthorityScopedManager
from permanence.web.records.models import Child

#: As long as the import's sibling group (``records.Child.sibling_group``).
GROUP_LENGTH = 64


class EnteredSiblingGroup(models.Model):
    """The sibling group a practitioner recorded the child in."""

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="+")
    group = models.CharField("sibling group", max_length=GROUP_LENGTH)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who typed it in.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuthorityScopedManager["EnteredSiblingGroup"]()
    history = ScopedHistoricalRecords()

    class Meta:
        verbose_name = "sibling group entered here"
        indexes = [models.Index(fields=["authority", "group"])]

    def __str__(self) -> str:
        return f"{self.child} in sibling group {self.group}"
