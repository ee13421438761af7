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

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from permanence.analysis.benchmarking import Section
from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.scope import AuthorityScopedManager


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
        if not self.sections:
            return "shares nothing"
        words = {Section.AIMS: "the aims", Section.SURVIVAL: "time to milestones"}
        words[Section.STAGES] = "where children wait"
        return "shares " + ", ".join(words[s] for s in Section if s in self.sections)


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
