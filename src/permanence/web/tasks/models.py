"""The record of one piece of long work: what it is, for which authority, how far it has
got, how many times it has been tried, and how it ended.

The queue itself (``django_tasks_db``) holds one row per *attempt*, for the worker; a
``Job`` is what people see: the import and report pack pages follow their job's progress,
and administrators see every job of their authority on the status page. Each belongs to
one authority and is reached only through the authority scope, like children's records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from permanence.web.accounts.models import LocalAuthority
from permanence.web.kernel.scope import AuthorityScopedManager


class Job(models.Model):
    class Kind(models.TextChoices):
        LOAD = "load", "Loading an extract"
        REPORT_PACK = "report_pack", "Making the report pack"
        REPLAN = "replan", "Planning reviews after a change to the records"
        NATIONAL_SNAPSHOT = "national_snapshot", "Rebuilding the national snapshot"
        ALERT_DIGEST = "alert_digest", "Sending the daily alert digest"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        RETRYING = "retrying", "Failed, and will be tried again"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    ACTIVE = (State.QUEUED, State.RUNNING, State.RETRYING)

    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    # Work that must not run twice at once (a batch's load) names itself here.
    key = models.CharField(max_length=100, blank=True)
    arguments = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=4)
    # Which worker runs it ("host:process id") and the queue's id of its current try.
    worker = models.CharField(max_length=100, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # Progress when it last stopped (a running job's live progress is in ``progress``).
    stage = models.CharField(max_length=200, blank=True)
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    objects = AuthorityScopedManager["Job"]()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["authority", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(state__in=["queued", "running", "retrying"]) & ~Q(key=""),
                name="tasks_one_active_job_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display().lower()})"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE

    @property
    def is_finished(self) -> bool:
        return not self.is_active
